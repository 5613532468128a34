/* test_benchmark_hist.c — the HDR-style latency histogram of petrel-benchmark.
 * Expected values follow from HdrHistogram's bucket layout with
 * redis-benchmark's configuration (lowest 10 us, 3 significant digits):
 * 8 us resolution up to 16384 us, then 16 us up to 32768 us, and so on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "hist.h"

#define LOW 10
#define HIGH 3600000000LL

static void test_config(void **state)
{
	struct hist h;
	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	assert_int_equal(h.unit_mag, 3);
	assert_int_equal(h.sub_count, 2048);
	assert_int_equal(h.sub_half, 1024);
	assert_int_equal(h.half_mag, 10);
	assert_true(h.counts_len > 0);
	hist_free(&h);
	assert_int_equal(hist_init(&h, 1, 3000000, 1), 0);
	assert_int_equal(h.unit_mag, 0);
	assert_int_equal(h.sub_count, 32);        /* 2*10^1 = 20 -> 32 */
	hist_free(&h);
	assert_int_not_equal(hist_init(&h, LOW, HIGH, 0), 0);
	assert_int_not_equal(hist_init(&h, LOW, HIGH, 6), 0);
	assert_int_not_equal(hist_init(&h, 0, HIGH, 3), 0);
	assert_int_not_equal(hist_init(&h, 100, 150, 3), 0);
}

static void test_equivalence(void **state)
{
	struct hist h;
	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	assert_int_equal(hist_lowest_equiv(&h, 100), 96);
	assert_int_equal(hist_highest_equiv(&h, 100), 103);
	assert_int_equal(hist_lowest_equiv(&h, 5000), 5000);
	assert_int_equal(hist_highest_equiv(&h, 5000), 5007);
	assert_int_equal(hist_range_size(&h, 16383), 8);
	assert_int_equal(hist_range_size(&h, 16384), 16);
	assert_int_equal(hist_lowest_equiv(&h, 20005), 20000);
	assert_int_equal(hist_highest_equiv(&h, 20000), 20015);
	assert_int_equal(hist_lowest_equiv(&h, 1000000), 999936);  /* 512 us buckets */
	/* index <-> value round trip over many magnitudes */
	for (int64_t v = 0; v < 100000000; v = v * 3 / 2 + 7) {
		int32_t i = hist_index_of(&h, v);
		assert_true(i >= 0 && i < h.counts_len);
		assert_int_equal(hist_value_at_index(&h, i), hist_lowest_equiv(&h, v));
	}
	hist_free(&h);
}

static void test_percentiles(void **state)
{
	struct hist h;
	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	assert_true(isnan(hist_mean(&h)));
	assert_int_equal(hist_max(&h), 0);
	for (int64_t v = 1; v <= 10000; v++)
		hist_record(&h, v);
	assert_int_equal(h.total, 10000);
	assert_int_equal(hist_percentile(&h, 50.0), 5007);
	assert_int_equal(hist_percentile(&h, 99.0), 9903);
	assert_int_equal(hist_percentile(&h, 100.0), 10007);
	assert_int_equal(hist_percentile(&h, 0.0), 0);
	assert_int_equal(hist_min(&h), 0);          /* 1..7 share bucket 0 */
	assert_int_equal(hist_max(&h), 10007);
	double mean = hist_mean(&h);
	assert_true(mean > 4999.0 && mean < 5005.0);
	hist_free(&h);

	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	hist_record(&h, 100);
	hist_record(&h, 300);
	assert_true(fabs(hist_mean(&h) - 200.0) < 1e-9);
	assert_int_equal(hist_min(&h), 96);
	assert_int_equal(hist_max(&h), 303);
	assert_int_equal(hist_percentile(&h, 50.0), 103);
	assert_int_equal(hist_percentile(&h, 75.0), 303);
	hist_record_n(&h, 2000, 98);
	assert_int_equal(h.total, 100);
	assert_int_equal(hist_percentile(&h, 99.0), 2007);
	hist_free(&h);
}

static void test_clamp_and_reset(void **state)
{
	struct hist h;
	assert_int_equal(hist_init(&h, LOW, 3000000, 3), 0);
	hist_record(&h, 99999999);           /* above highest: kept, clamped */
	hist_record(&h, -5);                 /* negative: recorded as 0 */
	assert_int_equal(h.total, 2);
	assert_true(hist_max(&h) >= 3000000);
	assert_int_equal(hist_min(&h), 0);
	hist_reset(&h);
	assert_int_equal(h.total, 0);
	assert_int_equal(hist_max(&h), 0);
	hist_free(&h);
}

static void test_merge(void **state)
{
	struct hist a, b, c;
	assert_int_equal(hist_init(&a, LOW, HIGH, 3), 0);
	assert_int_equal(hist_init(&b, LOW, HIGH, 3), 0);
	assert_int_equal(hist_init(&c, LOW, HIGH, 2), 0);
	for (int i = 0; i < 100; i++)
		hist_record(&a, 50);
	for (int i = 0; i < 300; i++)
		hist_record(&b, 5000);
	assert_int_equal(hist_merge(&a, &b), 0);
	assert_int_equal(a.total, 400);
	assert_int_equal(hist_min(&a), 48);
	assert_int_equal(hist_max(&a), 5007);
	assert_int_equal(hist_percentile(&a, 25.0), 55);
	assert_int_equal(hist_percentile(&a, 26.0), 5007);
	assert_int_not_equal(hist_merge(&a, &c), 0);   /* different layout */
	hist_free(&a);
	hist_free(&b);
	hist_free(&c);
}

/* The percentile table of redis-benchmark: 0, 50, 75, 87.5, ... then 100. */
static void test_percentile_iterator(void **state)
{
	struct hist h;
	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	for (int64_t i = 1; i <= 1000; i++)
		hist_record(&h, i * 8);      /* one value per bucket */
	struct hist_iter it;
	hist_iter_percentile(&it, &h, 1);
	const double want[] = {0, 50, 75, 87.5, 93.75, 96.875, 98.4375, 99.21875, 99.609375, 99.8046875};
	size_t k = 0;
	double last_pct = -1;
	int64_t last_cum = 0;
	while (hist_iter_next(&it)) {
		if (k < sizeof(want) / sizeof(want[0]))
			assert_true(fabs(it.pct - want[k]) < 1e-9);
		assert_true(it.pct > last_pct || it.pct == 100.0);
		assert_true(it.cumulative >= last_cum);
		last_pct = it.pct;
		last_cum = it.cumulative;
		k++;
	}
	assert_true(k > 10);
	assert_true(last_pct == 100.0);
	assert_int_equal(last_cum, 1000);
	/* 50% of 1000 values 8..8000: the 500th is 4000, bucket 4000..4007 */
	hist_iter_percentile(&it, &h, 1);
	assert_true(hist_iter_next(&it));
	assert_int_equal(it.highest_equiv, 15);  /* 0% -> first non-empty bucket 8..15 */
	assert_int_equal(it.cumulative, 1);
	assert_true(hist_iter_next(&it));
	assert_true(it.pct == 50.0);
	assert_int_equal(it.highest_equiv, 4007);
	assert_int_equal(it.cumulative, 500);
	hist_free(&h);
}

/* The "Cumulative distribution" table: 0.1 ms steps. */
static void test_linear_iterator(void **state)
{
	struct hist h;
	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	hist_record(&h, 150);
	hist_record(&h, 250);
	struct hist_iter it;
	hist_iter_linear(&it, &h, 100);
	int64_t vals[8], cums[8];
	int n = 0;
	while (hist_iter_next(&it) && n < 8) {
		vals[n] = it.highest_equiv;
		cums[n] = it.cumulative;
		n++;
	}
	assert_int_equal(n, 3);
	assert_int_equal(vals[0], 103);
	assert_int_equal(cums[0], 0);
	assert_int_equal(vals[1], 207);
	assert_int_equal(cums[1], 1);
	assert_int_equal(vals[2], 303);
	assert_int_equal(cums[2], 2);

	/* switching to 1 ms steps past 2 ms, as the report does */
	hist_record(&h, 5500);
	hist_iter_linear(&it, &h, 100);
	int64_t last = 0;
	n = 0;
	while (hist_iter_next(&it)) {
		last = it.highest_equiv;
		if (it.highest_equiv > 2000)
			hist_iter_linear_set_step(&it, 1000);
		n++;
	}
	assert_int_equal(it.cumulative, 3);
	assert_int_equal(last, 6103);      /* 2.1, 3.1, 4.1, 5.1, 6.1 ms steps */
	assert_int_equal(n, 21 + 4);
	hist_free(&h);
}

static void test_empty_iterators(void **state)
{
	struct hist h;
	struct hist_iter it;
	assert_int_equal(hist_init(&h, LOW, HIGH, 3), 0);
	hist_iter_percentile(&it, &h, 1);
	int n = 0;
	while (hist_iter_next(&it) && n < 5)
		n++;
	assert_true(n <= 1);
	hist_iter_linear(&it, &h, 100);
	assert_false(hist_iter_next(&it));
	hist_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_equivalence),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_clamp_and_reset),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_percentile_iterator),
		cmocka_unit_test(test_linear_iterator),
		cmocka_unit_test(test_empty_iterators),
	};
	return cmocka_run_group_tests_name("benchmark_hist", tests, NULL, NULL);
}
