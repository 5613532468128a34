/* test_keyspace.c — unit tests for src/keyspace/keyspace.c: per-slot chained
 * tables. Insert/find/unlink, growth and shrink, the SCAN guarantee across
 * resizes between calls, random picks, TTL counters, flush and swap.
 *
 * Thread: single (cmocka main thread). Each test runs on fresh databases
 * (setup/teardown restore the globals).
 */
#include <petrel/keyspace.h>
#include <petrel/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define NKEYS 5000

static int setup(void **state)
{
	(void)state;
	ks_setup(2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ks_teardown();
	return 0;
}

/* Keys "{t}<i>": all in one slot, so one table sees every resize. */
static size_t tag_key(char *buf, int i) { return (size_t)sprintf(buf, "{t}%d", i); }

static struct kv *add(int db, int i, long long expire)
{
	char k[32];
	size_t n = tag_key(k, i);
	struct kv *kv = kv_create_int(k, n, i, expire);
	ks_insert(db, slot_of(k, n), kv);
	return kv;
}

static struct kv *find(int db, int i, struct kv ***ref)
{
	char k[32];
	size_t n = tag_key(k, i);
	return ks_find(db, slot_of(k, n), k, n, ref);
}

static void del(int db, int i)
{
	struct kv **ref;
	assert_non_null(find(db, i, &ref));
	char k[32];
	size_t n = tag_key(k, i);
	kv_free(ks_unlink(db, slot_of(k, n), ref));
}

static unsigned tslot(void) { return slot_of("t", 1); }

static void test_keyspace_insert_find_unlink(void **state)
{
	(void)state;
	unsigned s = tslot();
	assert_null(find(0, 1, NULL));
	for (int i = 0; i < NKEYS; i++)
		add(0, i, -1);
	assert_int_equal(ks_slot_count(0, s), NKEYS);
	assert_int_equal(ks_db_keys(0), NKEYS);
	assert_int_equal(ks_db_keys(1), 0);
	struct ks_table *t = ks_table_of(0, s);
	assert_true(t->mask + 1 >= NKEYS);      /* grew: load factor <= 1 */
	for (int i = 0; i < NKEYS; i++) {
		struct kv *kv = find(0, i, NULL);
		assert_non_null(kv);
		assert_int_equal(kv_int(kv), i);
	}
	assert_null(find(0, NKEYS, NULL));
	assert_null(find(1, 0, NULL));
	for (int i = 0; i < NKEYS; i += 2)
		del(0, i);
	for (int i = 0; i < NKEYS; i++)
		assert_true((find(0, i, NULL) != NULL) == (i % 2 == 1));
	for (int i = 1; i < NKEYS; i += 2)
		del(0, i);
	assert_int_equal(ks_slot_count(0, s), 0);
	assert_true(t->mask <= 7);              /* shrank back */
}

static void test_keyspace_replace_and_expire_counters(void **state)
{
	(void)state;
	unsigned s = tslot();
	add(0, 1, -1);
	add(0, 2, 1000);
	assert_int_equal(ks_db_expires(0), 1);
	struct kv **ref;
	struct kv *kv = find(0, 1, &ref);
	kv = ks_set_expire(0, s, ref, 5000);
	assert_int_equal(kv_expire(kv), 5000);
	assert_int_equal(ks_db_expires(0), 2);
	assert_ptr_equal(find(0, 1, NULL), kv);
	kv = find(0, 2, &ref);
	char k[32];
	size_t n = tag_key(k, 2);
	struct kv *nkv = kv_create_string(k, n, "new", 3, -1);
	kv_free(ks_replace(0, s, ref, nkv));
	assert_int_equal(ks_db_expires(0), 1);
	assert_ptr_equal(find(0, 2, NULL), nkv);
	kv = find(0, 1, &ref);
	ks_set_expire(0, s, ref, -1);
	assert_int_equal(ks_db_expires(0), 0);
	assert_int_equal(ks_db_keys(0), 2);
}

struct seen {
	unsigned char hits[2 * NKEYS];
	long calls;
};

static void visit(void *arg, struct kv *kv)
{
	struct seen *sn = arg;
	long long v = kv_int(kv);
	if (v >= 0 && v < 2 * NKEYS)
		sn->hits[v] = 1;
	sn->calls++;
}

/* Keys present for the whole scan are seen at least once, while the table
 * doubles (inserts) and later halves (deletes) between calls. */
static void test_keyspace_scan_guarantee_under_resize(void **state)
{
	(void)state;
	unsigned s = tslot();
	for (int i = 0; i < 1000; i++)
		add(0, i, -1);
	static struct seen sn;
	memset(&sn, 0, sizeof(sn));
	unsigned long cur = 0;
	int step = 0, next_new = NKEYS;
	do {
		cur = ks_scan_slot(0, s, cur, 7, visit, &sn);
		step++;
		if (step < 40) {
			for (int j = 0; j < 100; j++)       /* grow */
				add(0, next_new++, -1);
		} else if (step == 40) {
			for (int i = NKEYS; i < next_new; i++)   /* shrink again */
				del(0, i);
			for (int i = 500; i < 1000; i++)
				del(0, i);
		}
	} while (cur);
	for (int i = 0; i < 500; i++)
		assert_true(sn.hits[i]);
	assert_true(sn.calls < 100000);
}

static void test_keyspace_scan_empty_and_full_pass(void **state)
{
	(void)state;
	static struct seen sn;
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(ks_scan_slot(0, tslot(), 0, 10, visit, &sn), 0);
	assert_int_equal(sn.calls, 0);
	for (int i = 0; i < 300; i++)
		add(0, i, -1);
	assert_int_equal(ks_scan_slot(0, tslot(), 0, 1L << 40, visit, &sn), 0);
	assert_int_equal(sn.calls, 300);      /* no resize: each key exactly once */
	for (int i = 0; i < 300; i++)
		assert_true(sn.hits[i]);
}

static void test_keyspace_random(void **state)
{
	(void)state;
	unsigned s = tslot();
	assert_null(ks_random_in_slot(0, s, 1));
	add(0, 7, -1);
	for (uint64_t r = 0; r < 100; r++)
		assert_int_equal(kv_int(ks_random_in_slot(0, s, r * 0x9e3779b97f4a7c15ULL)), 7);
	for (int i = 0; i < 100; i++)
		if (i != 7)
			add(0, i, -1);
	static struct seen sn;
	memset(&sn, 0, sizeof(sn));
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		visit(&sn, ks_random_in_slot(0, s, x));
	}
	int distinct = 0;
	for (int i = 0; i < 100; i++)
		distinct += sn.hits[i];
	assert_int_equal(distinct, 100);
}

static void test_keyspace_flush_and_swap(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++)
		add(0, i, i % 2 ? 10 : -1);
	char k[32];
	for (int i = 0; i < 50; i++) {        /* spread over many slots */
		size_t n = (size_t)sprintf(k, "k%d", i);
		ks_insert(1, slot_of(k, n), kv_create_int(k, n, i, -1));
	}
	assert_int_equal(ks_db_keys(0), 100);
	assert_int_equal(ks_db_expires(0), 50);
	ks_swap(0, 1);
	assert_int_equal(ks_db_keys(0), 50);
	assert_int_equal(ks_db_keys(1), 100);
	assert_non_null(find(1, 5, NULL));
	assert_null(find(0, 5, NULL));
	ks_flush_slot(1, tslot());
	assert_int_equal(ks_db_keys(1), 0);
	assert_int_equal(ks_db_expires(1), 0);
	assert_null(find(1, 5, NULL));
	add(1, 5, -1);                          /* the table still works */
	assert_non_null(find(1, 5, NULL));
	for (unsigned s = 0; s < SLOT_COUNT; s++)
		ks_flush_slot(0, s);
	assert_int_equal(ks_db_keys(0), 0);
}

int main(void)
{
	alloc_setup();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keyspace_insert_find_unlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyspace_replace_and_expire_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyspace_scan_guarantee_under_resize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyspace_scan_empty_and_full_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyspace_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyspace_flush_and_swap, setup, teardown),
	};
	return cmocka_run_group_tests_name("keyspace", tests, NULL, NULL);
}
