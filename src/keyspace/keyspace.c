/* keyspace.c — per-slot chained hash tables (see include/petrel/keyspace.h).
 *
 * Thread: owner of each slot; ks_setup/ks_teardown on the main thread.
 *
 * DESIGN: a slot's table grows by doubling when count exceeds buckets and
 * shrinks when count < buckets/8. Slots are small (16384 of them share the
 * keyspace), so a resize moves few entries and needs no incremental rehash;
 * a single huge slot (everything under one hashtag) pays one O(n) resize.
 */
#include <petrel/keyspace.h>
#include <petrel/alloc.h>

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct ks_db **ks_dbs;
int ks_ndbs;
long long *ks_volatile;         /* per db: keys with a TTL, all slots (atomic) */

static inline void vol_add(struct ks_table *t, int db, int d)
{
	t->expires += (uint32_t)d;
	__atomic_add_fetch(&ks_volatile[db], d, __ATOMIC_RELAXED);
}
static uint64_t hash_seed;

void ks_setup(int databases)
{
	ks_ndbs = databases;
	ks_dbs = pcalloc((size_t)databases, sizeof(*ks_dbs));
	ks_volatile = pcalloc((size_t)databases, sizeof(*ks_volatile));
	for (int i = 0; i < databases; i++)
		ks_dbs[i] = pcalloc(1, sizeof(struct ks_db));
	if (getrandom(&hash_seed, sizeof(hash_seed), 0) != sizeof(hash_seed))
		hash_seed = 0x9e3779b97f4a7c15ULL;
}

void ks_teardown(void)
{
	for (int i = 0; i < ks_ndbs; i++) {
		for (unsigned s = 0; s < SLOT_COUNT; s++)
			ks_flush_slot(i, s);
		for (unsigned s = 0; s < SLOT_COUNT; s++)
			pfree(ks_dbs[i]->t[s].b);
		pfree(ks_dbs[i]);
	}
	pfree(ks_dbs);
	pfree(ks_volatile);
	ks_dbs = NULL;
	ks_volatile = NULL;
	ks_ndbs = 0;
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

/* A seeded multiply-xorshift hash over 8-byte words. */
uint64_t ks_hash(const char *key, size_t len)
{
	uint64_t h = hash_seed ^ (len * 0x9e3779b97f4a7c15ULL);
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, key + i, 8);
		h = (h ^ mix(w)) * 0xff51afd7ed558ccdULL;
	}
	uint64_t w = 0;
	memcpy(&w, key + i, len - i);
	h ^= mix(w ^ ((uint64_t)(len - i) << 56));
	return mix(h);
}

static struct ks_table *table(int db, unsigned slot, int create)
{
	struct ks_table *t = &ks_dbs[db]->t[slot];
	if (!t->b) {
		if (!create)
			return NULL;
		t->mask = 3;
		__atomic_store_n(&t->b, pcalloc(4, sizeof(struct kv *)), __ATOMIC_RELEASE);
	}
	return t;
}

static inline int key_eq(const struct kv *kv, const char *key, size_t klen)
{
	size_t n;
	const char *k = kv_key(kv, &n);
	return n == klen && memcmp(k, key, klen) == 0;
}

struct kv *ks_find(int db, unsigned slot, const char *key, size_t klen, struct kv ***ref)
{
	struct ks_table *t = ks_table_of(db, slot);
	if (ref)
		*ref = NULL;
	if (!t)
		return NULL;
	struct kv **head = &t->b[ks_hash(key, klen) & t->mask];
	if (ref)
		*ref = head;    /* on a miss: where ks_insert_at links a new key */
	for (struct kv **link = head; *link; link = &(*link)->next) {
		if (key_eq(*link, key, klen)) {
			if (ref)
				*ref = link;
			return *link;
		}
	}
	return NULL;
}

void ks_insert_at(int db, unsigned slot, struct kv **ref, struct kv *kv)
{
	struct ks_table *t = ks_table_of(db, slot);
	if (!ref || !t || t->count >= t->mask + 1) {
		ks_insert(db, slot, kv);        /* no table yet, or it must grow */
		return;
	}
	kv->next = *ref;
	*ref = kv;
	__atomic_store_n(&t->count, t->count + 1, __ATOMIC_RELAXED);
	if (kv_has_expire(kv))
		vol_add(t, db, 1);
}

static void resize(struct ks_table *t, uint32_t buckets)
{
	struct kv **nb = pcalloc(buckets, sizeof(*nb));
	uint32_t nmask = buckets - 1;
	for (uint32_t i = 0; i <= t->mask; i++) {
		struct kv *kv = t->b[i];
		while (kv) {
			struct kv *next = kv->next;
			size_t klen;
			const char *k = kv_key(kv, &klen);
			struct kv **slotp = &nb[ks_hash(k, klen) & nmask];
			kv->next = *slotp;
			*slotp = kv;
			kv = next;
		}
	}
	pfree(t->b);
	t->b = nb;
	t->mask = nmask;
}

void ks_insert(int db, unsigned slot, struct kv *kv)
{
	struct ks_table *t = table(db, slot, 1);
	if (t->count >= t->mask + 1)
		resize(t, (t->mask + 1) * 2);
	size_t klen;
	const char *k = kv_key(kv, &klen);
	struct kv **link = &t->b[ks_hash(k, klen) & t->mask];
	kv->next = *link;
	*link = kv;
	__atomic_store_n(&t->count, t->count + 1, __ATOMIC_RELAXED);
	if (kv_has_expire(kv))
		vol_add(t, db, 1);
}

struct kv *ks_replace(int db, unsigned slot, struct kv **ref, struct kv *nkv)
{
	struct ks_table *t = ks_table_of(db, slot);
	struct kv *old = *ref;
	nkv->next = old->next;
	*ref = nkv;
	int d = kv_has_expire(nkv) - kv_has_expire(old);
	if (d)
		vol_add(t, db, d);
	return old;
}

static void maybe_shrink(struct ks_table *t)
{
	if (t->mask > 3 && t->count < (t->mask + 1) / 8)
		resize(t, (t->mask + 1) / 2);
}

struct kv *ks_unlink(int db, unsigned slot, struct kv **ref)
{
	struct ks_table *t = ks_table_of(db, slot);
	struct kv *kv = *ref;
	*ref = kv->next;
	kv->next = NULL;
	__atomic_store_n(&t->count, t->count - 1, __ATOMIC_RELAXED);
	if (kv_has_expire(kv))
		vol_add(t, db, -1);
	maybe_shrink(t);
	return kv;
}

struct kv *ks_set_expire(int db, unsigned slot, struct kv **ref, long long expire)
{
	struct ks_table *t = ks_table_of(db, slot);
	struct kv *old = *ref;
	int had = kv_has_expire(old);
	struct kv *n = kv_with_expire(old, expire);    /* frees old if it moved */
	*ref = n;
	if (had && expire < 0)
		vol_add(t, db, -1);
	else if (!had && expire >= 0)
		vol_add(t, db, 1);
	return n;
}

static uint64_t rev64(uint64_t v)
{
	v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
	v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
	v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
	return __builtin_bswap64(v);
}

/* Reverse-binary increment of v over the bits in mask (Redis's SCAN order:
 * a cursor stays valid when the table doubles or halves in between). */
static unsigned long rev_next(unsigned long v, unsigned long mask)
{
	v |= ~mask;
	v = rev64(v);
	v++;
	return rev64(v);
}

unsigned long ks_scan_slot(int db, unsigned slot, unsigned long cursor, long count,
			   ks_visit_fn fn, void *arg)
{
	struct ks_table *t = ks_table_of(db, slot);
	if (!t || !t->count)
		return 0;
	long seen = 0;
	do {
		/* Collect first: fn may delete the entry (lazy expiry). */
		struct kv *batch[64];
		int n = 0;
		for (struct kv *kv = t->b[cursor & t->mask]; kv && n < 64; kv = kv->next)
			batch[n++] = kv;
		for (int i = 0; i < n; i++)
			fn(arg, batch[i]);
		seen += n;
		cursor = rev_next(cursor, t->mask);
	} while (cursor && seen < count);
	return cursor;
}

struct kv *ks_random_in_slot(int db, unsigned slot, uint64_t rnd)
{
	struct ks_table *t = ks_table_of(db, slot);
	if (!t || !t->count)
		return NULL;
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t i = (uint32_t)(rnd + (uint64_t)tries * 0x9e3779b9u) & t->mask;
		struct kv *kv = t->b[i];
		if (!kv)
			continue;
		uint32_t len = 0;
		for (struct kv *k = kv; k; k = k->next)
			len++;
		uint32_t pick = (uint32_t)(rnd >> 32) % len;
		while (pick--)
			kv = kv->next;
		return kv;
	}
	for (uint32_t i = 0; i <= t->mask; i++)
		if (t->b[i])
			return t->b[i];
	return NULL;
}

void ks_flush_slot(int db, unsigned slot)
{
	struct ks_table *t = ks_table_of(db, slot);
	if (!t || !t->count)
		return;
	for (uint32_t i = 0; i <= t->mask; i++) {
		struct kv *kv = t->b[i];
		while (kv) {
			struct kv *next = kv->next;
			kv_free(kv);
			kv = next;
		}
		t->b[i] = NULL;
	}
	__atomic_store_n(&t->count, 0, __ATOMIC_RELAXED);
	if (t->expires)
		vol_add(t, db, -(int)t->expires);
	if (t->mask > 3) {
		pfree(t->b);
		t->mask = 3;
		t->b = pcalloc(4, sizeof(struct kv *));
	}
}

void ks_swap(int a, int b)
{
	struct ks_db *tmp = ks_dbs[a];
	ks_dbs[a] = ks_dbs[b];
	ks_dbs[b] = tmp;
	long long v = ks_volatile[a];
	ks_volatile[a] = ks_volatile[b];
	ks_volatile[b] = v;
}

uint64_t ks_db_keys(int db)
{
	uint64_t n = 0;
	for (unsigned s = 0; s < SLOT_COUNT; s++)
		n += ks_slot_count(db, s);
	return n;
}

uint64_t ks_db_expires(int db)
{
	uint64_t n = 0;
	struct ks_db *d = ks_dbs[db];
	for (unsigned s = 0; s < SLOT_COUNT; s++) {
		n += d->t[s].expires;
	}
	return n;
}
