/* test_ds_skiplist.c — unit tests for src/ds/skiplist.c: ranks, spans, backward
 * links, score/lex ranges with exclusive bounds, range deletions and a random
 * differential test against a sorted array.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/ds/skiplist.h>
#include <petrel/alloc.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint64_t rng_state = 0xABCDEF0123456789ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct item {
	double score;
	char ele[16];
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->ele, y->ele);      /* members here are NUL-free text */
}

/* Full structural check against the sorted model. */
static void check(const struct zsl *zsl, struct item *m, size_t n)
{
	qsort(m, n, sizeof(*m), item_cmp);
	assert_int_equal(zsl->length, n);
	const struct zsl_node *x = zsl->header->level[0].forward, *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(x);
		assert_true(x->score == m[i].score);
		assert_string_equal(zsl_node_ele(x), m[i].ele);
		assert_ptr_equal(x->backward, prev);
		prev = x;
		x = x->level[0].forward;
	}
	assert_null(x);
	assert_ptr_equal(zsl->tail, prev);
	/* spans: walking level i with spans must land on the right ranks */
	for (int lvl = 0; lvl < zsl->level; lvl++) {
		unsigned long r = 0;
		const struct zsl_node *y = zsl->header;
		while (y->level[lvl].forward) {
			r += y->level[lvl].span;
			y = y->level[lvl].forward;
			assert_true(r >= 1 && r <= n);
			assert_true(y->score == m[r - 1].score);
			assert_string_equal(zsl_node_ele(y), m[r - 1].ele);
		}
	}
}

static void test_skiplist_basic_rank_and_order(void **state)
{
	(void)state;
	struct zsl *zsl = zsl_create();
	zsl_insert(zsl, 2, "b", 1);
	zsl_insert(zsl, 1, "z", 1);
	zsl_insert(zsl, 2, "a", 1);
	zsl_insert(zsl, -INFINITY, "min", 3);
	zsl_insert(zsl, INFINITY, "max", 3);
	struct item m[] = { { 2, "b" }, { 1, "z" }, { 2, "a" }, { -INFINITY, "min" }, { INFINITY, "max" } };
	check(zsl, m, 5);
	assert_int_equal(zsl_get_rank(zsl, 2, "a", 1), 3);
	assert_int_equal(zsl_get_rank(zsl, 2, "b", 1), 4);
	assert_int_equal(zsl_get_rank(zsl, 3, "b", 1), 0);
	assert_int_equal(zsl_get_rank(zsl, 2, "c", 1), 0);
	assert_string_equal(zsl_node_ele(zsl_get_by_rank(zsl, 1)), "min");
	assert_string_equal(zsl_node_ele(zsl_get_by_rank(zsl, 5)), "max");
	assert_null(zsl_get_by_rank(zsl, 0));
	assert_null(zsl_get_by_rank(zsl, 6));
	assert_int_equal(zsl_delete(zsl, 2, "c", 1), 0);
	assert_int_equal(zsl_delete(zsl, 1, "z", 1), 1);
	assert_int_equal(zsl->length, 4);
	/* binary-safe members: embedded NUL and prefix ordering */
	zsl_insert(zsl, 7, "ab\0c", 4);
	zsl_insert(zsl, 7, "ab", 2);
	assert_int_equal(zsl_get_rank(zsl, 7, "ab", 2) + 1, zsl_get_rank(zsl, 7, "ab\0c", 4));
	zsl_destroy(&zsl);
	assert_null(zsl);
	zsl_destroy(&zsl);
}

static void test_skiplist_update_score(void **state)
{
	(void)state;
	struct zsl *zsl = zsl_create();
	for (int i = 0; i < 10; i++) {
		char e[16];
		snprintf(e, sizeof(e), "e%d", i);
		zsl_insert(zsl, i, e, strlen(e));
	}
	struct zsl_node *n = zsl_get_by_rank(zsl, 5);
	struct zsl_node *same = zsl_update_score(zsl, 4, "e4", 2, 4.5);
	assert_ptr_equal(n, same);              /* stays in place: same node */
	struct zsl_node *moved = zsl_update_score(zsl, 4.5, "e4", 2, 100);
	assert_true(moved->score == 100);
	assert_ptr_equal(moved, same);          /* moved: the same node, relinked */
	assert_ptr_equal(zsl->tail, moved);
	assert_int_equal(zsl_get_rank(zsl, 100, "e4", 2), 10);
	assert_null(zsl_update_score(zsl, 1, "nope", 4, 2));
	zsl_destroy(&zsl);
}

static void test_skiplist_score_ranges_exclusive(void **state)
{
	(void)state;
	struct zsl *zsl = zsl_create();
	for (int i = 1; i <= 5; i++) {
		char e[16];
		snprintf(e, sizeof(e), "m%d", i);
		zsl_insert(zsl, i, e, strlen(e));
	}
	struct zsl_range r = { 2, 4, 0, 0 };
	assert_true(zsl_first_in_range(zsl, &r)->score == 2);
	assert_true(zsl_last_in_range(zsl, &r)->score == 4);
	r.minex = r.maxex = 1;
	assert_true(zsl_first_in_range(zsl, &r)->score == 3);
	assert_true(zsl_last_in_range(zsl, &r)->score == 3);
	r = (struct zsl_range){ 3, 3, 1, 0 };
	assert_false(zsl_is_in_range(zsl, &r));
	assert_null(zsl_first_in_range(zsl, &r));
	r = (struct zsl_range){ 5, 1, 0, 0 };
	assert_false(zsl_is_in_range(zsl, &r));
	r = (struct zsl_range){ 3.5, 3.7, 0, 0 };
	assert_true(zsl_is_in_range(zsl, &r));
	assert_null(zsl_first_in_range(zsl, &r));
	assert_null(zsl_last_in_range(zsl, &r));
	r = (struct zsl_range){ -INFINITY, INFINITY, 0, 0 };
	assert_true(zsl_first_in_range(zsl, &r)->score == 1);
	r = (struct zsl_range){ 2, 4, 1, 0 };
	assert_int_equal(zsl_delete_range_by_score(zsl, &r, NULL, NULL), 2);
	assert_int_equal(zsl->length, 3);
	assert_int_equal(zsl_delete_range_by_rank(zsl, 2, 3, NULL, NULL), 2);
	assert_int_equal(zsl->length, 1);
	assert_string_equal(zsl_node_ele(zsl->tail), "m1");
	zsl_destroy(&zsl);
}

static void test_skiplist_lex_ranges(void **state)
{
	(void)state;
	struct zsl *zsl = zsl_create();
	const char *w[] = { "a", "b", "c", "d", "e", "f", "g" };
	for (int i = 0; i < 7; i++)
		zsl_insert(zsl, 0, w[i], 1);
	struct zsl_lex_range r;
	assert_int_equal(zsl_parse_lex_bound("[b", 2, &r.min), 0);
	assert_int_equal(zsl_parse_lex_bound("(e", 2, &r.max), 0);
	assert_string_equal(zsl_node_ele(zsl_first_in_lex_range(zsl, &r)), "b");
	assert_string_equal(zsl_node_ele(zsl_last_in_lex_range(zsl, &r)), "d");
	assert_int_equal(zsl_parse_lex_bound("-", 1, &r.min), 0);
	assert_int_equal(zsl_parse_lex_bound("+", 1, &r.max), 0);
	assert_string_equal(zsl_node_ele(zsl_first_in_lex_range(zsl, &r)), "a");
	assert_string_equal(zsl_node_ele(zsl_last_in_lex_range(zsl, &r)), "g");
	assert_int_equal(zsl_parse_lex_bound("x", 1, &r.min), -1);
	assert_int_equal(zsl_parse_lex_bound("", 0, &r.min), -1);
	assert_int_equal(zsl_parse_lex_bound("+a", 2, &r.min), -1);
	zsl_parse_lex_bound("+", 1, &r.min);
	zsl_parse_lex_bound("+", 1, &r.max);
	assert_false(zsl_is_in_lex_range(zsl, &r));
	zsl_parse_lex_bound("(c", 2, &r.min);
	zsl_parse_lex_bound("[c", 2, &r.max);
	assert_false(zsl_is_in_lex_range(zsl, &r));
	zsl_parse_lex_bound("(bb", 3, &r.min);
	zsl_parse_lex_bound("[cc", 3, &r.max);
	assert_string_equal(zsl_node_ele(zsl_first_in_lex_range(zsl, &r)), "c");
	assert_int_equal(zsl_delete_range_by_lex(zsl, &r, NULL, NULL), 1);
	zsl_parse_lex_bound("-", 1, &r.min);
	zsl_parse_lex_bound("(c", 2, &r.max);
	assert_int_equal(zsl_delete_range_by_lex(zsl, &r, NULL, NULL), 2);
	assert_int_equal(zsl->length, 4);
	assert_string_equal(zsl_node_ele(zsl_get_by_rank(zsl, 1)), "d");
	zsl_destroy(&zsl);
}

static void count_cb(struct zsl_node *n, void *ud)
{
	(void)n;
	(*(int *)ud)++;
}

static void test_skiplist_random_differential(void **state)
{
	(void)state;
	enum { MAXN = 600 };
	struct item *m = calloc(MAXN, sizeof(*m));
	size_t n = 0;
	struct zsl *zsl = zsl_create();
	for (int iter = 0; iter < 30000; iter++) {
		unsigned op = (unsigned)(rnd() % 10);
		if (op < 4 && n < MAXN) {
			struct item it;
			it.score = (double)(rnd() % 50) / 2;
			snprintf(it.ele, sizeof(it.ele), "k%u", (unsigned)(rnd() % 1000));
			int dup = 0;
			for (size_t i = 0; i < n; i++)
				dup |= strcmp(m[i].ele, it.ele) == 0;
			if (dup)
				continue;
			zsl_insert(zsl, it.score, it.ele, strlen(it.ele));
			m[n++] = it;
		} else if (op < 6 && n) {
			size_t k = rnd() % n;
			assert_int_equal(zsl_delete(zsl, m[k].score, m[k].ele, strlen(m[k].ele)), 1);
			m[k] = m[--n];
		} else if (op < 8 && n) {
			size_t k = rnd() % n;
			double ns = (double)(rnd() % 50) / 2;
			struct zsl_node *x = zsl_update_score(zsl, m[k].score, m[k].ele,
							      strlen(m[k].ele), ns);
			assert_non_null(x);
			assert_true(x->score == ns);
			m[k].score = ns;
		} else if (n) {
			qsort(m, n, sizeof(*m), item_cmp);
			/* ranks and random score range */
			size_t k = rnd() % n;
			assert_int_equal(zsl_get_rank(zsl, m[k].score, m[k].ele, strlen(m[k].ele)), k + 1);
			struct zsl_range r = { (double)(rnd() % 50) / 2, (double)(rnd() % 50) / 2,
					       (int)(rnd() & 1), (int)(rnd() & 1) };
			size_t first = n, last = n;
			for (size_t i = 0; i < n; i++) {
				if (zsl_value_gte_min(m[i].score, &r) && zsl_value_lte_max(m[i].score, &r)) {
					if (first == n)
						first = i;
					last = i;
				}
			}
			struct zsl_node *f = zsl_first_in_range(zsl, &r), *l = zsl_last_in_range(zsl, &r);
			if (first == n) {
				assert_null(f);
				assert_null(l);
			} else {
				assert_string_equal(zsl_node_ele(f), m[first].ele);
				assert_string_equal(zsl_node_ele(l), m[last].ele);
			}
			if (rnd() % 8 == 0) {
				int cbs = 0;
				unsigned long del = zsl_delete_range_by_score(zsl, &r, count_cb, &cbs);
				assert_int_equal(del, first == n ? 0 : last - first + 1);
				assert_int_equal((unsigned long)cbs, del);
				if (del) {
					memmove(m + first, m + last + 1, (n - last - 1) * sizeof(*m));
					n -= del;
				}
			}
		}
		if (iter % 500 == 0)
			check(zsl, m, n);
	}
	check(zsl, m, n);
	/* rank-range deletion against the model */
	if (n > 10) {
		assert_int_equal(zsl_delete_range_by_rank(zsl, 3, 7, NULL, NULL), 5);
		memmove(m + 2, m + 7, (n - 7) * sizeof(*m));
		n -= 5;
		check(zsl, m, n);
	}
	zsl_destroy(&zsl);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skiplist_basic_rank_and_order),
		cmocka_unit_test(test_skiplist_update_score),
		cmocka_unit_test(test_skiplist_score_ranges_exclusive),
		cmocka_unit_test(test_skiplist_lex_ranges),
		cmocka_unit_test(test_skiplist_random_differential),
	};
	return cmocka_run_group_tests_name("ds_skiplist", tests, NULL, NULL);
}
