/* test_ds_hll.c — unit tests for src/ds/hll.c against golden data taken from a
 * real redis-server 7.0.15 (PFADD of "elem:0".."elem:N-1", then GET and PFCOUNT):
 * exact bytes (FNV-1a of the value), counts, the element -> (register, value)
 * mapping for binary elements of every length 0..40 (checks MurmurHash64A tails),
 * promotion, merge, validation.
 *
 * Thread: single (cmocka main thread).
 */
#include <petrel/ds/hll.h>
#include <petrel/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void add_elems(unsigned char **h, size_t *len, int from, int to, size_t max)
{
	char buf[32];
	for (int i = from; i < to; i++) {
		int n = snprintf(buf, sizeof(buf), "elem:%d", i);
		assert_true(hll_add(h, len, (unsigned char *)buf, (size_t)n, max) >= 0);
	}
}

static void test_hll_empty_layout(void **state)
{
	(void)state;
	static const unsigned char want[] = { 'H', 'Y', 'L', 'L', 1, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff };
	size_t len;
	unsigned char *h = hll_create(&len);
	assert_int_equal(len, 18);
	assert_memory_equal(h, want, 18);
	uint64_t card = 99;
	assert_int_equal(hll_count(h, len, &card), 0);
	assert_true(card == 0);
	assert_true(hll_validate(h, len, 1));
	pfree(h);
}

static void test_hll_matches_redis_bytes_and_counts(void **state)
{
	(void)state;
	static const struct { int n; size_t len; uint64_t fnv; uint64_t count; } golden[] = {
		{ 1, 21, 0x6492407f7eeeec07ull, 1 },            /* sparse */
		{ 3, 27, 0x766d898ba6dfcfa2ull, 3 },            /* sparse */
		{ 10, 47, 0x7ecf34470eab2c08ull, 10 },          /* sparse */
		{ 100, 277, 0x2efa48de64f17043ull, 100 },       /* sparse */
		{ 300, 698, 0xe2c142d827d5a891ull, 302 },       /* sparse */
		{ 1000, 1913, 0x951b49e4092fe72full, 1005 },    /* sparse */
		{ 5000, 12304, 0x4d13305bf3283fd6ull, 4973 },   /* dense */
		{ 100000, 12304, 0xa27c89bdf140b344ull, 99904 },/* dense */
	};
	static const unsigned char hex3[] = { 0x48, 0x59, 0x4c, 0x4c, 0x01, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0x80, 0x53, 0xa4, 0x84, 0x60, 0xd3, 0x8c, 0x47, 0x0c, 0x80, 0x44, 0x76 };
	for (size_t g = 0; g < sizeof(golden) / sizeof(golden[0]); g++) {
		size_t len;
		unsigned char *h = hll_create(&len);
		add_elems(&h, &len, 0, golden[g].n, HLL_SPARSE_MAX_BYTES_DEFAULT);
		if (golden[g].n == 3) {
			assert_int_equal(len, sizeof(hex3));
			assert_memory_equal(h, hex3, sizeof(hex3));
		}
		assert_int_equal(len, golden[g].len);
		assert_true(fnv1a(h, len) == golden[g].fnv);
		assert_true(hll_validate(h, len, 1));
		uint64_t card;
		assert_int_equal(hll_count(h, len, &card), 0);
		assert_true(card == golden[g].count);
		/* the cache is now valid and returns the same */
		assert_int_equal(h[15] & 0x80, 0);
		assert_int_equal(hll_count(h, len, &card), 0);
		assert_true(card == golden[g].count);
		pfree(h);
	}
}

static void test_hll_pattern_matches_redis_for_binary_lengths(void **state)
{
	(void)state;
	static const long want[41][2] = {
		{ 5938, 2 }, { 9478, 2 }, { 6421, 1 }, { 6687, 1 }, { 13808, 3 }, { 6992, 1 },
		{ 6268, 1 }, { 4689, 2 }, { 12784, 4 }, { 1271, 1 }, { 14443, 3 }, { 5107, 1 },
		{ 14456, 1 }, { 12478, 1 }, { 16023, 1 }, { 9114, 2 }, { 13900, 4 }, { 4307, 2 },
		{ 8118, 1 }, { 12131, 4 }, { 1574, 1 }, { 5207, 2 }, { 4179, 4 }, { 13183, 1 },
		{ 11758, 1 }, { 7402, 1 }, { 1692, 2 }, { 6880, 6 }, { 13030, 2 }, { 6679, 1 },
		{ 11034, 3 }, { 3506, 1 }, { 1918, 3 }, { 14371, 1 }, { 2892, 2 }, { 909, 1 },
		{ 7045, 1 }, { 1504, 1 }, { 2783, 1 }, { 8421, 2 }, { 8008, 1 },
	};
	unsigned char e[64];
	for (int L = 0; L <= 40; L++) {
		for (int i = 0; i < L; i++)
			e[i] = (unsigned char)((i * 37 + L) & 0xff);
		long index;
		int count = hll_pat_len(e, (size_t)L, &index);
		assert_int_equal(index, want[L][0]);
		assert_int_equal(count, want[L][1]);
		/* and through a dense HLL (hll-sparse-max-bytes 0 promotes at once) */
		size_t len;
		unsigned char *h = hll_create(&len);
		assert_int_equal(hll_add(&h, &len, e, (size_t)L, 0), 1);
		assert_int_equal(len, HLL_DENSE_SIZE);
		assert_int_equal(hll_dense_get(h, want[L][0]), want[L][1]);
		assert_int_equal(hll_add(&h, &len, e, (size_t)L, 0), 0);
		pfree(h);
	}
}

static void test_hll_add_returns_zero_when_unchanged(void **state)
{
	(void)state;
	size_t len;
	unsigned char *h = hll_create(&len);
	assert_int_equal(hll_add(&h, &len, (const unsigned char *)"a", 1, 3000), 1);
	assert_int_equal(hll_add(&h, &len, (const unsigned char *)"a", 1, 3000), 0);
	uint64_t card;
	assert_int_equal(hll_count(h, len, &card), 0);
	assert_true(card == 1);
	/* an unchanged add keeps the cache valid; a change invalidates it */
	assert_int_equal(hll_add(&h, &len, (const unsigned char *)"a", 1, 3000), 0);
	assert_int_equal(h[15] & 0x80, 0);
	assert_int_equal(hll_add(&h, &len, (const unsigned char *)"b", 1, 3000), 1);
	assert_int_equal(h[15] & 0x80, 0x80);
	pfree(h);
}

static void test_hll_sparse_promotion_and_equivalence(void **state)
{
	(void)state;
	/* the same elements give the same registers sparse or dense */
	size_t ls, ld;
	unsigned char *s = hll_create(&ls), *d = hll_create(&ld);
	add_elems(&s, &ls, 0, 800, 100000);
	add_elems(&d, &ld, 0, 800, 0);
	assert_true(hll_is_sparse(s));
	assert_false(hll_is_sparse(d));
	uint64_t cs, cd;
	hll_count(s, ls, &cs);
	hll_count(d, ld, &cd);
	assert_true(cs == cd);
	assert_int_equal(hll_sparse_to_dense(&s, &ls), 0);
	assert_int_equal(ls, HLL_DENSE_SIZE);
	assert_memory_equal(s + 16, d + 16, HLL_DENSE_SIZE - 16);
	pfree(s);
	pfree(d);
	/* default threshold: promoted once the sparse form passes 3000 bytes */
	s = hll_create(&ls);
	int i = 0;
	char buf[32];
	while (hll_is_sparse(s)) {
		assert_true(ls <= 3000);
		int n = snprintf(buf, sizeof(buf), "elem:%d", i++);
		hll_add(&s, &ls, (unsigned char *)buf, (size_t)n, 3000);
	}
	assert_int_equal(ls, HLL_DENSE_SIZE);
	pfree(s);
}

static void test_hll_merge(void **state)
{
	(void)state;
	size_t la, lb, lu;
	unsigned char *a = hll_create(&la), *b = hll_create(&lb), *u = hll_create(&lu);
	add_elems(&a, &la, 0, 3000, 3000);
	add_elems(&b, &lb, 2000, 6000, 3000);
	add_elems(&u, &lu, 0, 6000, 3000);
	uint8_t *regs = pcalloc(1, HLL_REGISTERS);
	assert_int_equal(hll_merge_registers(regs, a, la), 0);
	assert_int_equal(hll_merge_registers(regs, b, lb), 0);
	uint64_t cu;
	hll_count(u, lu, &cu);
	assert_true(hll_count_registers(regs) == cu);
	size_t ld;
	unsigned char *dst = hll_create(&ld);
	assert_int_equal(hll_store_registers(&dst, &ld, regs, 1, 3000), 0);
	assert_int_equal(ld, HLL_DENSE_SIZE);
	uint64_t cd;
	hll_count(dst, ld, &cd);
	assert_true(cd == cu);
	pfree(regs);
	pfree(a);
	pfree(b);
	pfree(u);
	pfree(dst);
}

/* Sparse inputs merge into a sparse destination (Redis 7.0), which promotes
 * itself to dense when it outgrows sparse_max_bytes. */
static void test_hll_merge_keeps_sparse(void **state)
{
	(void)state;
	size_t la, lb, lu;
	unsigned char *a = hll_create(&la), *b = hll_create(&lb), *u = hll_create(&lu);
	add_elems(&a, &la, 0, 40, 3000);
	add_elems(&b, &lb, 30, 80, 3000);
	add_elems(&u, &lu, 0, 80, 3000);
	uint8_t *regs = pcalloc(1, HLL_REGISTERS), *back = pcalloc(1, HLL_REGISTERS);
	assert_int_equal(hll_merge_registers(regs, a, la), 0);
	assert_int_equal(hll_merge_registers(regs, b, lb), 0);
	size_t ld;
	unsigned char *dst = hll_create(&ld);
	assert_int_equal(hll_store_registers(&dst, &ld, regs, 0, 3000), 0);
	assert_true(hll_is_sparse(dst));
	assert_true(hll_validate(dst, ld, 1));
	assert_int_equal(hll_merge_registers(back, dst, ld), 0);
	assert_memory_equal(back, regs, HLL_REGISTERS);
	uint64_t cu, cd;
	hll_count(u, lu, &cu);
	hll_count(dst, ld, &cd);
	assert_true(cd == cu);
	/* the same registers with a tiny sparse budget: promoted on the way */
	size_t lt;
	unsigned char *tight = hll_create(&lt);
	assert_int_equal(hll_store_registers(&tight, &lt, regs, 0, 40), 0);
	assert_false(hll_is_sparse(tight));
	assert_int_equal(lt, HLL_DENSE_SIZE);
	memset(back, 0, HLL_REGISTERS);
	assert_int_equal(hll_merge_registers(back, tight, lt), 0);
	assert_memory_equal(back, regs, HLL_REGISTERS);
	pfree(regs);
	pfree(back);
	pfree(a);
	pfree(b);
	pfree(u);
	pfree(dst);
	pfree(tight);
}

static void test_hll_sparse_text_and_selftest(void **state)
{
	(void)state;
	size_t len, n;
	unsigned char *h = hll_create(&len);
	char *t = hll_sparse_text(h, len, &n);
	assert_string_equal(t, "Z:16384");     /* an empty HLL: one run of zeros */
	assert_int_equal(n, 7);
	pfree(t);
	hll_add(&h, &len, (const unsigned char *)"a", 1, 3000);
	t = hll_sparse_text(h, len, &n);
	assert_non_null(strstr(t, "v:"));
	assert_true(n > 0 && t[n - 1] != ' ');
	pfree(t);
	pfree(h);
	char err[128];
	assert_int_equal(hll_selftest(err, sizeof(err)), 0);
}

static void test_hll_validate_rejects_corruption(void **state)
{
	(void)state;
	size_t len;
	unsigned char *h = hll_create(&len);
	add_elems(&h, &len, 0, 50, 3000);
	assert_true(hll_validate(h, len, 1));
	assert_false(hll_validate(h, 10, 0));
	unsigned char *c = pmemdup(h, len);
	c[0] = 'X';
	assert_false(hll_validate(c, len, 0));
	memcpy(c, h, len);
	c[4] = 2;
	assert_false(hll_validate(c, len, 0));
	memcpy(c, h, len);
	c[4] = 0;               /* dense with the wrong size */
	assert_false(hll_validate(c, len, 0));
	/* truncated sparse: registers do not add up */
	assert_true(hll_validate(h, len - 1, 0));
	assert_false(hll_validate(h, len - 1, 1));
	uint64_t card;
	memcpy(c, h, len);
	c[15] |= 0x80;
	assert_int_equal(hll_count(c, len - 1, &card), HLL_ERR_INVALID);
	/* random corruption of opcodes never crashes (ASan) */
	uint64_t r = 12345;
	for (int it = 0; it < 5000; it++) {
		memcpy(c, h, len);
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		c[16 + (r >> 33) % (len - 16)] = (unsigned char)(r >> 17);
		c[15] |= 0x80;
		size_t l2 = len;
		unsigned char *w = pmemdup(c, len);
		if (hll_validate(w, l2, 1)) {
			assert_int_equal(hll_count(w, l2, &card), 0);
			assert_true(hll_add(&w, &l2, (const unsigned char *)"x", 1, 3000) >= 0);
		} else {
			assert_true(hll_count(w, l2, &card) == HLL_ERR_INVALID ||
				    hll_validate(w, l2, 0));
			hll_add(&w, &l2, (const unsigned char *)"x", 1, 3000);
		}
		pfree(w);
	}
	pfree(c);
	pfree(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hll_empty_layout),
		cmocka_unit_test(test_hll_matches_redis_bytes_and_counts),
		cmocka_unit_test(test_hll_pattern_matches_redis_for_binary_lengths),
		cmocka_unit_test(test_hll_add_returns_zero_when_unchanged),
		cmocka_unit_test(test_hll_sparse_promotion_and_equivalence),
		cmocka_unit_test(test_hll_merge),
		cmocka_unit_test(test_hll_merge_keeps_sparse),
		cmocka_unit_test(test_hll_sparse_text_and_selftest),
		cmocka_unit_test(test_hll_validate_rejects_corruption),
	};
	return cmocka_run_group_tests_name("ds_hll", tests, NULL, NULL);
}
