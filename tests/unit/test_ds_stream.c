/* test_ds_stream.c — unit tests for src/ds/stream.c: the node listpack bytes
 * (Redis's layout), IDs, forward/reverse ranges across nodes, XDEL, MAXLEN and
 * MINID trims (exact and approximate), lag helpers, groups, consumers, PELs.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/ds/stream.h>
#include <petrel/ds/listpack.h>
#include <petrel/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static struct stream_id ID(uint64_t ms, uint64_t seq)
{
	return (struct stream_id){ms, seq};
}

static void add(struct stream *s, uint64_t ms, uint64_t seq, const char *const *kv, size_t n,
		long long max_entries)
{
	struct stream_str a[16];
	for (size_t i = 0; i < 2 * n; i++)
		a[i] = (struct stream_str){kv[i], strlen(kv[i])};
	struct stream_id id = ID(ms, seq);
	assert_int_equal(stream_append(s, &id, a, n, 4096, max_entries), 0);
}

static void add_seq(struct stream *s, uint64_t from, uint64_t to, long long max_entries)
{
	static const char *const kv[] = {"f", "v"};
	for (uint64_t i = from; i <= to; i++)
		add(s, i, 0, kv, 1, max_entries);
}

/* Elements of a listpack as text ("3 0 1 f 0 ..."). */
static void lp_text(unsigned char *lp, char *out, size_t cap)
{
	size_t o = 0;
	for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
		unsigned char buf[LP_INTBUF_SIZE];
		uint32_t len;
		const unsigned char *s = lp_get_str(p, buf, &len);
		o += (size_t)snprintf(out + o, cap - o, "%s%.*s", o ? " " : "", (int)len, s);
	}
}

static void test_stream_node_bytes_match_redis(void **state)
{
	(void)state;
	struct stream *s = stream_create();
	static const char *const a[] = {"f", "v"}, *const b[] = {"f", "v2", "g", "w"},
				 *const c[] = {"f", "v3"};
	add(s, 1, 1, a, 1, 100);
	add(s, 1, 2, b, 2, 100);
	add(s, 2, 0, c, 1, 100);
	assert_int_equal(s->nnodes, 1);
	char text[256];
	lp_text(s->nodes[0].lp, text, sizeof(text));
	assert_string_equal(text, "3 0 1 f 0 2 0 0 v 4 0 0 1 2 f v2 g w 8 2 1 -1 v3 4");
	unsigned char key[16];
	stream_id_encode(&s->nodes[0].master, key);
	static const unsigned char want[16] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
	assert_memory_equal(key, want, 16);
	assert_int_equal(s->length, 3);
	assert_int_equal(s->entries_added, 3);
	assert_int_equal(s->last_id.ms, 2);
	assert_int_equal(s->first_id.seq, 1);
	stream_destroy(&s);
	assert_null(s);
	stream_destroy(&s);
}

static void test_stream_id_parse_format(void **state)
{
	(void)state;
	struct stream_id id;
	int star;
	assert_int_equal(stream_id_parse("5-3", 3, 0, &id, NULL), 0);
	assert_true(id.ms == 5 && id.seq == 3);
	assert_int_equal(stream_id_parse("7", 1, UINT64_MAX, &id, NULL), 0);
	assert_true(id.ms == 7 && id.seq == UINT64_MAX);
	assert_int_equal(stream_id_parse("7-*", 3, 0, &id, &star), 0);
	assert_true(star == 1 && id.ms == 7);
	assert_int_equal(stream_id_parse("7-*", 3, 0, &id, NULL), -1);
	assert_int_equal(stream_id_parse("a-1", 3, 0, &id, NULL), -1);
	assert_int_equal(stream_id_parse("1-", 2, 0, &id, NULL), -1);
	assert_int_equal(stream_id_parse("18446744073709551615-18446744073709551615", 41, 0, &id,
					 NULL), 0);
	assert_true(id.ms == UINT64_MAX && id.seq == UINT64_MAX);
	assert_int_equal(stream_id_incr(&id), -1);
	char buf[48];
	assert_int_equal(stream_id_format(&id, buf), 41);
	assert_string_equal(buf, "18446744073709551615-18446744073709551615");
	id = ID(3, 0);
	assert_int_equal(stream_id_decr(&id), 0);
	assert_true(id.ms == 2 && id.seq == UINT64_MAX);
	id = ID(0, 0);
	assert_int_equal(stream_id_decr(&id), -1);
}

static void test_stream_range_across_nodes(void **state)
{
	(void)state;
	struct stream *s = stream_create();
	add_seq(s, 1, 50, 7);
	assert_int_equal(s->nnodes, 8);
	struct stream_iter it;
	struct stream_id id, lo = ID(10, 0), hi = ID(40, 0);
	int64_t n;
	uint64_t want = 10;
	stream_iter_start(&it, s, &lo, &hi, 0);
	while (stream_iter_next(&it, &id, &n)) {
		assert_int_equal(id.ms, want++);
		const unsigned char *f, *v;
		uint32_t fl, vl;
		stream_iter_field(&it, &f, &fl, &v, &vl);
		assert_memory_equal(f, "f", 1);
		assert_memory_equal(v, "v", 1);
	}
	assert_int_equal(want, 41);
	want = 40;
	stream_iter_start(&it, s, &lo, &hi, 1);
	while (stream_iter_next(&it, &id, &n))
		assert_int_equal(id.ms, want--);
	assert_int_equal(want, 9);
	want = 50;
	stream_iter_start(&it, s, NULL, NULL, 1);
	while (stream_iter_next(&it, &id, &n))
		assert_int_equal(id.ms, want--);
	assert_int_equal(want, 0);
	stream_destroy(&s);
}

static void test_stream_delete_updates_meta(void **state)
{
	(void)state;
	struct stream *s = stream_create();
	add_seq(s, 1, 6, 3);
	struct stream_id id = ID(1, 0);
	assert_int_equal(stream_delete(s, &id), 1);
	assert_int_equal(stream_delete(s, &id), 0);
	assert_int_equal(s->first_id.ms, 2);
	assert_int_equal(s->max_deleted_id.ms, 1);
	id = ID(2, 0);
	stream_delete(s, &id);
	id = ID(3, 0);
	stream_delete(s, &id);
	assert_int_equal(s->nnodes, 1);      /* the emptied node is gone */
	assert_int_equal(s->length, 3);
	assert_true(stream_entry_exists(s, &(struct stream_id){4, 0}));
	assert_false(stream_entry_exists(s, &id));
	/* entries with mixed fields after a deletion still iterate in reverse */
	static const char *const kv[] = {"a", "1", "b", "2"};
	add(s, 7, 0, kv, 2, 0);
	struct stream_iter it;
	int64_t n;
	stream_iter_start(&it, s, NULL, NULL, 1);
	assert_true(stream_iter_next(&it, &id, &n));
	assert_int_equal(n, 2);
	assert_int_equal(id.ms, 7);
	assert_int_equal(stream_estimate_distance(s, &s->last_id), 7);
	assert_true(stream_range_has_tombstones(s, NULL, NULL));
	stream_destroy(&s);
}

static void test_stream_trim_maxlen_and_minid(void **state)
{
	(void)state;
	struct stream *s = stream_create();
	add_seq(s, 1, 100, 10);
	/* approximate: only whole nodes */
	assert_int_equal(stream_trim(s, STREAM_TRIM_MAXLEN, 55, NULL, 1, 0), 40);
	assert_int_equal(s->length, 60);
	assert_int_equal(s->first_id.ms, 41);
	assert_int_equal(stream_trim(s, STREAM_TRIM_MAXLEN, 55, NULL, 0, 0), 5);
	assert_int_equal(s->length, 55);
	assert_int_equal(s->first_id.ms, 46);
	struct stream_id min = ID(73, 0);
	assert_int_equal(stream_trim(s, STREAM_TRIM_MINID, 0, &min, 0, 0), 27);
	assert_int_equal(s->first_id.ms, 73);
	/* limit stops before a node that would exceed it */
	assert_int_equal(stream_trim(s, STREAM_TRIM_MAXLEN, 0, NULL, 1, 5), 0);
	assert_int_equal(stream_trim(s, STREAM_TRIM_MAXLEN, 0, NULL, 0, 0), 28);
	assert_int_equal(s->length, 0);
	assert_int_equal(s->first_id.ms, 0);
	assert_int_equal(s->entries_added, 100);
	stream_destroy(&s);
}

static void test_stream_groups_pel_consumers(void **state)
{
	(void)state;
	struct stream *s = stream_create();
	add_seq(s, 1, 5, 100);
	struct stream_id z = ID(0, 0);
	struct stream_cg *g = stream_cg_create(s, "g2", 2, &z, -1);
	assert_non_null(g);
	assert_null(stream_cg_create(s, "g2", 2, &z, -1));
	assert_non_null(stream_cg_create(s, "g1", 2, &z, -1));
	assert_non_null(stream_cg_create(s, "g", 1, &z, -1));
	assert_memory_equal(s->groups[0]->name, "g", 1);
	assert_memory_equal(s->groups[1]->name, "g1", 2);
	struct stream_consumer *a = stream_consumer_create(g, "alice", 5, 10);
	struct stream_consumer *b = stream_consumer_create(g, "bob", 3, 10);
	assert_null(stream_consumer_create(g, "bob", 3, 10));
	for (uint64_t i = 5; i >= 1; i--)
		stream_nack_create(g, i % 2 ? a : b, &(struct stream_id){i, 0}, 100, 1);
	assert_int_equal(g->pel.n, 5);
	assert_int_equal(a->pel.n, 3);
	assert_int_equal(g->pel.v[0]->id.ms, 1);
	struct stream_nack *n = stream_pel_find(&g->pel, &(struct stream_id){2, 0});
	stream_nack_move(n, a);
	assert_int_equal(a->pel.n, 4);
	assert_int_equal(stream_nack_ack(g, &(struct stream_id){1, 0}), 1);
	assert_int_equal(stream_nack_ack(g, &(struct stream_id){1, 0}), 0);
	struct stream *d = stream_dup(s);
	assert_int_equal(stream_consumer_delete(g, "alice", 5), 3);
	assert_int_equal(stream_consumer_delete(g, "alice", 5), -1);
	assert_int_equal(g->pel.n, 1);
	assert_int_equal(stream_cg_destroy(s, "g1", 2), 1);
	assert_int_equal(s->ngroups, 2);
	struct stream_cg *dg = stream_cg_find(d, "g2", 2);
	assert_non_null(dg);
	assert_int_equal(dg->pel.n, 4);
	assert_int_equal(stream_consumer_find(dg, "alice", 5)->pel.n, 3);
	assert_int_equal(d->length, 5);
	stream_destroy(&d);
	stream_destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_node_bytes_match_redis),
		cmocka_unit_test(test_stream_id_parse_format),
		cmocka_unit_test(test_stream_range_across_nodes),
		cmocka_unit_test(test_stream_delete_updates_meta),
		cmocka_unit_test(test_stream_trim_maxlen_and_minid),
		cmocka_unit_test(test_stream_groups_pel_consumers),
	};
	return cmocka_run_group_tests_name("ds_stream", tests, NULL, NULL);
}
