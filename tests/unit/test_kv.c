/* test_kv.c — unit tests for src/keyspace/kv.c: the one-allocation key/value
 * cell. Key, value and expire round trips; embstr / int / raw strings;
 * kv_with_expire adding, changing and removing a TTL; kv_dup deep copies.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/kv.h>
#include <petrel/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void check_key(const struct kv *kv, const char *key, size_t klen)
{
	size_t n;
	const char *k = kv_key(kv, &n);
	assert_int_equal(n, klen);
	assert_memory_equal(k, key, klen);
}

static void check_str(const struct kv *kv, const char *val, size_t vlen)
{
	size_t n;
	char numbuf[24];
	const char *v = kv_str(kv, &n, numbuf);
	assert_int_equal(n, vlen);
	if (vlen)
		assert_memory_equal(v, val, vlen);
}

static void test_kv_embstr_round_trip(void **state)
{
	(void)state;
	struct kv *kv = kv_create_string("key", 3, "hello", 5, -1);
	assert_int_equal(kv_type(kv), OBJ_STRING);
	assert_int_equal(kv_enc(kv), ENC_EMBSTR);
	assert_false(kv_has_expire(kv));
	assert_int_equal(kv_expire(kv), -1);
	check_key(kv, "key", 3);
	check_str(kv, "hello", 5);
	kv_free(kv);

	kv = kv_create_string("", 0, "", 0, -1);
	check_key(kv, "", 0);
	check_str(kv, "", 0);
	kv_free(kv);
}

static void test_kv_embstr_raw_boundary(void **state)
{
	(void)state;
	char val[KV_EMBSTR_MAX + 2];
	memset(val, 'x', sizeof(val));
	struct kv *a = kv_create_string("k", 1, val, KV_EMBSTR_MAX, -1);
	struct kv *b = kv_create_string("k", 1, val, KV_EMBSTR_MAX + 1, -1);
	assert_int_equal(kv_enc(a), ENC_EMBSTR);
	assert_int_equal(kv_enc(b), ENC_RAW);
	check_str(a, val, KV_EMBSTR_MAX);
	check_str(b, val, KV_EMBSTR_MAX + 1);
	kv_free(a);
	kv_free(b);
}

static void test_kv_int(void **state)
{
	(void)state;
	struct kv *kv = kv_create_int("n", 1, -9223372036854775807LL - 1, 5000);
	assert_int_equal(kv_enc(kv), ENC_INT);
	assert_int_equal(kv_expire(kv), 5000);
	assert_true(kv_int(kv) == -9223372036854775807LL - 1);
	check_str(kv, "-9223372036854775808", 20);
	kv_set_int(kv, 42);
	check_str(kv, "42", 2);
	check_key(kv, "n", 1);
	kv_free(kv);
}

static void test_kv_long_and_binary_keys(void **state)
{
	(void)state;
	/* 300-byte key: a two-byte varint length. */
	char key[300];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (char)(i * 7);
	struct kv *kv = kv_create_string(key, sizeof(key), "v\0w", 3, 123456789012LL);
	check_key(kv, key, sizeof(key));
	check_str(kv, "v\0w", 3);
	assert_int_equal(kv_expire(kv), 123456789012LL);
	kv_free(kv);
}

static void test_kv_with_expire(void **state)
{
	(void)state;
	struct kv *kv = kv_create_string("key", 3, "value", 5, -1);
	kv = kv_with_expire(kv, 1000);           /* grows: moves */
	assert_true(kv_has_expire(kv));
	assert_int_equal(kv_expire(kv), 1000);
	check_key(kv, "key", 3);
	check_str(kv, "value", 5);
	struct kv *same = kv_with_expire(kv, 2000);   /* in place */
	assert_ptr_equal(same, kv);
	assert_int_equal(kv_expire(kv), 2000);
	kv = kv_with_expire(kv, -1);             /* shrinks: moves */
	assert_false(kv_has_expire(kv));
	assert_int_equal(kv_expire(kv), -1);
	check_key(kv, "key", 3);
	check_str(kv, "value", 5);
	assert_ptr_equal(kv_with_expire(kv, -1), kv);
	kv_free(kv);

	/* A raw string's buffer changes hands, not copied. */
	char big[100];
	memset(big, 'b', sizeof(big));
	kv = kv_create_string("r", 1, big, sizeof(big), -1);
	void *buf = kv_ptr(kv);
	kv->lru = 77;
	kv = kv_with_expire(kv, 1);
	assert_ptr_equal(kv_ptr(kv), buf);
	assert_int_equal(kv->lru, 77);
	check_str(kv, big, sizeof(big));
	kv_free(kv);
}

static void test_kv_dup_is_deep(void **state)
{
	(void)state;
	char big[64];
	memset(big, 'z', sizeof(big));
	struct kv *a = kv_create_string("src", 3, big, sizeof(big), 99);
	struct kv *b = kv_dup(a, "destination", 11, -1);
	check_key(b, "destination", 11);
	assert_int_equal(kv_expire(b), -1);
	assert_int_equal(kv_enc(b), ENC_RAW);
	assert_ptr_not_equal(kv_ptr(a), kv_ptr(b));
	check_str(b, big, sizeof(big));
	kv_free(a);
	check_str(b, big, sizeof(big));          /* still valid after the source died */
	kv_free(b);

	a = kv_create_string("e", 1, "emb", 3, -1);
	b = kv_dup(a, "f", 1, 500);
	assert_int_equal(kv_enc(b), ENC_EMBSTR);
	assert_int_equal(kv_expire(b), 500);
	check_str(b, "emb", 3);
	kv_free(a);
	kv_free(b);

	a = kv_create_int("i", 1, 12345, -1);
	b = kv_dup(a, "j", 1, -1);
	assert_int_equal(kv_int(b), 12345);
	kv_free(a);
	kv_free(b);
}

static void test_kv_clone_key(void **state)
{
	(void)state;
	struct kv *a = kv_create_string("key", 3, "v", 1, 4242);
	a->lru = 9;
	struct kv *b = kv_clone_key(a, OBJ_STRING, ENC_INT, 8);
	kv_set_int(b, 7);
	check_key(b, "key", 3);
	assert_int_equal(kv_expire(b), 4242);
	assert_int_equal(b->lru, 9);
	assert_int_equal(kv_int(b), 7);
	kv_free(a);
	kv_free(b);
}

int main(void)
{
	alloc_setup();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_embstr_round_trip),
		cmocka_unit_test(test_kv_embstr_raw_boundary),
		cmocka_unit_test(test_kv_int),
		cmocka_unit_test(test_kv_long_and_binary_keys),
		cmocka_unit_test(test_kv_with_expire),
		cmocka_unit_test(test_kv_dup_is_deep),
		cmocka_unit_test(test_kv_clone_key),
	};
	return cmocka_run_group_tests_name("keyspace_kv", tests, NULL, NULL);
}
