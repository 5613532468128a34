/* bench_ds_listpack.c — listpack micro-benchmark: append, seek, find, delete on
 * 128-element listpacks (the hash-max-listpack-entries default).
 *
 * Thread: single.
 */
#include <petrel/ds/listpack.h>
#include "bench_ds.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	const int rounds = 20000, n = 128;
	char buf[32];
	uint64_t t0, ops = 0;

	t0 = bench_now_ns();
	for (int r = 0; r < rounds; r++) {
		unsigned char *lp = lp_create(0);
		for (int i = 0; i < n; i++) {
			int len = snprintf(buf, sizeof(buf), "field:%d", i);
			lp = lp_append(lp, (unsigned char *)buf, (uint32_t)len);
		}
		ops += (uint64_t)n;
		lp_destroy(&lp);
	}
	bench_report("lp_append (string, 128 elems)", ops, bench_now_ns() - t0);

	unsigned char *lp = lp_create(0);
	for (int i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "field:%d", i);
		lp = lp_append(lp, (unsigned char *)buf, (uint32_t)len);
		lp = lp_append_integer(lp, i * 1000);
	}
	ops = 0;
	t0 = bench_now_ns();
	for (int r = 0; r < rounds * 10; r++) {
		bench_sink += (uintptr_t)lp_seek(lp, r % (2 * n));
		ops++;
	}
	bench_report("lp_seek (256 elems)", ops, bench_now_ns() - t0);

	ops = 0;
	t0 = bench_now_ns();
	for (int r = 0; r < rounds * 5; r++) {
		int len = snprintf(buf, sizeof(buf), "field:%d", r % n);
		bench_sink += (uintptr_t)lp_find(lp, lp_first(lp), (unsigned char *)buf,
						 (uint32_t)len, 1);
		ops++;
	}
	bench_report("lp_find skip=1 (128 pairs)", ops, bench_now_ns() - t0);

	ops = 0;
	t0 = bench_now_ns();
	for (int r = 0; r < rounds * 5; r++) {
		unsigned char *p = lp_seek(lp, 2 * (r % n) + 1);
		lp = lp_replace_integer(lp, &p, r);
		ops++;
	}
	bench_report("lp_replace_integer (256 elems)", ops, bench_now_ns() - t0);
	ops = 0;
	t0 = bench_now_ns();
	for (int r = 0; r < rounds * 5; r++) {
		bench_sink += (uint64_t)lp_validate(lp, lp_bytes(lp), 1, NULL, NULL);
		ops++;
	}
	bench_report("lp_validate deep (256 elems)", ops, bench_now_ns() - t0);
	lp_destroy(&lp);
	return 0;
}
