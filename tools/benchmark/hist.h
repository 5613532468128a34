/* hist.h — HDR-style latency histogram for petrel-benchmark.
 *
 * Same bucket layout as HdrHistogram (and so as redis-benchmark, which builds
 * its report from one): values are grouped into buckets whose width doubles
 * each time the value doubles, with 2*10^sig sub-buckets per doubling, so any
 * recorded value is kept to `sig` significant decimal digits. Counting in the
 * same buckets is what makes our percentile tables print the same values that
 * redis-benchmark prints for the same latencies.
 *
 * Thread: a histogram belongs to one thread; merge per-thread histograms with
 * hist_merge() once the threads are done.
 */
#ifndef PETREL_BENCH_HIST_H
#define PETREL_BENCH_HIST_H

#include <stdbool.h>
#include <stdint.h>

struct hist {
	int64_t lowest;          /* lowest discernible value (>= 1) */
	int64_t highest;         /* highest trackable value */
	int sig;                 /* significant decimal digits, 1..5 */
	int32_t unit_mag;        /* floor(log2(lowest)) */
	int32_t half_mag;        /* log2(sub_count) - 1 */
	int32_t sub_count;       /* sub-buckets per bucket (power of two) */
	int32_t sub_half;        /* sub_count / 2 */
	int64_t sub_mask;        /* (sub_count - 1) << unit_mag */
	int32_t bucket_count;
	int32_t counts_len;
	int64_t total;
	int64_t min;             /* smallest non-zero value recorded, INT64_MAX if none */
	int64_t max;             /* largest value recorded, 0 if none */
	int64_t *counts;
};

/* 0 on success, -1 for a bad configuration (sig outside 1..5, lowest < 1,
 * highest < 2*lowest) or no memory. */
int hist_init(struct hist *h, int64_t lowest, int64_t highest, int sig);
void hist_free(struct hist *h);
void hist_reset(struct hist *h);

/* Values above `highest` are recorded as `highest` (clamped, never lost);
 * negative values are recorded as 0. */
void hist_record_n(struct hist *h, int64_t value, int64_t n);
static inline void hist_record(struct hist *h, int64_t value) { hist_record_n(h, value, 1); }

/* dst += src. Both must have been initialised with the same arguments. */
int hist_merge(struct hist *dst, const struct hist *src);

int64_t hist_min(const struct hist *h);              /* lowest equivalent of min */
int64_t hist_max(const struct hist *h);              /* highest equivalent of max */
double hist_mean(const struct hist *h);              /* NaN when empty */
int64_t hist_percentile(const struct hist *h, double pct);

/* Bucket arithmetic, exposed for the tests. */
int32_t hist_index_of(const struct hist *h, int64_t value);
int64_t hist_value_at_index(const struct hist *h, int32_t index);
int64_t hist_lowest_equiv(const struct hist *h, int64_t value);
int64_t hist_highest_equiv(const struct hist *h, int64_t value);
int64_t hist_range_size(const struct hist *h, int64_t value);

/* Iterators, with the semantics of HdrHistogram's percentile and linear
 * iterators (redis-benchmark prints its two tables with them). */
struct hist_iter {
	const struct hist *h;
	int32_t index;            /* counts index, -1 before the first step */
	int64_t count;            /* count at index */
	int64_t cumulative;       /* counts up to and including index */
	int64_t value;            /* value at index */
	int64_t highest_equiv;    /* highest equivalent value of index */
	/* percentile iterator */
	int ticks_per_half;
	bool seen_last;
	double pct_to;            /* next percentile to report */
	double pct;               /* percentile being reported */
	/* linear iterator */
	int64_t step;             /* value units per bucket */
	int64_t next_level;
	int64_t next_level_lowest;
	int kind;
};

void hist_iter_percentile(struct hist_iter *it, const struct hist *h, int ticks_per_half);
void hist_iter_linear(struct hist_iter *it, const struct hist *h, int64_t step);
void hist_iter_linear_set_step(struct hist_iter *it, int64_t step);
bool hist_iter_next(struct hist_iter *it);

#endif
