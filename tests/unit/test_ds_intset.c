/* test_ds_intset.c — unit tests for src/ds/intset.c: Redis bytes, upgrades,
 * validation of hostile bytes, and a random differential test against a sorted
 * array.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/ds/intset.h>
#include <petrel/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint64_t rng_state = 0x1234567887654321ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_intset_redis_bytes(void **state)
{
	(void)state;
	static const unsigned char want[] = { 2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0 };
	struct intset *is = intset_create();
	is = intset_add(is, 3, NULL);
	is = intset_add(is, 1, NULL);
	is = intset_add(is, 2, NULL);
	assert_int_equal(intset_bytes(is), sizeof(want));
	assert_memory_equal(is, want, sizeof(want));
	assert_true(intset_validate((const unsigned char *)is, intset_bytes(is), 1));
	intset_destroy(&is);
	assert_null(is);
	intset_destroy(&is);
}

static void test_intset_add_duplicate_and_remove(void **state)
{
	(void)state;
	int added, removed;
	struct intset *is = intset_create();
	is = intset_add(is, 5, &added);
	assert_int_equal(added, 1);
	is = intset_add(is, 5, &added);
	assert_int_equal(added, 0);
	assert_int_equal(intset_length(is), 1);
	is = intset_remove(is, 6, &removed);
	assert_int_equal(removed, 0);
	is = intset_remove(is, 1ll << 40, &removed);  /* wider than the encoding */
	assert_int_equal(removed, 0);
	assert_false(intset_find(is, 1ll << 40));
	is = intset_remove(is, 5, &removed);
	assert_int_equal(removed, 1);
	assert_int_equal(intset_length(is), 0);
	intset_destroy(&is);
}

static void test_intset_upgrade_positive_and_negative(void **state)
{
	(void)state;
	int64_t v;
	struct intset *is = intset_create();
	is = intset_add(is, 10, NULL);
	is = intset_add(is, -10, NULL);
	assert_int_equal(intset_encoding(is), INTSET_ENC_INT16);
	is = intset_add(is, 65536, NULL);
	assert_int_equal(intset_encoding(is), INTSET_ENC_INT32);
	is = intset_add(is, -65536, NULL);
	assert_int_equal(intset_encoding(is), INTSET_ENC_INT32);
	is = intset_add(is, INT64_MIN, NULL);
	assert_int_equal(intset_encoding(is), INTSET_ENC_INT64);
	is = intset_add(is, INT64_MAX, NULL);
	const int64_t want[] = { INT64_MIN, -65536, -10, 10, 65536, INT64_MAX };
	assert_int_equal(intset_length(is), 6);
	for (uint32_t i = 0; i < 6; i++) {
		assert_true(intset_get(is, i, &v));
		assert_true(v == want[i]);
		assert_true(intset_find(is, want[i]));
	}
	assert_false(intset_get(is, 6, &v));
	assert_true(intset_min(is) == INT64_MIN);
	assert_true(intset_max(is) == INT64_MAX);
	assert_int_equal(intset_bytes(is), 8 + 6 * 8);
	assert_true(intset_validate((const unsigned char *)is, intset_bytes(is), 1));
	/* removal never downgrades (Redis behaviour) */
	is = intset_remove(is, INT64_MIN, NULL);
	is = intset_remove(is, INT64_MAX, NULL);
	assert_int_equal(intset_encoding(is), INTSET_ENC_INT64);
	intset_destroy(&is);
}

static void test_intset_validate_rejects_corruption(void **state)
{
	(void)state;
	unsigned char b[8 + 3 * 4];
	struct intset *is = intset_create();
	is = intset_add(is, 100000, NULL);
	is = intset_add(is, 1, NULL);
	is = intset_add(is, 2, NULL);
	memcpy(b, is, sizeof(b));
	assert_true(intset_validate(b, sizeof(b), 1));
	assert_false(intset_validate(b, sizeof(b) - 1, 0));
	assert_false(intset_validate(b, 7, 0));
	b[0] = 3;
	assert_false(intset_validate(b, sizeof(b), 0));
	memcpy(b, is, sizeof(b));
	b[8] = 2;       /* members 2, 2, 100000: duplicate */
	assert_true(intset_validate(b, sizeof(b), 0));
	assert_false(intset_validate(b, sizeof(b), 1));
	memcpy(b, is, sizeof(b));
	b[4] = 0xFF;    /* length too large */
	assert_false(intset_validate(b, sizeof(b), 1));
	unsigned char empty[8] = { 2, 0, 0, 0, 0, 0, 0, 0 };
	assert_false(intset_validate(empty, 8, 1));
	struct intset *copy = intset_from_bytes((const unsigned char *)is, intset_bytes(is));
	assert_true(intset_find(copy, 100000));
	intset_destroy(&copy);
	intset_destroy(&is);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t random_int(void)
{
	switch (rnd() % 3) {
	case 0: return (int64_t)(rnd() % 200) - 100;
	case 1: return (int64_t)(int32_t)rnd() >> (rnd() % 16);
	default: return (int64_t)rnd() >> (rnd() % 64);
	}
}

static void test_intset_random_differential(void **state)
{
	(void)state;
	for (int round = 0; round < 20; round++) {
		int64_t model[2000];
		size_t n = 0;
		struct intset *is = intset_create();
		for (int iter = 0; iter < 3000; iter++) {
			int64_t v = random_int();
			int in_model = bsearch(&v, model, n, sizeof(int64_t), cmp64) != NULL;
			if ((rnd() % 3) && n < 2000) {
				int added;
				is = intset_add(is, v, &added);
				assert_int_equal(added, !in_model);
				if (!in_model) {
					model[n++] = v;
					qsort(model, n, sizeof(int64_t), cmp64);
				}
			} else {
				if (n && (rnd() & 1))
					v = model[rnd() % n];
				in_model = bsearch(&v, model, n, sizeof(int64_t), cmp64) != NULL;
				int removed;
				is = intset_remove(is, v, &removed);
				assert_int_equal(removed, in_model);
				if (in_model) {
					int64_t *at = bsearch(&v, model, n, sizeof(int64_t), cmp64);
					memmove(at, at + 1, (size_t)(model + n - at - 1) * sizeof(int64_t));
					n--;
				}
			}
			assert_int_equal(intset_find(is, v), bsearch(&v, model, n, sizeof(int64_t), cmp64) != NULL);
		}
		assert_int_equal(intset_length(is), n);
		for (uint32_t i = 0; i < n; i++) {
			int64_t v;
			assert_true(intset_get(is, i, &v));
			assert_true(v == model[i]);
		}
		if (n)
			assert_true(intset_validate((const unsigned char *)is, intset_bytes(is), 1));
		intset_destroy(&is);
	}
}

static void test_intset_random_is_uniform(void **state)
{
	(void)state;
	struct intset *is = intset_create();
	int counts[10] = { 0 };
	for (int i = 0; i < 10; i++)
		is = intset_add(is, i * 7, NULL);
	for (int i = 0; i < 100000; i++) {
		int64_t v = intset_random(is);
		assert_true(v % 7 == 0 && v >= 0 && v < 70);
		counts[v / 7]++;
	}
	for (int i = 0; i < 10; i++)
		assert_true(counts[i] > 9000 && counts[i] < 11000);
	intset_destroy(&is);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intset_redis_bytes),
		cmocka_unit_test(test_intset_add_duplicate_and_remove),
		cmocka_unit_test(test_intset_upgrade_positive_and_negative),
		cmocka_unit_test(test_intset_validate_rejects_corruption),
		cmocka_unit_test(test_intset_random_differential),
		cmocka_unit_test(test_intset_random_is_uniform),
	};
	return cmocka_run_group_tests_name("ds_intset", tests, NULL, NULL);
}
