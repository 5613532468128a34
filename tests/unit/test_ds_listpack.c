/* test_ds_listpack.c — unit tests for src/ds/listpack.c: exact Redis bytes, every
 * encoding boundary, navigation, mutation, validation of hostile bytes, and a
 * random differential test against an array of strings.
 *
 * Thread: single (cmocka main thread).
 */
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

#define S(x) (const unsigned char *)(x), (uint32_t)strlen(x)

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Element at p as a NUL-terminated string in buf. */
static const char *elem(unsigned char *p, char *buf, size_t cap)
{
	unsigned char ib[LP_INTBUF_SIZE];
	uint32_t n;
	const unsigned char *s = lp_get_str(p, ib, &n);
	assert_true(n < cap);
	memcpy(buf, s, n);
	buf[n] = 0;
	return buf;
}

static void test_listpack_empty_layout(void **state)
{
	(void)state;
	static const unsigned char want[] = { 7, 0, 0, 0, 0, 0, 0xFF };
	unsigned char *lp = lp_create(0);
	assert_int_equal(lp_bytes(lp), 7);
	assert_memory_equal(lp, want, 7);
	assert_int_equal(lp_length(lp), 0);
	assert_null(lp_first(lp));
	assert_null(lp_last(lp));
	assert_null(lp_seek(lp, 0));
	assert_null(lp_seek(lp, -1));
	assert_true(lp_validate(lp, 7, 1, NULL, NULL));
	lp_destroy(&lp);
	assert_null(lp);
	lp_destroy(&lp);
}

static void test_listpack_redis_dump_bytes(void **state)
{
	(void)state;
	/* ZADD z 1 a 2.5 b -> DUMP z, the listpack part (docs/rdb.md 8.5) */
	static const unsigned char want[] = { 0x14, 0, 0, 0, 4, 0, 0x81, 0x61, 0x02, 0x01, 0x01,
		0x81, 0x62, 0x02, 0x83, 0x32, 0x2e, 0x35, 0x04, 0xff };
	unsigned char *lp = lp_create(0);
	lp = lp_append(lp, S("a"));
	lp = lp_append(lp, S("1"));
	lp = lp_append(lp, S("b"));
	lp = lp_append(lp, S("2.5"));
	assert_int_equal(lp_bytes(lp), sizeof(want));
	assert_memory_equal(lp, want, sizeof(want));
	lp_destroy(&lp);
}

static void test_listpack_string_to_int_strict(void **state)
{
	(void)state;
	static const struct { const char *s; int ok; int64_t v; } cases[] = {
		{ "0", 1, 0 }, { "1", 1, 1 }, { "-1", 1, -1 }, { "127", 1, 127 },
		{ "9223372036854775807", 1, INT64_MAX },
		{ "-9223372036854775808", 1, INT64_MIN },
		{ "9223372036854775808", 0, 0 }, { "-9223372036854775809", 0, 0 },
		{ "18446744073709551616", 0, 0 }, { "99999999999999999999", 0, 0 },
		{ "", 0, 0 }, { "-", 0, 0 }, { "-0", 0, 0 }, { "00", 0, 0 }, { "01", 0, 0 },
		{ "+1", 0, 0 }, { " 1", 0, 0 }, { "1 ", 0, 0 }, { "1a", 0, 0 }, { "1.0", 0, 0 },
		{ "000000000000000000001", 0, 0 }, { "--1", 0, 0 }, { "0x10", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 12345;
		int ok = lp_string_to_int64(cases[i].s, strlen(cases[i].s), &v);
		assert_int_equal(ok, cases[i].ok);
		if (ok)
			assert_true(v == cases[i].v);
	}
}

static void test_listpack_integer_encodings(void **state)
{
	(void)state;
	static const struct { int64_t v; size_t entry; unsigned char first; } cases[] = {
		{ 0, 2, 0x00 }, { 127, 2, 0x7F }, { 128, 3, 0xC0 }, { -1, 3, 0xDF },
		{ 4095, 3, 0xCF }, { -4096, 3, 0xD0 }, { 4096, 4, 0xF1 }, { -4097, 4, 0xF1 },
		{ 32767, 4, 0xF1 }, { -32768, 4, 0xF1 }, { 32768, 5, 0xF2 },
		{ 8388607, 5, 0xF2 }, { -8388608, 5, 0xF2 }, { 8388608, 6, 0xF3 },
		{ INT32_MAX, 6, 0xF3 }, { INT32_MIN, 6, 0xF3 }, { (int64_t)INT32_MAX + 1, 10, 0xF4 },
		{ INT64_MAX, 10, 0xF4 }, { INT64_MIN, 10, 0xF4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *lp = lp_create(0);
		lp = lp_append_integer(lp, cases[i].v);
		assert_int_equal(lp_bytes(lp), 7 + cases[i].entry);
		assert_int_equal(lp[6], cases[i].first);
		int64_t got = 0;
		uint32_t sl;
		assert_null(lp_get(lp_first(lp), &sl, &got));
		assert_true(got == cases[i].v);
		/* the same value given as text takes the same encoding */
		char txt[32];
		snprintf(txt, sizeof(txt), "%lld", (long long)cases[i].v);
		unsigned char *lp2 = lp_create(0);
		lp2 = lp_append(lp2, S(txt));
		assert_int_equal(lp_bytes(lp2), lp_bytes(lp));
		assert_memory_equal(lp2, lp, lp_bytes(lp));
		char buf[32];
		assert_string_equal(elem(lp_first(lp2), buf, sizeof(buf)), txt);
		assert_true(lp_validate(lp, lp_bytes(lp), 1, NULL, NULL));
		lp_destroy(&lp);
		lp_destroy(&lp2);
	}
}

static void test_listpack_string_encodings_and_backlen(void **state)
{
	(void)state;
	/* lengths around each string-header and backlen boundary */
	static const uint32_t lens[] = { 0, 1, 63, 64, 125, 126, 127, 128, 4095, 4096,
		16377, 16378, 16379, 70000 };
	const size_t n = sizeof(lens) / sizeof(lens[0]);
	unsigned char *lp = lp_create(0);
	for (size_t i = 0; i < n; i++) {
		unsigned char *s = pmalloc(lens[i] + 1);
		memset(s, 'a' + (int)i, lens[i]);
		lp = lp_append(lp, s, lens[i]);
		pfree(s);
	}
	assert_int_equal(lp_length(lp), n);
	assert_true(lp_validate(lp, lp_bytes(lp), 1, NULL, NULL));
	/* forward */
	unsigned char *p = lp_first(lp);
	for (size_t i = 0; i < n; i++) {
		uint32_t sl;
		int64_t v;
		const unsigned char *s = lp_get(p, &sl, &v);
		assert_non_null(s);
		assert_int_equal(sl, lens[i]);
		for (uint32_t k = 0; k < sl; k++)
			assert_int_equal(s[k], 'a' + (int)i);
		p = lp_next(lp, p);
	}
	assert_null(p);
	/* backward */
	p = lp_last(lp);
	for (size_t i = n; i-- > 0;) {
		uint32_t sl;
		int64_t v;
		assert_non_null(p);
		assert_non_null(lp_get(p, &sl, &v));
		assert_int_equal(sl, lens[i]);
		p = lp_prev(lp, p);
	}
	assert_null(p);
	/* string header forms */
	assert_int_equal(lp[6], 0x80);                  /* "" */
	p = lp_seek(lp, 3);
	assert_int_equal(p[0], 0xE0);                   /* 64 bytes: 12-bit form */
	p = lp_seek(lp, 9);
	assert_int_equal(p[0], 0xF0);                   /* 4096 bytes: 32-bit form */
	/* an entry of exactly 127 payload bytes uses a 1-byte backlen, 128 a 2-byte one */
	p = lp_seek(lp, 4);                             /* 125 + 2 = 127 */
	assert_int_equal(p[127], 127);
	p = lp_seek(lp, 5);                             /* 126 + 2 = 128 */
	assert_int_equal(p[128], 0x01);
	assert_int_equal(p[129], 0x80);
	/* payload 16383 (16378 + 5) takes a 3-byte backlen: Redis's bound */
	p = lp_seek(lp, 11);
	assert_int_equal(lp_next(lp, p) - p, 16383 + 3);
	p = lp_seek(lp, 10);
	assert_int_equal(lp_next(lp, p) - p, 16382 + 2);
	lp_destroy(&lp);
}

static void test_listpack_seek_negative(void **state)
{
	(void)state;
	unsigned char *lp = lp_create(0);
	char buf[32];
	for (int i = 0; i < 100; i++)
		lp = lp_append_integer(lp, i);
	for (long i = 0; i < 100; i++) {
		assert_true(atoi(elem(lp_seek(lp, i), buf, sizeof(buf))) == i);
		assert_true(atoi(elem(lp_seek(lp, -1 - i), buf, sizeof(buf))) == 99 - i);
	}
	assert_null(lp_seek(lp, 100));
	assert_null(lp_seek(lp, -101));
	lp_destroy(&lp);
}

static void test_listpack_insert_replace_delete(void **state)
{
	(void)state;
	char buf[64];
	unsigned char *lp = lp_create(0), *p, *np;
	lp = lp_append(lp, S("b"));
	lp = lp_prepend(lp, S("a"));
	lp = lp_append(lp, S("d"));
	p = lp_seek(lp, 1);
	lp = lp_insert_string(lp, S("c"), p, LP_AFTER, &np);
	assert_string_equal(elem(np, buf, sizeof(buf)), "c");
	p = lp_seek(lp, 0);
	lp = lp_insert_integer(lp, -5, p, LP_BEFORE, &np);
	assert_string_equal(elem(np, buf, sizeof(buf)), "-5");
	assert_int_equal(lp_length(lp), 5);
	const char *want[] = { "-5", "a", "b", "c", "d" };
	p = lp_first(lp);
	for (int i = 0; i < 5; i++, p = lp_next(lp, p))
		assert_string_equal(elem(p, buf, sizeof(buf)), want[i]);
	/* replace with a longer and a shorter value, and with itself (aliasing) */
	p = lp_seek(lp, 2);
	lp = lp_replace(lp, &p, S("a-much-longer-value-than-before-and-more-than-64-bytes-long-xx"));
	assert_string_equal(elem(p, buf, sizeof(buf)),
			    "a-much-longer-value-than-before-and-more-than-64-bytes-long-xx");
	uint32_t sl;
	int64_t iv;
	const unsigned char *self = lp_get(p, &sl, &iv);
	lp = lp_replace(lp, &p, self + 2, 4);
	assert_string_equal(elem(p, buf, sizeof(buf)), "much");
	lp = lp_replace_integer(lp, &p, 1000000);
	assert_string_equal(elem(p, buf, sizeof(buf)), "1000000");
	/* delete middle, then last */
	lp = lp_delete(lp, p, &np);
	assert_string_equal(elem(np, buf, sizeof(buf)), "c");
	p = lp_last(lp);
	lp = lp_delete(lp, p, &np);
	assert_null(np);
	assert_int_equal(lp_length(lp), 3);
	assert_true(lp_validate(lp, lp_bytes(lp), 1, NULL, NULL));
	/* ranges */
	lp = lp_delete_range(lp, -2, 10);
	assert_int_equal(lp_length(lp), 1);
	assert_string_equal(elem(lp_first(lp), buf, sizeof(buf)), "-5");
	lp = lp_delete_range(lp, 5, 1);
	assert_int_equal(lp_length(lp), 1);
	lp = lp_delete_range(lp, 0, 1);
	assert_int_equal(lp_length(lp), 0);
	assert_int_equal(lp_bytes(lp), 7);
	lp_destroy(&lp);
}

static void test_listpack_find_with_skip(void **state)
{
	(void)state;
	unsigned char *lp = lp_create(0);
	/* hash: f1 v1 | 7 f2 | f2 -3 | big 12 */
	const char *kv[] = { "f1", "v1", "7", "f2", "f2", "-3", "big", "12" };
	for (int i = 0; i < 8; i++)
		lp = lp_append(lp, S(kv[i]));
	unsigned char *p = lp_find(lp, lp_first(lp), S("f2"), 1);
	assert_ptr_equal(p, lp_seek(lp, 4));
	p = lp_find(lp, lp_first(lp), S("f2"), 0);
	assert_ptr_equal(p, lp_seek(lp, 3));
	assert_null(lp_find(lp, lp_first(lp), S("v1"), 1));
	assert_ptr_equal(lp_find(lp, lp_first(lp), S("7"), 1), lp_seek(lp, 2));
	assert_null(lp_find(lp, lp_first(lp), S("07"), 1));
	assert_null(lp_find(lp, lp_first(lp), S("-3"), 1));
	assert_ptr_equal(lp_find(lp, lp_first(lp), S("-3"), 0), lp_seek(lp, 5));
	assert_ptr_equal(lp_find(lp, lp_first(lp), S("12"), 0), lp_seek(lp, 7));
	assert_true(lp_compare(lp_seek(lp, 7), S("12")));
	assert_false(lp_compare(lp_seek(lp, 7), S("+12")));
	int64_t v;
	assert_true(lp_get_int(lp_seek(lp, 5), &v));
	assert_true(v == -3);
	assert_false(lp_get_int(lp_seek(lp, 0), &v));
	lp_destroy(&lp);
}

static void test_listpack_unknown_count(void **state)
{
	(void)state;
	unsigned char *lp = lp_create(0);
	for (int i = 0; i < 10; i++)
		lp = lp_append_integer(lp, i);
	lp[4] = 0xFF;
	lp[5] = 0xFF;
	assert_int_equal(lp_length(lp), 10);
	assert_true(lp_validate(lp, lp_bytes(lp), 1, NULL, NULL));
	lp = lp_append_integer(lp, 10);
	assert_int_equal(lp_length(lp), 11);
	assert_non_null(lp_seek(lp, -11));
	lp = lp_delete_range(lp, 0, 3);
	assert_int_equal(lp_length(lp), 8);
	lp_destroy(&lp);
}

static int count_cb(unsigned char *p, unsigned long index, void *ud)
{
	(void)p;
	*(unsigned long *)ud = index + 1;
	return index < 3;
}

static void test_listpack_validate_rejects_corruption(void **state)
{
	(void)state;
	unsigned char *lp = lp_create(0);
	lp = lp_append(lp, S("hello"));
	lp = lp_append_integer(lp, 300);
	lp = lp_append(lp, S("x"));
	size_t n = lp_bytes(lp);
	unsigned long seen = 0;
	assert_true(lp_validate(lp, n, 1, count_cb, &seen));
	assert_int_equal(seen, 3);
	assert_false(lp_validate(lp, n - 1, 0, NULL, NULL));
	assert_false(lp_validate(lp, 6, 1, NULL, NULL));
	lp = lp_append(lp, S("y"));
	assert_false(lp_validate(lp, lp_bytes(lp), 1, count_cb, &seen));  /* cb refuses */
	n = lp_bytes(lp);

	unsigned char *c = pmalloc(n);
	/* wrong count */
	memcpy(c, lp, n);
	c[4] = 3;
	assert_true(lp_validate(c, n, 0, NULL, NULL));
	assert_false(lp_validate(c, n, 1, NULL, NULL));
	/* bad backlen */
	memcpy(c, lp, n);
	c[6 + 6] ^= 1;
	assert_false(lp_validate(c, n, 1, NULL, NULL));
	/* invalid encoding byte */
	memcpy(c, lp, n);
	c[6] = 0xF7;
	assert_false(lp_validate(c, n, 1, NULL, NULL));
	/* huge 32-bit string length */
	memcpy(c, lp, n);
	c[6] = 0xF0;
	c[7] = c[8] = c[9] = c[10] = 0xFF;
	assert_false(lp_validate(c, n, 1, NULL, NULL));
	pfree(c);

	/* random byte flips: must never crash or read out of bounds (ASan) */
	for (int iter = 0; iter < 20000; iter++) {
		c = pmalloc(n);
		memcpy(c, lp, n);
		int flips = 1 + (int)(rnd() % 3);
		for (int f = 0; f < flips; f++)
			c[rnd() % n] = (unsigned char)rnd();
		if (lp_validate(c, n, 1, NULL, NULL)) {
			/* a valid result must be fully walkable */
			unsigned long cnt = 0;
			for (unsigned char *p = lp_first(c); p; p = lp_next(c, p)) {
				char buf[64];
				elem(p, buf, sizeof(buf));
				cnt++;
			}
			assert_int_equal(cnt, lp_length(c));
		}
		pfree(c);
	}
	lp_destroy(&lp);
}

/* Reference model: array of strings in canonical form (integers as decimal). */
struct model {
	char **v;
	size_t n;
};

static void model_insert(struct model *m, size_t at, const char *s)
{
	m->v = realloc(m->v, (m->n + 1) * sizeof(char *));
	memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(char *));
	m->v[at] = strdup(s);
	m->n++;
}

static void model_delete(struct model *m, size_t at)
{
	free(m->v[at]);
	memmove(m->v + at, m->v + at + 1, (m->n - at - 1) * sizeof(char *));
	m->n--;
}

static void random_value(char *buf, size_t cap)
{
	switch (rnd() % 4) {
	case 0:
		snprintf(buf, cap, "%lld", (long long)(int64_t)rnd() >> (rnd() % 64));
		break;
	case 1:
		snprintf(buf, cap, "%d", (int)(rnd() % 300) - 150);
		break;
	default: {
		size_t len = rnd() % 3 == 0 ? rnd() % 200 : rnd() % 10;
		if (len >= cap)
			len = cap - 1;
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)('a' + rnd() % 26);
		buf[len] = 0;
	}
	}
}

static void check_model(unsigned char *lp, const struct model *m)
{
	char buf[256];
	assert_int_equal(lp_length(lp), m->n);
	assert_true(lp_validate(lp, lp_bytes(lp), 1, NULL, NULL));
	unsigned char *p = lp_first(lp);
	for (size_t i = 0; i < m->n; i++, p = lp_next(lp, p))
		assert_string_equal(elem(p, buf, sizeof(buf)), m->v[i]);
	assert_null(p);
	p = lp_last(lp);
	for (size_t i = m->n; i-- > 0; p = lp_prev(lp, p))
		assert_string_equal(elem(p, buf, sizeof(buf)), m->v[i]);
	assert_null(p);
}

static void test_listpack_random_differential(void **state)
{
	(void)state;
	struct model m = { 0 };
	unsigned char *lp = lp_create(0);
	char buf[256];
	for (int iter = 0; iter < 20000; iter++) {
		unsigned op = (unsigned)(rnd() % 10);
		if (op < 4 || m.n == 0) {
			random_value(buf, sizeof(buf));
			size_t at = m.n ? rnd() % (m.n + 1) : 0;
			if (at == m.n)
				lp = lp_append(lp, (unsigned char *)buf, (uint32_t)strlen(buf));
			else if (rnd() & 1)
				lp = lp_insert_string(lp, (unsigned char *)buf, (uint32_t)strlen(buf),
						      lp_seek(lp, (long)at), LP_BEFORE, NULL);
			else if (at > 0)
				lp = lp_insert_string(lp, (unsigned char *)buf, (uint32_t)strlen(buf),
						      lp_seek(lp, (long)at - 1), LP_AFTER, NULL);
			else
				lp = lp_prepend(lp, (unsigned char *)buf, (uint32_t)strlen(buf));
			model_insert(&m, at, buf);
		} else if (op < 6) {
			size_t at = rnd() % m.n;
			random_value(buf, sizeof(buf));
			unsigned char *p = lp_seek(lp, -(long)(m.n - at));
			lp = lp_replace(lp, &p, (unsigned char *)buf, (uint32_t)strlen(buf));
			free(m.v[at]);
			m.v[at] = strdup(buf);
		} else if (op < 8) {
			size_t at = rnd() % m.n;
			lp = lp_delete(lp, lp_seek(lp, (long)at), NULL);
			model_delete(&m, at);
		} else if (op < 9) {
			size_t at = rnd() % m.n, num = rnd() % 4;
			lp = lp_delete_range(lp, (long)at, num);
			for (size_t k = 0; k < num && at < m.n; k++)
				model_delete(&m, at);
		} else {
			size_t at = rnd() % m.n;
			unsigned char *p = lp_find(lp, lp_first(lp), (unsigned char *)m.v[at],
						   (uint32_t)strlen(m.v[at]), 0);
			assert_non_null(p);
			assert_string_equal(elem(p, buf, sizeof(buf)), m.v[at]);
		}
		if (iter % 97 == 0)
			check_model(lp, &m);
	}
	check_model(lp, &m);
	while (m.n)
		model_delete(&m, 0);
	free(m.v);
	lp_destroy(&lp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listpack_empty_layout),
		cmocka_unit_test(test_listpack_redis_dump_bytes),
		cmocka_unit_test(test_listpack_string_to_int_strict),
		cmocka_unit_test(test_listpack_integer_encodings),
		cmocka_unit_test(test_listpack_string_encodings_and_backlen),
		cmocka_unit_test(test_listpack_seek_negative),
		cmocka_unit_test(test_listpack_insert_replace_delete),
		cmocka_unit_test(test_listpack_find_with_skip),
		cmocka_unit_test(test_listpack_unknown_count),
		cmocka_unit_test(test_listpack_validate_rejects_corruption),
		cmocka_unit_test(test_listpack_random_differential),
	};
	return cmocka_run_group_tests_name("ds_listpack", tests, NULL, NULL);
}
