/* test_slot.c — unit tests for src/keyspace/slot.c: CRC16-XMODEM and the
 * key -> slot rule, checked against the values Redis Cluster gives.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/slot.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define S(lit) lit, sizeof(lit) - 1

static void test_slot_crc16_check_value(void **state)
{
	(void)state;
	/* The XMODEM check value quoted by the Redis Cluster spec. */
	assert_int_equal(slot_crc16(S("123456789")), 0x31C3);
	assert_int_equal(slot_crc16("", 0), 0);
}

static void test_slot_known_keys(void **state)
{
	(void)state;
	/* CLUSTER KEYSLOT values. */
	assert_int_equal(slot_of(S("foo")), 12182);
	assert_int_equal(slot_of(S("bar")), 5061);
	assert_int_equal(slot_of(S("hello")), 866);
	assert_int_equal(slot_of(S("user1000")), 3443);
	assert_int_equal(slot_of(S("")), 0);
	assert_int_equal(slot_of(S("123456789")), 0x31C3 & SLOT_MASK);
}

static void test_slot_hashtag_same_slot(void **state)
{
	(void)state;
	unsigned a = slot_of(S("{user1000}.following"));
	unsigned b = slot_of(S("{user1000}.followers"));
	assert_int_equal(a, b);
	assert_int_equal(a, 3443);
	assert_int_equal(slot_of(S("foo{bar}{zap}")), 5061);
	/* the tag runs to the FIRST '}' after the first '{' */
	assert_int_equal(slot_of(S("foo{{bar}}zap")), slot_of(S("{bar")));
	assert_int_equal(slot_of(S("{foo}")), 12182);
}

static void test_slot_empty_or_open_tag_hashes_whole_key(void **state)
{
	(void)state;
	assert_int_equal(slot_of(S("{}foo")), slot_crc16(S("{}foo")) & SLOT_MASK);
	assert_int_not_equal(slot_of(S("{}foo")), slot_of(S("foo")));
	assert_int_equal(slot_of(S("foo{}{bar}")), slot_crc16(S("foo{}{bar}")) & SLOT_MASK);
	assert_int_equal(slot_of(S("foo{bar")), slot_crc16(S("foo{bar")) & SLOT_MASK);
	assert_int_equal(slot_of(S("foo}bar{")), slot_crc16(S("foo}bar{")) & SLOT_MASK);
}

static void test_slot_binary_keys(void **state)
{
	(void)state;
	const char k[] = { 'a', 0, '{', 'b', 'a', 'r', '}', 0 };
	assert_int_equal(slot_of(k, sizeof(k)), 5061);
	for (unsigned i = 0; i < 1000; i++) {
		char buf[16];
		memcpy(buf, &i, sizeof(i));
		assert_true(slot_of(buf, sizeof(i)) < SLOT_COUNT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_crc16_check_value),
		cmocka_unit_test(test_slot_known_keys),
		cmocka_unit_test(test_slot_hashtag_same_slot),
		cmocka_unit_test(test_slot_empty_or_open_tag_hashes_whole_key),
		cmocka_unit_test(test_slot_binary_keys),
	};
	return cmocka_run_group_tests_name("keyspace_slot", tests, NULL, NULL);
}
