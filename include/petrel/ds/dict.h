/* dict.h — chained hash table with incremental rehash, a SCAN cursor with
 * Redis's guarantees, random and fair random sampling, and a keyed SipHash-1-2.
 *
 * Shape:
 *
 *   struct dict
 *     table[0] --> [b0][b1][b2][b3]          (power-of-two buckets)
 *                   |       |
 *                 entry -> entry -> NULL     (chained; new entries at the head)
 *     table[1] --> bigger/smaller table while rehashing; rehashidx = next bucket
 *                  of table[0] to move. Every lookup/insert/delete moves one bucket
 *                  (unless iterators paused it); new entries go to table[1].
 *
 * Ownership: the dict frees keys and values through its type's destructors
 * (NULL destructor = the dict does not own them). key_dup/val_dup, when set,
 * copy what the caller passes in.
 *
 * Thread: a dict belongs to one thread (its shard); no internal locking.
 * dict_set_hash_seed must run once at startup, before any thread hashes.
 */
#ifndef PETREL_DS_DICT_H
#define PETREL_DS_DICT_H

#include <stddef.h>
#include <stdint.h>

struct dict_entry {
	void *key;
	struct dict_entry *next;
	/* Absent (not allocated) in dicts whose type sets no_value: sets. */
	union {
		void *val;
		uint64_t u64;
		int64_t s64;
		double d;
	} v;
};

struct dict_type {
	uint64_t (*hash)(const void *key);
	/* 1 if equal. NULL: keys are compared by pointer. */
	int (*key_compare)(const void *a, const void *b);
	void *(*key_dup)(const void *key);              /* may be NULL */
	void *(*val_dup)(const void *val);              /* may be NULL */
	void (*key_destructor)(void *key);              /* may be NULL */
	void (*val_destructor)(void *val);              /* may be NULL */
	/* Keys only (a set): entries are allocated without `v` (16 bytes, not
	 * 24); dict_add/dict_set_val ignore the value; never read de->v. */
	int no_value;
};

struct dict {
	const struct dict_type *type;
	struct dict_entry **table[2];
	unsigned long size[2];          /* buckets: 0 or a power of two */
	unsigned long used[2];
	long rehashidx;                 /* -1 when not rehashing */
	int pause_rehash;               /* > 0: safe iterators or scans are running */
};

#define DICT_OK 0
#define DICT_ERR (-1)
#define DICT_HT_INITIAL_SIZE 4
/* Without resize permission a table still grows past this load factor. */
#define DICT_FORCE_RESIZE_RATIO 5
/* Redis HASHTABLE_MIN_FILL: below used/size = 10% a table may shrink. */
#define DICT_MIN_FILL 10

/* Create an empty dict (no buckets until the first add). type is borrowed and must
 * outlive the dict. */
struct dict *dict_create(const struct dict_type *type);
/* Free every entry (running destructors), the tables and *d; set *d = NULL. */
void dict_destroy(struct dict **d);
/* Remove every entry (running destructors), keep the dict. */
void dict_empty(struct dict *d);

static inline unsigned long dict_size(const struct dict *d)
{
	return d->used[0] + d->used[1];
}

static inline unsigned long dict_buckets(const struct dict *d)
{
	return d->size[0] + d->size[1];
}

static inline int dict_is_rehashing(const struct dict *d)
{
	return d->rehashidx != -1;
}

/* Add key -> val. Returns DICT_OK, or DICT_ERR if the key exists (nothing changes;
 * nothing is duplicated or freed). */
int dict_add(struct dict *d, void *key, void *val);
/* Add key with no value set yet. Returns the new entry, or NULL if key exists and
 * then *existing (may be NULL) points at the existing entry. Set the value with
 * dict_set_val (or directly for the u64/s64/d union members). */
struct dict_entry *dict_add_raw(struct dict *d, void *key, struct dict_entry **existing);
/* Add or overwrite. Returns 1 if added, 0 if an existing value was replaced (the
 * old value is destroyed after the new one is set, so val may equal the old). */
int dict_replace(struct dict *d, void *key, void *val);
void dict_set_val(struct dict *d, struct dict_entry *de, void *val);

struct dict_entry *dict_find(struct dict *d, const void *key);
/* Value for key, or NULL. */
void *dict_fetch_value(struct dict *d, const void *key);
/* Delete key, running destructors. DICT_OK or DICT_ERR if absent. */
int dict_delete(struct dict *d, const void *key);
/* Remove the entry from the table without freeing it; return it (NULL if absent).
 * The caller must pass it to dict_free_unlinked_entry. */
struct dict_entry *dict_unlink(struct dict *d, const void *key);
void dict_free_unlinked_entry(struct dict *d, struct dict_entry *de);

/* Grow (or create) to the smallest power of two >= size. DICT_ERR if rehashing,
 * if size < the number of entries, or if nothing would change. */
int dict_expand(struct dict *d, unsigned long size);
/* Shrink to the smallest power of two holding every entry (>= 4). */
int dict_shrink_to_fit(struct dict *d);
/* 1 when the fill is under DICT_MIN_FILL percent (Redis htNeedsResize). */
int dict_needs_shrink(const struct dict *d);
/* Move up to n buckets (visiting at most 10*n empty ones). Returns 1 if more
 * remain, 0 when rehashing is done. */
int dict_rehash(struct dict *d, int n);
/* Rehash in steps of 100 buckets for about ms milliseconds; returns steps*100. */
int dict_rehash_ms(struct dict *d, int ms);
/* Process-wide: 0 stops growth below DICT_FORCE_RESIZE_RATIO (Redis sets it while
 * a child process runs; petrel never forks, so this stays 1 by default). */
void dict_set_resize_enabled(int enabled);

/* Iteration. A safe iterator allows dict_delete/add on the dict while iterating
 * (it pauses rehashing); an unsafe one asserts the dict was not modified.
 *   struct dict_iter it; dict_iter_init(&it, d, 0);
 *   while ((de = dict_iter_next(&it))) ...
 *   dict_iter_deinit(&it);   (always, also when stopping early) */
struct dict_iter {
	struct dict *d;
	long index;
	int table;
	int safe;
	struct dict_entry *entry, *next_entry;
	uint64_t fingerprint;
};
void dict_iter_init(struct dict_iter *it, struct dict *d, int safe);
struct dict_entry *dict_iter_next(struct dict_iter *it);
void dict_iter_deinit(struct dict_iter *it);

/* A random entry (NULL if empty). Not uniform: chain length biases it. */
struct dict_entry *dict_random_entry(struct dict *d);
/* Sample up to count distinct-ish entries into des (fast, may return fewer, may
 * repeat entries only across calls). Returns how many were stored. */
unsigned dict_sample_entries(struct dict *d, struct dict_entry **des, unsigned count);
/* A random entry with much fairer distribution (Redis dictGetFairRandomKey). */
struct dict_entry *dict_fair_random_entry(struct dict *d);

/* SCAN. Start with cursor 0; call with each returned cursor until it returns 0.
 * Guarantees (as Redis): every entry present for the whole scan is reported at
 * least once, even across rehashing; entries may be reported more than once.
 * fn must not modify the dict. */
typedef void (*dict_scan_fn)(void *privdata, const struct dict_entry *de);
unsigned long dict_scan(struct dict *d, unsigned long cursor, dict_scan_fn fn, void *privdata);
/* One HSCAN/SSCAN/ZSCAN step: dict_scan from *cursor until count keys are
 * collected, the scan ends or count * 10 more buckets were visited (as Redis).
 * Returns the keys (pfree the array; NULL when none), their number in *n, and
 * the next cursor in *cursor. */
void **dict_scan_keys(struct dict *d, unsigned long *cursor, long count, size_t *n);

/* Hashing: keyed SipHash-1-2 (the variant Redis uses) with the process seed. */
void dict_set_hash_seed(const uint8_t seed[16]);
void dict_get_hash_seed(uint8_t seed[16]);
uint64_t dict_hash_bytes(const void *data, size_t len);
/* Same, ASCII case-insensitively (command names, config keys). */
uint64_t dict_hash_bytes_nocase(const void *data, size_t len);
/* A length-prefixed byte string as a dict key (hash fields, set members,
 * accumulators): the dict hashes and compares the bytes, and a key_destructor
 * of pfree frees the block. */
struct dict_lstr {
	uint32_t len;
	char data[];
};
uint64_t dict_lstr_hash(const void *key);
int dict_lstr_eq(const void *a, const void *b);
/* Reference SipHash-2-4 with an explicit key (test vectors check the core). */
uint64_t dict_siphash24(const void *data, size_t len, const uint8_t key[16]);

#endif
