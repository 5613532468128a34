/* bench_ds.h — tiny timing helpers shared by the ds micro-benchmarks.
 *
 * Thread: single.
 */
#ifndef PETREL_BENCH_DS_H
#define PETREL_BENCH_DS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Print one result line: name, ops/s and ns/op. */
static inline void bench_report(const char *name, uint64_t ops, uint64_t ns)
{
	double nsop = ops ? (double)ns / (double)ops : 0;
	printf("%-40s %12.0f ops/s %10.1f ns/op\n", name, nsop > 0 ? 1e9 / nsop : 0, nsop);
}

static inline uint64_t bench_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Keeps the optimizer from dropping results. */
static volatile uint64_t bench_sink;

#endif
