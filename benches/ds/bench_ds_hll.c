/* bench_ds_hll.c — HyperLogLog micro-benchmark: PFADD sparse and dense, PFCOUNT
 * with a stale cache.
 *
 * Thread: single.
 */
#include <petrel/ds/hll.h>
#include <petrel/alloc.h>
#include "bench_ds.h"

#include <stdio.h>

int main(void)
{
	char buf[32];
	uint64_t t0;
	size_t len;
	unsigned char *h = hll_create(&len);

	t0 = bench_now_ns();
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(buf, sizeof(buf), "elem:%d", i);
		hll_add(&h, &len, (unsigned char *)buf, (size_t)n, 100000);
	}
	bench_report("hll_add sparse (first 1000)", 1000, bench_now_ns() - t0);

	hll_sparse_to_dense(&h, &len);
	t0 = bench_now_ns();
	for (int i = 0; i < 5000000; i++) {
		int n = snprintf(buf, sizeof(buf), "elem:%d", i);
		hll_add(&h, &len, (unsigned char *)buf, (size_t)n, 3000);
	}
	bench_report("hll_add dense (incl. snprintf)", 5000000, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < 2000; i++) {
		uint64_t c;
		h[15] |= 0x80;
		hll_count(h, len, &c);
		bench_sink += c;
	}
	bench_report("hll_count dense (stale cache)", 2000, bench_now_ns() - t0);
	pfree(h);
	return 0;
}
