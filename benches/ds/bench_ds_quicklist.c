/* bench_ds_quicklist.c — quicklist micro-benchmark: push/pop/index with the
 * default fill -2 and compress 0, and push with compress 1.
 *
 * Thread: single.
 */
#include <petrel/ds/quicklist.h>
#include <petrel/alloc.h>
#include "bench_ds.h"

#include <stdio.h>
#include <string.h>

static void run(int compress)
{
	const int n = 1000000;
	char buf[64], name[64];
	uint64_t s = 3, t0;
	struct quicklist *ql = quicklist_create(-2, compress);

	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "value:%d:some-payload", i);
		quicklist_push_tail(ql, buf, (size_t)len);
	}
	snprintf(name, sizeof(name), "quicklist_push_tail (compress %d)", compress);
	bench_report(name, (uint64_t)n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < 100000; i++) {
		struct quicklist_entry e;
		quicklist_index(ql, (long)(bench_rnd(&s) % (uint64_t)n), &e);
		bench_sink += e.sz;
		quicklist_entry_done(&e);
	}
	snprintf(name, sizeof(name), "quicklist_index random (compress %d)", compress);
	bench_report(name, 100000, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		unsigned char *d;
		size_t l;
		int64_t v;
		quicklist_pop(ql, QUICKLIST_HEAD, &d, &l, &v);
		pfree(d);
	}
	snprintf(name, sizeof(name), "quicklist_pop head (compress %d)", compress);
	bench_report(name, (uint64_t)n, bench_now_ns() - t0);
	quicklist_destroy(&ql);
}

int main(void)
{
	run(0);
	run(1);
	return 0;
}
