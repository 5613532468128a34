/* hist.c — HDR-style histogram; see hist.h.
 *
 * DESIGN: counts[] is laid out as HdrHistogram lays it out: bucket 0 holds
 * sub-buckets 0..sub_count-1 at unit resolution; every later bucket only
 * needs its upper half (the lower half is covered by the previous bucket at
 * finer resolution), so index = (bucket+1)*sub_half + (sub - sub_half).
 */
#include "hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int32_t bucket_of(const struct hist *h, int64_t v)
{
	int32_t pow2ceil = 64 - __builtin_clzll((uint64_t)(v | h->sub_mask));
	return pow2ceil - h->unit_mag - (h->half_mag + 1);
}

static int32_t sub_of(const struct hist *h, int64_t v, int32_t bucket)
{
	return (int32_t)(v >> (bucket + h->unit_mag));
}

static int64_t value_of(const struct hist *h, int32_t bucket, int32_t sub)
{
	return (int64_t)sub << (bucket + h->unit_mag);
}

int hist_init(struct hist *h, int64_t lowest, int64_t highest, int sig)
{
	memset(h, 0, sizeof(*h));
	if (lowest < 1 || sig < 1 || sig > 5 || lowest * 2 > highest)
		return -1;
	int64_t single_unit = 2;
	for (int i = 0; i < sig; i++)
		single_unit *= 10;
	int32_t sub_count_mag = (int32_t)ceil(log2((double)single_unit));
	h->lowest = lowest;
	h->highest = highest;
	h->sig = sig;
	h->half_mag = (sub_count_mag > 1 ? sub_count_mag : 1) - 1;
	h->unit_mag = (int32_t)floor(log2((double)lowest));
	h->sub_count = (int32_t)1 << (h->half_mag + 1);
	h->sub_half = h->sub_count / 2;
	h->sub_mask = ((int64_t)h->sub_count - 1) << h->unit_mag;
	if (h->unit_mag + h->half_mag > 61)
		return -1;
	int64_t smallest_untrackable = (int64_t)h->sub_count << h->unit_mag;
	int32_t buckets = 1;
	while (smallest_untrackable <= highest) {
		if (smallest_untrackable > INT64_MAX / 2) {
			buckets++;
			break;
		}
		smallest_untrackable <<= 1;
		buckets++;
	}
	h->bucket_count = buckets;
	h->counts_len = (buckets + 1) * h->sub_half;
	h->counts = calloc((size_t)h->counts_len, sizeof(int64_t));
	if (!h->counts)
		return -1;
	h->min = INT64_MAX;
	h->max = 0;
	return 0;
}

void hist_free(struct hist *h)
{
	free(h->counts);
	h->counts = NULL;
}

void hist_reset(struct hist *h)
{
	memset(h->counts, 0, (size_t)h->counts_len * sizeof(int64_t));
	h->total = 0;
	h->min = INT64_MAX;
	h->max = 0;
}

int32_t hist_index_of(const struct hist *h, int64_t v)
{
	int32_t b = bucket_of(h, v);
	int32_t s = sub_of(h, v, b);
	return ((b + 1) << h->half_mag) + (s - h->sub_half);
}

int64_t hist_value_at_index(const struct hist *h, int32_t index)
{
	int32_t b = (index >> h->half_mag) - 1;
	int32_t s = (index & (h->sub_half - 1)) + h->sub_half;
	if (b < 0) {
		s -= h->sub_half;
		b = 0;
	}
	return value_of(h, b, s);
}

int64_t hist_range_size(const struct hist *h, int64_t v)
{
	int32_t b = bucket_of(h, v);
	int32_t s = sub_of(h, v, b);
	int32_t adj = s >= h->sub_count ? b + 1 : b;
	return (int64_t)1 << (h->unit_mag + adj);
}

int64_t hist_lowest_equiv(const struct hist *h, int64_t v)
{
	int32_t b = bucket_of(h, v);
	return value_of(h, b, sub_of(h, v, b));
}

int64_t hist_highest_equiv(const struct hist *h, int64_t v)
{
	return hist_lowest_equiv(h, v) + hist_range_size(h, v) - 1;
}

void hist_record_n(struct hist *h, int64_t v, int64_t n)
{
	if (v < 0)
		v = 0;
	if (v > h->highest)
		v = h->highest;
	int32_t i = hist_index_of(h, v);
	if (i < 0 || i >= h->counts_len)
		i = h->counts_len - 1;
	h->counts[i] += n;
	h->total += n;
	if (v != 0 && v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

int hist_merge(struct hist *dst, const struct hist *src)
{
	if (dst->counts_len != src->counts_len || dst->unit_mag != src->unit_mag ||
	    dst->half_mag != src->half_mag)
		return -1;
	for (int32_t i = 0; i < src->counts_len; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

int64_t hist_min(const struct hist *h)
{
	if (h->counts_len && h->counts[0] > 0)
		return 0;
	if (h->min == INT64_MAX)
		return INT64_MAX;
	return hist_lowest_equiv(h, h->min);
}

int64_t hist_max(const struct hist *h)
{
	if (h->max == 0)
		return 0;
	return hist_highest_equiv(h, h->max);
}

double hist_mean(const struct hist *h)
{
	if (h->total == 0)
		return NAN;
	int64_t sum = 0, seen = 0;
	for (int32_t i = 0; i < h->counts_len && seen < h->total; i++) {
		if (!h->counts[i])
			continue;
		int64_t v = hist_value_at_index(h, i);
		int64_t median = hist_lowest_equiv(h, v) + (hist_range_size(h, v) >> 1);
		sum += h->counts[i] * median;
		seen += h->counts[i];
	}
	return (double)sum / (double)h->total;
}

int64_t hist_percentile(const struct hist *h, double pct)
{
	double p = pct < 100.0 ? pct : 100.0;
	int64_t want = (int64_t)((p / 100.0) * (double)h->total + 0.5);
	if (want < 1)
		want = 1;
	int64_t run = 0;
	for (int32_t i = 0; i < h->counts_len; i++) {
		run += h->counts[i];
		if (run >= want) {
			int64_t v = hist_value_at_index(h, i);
			return pct == 0.0 ? hist_lowest_equiv(h, v) : hist_highest_equiv(h, v);
		}
	}
	return 0;
}

/* --- iterators ----------------------------------------------------------- */

enum { IT_PCT = 1, IT_LINEAR = 2 };

static void iter_base(struct hist_iter *it, const struct hist *h)
{
	memset(it, 0, sizeof(*it));
	it->h = h;
	it->index = -1;
}

/* Step to the next counts index; false past the end. */
static bool move_next(struct hist_iter *it)
{
	it->index++;
	if (it->index >= it->h->counts_len)
		return false;
	it->count = it->h->counts[it->index];
	it->cumulative += it->count;
	int64_t v = hist_value_at_index(it->h, it->index);
	it->value = v;
	it->highest_equiv = hist_lowest_equiv(it->h, v) + hist_range_size(it->h, v) - 1;
	return true;
}

static bool has_next(const struct hist_iter *it)
{
	return it->cumulative < it->h->total;
}

void hist_iter_percentile(struct hist_iter *it, const struct hist *h, int ticks_per_half)
{
	iter_base(it, h);
	it->kind = IT_PCT;
	it->ticks_per_half = ticks_per_half;
}

void hist_iter_linear(struct hist_iter *it, const struct hist *h, int64_t step)
{
	iter_base(it, h);
	it->kind = IT_LINEAR;
	it->step = step;
	it->next_level = step;
	it->next_level_lowest = hist_lowest_equiv(h, step);
}

void hist_iter_linear_set_step(struct hist_iter *it, int64_t step)
{
	it->step = step;
}

static bool pct_next(struct hist_iter *it)
{
	if (!has_next(it)) {
		if (it->seen_last)
			return false;
		it->seen_last = true;
		it->pct = 100.0;
		return true;
	}
	if (it->index == -1 && !(has_next(it) && move_next(it)))
		return false;
	do {
		double cur = 100.0 * (double)it->cumulative / (double)it->h->total;
		if (it->count != 0 && it->pct_to <= cur) {
			it->pct = it->pct_to;
			int64_t e = (int64_t)(log(100.0 / (100.0 - it->pct_to)) / log(2)) + 1;
			int64_t half_distance = (int64_t)pow(2, (double)e);
			int64_t ticks = it->ticks_per_half * half_distance;
			it->pct_to += 100.0 / (double)ticks;
			return true;
		}
	} while (has_next(it) && move_next(it));
	return true;
}

static bool linear_next(struct hist_iter *it)
{
	bool more = has_next(it);
	if (!more && it->index < it->h->counts_len)
		more = hist_value_at_index(it->h, it->index + 1) > it->next_level_lowest;
	if (!more)
		return false;
	for (;;) {
		if (it->value >= it->next_level_lowest) {
			it->next_level += it->step;
			it->next_level_lowest = hist_lowest_equiv(it->h, it->next_level);
			return true;
		}
		if (!move_next(it))
			return true;
	}
}

bool hist_iter_next(struct hist_iter *it)
{
	return it->kind == IT_PCT ? pct_next(it) : linear_next(it);
}
