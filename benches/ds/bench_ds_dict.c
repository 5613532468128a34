/* bench_ds_dict.c — dict micro-benchmark: add, find hit/miss, delete, scan with
 * 1M integer keys hashed by SipHash-1-2.
 *
 * Thread: single.
 */
#include <petrel/ds/dict.h>
#include "bench_ds.h"

static uint64_t int_hash(const void *k)
{
	uintptr_t v = (uintptr_t)k;
	return dict_hash_bytes(&v, sizeof(v));
}

static const struct dict_type int_type = { .hash = int_hash };

static void scan_cb(void *priv, const struct dict_entry *de)
{
	(void)priv;
	bench_sink += (uintptr_t)de->key;
}

int main(void)
{
	const uintptr_t n = 1000000;
	uint64_t t0;
	struct dict *d = dict_create(&int_type);

	t0 = bench_now_ns();
	for (uintptr_t i = 1; i <= n; i++)
		dict_add(d, (void *)i, (void *)i);
	bench_report("dict_add (1M int keys)", n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (uintptr_t i = 1; i <= n; i++)
		bench_sink += (uintptr_t)dict_fetch_value(d, (void *)i);
	bench_report("dict_find hit", n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (uintptr_t i = n + 1; i <= 2 * n; i++)
		bench_sink += (uintptr_t)dict_find(d, (void *)i);
	bench_report("dict_find miss", n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < 1000000; i++)
		bench_sink += (uintptr_t)dict_fair_random_entry(d);
	bench_report("dict_fair_random_entry", 1000000, bench_now_ns() - t0);

	t0 = bench_now_ns();
	unsigned long cursor = 0;
	do
		cursor = dict_scan(d, cursor, scan_cb, NULL);
	while (cursor);
	bench_report("dict_scan (per entry)", n, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (uintptr_t i = 1; i <= n; i++)
		dict_delete(d, (void *)i);
	bench_report("dict_delete", n, bench_now_ns() - t0);

	char buf[16] = "0123456789abcde";
	t0 = bench_now_ns();
	for (int i = 0; i < 10000000; i++) {
		buf[0] = (char)i;
		bench_sink += dict_hash_bytes(buf, 15);
	}
	bench_report("dict_hash_bytes (15 bytes)", 10000000, bench_now_ns() - t0);
	dict_destroy(&d);
	return 0;
}
