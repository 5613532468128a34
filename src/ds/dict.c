/* dict.c — chained hash table with incremental rehash, reverse-binary SCAN cursor,
 * random sampling and keyed SipHash (see include/petrel/ds/dict.h for the shape).
 *
 * Thread: the dict's owner. The hash seed and the resize switch are process-wide,
 * written once at startup (or rarely) and read by every thread.
 *
 * DESIGN
 * - Growth: when used >= buckets (load 1) the table doubles into table[1] and
 *   buckets move over one per operation (dict_rehash(d, 1)); 10 empty buckets count
 *   as one move so an operation never stalls on a sparse table. While rehashing,
 *   lookups search both tables and inserts go to table[1].
 * - Safe iterators and scans pause rehashing (pause_rehash counter), since moving
 *   entries under them could skip or repeat entries.
 * - SCAN: the cursor is a bucket index incremented on its *reversed* bits, i.e.
 *   from the high bit of the mask down. A bucket at index v in a table of 2^n
 *   expands to buckets v, v+2^n, ... in a bigger table and all of them come next in
 *   reverse-binary order, so a table resize between calls neither skips nor (for
 *   growth) repeats buckets already reported. While rehashing, the small table's
 *   bucket is reported and then every bucket of the big table that expands from it.
 */
#include <petrel/ds/dict.h>
#include <petrel/alloc.h>
#include "ds_rand.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

static uint8_t hash_seed[16];
static int resize_enabled = 1;

/* ---- SipHash ---------------------------------------------------------------- */

static inline uint64_t rotl64(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load64_le(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND()                                                    \
	do {                                                          \
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0;              \
		v0 = rotl64(v0, 32);                                  \
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;              \
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;              \
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2;              \
		v2 = rotl64(v2, 32);                                  \
	} while (0)

/* SipHash-c-d over data; nocase folds ASCII A-Z to a-z first. */
static uint64_t siphash(const uint8_t *in, size_t len, const uint8_t key[16], int c, int d,
			int nocase)
{
	uint64_t k0 = load64_le(key), k1 = load64_le(key + 8);
	uint64_t v0 = 0x736f6d6570736575ull ^ k0;
	uint64_t v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0;
	uint64_t v3 = 0x7465646279746573ull ^ k1;
	size_t full = len & ~(size_t)7;
	uint8_t blk[8];

	for (size_t off = 0; off < full; off += 8) {
		uint64_t m;
		if (nocase) {
			for (int i = 0; i < 8; i++) {
				uint8_t ch = in[off + (size_t)i];
				blk[i] = (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + 32) : ch;
			}
			m = load64_le(blk);
		} else {
			m = load64_le(in + off);
		}
		v3 ^= m;
		for (int i = 0; i < c; i++)
			SIPROUND();
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < (len & 7); i++) {
		uint8_t ch = in[full + i];
		if (nocase && ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch + 32);
		b |= (uint64_t)ch << (8 * i);
	}
	v3 ^= b;
	for (int i = 0; i < c; i++)
		SIPROUND();
	v0 ^= b;
	v2 ^= 0xff;
	for (int i = 0; i < d; i++)
		SIPROUND();
	return v0 ^ v1 ^ v2 ^ v3;
}

void dict_set_hash_seed(const uint8_t seed[16])
{
	memcpy(hash_seed, seed, 16);
}

void dict_get_hash_seed(uint8_t seed[16])
{
	memcpy(seed, hash_seed, 16);
}

uint64_t dict_hash_bytes(const void *data, size_t len)
{
	return siphash(data, len, hash_seed, 1, 2, 0);
}

uint64_t dict_hash_bytes_nocase(const void *data, size_t len)
{
	return siphash(data, len, hash_seed, 1, 2, 1);
}

uint64_t dict_lstr_hash(const void *key)
{
	const struct dict_lstr *s = key;
	return dict_hash_bytes(s->data, s->len);
}

int dict_lstr_eq(const void *a, const void *b)
{
	const struct dict_lstr *x = a, *y = b;
	return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

uint64_t dict_siphash24(const void *data, size_t len, const uint8_t key[16])
{
	return siphash(data, len, key, 2, 4, 0);
}

void dict_set_resize_enabled(int enabled)
{
	resize_enabled = enabled;
}

/* ---- basics --------------------------------------------------------------------- */

static inline uint64_t hash_key(const struct dict *d, const void *key)
{
	return d->type->hash(key);
}

static inline int keys_equal(const struct dict *d, const void *a, const void *b)
{
	if (a == b)
		return 1;
	return d->type->key_compare ? d->type->key_compare(a, b) : 0;
}

static void reset_table(struct dict *d, int t)
{
	d->table[t] = NULL;
	d->size[t] = 0;
	d->used[t] = 0;
}

struct dict *dict_create(const struct dict_type *type)
{
	struct dict *d = pmalloc(sizeof(*d));
	d->type = type;
	reset_table(d, 0);
	reset_table(d, 1);
	d->rehashidx = -1;
	d->pause_rehash = 0;
	return d;
}

static void free_entry(struct dict *d, struct dict_entry *de)
{
	if (d->type->key_destructor)
		d->type->key_destructor(de->key);
	if (d->type->val_destructor && !d->type->no_value)
		d->type->val_destructor(de->v.val);
	pfree(de);
}

static void clear_table(struct dict *d, int t)
{
	for (unsigned long i = 0; i < d->size[t] && d->used[t] > 0; i++) {
		struct dict_entry *de = d->table[t][i];
		while (de) {
			struct dict_entry *next = de->next;
			free_entry(d, de);
			d->used[t]--;
			de = next;
		}
	}
	pfree(d->table[t]);
	reset_table(d, t);
}

void dict_empty(struct dict *d)
{
	clear_table(d, 0);
	clear_table(d, 1);
	d->rehashidx = -1;
	d->pause_rehash = 0;
}

void dict_destroy(struct dict **d)
{
	if (!d || !*d)
		return;
	dict_empty(*d);
	pfree(*d);
	*d = NULL;
}

/* ---- sizing and rehash --------------------------------------------------------- */

static unsigned long next_power(unsigned long size)
{
	unsigned long i = DICT_HT_INITIAL_SIZE;
	if (size >= (1ul << 62))
		return 1ul << 62;
	while (i < size)
		i <<= 1;
	return i;
}

int dict_expand(struct dict *d, unsigned long size)
{
	if (dict_is_rehashing(d) || d->used[0] > size)
		return DICT_ERR;
	unsigned long realsize = next_power(size);
	if (realsize == d->size[0])
		return DICT_ERR;
	struct dict_entry **t = pcalloc(realsize, sizeof(*t));
	if (d->table[0] == NULL) {      /* first allocation: no rehash needed */
		d->table[0] = t;
		d->size[0] = realsize;
		d->used[0] = 0;
		return DICT_OK;
	}
	d->table[1] = t;
	d->size[1] = realsize;
	d->used[1] = 0;
	d->rehashidx = 0;
	return DICT_OK;
}

int dict_shrink_to_fit(struct dict *d)
{
	if (dict_is_rehashing(d))
		return DICT_ERR;
	unsigned long minimal = d->used[0];
	if (minimal < DICT_HT_INITIAL_SIZE)
		minimal = DICT_HT_INITIAL_SIZE;
	return dict_expand(d, minimal);
}

int dict_needs_shrink(const struct dict *d)
{
	unsigned long size = dict_buckets(d), used = dict_size(d);
	return size > DICT_HT_INITIAL_SIZE && used * 100 / size < DICT_MIN_FILL;
}

int dict_rehash(struct dict *d, int n)
{
	int empty_visits = n * 10;
	if (!dict_is_rehashing(d))
		return 0;
	while (n-- && d->used[0] != 0) {
		assert((unsigned long)d->rehashidx < d->size[0]);
		while (d->table[0][d->rehashidx] == NULL) {
			d->rehashidx++;
			if (--empty_visits == 0)
				return 1;
		}
		struct dict_entry *de = d->table[0][d->rehashidx];
		while (de) {
			struct dict_entry *next = de->next;
			unsigned long idx = hash_key(d, de->key) & (d->size[1] - 1);
			de->next = d->table[1][idx];
			d->table[1][idx] = de;
			d->used[0]--;
			d->used[1]++;
			de = next;
		}
		d->table[0][d->rehashidx] = NULL;
		d->rehashidx++;
	}
	if (d->used[0] == 0) {
		pfree(d->table[0]);
		d->table[0] = d->table[1];
		d->size[0] = d->size[1];
		d->used[0] = d->used[1];
		reset_table(d, 1);
		d->rehashidx = -1;
		return 0;
	}
	return 1;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int dict_rehash_ms(struct dict *d, int ms)
{
	if (d->pause_rehash > 0)
		return 0;
	uint64_t start = mono_ms();
	int rehashes = 0;
	while (dict_rehash(d, 100)) {
		rehashes += 100;
		if (mono_ms() - start > (uint64_t)ms)
			break;
	}
	return rehashes;
}

static inline void rehash_step(struct dict *d)
{
	if (d->pause_rehash == 0)
		dict_rehash(d, 1);
}

static void expand_if_needed(struct dict *d)
{
	if (dict_is_rehashing(d))
		return;
	if (d->size[0] == 0) {
		dict_expand(d, DICT_HT_INITIAL_SIZE);
		return;
	}
	if (d->used[0] >= d->size[0] &&
	    (resize_enabled || d->used[0] / d->size[0] > DICT_FORCE_RESIZE_RATIO))
		dict_expand(d, d->used[0] + 1);
}

/* ---- add / find / delete ---------------------------------------------------------- */

struct dict_entry *dict_add_raw(struct dict *d, void *key, struct dict_entry **existing)
{
	if (existing)
		*existing = NULL;
	if (dict_is_rehashing(d))
		rehash_step(d);
	expand_if_needed(d);
	uint64_t h = hash_key(d, key);
	for (int t = 0; t <= 1; t++) {
		if (d->size[t] == 0)
			break;
		for (struct dict_entry *de = d->table[t][h & (d->size[t] - 1)]; de; de = de->next) {
			if (keys_equal(d, key, de->key)) {
				if (existing)
					*existing = de;
				return NULL;
			}
		}
		if (!dict_is_rehashing(d))
			break;
	}
	int t = dict_is_rehashing(d) ? 1 : 0;
	unsigned long idx = h & (d->size[t] - 1);
	struct dict_entry *de = pmalloc(d->type->no_value ? offsetof(struct dict_entry, v) : sizeof(*de));
	de->key = d->type->key_dup ? d->type->key_dup(key) : key;
	if (!d->type->no_value)
		de->v.val = NULL;
	de->next = d->table[t][idx];
	d->table[t][idx] = de;
	d->used[t]++;
	return de;
}

void dict_set_val(struct dict *d, struct dict_entry *de, void *val)
{
	if (d->type->no_value)
		return;
	de->v.val = d->type->val_dup ? d->type->val_dup(val) : val;
}

int dict_add(struct dict *d, void *key, void *val)
{
	struct dict_entry *de = dict_add_raw(d, key, NULL);
	if (!de)
		return DICT_ERR;
	dict_set_val(d, de, val);
	return DICT_OK;
}

int dict_replace(struct dict *d, void *key, void *val)
{
	struct dict_entry *existing;
	struct dict_entry *de = dict_add_raw(d, key, &existing);
	if (de) {
		dict_set_val(d, de, val);
		return 1;
	}
	void *old = existing->v.val;
	dict_set_val(d, existing, val);
	if (d->type->val_destructor)
		d->type->val_destructor(old);
	return 0;
}

struct dict_entry *dict_find(struct dict *d, const void *key)
{
	if (dict_size(d) == 0)
		return NULL;
	if (dict_is_rehashing(d))
		rehash_step(d);
	uint64_t h = hash_key(d, key);
	for (int t = 0; t <= 1; t++) {
		if (d->size[t] == 0)
			break;
		for (struct dict_entry *de = d->table[t][h & (d->size[t] - 1)]; de; de = de->next)
			if (keys_equal(d, key, de->key))
				return de;
		if (!dict_is_rehashing(d))
			break;
	}
	return NULL;
}

void *dict_fetch_value(struct dict *d, const void *key)
{
	struct dict_entry *de = dict_find(d, key);
	return de && !d->type->no_value ? de->v.val : NULL;
}

/* Unlink key's entry; returns it, or NULL if absent. */
static struct dict_entry *generic_unlink(struct dict *d, const void *key)
{
	if (dict_size(d) == 0)
		return NULL;
	if (dict_is_rehashing(d))
		rehash_step(d);
	uint64_t h = hash_key(d, key);
	for (int t = 0; t <= 1; t++) {
		if (d->size[t] == 0)
			break;
		unsigned long idx = h & (d->size[t] - 1);
		struct dict_entry *prev = NULL;
		for (struct dict_entry *de = d->table[t][idx]; de; prev = de, de = de->next) {
			if (!keys_equal(d, key, de->key))
				continue;
			if (prev)
				prev->next = de->next;
			else
				d->table[t][idx] = de->next;
			d->used[t]--;
			return de;
		}
		if (!dict_is_rehashing(d))
			break;
	}
	return NULL;
}

int dict_delete(struct dict *d, const void *key)
{
	struct dict_entry *de = generic_unlink(d, key);
	if (!de)
		return DICT_ERR;
	free_entry(d, de);
	return DICT_OK;
}

struct dict_entry *dict_unlink(struct dict *d, const void *key)
{
	return generic_unlink(d, key);
}

void dict_free_unlinked_entry(struct dict *d, struct dict_entry *de)
{
	if (de)
		free_entry(d, de);
}

/* ---- iterators ------------------------------------------------------------------ */

static uint64_t fingerprint(const struct dict *d)
{
	uint64_t parts[6] = { (uint64_t)(uintptr_t)d->table[0], d->size[0], d->used[0],
		(uint64_t)(uintptr_t)d->table[1], d->size[1], d->used[1] };
	uint64_t h = 0;
	for (int i = 0; i < 6; i++) {
		h += parts[i];
		h = (~h) + (h << 21);
		h ^= h >> 24;
		h = (h + (h << 3)) + (h << 8);
		h ^= h >> 14;
		h = (h + (h << 2)) + (h << 4);
		h ^= h >> 28;
		h += h << 31;
	}
	return h;
}

void dict_iter_init(struct dict_iter *it, struct dict *d, int safe)
{
	it->d = d;
	it->index = -1;
	it->table = 0;
	it->safe = safe;
	it->entry = it->next_entry = NULL;
	it->fingerprint = 0;
}

struct dict_entry *dict_iter_next(struct dict_iter *it)
{
	struct dict *d = it->d;
	for (;;) {
		if (it->entry == NULL) {
			if (it->index == -1 && it->table == 0) {
				if (it->safe)
					d->pause_rehash++;
				else
					it->fingerprint = fingerprint(d);
			}
			it->index++;
			if ((unsigned long)it->index >= d->size[it->table]) {
				if (dict_is_rehashing(d) && it->table == 0) {
					it->table++;
					it->index = 0;
				} else {
					break;
				}
			}
			if ((unsigned long)it->index >= d->size[it->table])
				break;
			it->entry = d->table[it->table][it->index];
		} else {
			it->entry = it->next_entry;
		}
		if (it->entry) {
			/* saved now: the caller may delete the entry we return */
			it->next_entry = it->entry->next;
			return it->entry;
		}
	}
	return NULL;
}

void dict_iter_deinit(struct dict_iter *it)
{
	if (!(it->index == -1 && it->table == 0)) {
		if (it->safe)
			it->d->pause_rehash--;
		else
			assert(it->fingerprint == fingerprint(it->d));
	}
}

/* ---- random ------------------------------------------------------------------------ */

struct dict_entry *dict_random_entry(struct dict *d)
{
	struct dict_entry *de, *orig;
	if (dict_size(d) == 0)
		return NULL;
	if (dict_is_rehashing(d))
		rehash_step(d);
	if (dict_is_rehashing(d)) {
		/* buckets of table[0] below rehashidx are empty: skip them */
		do {
			unsigned long span = d->size[0] + d->size[1] - (unsigned long)d->rehashidx;
			unsigned long h = (unsigned long)d->rehashidx + ds_rand_below(span);
			de = h >= d->size[0] ? d->table[1][h - d->size[0]] : d->table[0][h];
		} while (de == NULL);
	} else {
		do {
			de = d->table[0][ds_rand_below(d->size[0])];
		} while (de == NULL);
	}
	unsigned len = 0;
	for (orig = de; de; de = de->next)
		len++;
	unsigned pick = (unsigned)ds_rand_below(len);
	de = orig;
	while (pick--)
		de = de->next;
	return de;
}

unsigned dict_sample_entries(struct dict *d, struct dict_entry **des, unsigned count)
{
	unsigned long stored = 0, maxsizemask, maxsteps;

	if (dict_size(d) < count)
		count = (unsigned)dict_size(d);
	maxsteps = (unsigned long)count * 10;
	for (unsigned j = 0; j < count; j++) {
		if (dict_is_rehashing(d))
			rehash_step(d);
		else
			break;
	}
	int tables = dict_is_rehashing(d) ? 2 : 1;
	maxsizemask = d->size[0] - 1;
	if (tables > 1 && d->size[1] - 1 > maxsizemask)
		maxsizemask = d->size[1] - 1;

	unsigned long i = ds_rand64() & maxsizemask;
	unsigned long emptylen = 0;
	while (stored < count && maxsteps--) {
		for (int t = 0; t < tables; t++) {
			/* table[0] buckets below rehashidx were moved: skip them */
			if (tables == 2 && t == 0 && i < (unsigned long)d->rehashidx) {
				if (i >= d->size[1])
					i = (unsigned long)d->rehashidx;
				else
					continue;
			}
			if (i >= d->size[t])
				continue;
			struct dict_entry *de = d->table[t][i];
			if (de == NULL) {
				emptylen++;
				/* a long empty run: jump elsewhere */
				if (emptylen >= 5 && emptylen > count) {
					i = ds_rand64() & maxsizemask;
					emptylen = 0;
				}
			} else {
				emptylen = 0;
				while (de) {
					*des++ = de;
					de = de->next;
					if (++stored == count)
						return (unsigned)stored;
				}
			}
		}
		i = (i + 1) & maxsizemask;
	}
	return (unsigned)stored;
}

#define FAIR_SAMPLE 15

struct dict_entry *dict_fair_random_entry(struct dict *d)
{
	struct dict_entry *entries[FAIR_SAMPLE];
	unsigned n = dict_sample_entries(d, entries, FAIR_SAMPLE);
	if (n == 0)
		return dict_random_entry(d);
	return entries[ds_rand_below(n)];
}

/* ---- scan -------------------------------------------------------------------------- */

/* Reverse the bits of a 64-bit word (swap halves, then quarters, ...). */
static inline unsigned long rev(unsigned long v)
{
	uint64_t x = v;
	x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
	x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
	x = ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x & 0x0F0F0F0F0F0F0F0Full) << 4);
	x = __builtin_bswap64(x);
	return (unsigned long)x;
}

unsigned long dict_scan(struct dict *d, unsigned long v, dict_scan_fn fn, void *privdata)
{
	if (dict_size(d) == 0)
		return 0;
	d->pause_rehash++;
	if (!dict_is_rehashing(d)) {
		unsigned long m0 = d->size[0] - 1;
		for (struct dict_entry *de = d->table[0][v & m0]; de;) {
			struct dict_entry *next = de->next;
			fn(privdata, de);
			de = next;
		}
		v |= ~m0;       /* set unmasked bits so the reversed +1 carries through */
		v = rev(v);
		v++;
		v = rev(v);
	} else {
		int small = d->size[0] <= d->size[1] ? 0 : 1, big = 1 - small;
		unsigned long m0 = d->size[small] - 1, m1 = d->size[big] - 1;
		for (struct dict_entry *de = d->table[small][v & m0]; de;) {
			struct dict_entry *next = de->next;
			fn(privdata, de);
			de = next;
		}
		/* every bucket of the big table that expands from the small one's */
		do {
			for (struct dict_entry *de = d->table[big][v & m1]; de;) {
				struct dict_entry *next = de->next;
				fn(privdata, de);
				de = next;
			}
			v |= ~m1;
			v = rev(v);
			v++;
			v = rev(v);
		} while (v & (m0 ^ m1));
	}
	d->pause_rehash--;
	return v;
}

struct scan_keys {
	void **v;
	size_t n, cap;
};

static void scan_keys_add(void *privdata, const struct dict_entry *de)
{
	struct scan_keys *a = privdata;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = prealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = de->key;
}

void **dict_scan_keys(struct dict *d, unsigned long *cursor, long count, size_t *n)
{
	struct scan_keys acc = {0};
	long maxiter = count * 10;
	unsigned long cur = *cursor;
	do {
		cur = dict_scan(d, cur, scan_keys_add, &acc);
	} while (cur && maxiter-- && acc.n < (size_t)count);
	*cursor = cur;
	*n = acc.n;
	return acc.v;
}
