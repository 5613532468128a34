/* test_benchmark_workload.c — request templates, key generators and the
 * cluster slot helpers of petrel-benchmark. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "workload.h"

static void test_rand12(void **state)
{
	char buf[13] = {0};
	put_rand12(buf, 0);
	assert_string_equal(buf, "000000000000");
	put_rand12(buf, 1234567);
	assert_string_equal(buf, "000001234567");
	put_rand12(buf, 1234567890123ULL);          /* keeps the last 12 digits */
	assert_string_equal(buf, "234567890123");
}

static void test_templates(void **state)
{
	struct test t;
	const char *argv[] = {"MSET", "key:{tag}:__rand_int__", "v", "k2:__rand_int__", "w"};
	size_t lens[5];
	for (int i = 0; i < 5; i++)
		lens[i] = strlen(argv[i]);
	assert_int_equal(wl_init_argv(&t, "MSET", 5, argv, lens, true, true), 0);
	assert_int_equal(t.tmpl[0].nrand, 2);
	assert_int_equal(t.tmpl[0].ntag, 1);
	for (int i = 0; i < 2; i++)
		assert_memory_equal(t.tmpl[0].buf + t.tmpl[0].rand_off[i], "__rand_int__", 12);
	assert_memory_equal(t.tmpl[0].buf + t.tmpl[0].tag_off[0], "{tag}", 5);
	wl_free(&t);
	/* without -r (and outside cluster mode) nothing is substituted */
	assert_int_equal(wl_init_argv(&t, "MSET", 5, argv, lens, false, false), 0);
	assert_int_equal(t.tmpl[0].nrand, 0);
	assert_int_equal(t.tmpl[0].ntag, 0);
	wl_free(&t);

	struct test s, g;
	const char *sv[] = {"SET", "k"}, *gv[] = {"GET", "k"};
	size_t l2[] = {3, 1};
	wl_init_argv(&s, "SET:GET", 2, sv, l2, true, false);
	wl_init_argv(&g, "GET", 2, gv, l2, true, false);
	assert_int_equal(wl_add_kind(&s, &g, 1, 10, "SET", "GET"), 0);
	assert_int_equal(s.ntmpl, 2);
	assert_int_equal(s.weight[1], 10);
	assert_memory_equal(s.tmpl[1].buf, "*2\r\n$3\r\nGET\r\n", 13);
	wl_free(&s);
	wl_free(&g);
}

static void test_uniform(void **state)
{
	struct keygen kg;
	struct rng r;
	uint64_t seq = 0;
	int counts[10] = {0};
	keygen_init(&kg, DIST_UNIFORM, 10, 0);
	rng_seed(&r, 1);
	for (int i = 0; i < 100000; i++) {
		uint64_t k = keygen_next(&kg, &r, &seq);
		assert_true(k < 10);
		counts[k]++;
	}
	for (int i = 0; i < 10; i++)
		assert_true(counts[i] > 9000 && counts[i] < 11000);
	/* same seed, same keys */
	struct rng a, b;
	rng_seed(&a, 99);
	rng_seed(&b, 99);
	for (int i = 0; i < 100; i++)
		assert_int_equal(keygen_next(&kg, &a, &seq), keygen_next(&kg, &b, &seq));
	keygen_init(&kg, DIST_UNIFORM, 0, 0);
	assert_int_equal(keygen_next(&kg, &r, &seq), 0);
}

static void test_sequential(void **state)
{
	struct keygen kg;
	struct rng r;
	uint64_t seq = 7;
	keygen_init(&kg, DIST_SEQUENTIAL, 10, 0);
	rng_seed(&r, 1);
	uint64_t want[] = {7, 8, 9, 0, 1, 2};
	for (int i = 0; i < 6; i++)
		assert_int_equal(keygen_next(&kg, &r, &seq), want[i]);
}

static void test_zipfian(void **state)
{
	struct keygen kg;
	struct rng r;
	uint64_t seq = 0;
	const uint64_t n = 1000;
	int *counts = calloc(n, sizeof(int));
	keygen_init(&kg, DIST_ZIPFIAN, n, 0.99);
	rng_seed(&r, 5);
	const int draws = 200000;
	for (int i = 0; i < draws; i++) {
		uint64_t k = keygen_next(&kg, &r, &seq);
		assert_true(k < n);
		counts[k]++;
	}
	/* P(rank 0) = 1/zeta(n, theta) ~ 0.133 for n=1000, theta=.99 */
	double p0 = 1.0 / zeta(n, 0.99);
	assert_true(fabs((double)counts[0] / draws - p0) < 0.01);
	assert_true(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500]);
	int top10 = 0;
	for (int i = 0; i < 10; i++)
		top10 += counts[i];
	assert_true(top10 > draws / 3);           /* heavily skewed */
	free(counts);
	/* the tail approximation of zeta stays close to the exact sum */
	double exact = 0;
	for (int i = 1; i <= 20000000; i++)
		exact += 1.0 / pow(i, 0.9);
	assert_true(fabs(zeta(20000000, 0.9) - exact) / exact < 1e-6);
}

static void test_crc_and_slots(void **state)
{
	assert_int_equal(crc16_xmodem("123456789", 9), 0x31C3);
	assert_int_equal(key_slot("foo", 3), 12182);
	assert_int_equal(key_slot("{user1000}.following", 20), key_slot("{user1000}.followers", 20));
	assert_int_equal(key_slot("{}x", 3), crc16_xmodem("{}x", 3) & 16383);   /* empty tag: whole key */
	struct cluster *c = calloc(1, sizeof(*c));
	cluster_build_tags(c);
	for (int s = 0; s < CLUSTER_SLOTS; s++) {
		char key[8] = {'{', c->tags[s][0], c->tags[s][1], c->tags[s][2], '}', 'k'};
		if ((int)key_slot(key, 6) != s)
			fail_msg("tag of slot %d hashes elsewhere", s);
	}
	free(c);
}

static void test_cluster_nodes(void **state)
{
	const char *nodes =
		"07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave "
		"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected\n"
		"67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 "
		"1426238316232 2 connected 5461-10922\n"
		"292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 "
		"1426238318243 3 connected 10923-16383\n"
		"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 "
		"1 connected 0-5460 [5461->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]\n"
		"6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 master - 0 "
		"1426238316232 5 connected\n";
	struct cluster *c = calloc(1, sizeof(*c));
	assert_int_equal(cluster_parse_nodes(c, nodes), 3);   /* replica and slotless master skipped */
	int n1 = cluster_find_node(c, "127.0.0.1", 30001);
	int n2 = cluster_find_node(c, "127.0.0.1", 30002);
	int n3 = cluster_find_node(c, "127.0.0.1", 30003);
	assert_true(n1 >= 0 && n2 >= 0 && n3 >= 0);
	assert_int_equal(cluster_find_node(c, "127.0.0.1", 30005), -1);
	assert_int_equal(c->nodes[n1].nslots, 5461);
	assert_int_equal(c->owner[0], n1);
	assert_int_equal(c->owner[5461], n2);
	assert_int_equal(c->owner[16383], n3);
	/* next_slot walks only the node's own slots */
	uint32_t cur = 0;
	for (int i = 0; i < 20000; i++) {
		int s = cluster_next_slot(c, n3, &cur);
		assert_true(s >= 10923 && s <= 16383);
	}
	/* MOVED moves a slot; ASK changes nothing; unknown nodes are refused */
	const char *moved = "MOVED 3999 127.0.0.1:30003";
	assert_int_equal(cluster_redirect(c, moved, strlen(moved)), 0);
	assert_int_equal(c->owner[3999], n3);
	const char *ask = "ASK 100 127.0.0.1:30002";
	assert_int_equal(cluster_redirect(c, ask, strlen(ask)), 0);
	assert_int_equal(c->owner[100], n1);
	const char *unknown = "MOVED 1 127.0.0.1:9";
	assert_int_equal(cluster_redirect(c, unknown, strlen(unknown)), -1);
	const char *other = "ERR nope";
	assert_int_equal(cluster_redirect(c, other, strlen(other)), -1);
	cluster_free(c);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rand12),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_sequential),
		cmocka_unit_test(test_zipfian),
		cmocka_unit_test(test_crc_and_slots),
		cmocka_unit_test(test_cluster_nodes),
	};
	return cmocka_run_group_tests_name("benchmark_workload", tests, NULL, NULL);
}
