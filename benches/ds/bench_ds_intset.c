/* bench_ds_intset.c — intset micro-benchmark: add/find on 512 members (the
 * set-max-intset-entries default).
 *
 * Thread: single.
 */
#include <petrel/ds/intset.h>
#include "bench_ds.h"

int main(void)
{
	const int rounds = 2000, n = 512;
	uint64_t s = 42, t0, ops = 0;

	t0 = bench_now_ns();
	for (int r = 0; r < rounds; r++) {
		struct intset *is = intset_create();
		for (int i = 0; i < n; i++)
			is = intset_add(is, (int64_t)(bench_rnd(&s) % 100000), NULL);
		ops += (uint64_t)n;
		intset_destroy(&is);
	}
	bench_report("intset_add random (512 members)", ops, bench_now_ns() - t0);

	struct intset *is = intset_create();
	for (int i = 0; i < n; i++)
		is = intset_add(is, i * 3, NULL);
	ops = 0;
	t0 = bench_now_ns();
	for (int r = 0; r < rounds * 1000; r++) {
		bench_sink += (uint64_t)intset_find(is, (int64_t)(bench_rnd(&s) % 1536));
		ops++;
	}
	bench_report("intset_find (512 members)", ops, bench_now_ns() - t0);
	intset_destroy(&is);
	return 0;
}
