/* test_ds_dict.c — unit tests for src/ds/dict.c: SipHash vectors, add/find/delete
 * across rehashing, iterators, SCAN guarantees under growth and shrink, sampling,
 * destructors, and a random differential test against a flat array.
 *
 * Thread: single (cmocka main thread). Teardown restores the hash seed.
 */
#include <petrel/ds/dict.h>
#include <petrel/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint64_t rng_state = 0xC0FFEE1234567ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* integer keys stored in the pointer */
static uint64_t int_hash(const void *k)
{
	uintptr_t v = (uintptr_t)k;
	return dict_hash_bytes(&v, sizeof(v));
}

static const struct dict_type int_type = { .hash = int_hash };

/* heap string keys and values with counted destructors */
static int str_frees, val_frees;
static uint64_t str_hash(const void *k)
{
	return dict_hash_bytes(k, strlen(k));
}
static int str_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}
static void *str_dup(const void *k)
{
	return pstrdup(k);
}
static void str_free(void *k)
{
	str_frees++;
	pfree(k);
}
static void val_free(void *v)
{
	val_frees++;
	pfree(v);
}
static const struct dict_type str_type = {
	.hash = str_hash, .key_compare = str_eq, .key_dup = str_dup,
	.key_destructor = str_free, .val_destructor = val_free,
};

#define K(i) ((void *)(uintptr_t)(i))

static uint8_t saved_seed[16];
static int setup(void **state)
{
	(void)state;
	uint8_t seed[16];
	dict_get_hash_seed(saved_seed);
	for (int i = 0; i < 16; i++)
		seed[i] = (uint8_t)(i * 7 + 3);
	dict_set_hash_seed(seed);
	return 0;
}
static int teardown(void **state)
{
	(void)state;
	dict_set_hash_seed(saved_seed);
	dict_set_resize_enabled(1);
	return 0;
}

static void test_dict_siphash_vectors(void **state)
{
	(void)state;
	uint8_t key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	/* from the SipHash paper / reference vectors.h */
	assert_true(dict_siphash24(msg, 0, key) == 0x726fdb47dd0e0e31ull);
	assert_true(dict_siphash24(msg, 15, key) == 0xa129ca6149be45e5ull);
	assert_true(dict_hash_bytes_nocase("HeLLo-World_123", 15) ==
		    dict_hash_bytes("hello-world_123", 15));
	assert_true(dict_hash_bytes("a", 1) != dict_hash_bytes("b", 1));
}

static void test_dict_add_find_delete_strings(void **state)
{
	(void)state;
	str_frees = val_frees = 0;
	struct dict *d = dict_create(&str_type);
	char key[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key:%d", i);
		assert_int_equal(dict_add(d, key, pstrdup("v")), DICT_OK);
	}
	assert_int_equal(dict_size(d), 1000);
	void *dupval = pstrdup("x");
	assert_int_equal(dict_add(d, "key:5", dupval), DICT_ERR);
	pfree(dupval);
	assert_int_equal(dict_replace(d, "key:5", pstrdup("new")), 0);
	assert_int_equal(val_frees, 1);
	assert_string_equal(dict_fetch_value(d, "key:5"), "new");
	assert_int_equal(dict_replace(d, "fresh", pstrdup("f")), 1);
	assert_null(dict_find(d, "nope"));
	assert_int_equal(dict_delete(d, "key:7"), DICT_OK);
	assert_int_equal(dict_delete(d, "key:7"), DICT_ERR);
	assert_int_equal(str_frees, 1);
	struct dict_entry *de = dict_unlink(d, "key:8");
	assert_non_null(de);
	assert_string_equal(de->key, "key:8");
	assert_null(dict_find(d, "key:8"));
	dict_free_unlinked_entry(d, de);
	assert_int_equal(str_frees, 2);
	struct dict_entry *existing;
	assert_null(dict_add_raw(d, "key:9", &existing));
	assert_non_null(existing);
	assert_int_equal(dict_size(d), 999);
	dict_destroy(&d);
	assert_null(d);
	assert_int_equal(str_frees, 1001);
	assert_int_equal(val_frees, 1002);    /* 1000 + "new" + "f" */
	dict_destroy(&d);
}

static void test_dict_rehash_incremental(void **state)
{
	(void)state;
	struct dict *d = dict_create(&int_type);
	int saw_rehash = 0;
	for (uintptr_t i = 1; i <= 5000; i++) {
		assert_int_equal(dict_add(d, K(i), K(i * 2)), DICT_OK);
		if (dict_is_rehashing(d)) {
			saw_rehash = 1;
			/* every key stays findable mid-rehash */
			uintptr_t probe = 1 + rnd() % i;
			assert_ptr_equal(dict_fetch_value(d, K(probe)), K(probe * 2));
		}
	}
	assert_true(saw_rehash);
	while (dict_rehash(d, 100))
		;
	assert_int_equal(dict_buckets(d), 8192);
	for (uintptr_t i = 1; i <= 4900; i++)
		assert_int_equal(dict_delete(d, K(i)), DICT_OK);
	assert_true(dict_needs_shrink(d));
	assert_int_equal(dict_shrink_to_fit(d), DICT_OK);
	dict_rehash_ms(d, 100);
	assert_false(dict_is_rehashing(d));
	assert_int_equal(dict_buckets(d), 128);
	for (uintptr_t i = 4901; i <= 5000; i++)
		assert_ptr_equal(dict_fetch_value(d, K(i)), K(i * 2));
	/* resize disabled: no growth until the load factor passes 5 */
	dict_set_resize_enabled(0);
	for (uintptr_t i = 10001; i <= 10500; i++)
		dict_add(d, K(i), NULL);
	assert_true(dict_buckets(d) == 128 || dict_is_rehashing(d));
	for (uintptr_t i = 10501; i <= 11000; i++)
		dict_add(d, K(i), NULL);
	assert_true(dict_buckets(d) > 128);
	dict_set_resize_enabled(1);
	dict_destroy(&d);
}

static void test_dict_iterators(void **state)
{
	(void)state;
	struct dict *d = dict_create(&int_type);
	for (uintptr_t i = 1; i <= 777; i++)
		dict_add(d, K(i), NULL);
	assert_true(dict_is_rehashing(d));      /* 777 > 512: growing to 1024 */
	static unsigned char seen[778];
	memset(seen, 0, sizeof(seen));
	struct dict_iter it;
	struct dict_entry *de;
	dict_iter_init(&it, d, 0);
	while ((de = dict_iter_next(&it))) {
		uintptr_t k = (uintptr_t)de->key;
		assert_true(k >= 1 && k <= 777);
		assert_int_equal(seen[k], 0);
		seen[k] = 1;
	}
	dict_iter_deinit(&it);
	for (int i = 1; i <= 777; i++)
		assert_int_equal(seen[i], 1);
	/* safe iterator deleting every returned entry */
	unsigned long n = 0;
	dict_iter_init(&it, d, 1);
	while ((de = dict_iter_next(&it))) {
		assert_int_equal(dict_delete(d, de->key), DICT_OK);
		n++;
	}
	dict_iter_deinit(&it);
	assert_int_equal(n, 777);
	assert_int_equal(dict_size(d), 0);
	assert_int_equal(d->pause_rehash, 0);
	/* empty dict iteration */
	dict_iter_init(&it, d, 1);
	assert_null(dict_iter_next(&it));
	dict_iter_deinit(&it);
	dict_destroy(&d);
}

struct scan_state {
	unsigned char *seen;
	unsigned long calls;
};
static void scan_cb(void *priv, const struct dict_entry *de)
{
	struct scan_state *s = priv;
	s->seen[(uintptr_t)de->key] = 1;
	s->calls++;
}

static void scan_with_churn(int grow)
{
	enum { N = 3000, EXTRA = 20000 };
	struct dict *d = dict_create(&int_type);
	unsigned char *seen = pcalloc(N + EXTRA + 1, 1);
	for (uintptr_t i = 1; i <= N; i++)
		dict_add(d, K(i), NULL);
	/* keys 1..N/2 stay for the whole scan; the rest come and go */
	struct scan_state st = { seen, 0 };
	unsigned long cursor = 0;
	uintptr_t next_extra = N + 1;
	int steps = 0;
	do {
		cursor = dict_scan(d, cursor, scan_cb, &st);
		steps++;
		if (grow) {
			for (int k = 0; k < 40 && next_extra <= N + EXTRA; k++)
				dict_add(d, K(next_extra++), NULL);
		} else {
			for (int k = 0; k < 10; k++) {
				uintptr_t victim = N / 2 + 1 + rnd() % (N / 2);
				dict_delete(d, K(victim));
			}
			if (dict_needs_shrink(d) && !dict_is_rehashing(d))
				dict_shrink_to_fit(d);
		}
	} while (cursor != 0);
	for (uintptr_t i = 1; i <= N / 2; i++)
		assert_int_equal(seen[i], 1);
	assert_true(steps > 1);
	pfree(seen);
	dict_destroy(&d);
}

static void test_dict_scan_guarantees_while_growing(void **state)
{
	(void)state;
	scan_with_churn(1);
}

static void test_dict_scan_guarantees_while_shrinking(void **state)
{
	(void)state;
	scan_with_churn(0);
}

static void test_dict_scan_no_duplicates_when_stable(void **state)
{
	(void)state;
	struct dict *d = dict_create(&int_type);
	unsigned char *seen = pcalloc(1001, 1);
	for (uintptr_t i = 1; i <= 1000; i++)
		dict_add(d, K(i), NULL);
	while (dict_rehash(d, 100))
		;
	struct scan_state st = { seen, 0 };
	unsigned long cursor = 0;
	do
		cursor = dict_scan(d, cursor, scan_cb, &st);
	while (cursor);
	assert_int_equal(st.calls, 1000);
	struct dict *empty = dict_create(&int_type);
	assert_int_equal(dict_scan(empty, 0, scan_cb, &st), 0);
	dict_destroy(&empty);
	pfree(seen);
	dict_destroy(&d);
}

static void test_dict_random_sampling(void **state)
{
	(void)state;
	struct dict *d = dict_create(&int_type);
	assert_null(dict_random_entry(d));
	assert_null(dict_fair_random_entry(d));
	for (uintptr_t i = 1; i <= 200; i++)
		dict_add(d, K(i), NULL);
	int hits[201] = { 0 };
	for (int i = 0; i < 40000; i++) {
		struct dict_entry *de = i & 1 ? dict_random_entry(d) : dict_fair_random_entry(d);
		assert_non_null(de);
		hits[(uintptr_t)de->key]++;
	}
	for (int i = 1; i <= 200; i++)
		assert_true(hits[i] > 0);
	struct dict_entry *des[50];
	for (int r = 0; r < 100; r++) {
		unsigned n = dict_sample_entries(d, des, 50);
		assert_true(n > 0 && n <= 50);
		for (unsigned a = 0; a < n; a++)
			for (unsigned b = a + 1; b < n; b++)
				assert_ptr_not_equal(des[a], des[b]);
	}
	/* asking for more than exist returns at most dict_size */
	struct dict *small = dict_create(&int_type);
	dict_add(small, K(1), NULL);
	dict_add(small, K(2), NULL);
	assert_true(dict_sample_entries(small, des, 50) <= 2);
	dict_destroy(&small);
	dict_destroy(&d);
}

static void test_dict_random_differential(void **state)
{
	(void)state;
	enum { KEYS = 4096 };
	struct dict *d = dict_create(&int_type);
	static uintptr_t model[KEYS + 1];       /* 0 = absent, else value */
	memset(model, 0, sizeof(model));
	unsigned long count = 0;
	for (int iter = 0; iter < 200000; iter++) {
		uintptr_t k = 1 + rnd() % KEYS;
		switch (rnd() % 5) {
		case 0:
		case 1: {
			uintptr_t v = 1 + rnd() % 1000;
			int added = dict_replace(d, K(k), K(v));
			assert_int_equal(added, model[k] == 0);
			count += model[k] == 0;
			model[k] = v;
			break;
		}
		case 2: {
			int rc = dict_delete(d, K(k));
			assert_int_equal(rc == DICT_OK, model[k] != 0);
			count -= model[k] != 0;
			model[k] = 0;
			break;
		}
		case 3:
			assert_ptr_equal(dict_fetch_value(d, K(k)), K(model[k]));
			break;
		default:
			if (dict_needs_shrink(d))
				dict_shrink_to_fit(d);
			break;
		}
		assert_int_equal(dict_size(d), count);
	}
	for (uintptr_t k = 1; k <= KEYS; k++)
		assert_ptr_equal(dict_fetch_value(d, K(k)), K(model[k]));
	dict_destroy(&d);
}

/* Length-prefixed keys in a key-only dict: equal bytes find each other
 * whatever the block, different lengths or bytes do not, pfree owns them. */
static struct dict_lstr *lstr(const char *p, size_t n)
{
	struct dict_lstr *s = pmalloc(sizeof(*s) + n);
	s->len = (uint32_t)n;
	memcpy(s->data, p, n);
	return s;
}

static void test_dict_lstr_keys(void **state)
{
	(void)state;
	static const struct dict_type t = {
		.hash = dict_lstr_hash, .key_compare = dict_lstr_eq,
		.key_destructor = pfree, .no_value = 1,
	};
	struct dict *d = dict_create(&t);
	char buf[32] = "m";     /* keys "m\0<i>": an embedded NUL is just a byte */
	for (int i = 0; i < 1000; i++) {
		int n = 2 + snprintf(buf + 2, sizeof(buf) - 2, "%d", i);
		assert_int_equal(dict_add(d, lstr(buf, (size_t)n), NULL), DICT_OK);
	}
	assert_int_equal(dict_size(d), 1000);
	struct dict_lstr *k = lstr("m\0" "42", 4);
	assert_non_null(dict_find(d, k));
	assert_true(dict_lstr_hash(k) == dict_hash_bytes("m\0" "42", 4));
	k->len = 3;             /* "m\0" "4": present, a different key */
	assert_non_null(dict_find(d, k));
	k->len = 2;             /* "m\0": never added */
	assert_null(dict_find(d, k));
	k->len = 4;
	k->data[3] = '3';       /* "m\0" "43" */
	assert_int_equal(dict_delete(d, k), DICT_OK);
	assert_null(dict_find(d, k));
	assert_int_equal(dict_size(d), 999);
	pfree(k);
	dict_destroy(&d);
}

/* dict_scan_keys: steps of about count keys whose union over a full scan is
 * every key; a small count still ends and makes progress. */
static void test_dict_scan_keys_steps(void **state)
{
	(void)state;
	static const struct dict_type t = {
		.hash = dict_lstr_hash, .key_compare = dict_lstr_eq,
		.key_destructor = pfree, .no_value = 1,
	};
	struct dict *d = dict_create(&t);
	char buf[16];
	for (int i = 0; i < 500; i++) {
		int n = snprintf(buf, sizeof(buf), "k%d", i);
		assert_int_equal(dict_add(d, lstr(buf, (size_t)n), NULL), DICT_OK);
	}
	static unsigned char seen[500];
	memset(seen, 0, sizeof(seen));
	unsigned long cursor = 0;
	int steps = 0;
	do {
		size_t n;
		void **keys = dict_scan_keys(d, &cursor, 7, &n);
		assert_true(n >= 1);
		for (size_t i = 0; i < n; i++) {
			const struct dict_lstr *k = keys[i];
			char num[16] = {0};     /* "k<i>": data is not NUL-terminated */
			memcpy(num, k->data + 1, k->len - 1);
			seen[atoi(num)] = 1;
		}
		pfree(keys);
		assert_true(++steps < 500);
	} while (cursor);
	for (int i = 0; i < 500; i++)
		assert_int_equal(seen[i], 1);
	dict_destroy(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dict_siphash_vectors),
		cmocka_unit_test(test_dict_add_find_delete_strings),
		cmocka_unit_test(test_dict_rehash_incremental),
		cmocka_unit_test(test_dict_iterators),
		cmocka_unit_test(test_dict_scan_guarantees_while_growing),
		cmocka_unit_test(test_dict_scan_guarantees_while_shrinking),
		cmocka_unit_test(test_dict_scan_no_duplicates_when_stable),
		cmocka_unit_test(test_dict_random_sampling),
		cmocka_unit_test(test_dict_random_differential),
		cmocka_unit_test(test_dict_lstr_keys),
		cmocka_unit_test(test_dict_scan_keys_steps),
	};
	return cmocka_run_group_tests_name("ds_dict", tests, setup, teardown);
}
