/* test_ds_quicklist.c — unit tests for src/ds/quicklist.c: fill limits, LZF
 * compression depth, push/pop, index, insert, replace, delete range, iterators
 * with deletion, and random differential tests against an array over many
 * (fill, compress) settings.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/ds/quicklist.h>
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

static uint64_t rng_state = 0x5EED5EED5EEDull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *entry_str(const struct quicklist_entry *e, char *buf, size_t cap)
{
	if (e->value) {
		assert_true(e->sz < cap);
		memcpy(buf, e->value, e->sz);
		buf[e->sz] = 0;
	} else {
		snprintf(buf, cap, "%lld", (long long)e->lval);
	}
	return buf;
}

/* Structural invariants: counts, sizes, limits, compression windows. */
static void check_invariants(const struct quicklist *ql)
{
	unsigned long count = 0, len = 0, pos = 0;
	const struct quicklist_node *prev = NULL;
	for (const struct quicklist_node *n = ql->head; n; n = n->next, pos++) {
		assert_ptr_equal(n->prev, prev);
		assert_true(n->count > 0);
		count += n->count;
		len++;
		prev = n;
	}
	assert_ptr_equal(ql->tail, prev);
	assert_int_equal(count, ql->count);
	assert_int_equal(len, ql->len);
	pos = 0;
	for (const struct quicklist_node *n = ql->head; n; n = n->next, pos++) {
		int edge = pos < ql->compress || len - 1 - pos < ql->compress;
		if (ql->compress == 0 || edge)
			assert_int_equal(n->encoding, QUICKLIST_NODE_ENCODING_RAW);
		if (n->encoding == QUICKLIST_NODE_ENCODING_RAW) {
			assert_int_equal(n->sz, lp_bytes(n->entry));
			assert_int_equal(n->count, lp_length(n->entry));
			assert_true(lp_validate(n->entry, n->sz, 1, NULL, NULL));
		}
		if (ql->fill > 0)
			assert_true(n->count <= (unsigned)ql->fill);
	}
}

struct model {
	char **v;
	size_t n;
};

static void m_insert(struct model *m, size_t at, const char *s)
{
	m->v = realloc(m->v, (m->n + 1) * sizeof(char *));
	memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(char *));
	m->v[at] = strdup(s);
	m->n++;
}

static void m_delete(struct model *m, size_t at)
{
	free(m->v[at]);
	memmove(m->v + at, m->v + at + 1, (m->n - at - 1) * sizeof(char *));
	m->n--;
}

static void check_model(struct quicklist *ql, const struct model *m)
{
	char buf[600];
	struct quicklist_iter it;
	struct quicklist_entry e;
	size_t i = 0;
	check_invariants(ql);
	assert_int_equal(quicklist_count(ql), m->n);
	quicklist_iter_init(&it, ql, QUICKLIST_ITER_FORWARD);
	while (quicklist_next(&it, &e))
		assert_string_equal(entry_str(&e, buf, sizeof(buf)), m->v[i++]);
	quicklist_iter_deinit(&it);
	assert_int_equal(i, m->n);
	quicklist_iter_init(&it, ql, QUICKLIST_ITER_BACKWARD);
	while (quicklist_next(&it, &e))
		assert_string_equal(entry_str(&e, buf, sizeof(buf)), m->v[--i]);
	quicklist_iter_deinit(&it);
	assert_int_equal(i, 0);
	check_invariants(ql);
}

static void random_value(char *buf, size_t cap)
{
	if (rnd() % 4 == 0) {
		snprintf(buf, cap, "%d", (int)(rnd() % 100000) - 50000);
		return;
	}
	size_t len = rnd() % 10 == 0 ? rnd() % 500 : rnd() % 30;
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + rnd() % 3);         /* compressible */
	buf[len] = 0;
}

static void run_differential(int fill, int compress, int iters)
{
	struct quicklist *ql = quicklist_create(fill, compress);
	struct model m = { 0 };
	char buf[600];
	for (int iter = 0; iter < iters; iter++) {
		unsigned op = (unsigned)(rnd() % 20);
		random_value(buf, sizeof(buf));
		if (op < 6) {
			if (op & 1) {
				quicklist_push_head(ql, buf, strlen(buf));
				m_insert(&m, 0, buf);
			} else {
				quicklist_push_tail(ql, buf, strlen(buf));
				m_insert(&m, m.n, buf);
			}
		} else if (op < 9) {
			unsigned char *data;
			size_t len;
			int64_t v;
			int head = op & 1;
			int got = quicklist_pop(ql, head ? QUICKLIST_HEAD : QUICKLIST_TAIL, &data, &len, &v);
			assert_int_equal(got, m.n > 0);
			if (got) {
				char out[600];
				if (data) {
					memcpy(out, data, len);
					out[len] = 0;
					pfree(data);
				} else {
					snprintf(out, sizeof(out), "%lld", (long long)v);
				}
				size_t at = head ? 0 : m.n - 1;
				assert_string_equal(out, m.v[at]);
				m_delete(&m, at);
			}
		} else if (op < 13 && m.n) {
			size_t at = rnd() % m.n;
			struct quicklist_entry e;
			long idx = rnd() & 1 ? (long)at : -(long)(m.n - at);
			assert_true(quicklist_index(ql, idx, &e));
			char got[600];
			assert_string_equal(entry_str(&e, got, sizeof(got)), m.v[at]);
			if (op == 9) {
				quicklist_insert_before(ql, &e, buf, strlen(buf));
				m_insert(&m, at, buf);
			} else if (op == 10) {
				quicklist_insert_after(ql, &e, buf, strlen(buf));
				m_insert(&m, at + 1, buf);
			} else {
				quicklist_entry_done(&e);
			}
		} else if (op < 15 && m.n) {
			size_t at = rnd() % m.n;
			assert_true(quicklist_replace_at_index(ql, (long)at, buf, strlen(buf)));
			free(m.v[at]);
			m.v[at] = strdup(buf);
		} else if (op < 16 && m.n) {
			size_t at = rnd() % m.n, cnt = rnd() % 40;
			unsigned long del = quicklist_del_range(ql, (long)at - (long)m.n * (long)(rnd() & 1), cnt);
			size_t want = cnt < m.n - at ? cnt : m.n - at;
			assert_int_equal(del, want);
			for (size_t k = 0; k < want; k++)
				m_delete(&m, at);
		} else if (op < 17 && m.n) {
			/* LREM-like: delete every element equal to a chosen one */
			const char *victim = m.v[rnd() % m.n];
			char vcopy[600];
			snprintf(vcopy, sizeof(vcopy), "%s", victim);
			int fwd = rnd() & 1;
			struct quicklist_iter it;
			struct quicklist_entry e;
			quicklist_iter_init(&it, ql, fwd ? QUICKLIST_ITER_FORWARD : QUICKLIST_ITER_BACKWARD);
			while (quicklist_next(&it, &e)) {
				char got[600];
				if (strcmp(entry_str(&e, got, sizeof(got)), vcopy) == 0)
					quicklist_iter_delete(&it, &e);
			}
			quicklist_iter_deinit(&it);
			for (size_t k = m.n; k-- > 0;)
				if (strcmp(m.v[k], vcopy) == 0)
					m_delete(&m, k);
		} else if (m.n) {
			/* iterate from an index */
			size_t at = rnd() % m.n;
			struct quicklist_iter it;
			struct quicklist_entry e;
			char got[600];
			assert_true(quicklist_iter_init_at(&it, ql, QUICKLIST_ITER_FORWARD, (long)at));
			for (size_t k = at; k < m.n && k < at + 5; k++) {
				assert_true(quicklist_next(&it, &e));
				assert_string_equal(entry_str(&e, got, sizeof(got)), m.v[k]);
			}
			quicklist_iter_deinit(&it);
		}
		if (iter % 200 == 0)
			check_model(ql, &m);
	}
	check_model(ql, &m);
	while (m.n)
		m_delete(&m, 0);
	free(m.v);
	quicklist_destroy(&ql);
	assert_null(ql);
}

static void test_quicklist_random_differential_sizes(void **state)
{
	(void)state;
	static const int fills[] = { -1, -2, -5 };
	static const int comps[] = { 0, 1, 2 };
	for (size_t f = 0; f < 3; f++)
		for (size_t c = 0; c < 3; c++)
			run_differential(fills[f], comps[c], 4000);
}

static void test_quicklist_random_differential_counts(void **state)
{
	(void)state;
	static const int fills[] = { 1, 2, 3, 16, 128 };
	static const int comps[] = { 0, 1, 4 };
	for (size_t f = 0; f < 5; f++)
		for (size_t c = 0; c < 3; c++)
			run_differential(fills[f], comps[c], 3000);
}

static void test_quicklist_fill_limits(void **state)
{
	(void)state;
	struct quicklist *ql = quicklist_create(4, 0);
	for (int i = 0; i < 10; i++)
		quicklist_push_tail(ql, "x", 1);
	assert_int_equal(ql->len, 3);           /* 4 + 4 + 2 */
	quicklist_destroy(&ql);
	/* -2: 8 KB per node */
	ql = quicklist_create(-2, 0);
	char big[100];
	memset(big, 'q', sizeof(big));
	for (int i = 0; i < 1000; i++)
		quicklist_push_tail(ql, big, sizeof(big));
	for (struct quicklist_node *n = ql->head; n; n = n->next)
		assert_true(n->sz <= 8192);
	assert_true(ql->len >= 12 && ql->len <= 14);
	quicklist_destroy(&ql);
	/* clamping */
	ql = quicklist_create(-100, -3);
	assert_int_equal(ql->fill, -5);
	assert_int_equal(ql->compress, 0);
	quicklist_set_options(ql, 1 << 20, 5);
	assert_int_equal(ql->fill, QUICKLIST_FILL_MAX);
	/* an element bigger than the limit still gets its own node */
	char *huge = pmalloc(100000);
	memset(huge, 'h', 100000);
	quicklist_set_options(ql, -1, 0);
	quicklist_push_tail(ql, huge, 100000);
	quicklist_push_tail(ql, "a", 1);
	assert_int_equal(ql->len, 2);
	pfree(huge);
	quicklist_destroy(&ql);
}

static void test_quicklist_compression_depth(void **state)
{
	(void)state;
	struct quicklist *ql = quicklist_create(16, 1);
	char val[64];
	for (int i = 0; i < 16 * 10; i++) {
		snprintf(val, sizeof(val), "element-number-%d-padding-padding", i);
		quicklist_push_tail(ql, val, strlen(val));
	}
	assert_int_equal(ql->len, 10);
	assert_int_equal(quicklist_compressed_nodes(ql), 8);
	check_invariants(ql);
	/* reading an interior element decompresses only for the read */
	struct quicklist_entry e;
	assert_true(quicklist_index(ql, 80, &e));
	assert_int_equal(e.sz, strlen("element-number-80-padding-padding"));
	assert_memory_equal(e.value, "element-number-80-padding-padding", e.sz);
	quicklist_entry_done(&e);
	assert_int_equal(quicklist_compressed_nodes(ql), 8);
	/* popping whole nodes moves the raw window inwards */
	for (int i = 0; i < 16 * 4; i++) {
		unsigned char *d;
		size_t l;
		int64_t v;
		assert_true(quicklist_pop(ql, QUICKLIST_HEAD, &d, &l, &v));
		pfree(d);
	}
	assert_int_equal(ql->len, 6);
	assert_int_equal(quicklist_compressed_nodes(ql), 4);
	check_invariants(ql);
	quicklist_set_options(ql, 16, 3);
	quicklist_push_tail(ql, "z", 1);
	check_invariants(ql);
	quicklist_destroy(&ql);
}

static void test_quicklist_append_listpack_and_integers(void **state)
{
	(void)state;
	struct quicklist *ql = quicklist_create(-2, 0);
	unsigned char *lp = lp_create(0);
	lp = lp_append_integer(lp, 42);
	lp = lp_append(lp, (const unsigned char *)"str", 3);
	quicklist_append_listpack(ql, lp);
	quicklist_append_listpack(ql, lp_create(0));     /* empty: ignored */
	assert_int_equal(quicklist_count(ql), 2);
	assert_int_equal(ql->len, 1);
	struct quicklist_entry e;
	assert_true(quicklist_index(ql, 0, &e));
	assert_null(e.value);
	assert_true(e.lval == 42);
	assert_true(quicklist_index(ql, -1, &e));
	assert_memory_equal(e.value, "str", 3);
	assert_false(quicklist_index(ql, 2, &e));
	assert_false(quicklist_index(ql, -3, &e));
	unsigned char *d;
	size_t l;
	int64_t v;
	quicklist_push_head(ql, "-7", 2);
	assert_true(quicklist_pop(ql, QUICKLIST_HEAD, &d, &l, &v));
	assert_null(d);
	assert_true(v == -7);
	assert_int_equal(quicklist_del_range(ql, 0, 100), 2);
	assert_false(quicklist_pop(ql, QUICKLIST_TAIL, &d, &l, &v));
	assert_int_equal(ql->len, 0);
	quicklist_destroy(&ql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quicklist_fill_limits),
		cmocka_unit_test(test_quicklist_compression_depth),
		cmocka_unit_test(test_quicklist_append_listpack_and_integers),
		cmocka_unit_test(test_quicklist_random_differential_sizes),
		cmocka_unit_test(test_quicklist_random_differential_counts),
	};
	return cmocka_run_group_tests_name("ds_quicklist", tests, NULL, NULL);
}
