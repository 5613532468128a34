/* keyspace.h — databases as arrays of per-slot hash tables (DESIGN.md 2).
 *
 *   ks_dbs[db] -> struct ks_db { t[16384] } -> struct ks_table (lazily) ->
 *       buckets[mask+1] -> struct kv -> kv->next -> ...
 *
 * Each slot's table is owned by the shard that owns the slot; a coordinator
 * that holds that shard (shard/hold.c) may touch it too. Nothing here locks.
 * Chained buckets with power-of-two sizes let SCAN use Redis's reverse-binary
 * cursor inside a slot, which keeps SCAN's guarantee across resizes.
 *
 * Thread: owner of the slot (see shard.h); ks_setup before threads start.
 */
#ifndef PETREL_KEYSPACE_H
#define PETREL_KEYSPACE_H

#include <petrel/kv.h>
#include <petrel/slot.h>

#include <stdint.h>

struct ks_table {
	struct kv **b;
	uint32_t mask;          /* buckets - 1 */
	uint32_t count;         /* keys (read racily by other shards: SCAN skip, DBSIZE) */
	uint32_t expires;       /* keys with a TTL */
};

/* Tables are inline (not pointers): a lookup goes slot -> buckets without a
 * cache miss on a separate table header. b == NULL: the slot has no table yet. */
struct ks_db {
	struct ks_table t[SLOT_COUNT];
};

extern struct ks_db **ks_dbs;
extern int ks_ndbs;
/* Keys with a TTL per db over all slots (relaxed atomic; for skipping work). */
extern long long *ks_volatile;

void ks_setup(int databases);
void ks_teardown(void);

uint64_t ks_hash(const char *key, size_t len);

/* Find key in db. Returns the kv (expired or not: callers decide) or NULL.
 * ref, if not NULL, receives the link that points at the kv (for unlink or
 * replace); on a miss, the bucket head for ks_insert_at (or NULL). */
struct kv *ks_find(int db, unsigned slot, const char *key, size_t klen, struct kv ***ref);
/* Insert kv at the link ks_find left in *ref on a miss (saves re-hashing).
 * Valid only if nothing was inserted into the slot since that ks_find. */
void ks_insert_at(int db, unsigned slot, struct kv **ref, struct kv *kv);
/* Insert a kv whose key is not in db. */
void ks_insert(int db, unsigned slot, struct kv *kv);
/* Put nkv where *ref's kv was (same key). Returns the old kv, not freed. */
struct kv *ks_replace(int db, unsigned slot, struct kv **ref, struct kv *nkv);
/* Remove the kv at *ref from the table; returns it, not freed. */
struct kv *ks_unlink(int db, unsigned slot, struct kv **ref);
/* Set or clear a key's TTL in place (the kv may move). Returns the kv. */
struct kv *ks_set_expire(int db, unsigned slot, struct kv **ref, long long expire);

/* The slot's table, or NULL when it has none yet. */
static inline struct ks_table *ks_table_of(int db, unsigned slot)
{
	struct ks_table *t = &ks_dbs[db]->t[slot];
	return __atomic_load_n(&t->b, __ATOMIC_ACQUIRE) ? t : NULL;
}

static inline uint32_t ks_slot_count(int db, unsigned slot)
{
	return __atomic_load_n(&ks_dbs[db]->t[slot].count, __ATOMIC_RELAXED);
}

/* Visit kvs of a slot from cursor; stops after at least `count` visited
 * buckets' entries. Returns the next cursor (0 = slot done). */
typedef void (*ks_visit_fn)(void *arg, struct kv *kv);
unsigned long ks_scan_slot(int db, unsigned slot, unsigned long cursor, long count,
			   ks_visit_fn fn, void *arg);
/* A random kv of the slot or NULL. */
struct kv *ks_random_in_slot(int db, unsigned slot, uint64_t rnd);

/* Drop every key of a slot / a db (frees kvs). */
void ks_flush_slot(int db, unsigned slot);
/* Exchange two dbs (SWAPDB); caller holds every shard. */
void ks_swap(int a, int b);

/* Totals over slots (exact when the caller holds the owners). */
uint64_t ks_db_keys(int db);
uint64_t ks_db_expires(int db);

#endif
