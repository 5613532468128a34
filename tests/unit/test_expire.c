/* test_expire.c — key expiry: lazy deletion on access and the active cycle.
 *
 * Thread: single-threaded test; one shard struct is set up (no threads run),
 * so the shard owns every slot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <stdio.h>
#include <string.h>

struct server_state srv;        /* defined by main.c in the server */
void active_expire(struct shard *s);

static int setup(void **state)
{
	(void)state;
	memset(&srv, 0, sizeof(srv));
	srv.hz = 10;
	srv.active_expire_effort = 1;
	ks_setup(16);
	assert_int_equal(shard_setup(1), 0);
	shard_current = &shards[0];
	shards[0].now_ms = shard_mstime();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ks_teardown();
	shard_current = NULL;
	return 0;
}

static void ctx(struct cmd_ctx *c, int db)
{
	memset(c, 0, sizeof(*c));
	c->sh = &shards[0];
	c->db = db;
	c->now = shard_mstime();
}

static void add(struct cmd_ctx *c, const char *key, long long expire)
{
	db_set(c, kv_create_string(key, strlen(key), "v", 1, expire));
}

static void test_expire_lazy_on_access(void **state)
{
	(void)state;
	struct cmd_ctx c;
	ctx(&c, 0);
	add(&c, "gone", c.now - 1);
	add(&c, "stays", c.now + 60000);
	add(&c, "forever", -1);
	assert_int_equal(ks_db_keys(0), 3);
	assert_int_equal(ks_volatile[0], 2);
	uint64_t before = shards[0].stats.expired_keys;
	assert_null(db_find(&c, "gone", 4, NULL));
	assert_non_null(db_find(&c, "stays", 5, NULL));
	assert_non_null(db_find(&c, "forever", 7, NULL));
	assert_int_equal(ks_db_keys(0), 2);
	assert_int_equal(ks_volatile[0], 1);
	assert_int_equal(shards[0].stats.expired_keys, before + 1);
	db_delete(&c, "stays", 5);
	db_delete(&c, "forever", 7);
	assert_int_equal(ks_volatile[0], 0);
}

static void test_expire_ttl_change_counts(void **state)
{
	(void)state;
	struct cmd_ctx c;
	ctx(&c, 1);
	add(&c, "k", -1);
	struct kv **ref;
	assert_non_null(db_find(&c, "k", 1, &ref));
	struct kv *kv = db_set_expire(&c, ref, c.now + 1000);
	assert_int_equal(kv_expire(kv), c.now + 1000);
	assert_int_equal(ks_volatile[1], 1);
	assert_int_equal(ks_db_expires(1), 1);
	assert_non_null(db_find(&c, "k", 1, &ref));
	kv = db_set_expire(&c, ref, -1);
	assert_int_equal(kv_expire(kv), -1);
	assert_int_equal(ks_volatile[1], 0);
	assert_int_equal(ks_db_expires(1), 0);
	db_delete(&c, "k", 1);
}

/* The active cycle removes every expired key of every db without any
 * access, within a bounded number of passes, and leaves the rest alone. */
static void test_expire_active_cycle_removes_all(void **state)
{
	(void)state;
	struct cmd_ctx c;
	char key[32];
	for (int db = 0; db < 3; db++) {
		ctx(&c, db);
		for (int i = 0; i < 20000; i++) {
			snprintf(key, sizeof(key), "e:%d:%d", db, i);
			add(&c, key, c.now - 1);
		}
		for (int i = 0; i < 100; i++) {
			snprintf(key, sizeof(key), "live:%d:%d", db, i);
			add(&c, key, i % 2 ? -1 : c.now + 600000);
		}
	}
	int passes = 0;
	while ((ks_db_keys(0) > 100 || ks_db_keys(1) > 100 || ks_db_keys(2) > 100) && passes < 10000) {
		shards[0].now_ms = shard_mstime();
		active_expire(&shards[0]);
		passes++;
	}
	for (int db = 0; db < 3; db++) {
		assert_int_equal(ks_db_keys(db), 100);
		assert_int_equal(ks_db_expires(db), 50);
		assert_int_equal(ks_volatile[db], 50);
	}
	assert_true(passes < 10000);
	for (int db = 0; db < 3; db++)
		for (unsigned s = 0; s < SLOT_COUNT; s++)
			ks_flush_slot(db, s);
}

/* Nothing to expire: the cycle returns at once (no slot walk). */
static void test_expire_active_cycle_idle(void **state)
{
	(void)state;
	struct cmd_ctx c;
	ctx(&c, 0);
	add(&c, "plain", -1);
	unsigned slot = shards[0].expire_slot;
	int db = shards[0].expire_db;
	active_expire(&shards[0]);
	assert_int_equal(shards[0].expire_slot, slot);
	assert_int_equal(shards[0].expire_db, db);
	assert_int_equal(ks_db_keys(0), 1);
	db_delete(&c, "plain", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expire_lazy_on_access),
		cmocka_unit_test(test_expire_ttl_change_counts),
		cmocka_unit_test(test_expire_active_cycle_removes_all),
		cmocka_unit_test(test_expire_active_cycle_idle),
	};
	return cmocka_run_group_tests_name("expire", tests, setup, teardown);
}
