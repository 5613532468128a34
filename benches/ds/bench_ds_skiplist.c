/* bench_ds_skiplist.c — skiplist micro-benchmark: insert, rank, by-rank, delete
 * on 1M members.
 *
 * Thread: single.
 */
#include <petrel/ds/skiplist.h>
#include "bench_ds.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	const int n = 1000000;
	char buf[32];
	uint64_t s = 7, t0;
	struct zsl *zsl = zsl_create();

	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "member:%d", i);
		zsl_insert(zsl, (double)(bench_rnd(&s) % 1000000), buf, (size_t)len);
	}
	bench_report("zsl_insert (1M, random scores)", (uint64_t)n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < n; i++)
		bench_sink += (uintptr_t)zsl_get_by_rank(zsl, 1 + bench_rnd(&s) % (uint64_t)n);
	bench_report("zsl_get_by_rank", (uint64_t)n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		struct zsl_node *x = zsl_get_by_rank(zsl, 1 + bench_rnd(&s) % (uint64_t)n);
		bench_sink += zsl_get_rank(zsl, x->score, zsl_node_ele(x), x->len);
	}
	bench_report("zsl_get_by_rank + zsl_get_rank", (uint64_t)n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	int dels = 0;
	while (zsl->length) {
		struct zsl_node *x = zsl->header->level[0].forward;
		zsl_delete(zsl, x->score, zsl_node_ele(x), x->len);
		dels++;
	}
	bench_report("zsl_delete (head)", (uint64_t)dels, bench_now_ns() - t0);
	zsl_destroy(&zsl);
	return 0;
}
