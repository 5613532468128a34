/* bench.h — the state one benchmark test shares between main and the worker
 * threads, each of which drives its own io_uring ring (loop.c). */
#ifndef PETREL_BENCH_BENCH_H
#define PETREL_BENCH_BENCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "cluster.h"
#include "hist.h"
#include "sync.h"
#include "workload.h"

/* Histogram range: 10 us (as redis-benchmark) to one hour, in microseconds. */
#define LAT_LOWEST 10
#define LAT_HIGHEST 3600000000LL

struct worker;

struct run {
	const struct bench_config *cfg;
	const struct test *test;
	const struct keygen *kg;
	struct cluster *cl;            /* NULL unless --cluster */
	const struct endpoint *ep;     /* the server (not cluster) */
	/* prefix sent on every new connection: AUTH, HELLO 3, CLIENT TRACKING, SELECT */
	char *prefix;
	size_t prefix_len;
	int prefix_count;
	/* request budget */
	long long limit;               /* -n, or LLONG_MAX with --duration */
	_Atomic long long claimed;
	atomic_int stop;               /* --duration elapsed, or fatal */
	/* timing */
	uint64_t start_ns;             /* CLOCK_MONOTONIC, set when all are connected */
	pthread_barrier_t ready;       /* workers + main */
	pthread_barrier_t go;
	/* completion */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;                   /* workers not finished */
	int nthreads;
	struct worker *workers;
	_Atomic uint64_t last_err_print;   /* -e rate limit (seconds) */
	bool idle;                     /* -I */
};

struct worker {
	int idx;
	pthread_t th;
	struct run *run;
	int first_client, nclients;    /* clients idx, idx+T, idx+2T... */
	uint64_t seed;
	/* results, read by main after the join */
	struct hist hist;              /* all requests */
	struct hist khist[KIND_MAX];   /* per kind, with --ratio */
	uint64_t errors, redirects, nulls;
	uint64_t kind_done[KIND_MAX], kind_err[KIND_MAX];
	char first_err[256];
	uint64_t end_ns;
	/* progress, read by main while running */
	_Atomic uint64_t done;         /* replies counted */
	_Atomic uint64_t lat_sum_us;
};

/* Thread body of a worker: connect, wait at run->ready, run, return. */
void *worker_main(void *arg);

uint64_t now_ns(void);

#endif
