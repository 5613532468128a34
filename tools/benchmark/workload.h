/* workload.h — what one benchmark test sends: request templates with the
 * places to patch (__rand_int__, {tag}), and the key generators. */
#ifndef PETREL_BENCH_WORKLOAD_H
#define PETREL_BENCH_WORKLOAD_H

#include "args.h"

#include <stddef.h>
#include <stdint.h>

#define KIND_MAX 2   /* request kinds in one test (--ratio mixes SET and GET) */

struct tmpl {
	char *buf;               /* the request, RESP (or inline) */
	size_t len;
	uint32_t *rand_off;      /* offsets of "__rand_int__" (12 bytes each) */
	int nrand;
	uint32_t *tag_off;       /* offsets of "{tag}" (5 bytes each) */
	int ntag;
};

struct test {
	char *title;
	int ntmpl;                       /* 1, or 2 with --ratio */
	struct tmpl tmpl[KIND_MAX];
	int weight[KIND_MAX];            /* requests of each kind per cycle */
	const char *kind_name[KIND_MAX];
	long long datasize;              /* "bytes payload" in the report */
};

/* Builds a test from argv (RESP multibulk). `patch` turns on the search for
 * __rand_int__ (only with -r, as redis-benchmark) and {tag} (cluster). */
int wl_init_argv(struct test *t, const char *title, int argc, const char *const *argv,
		   const size_t *lens, bool rand_keys, bool cluster);
/* The inline "PING\r\n" test. */
int wl_init_raw(struct test *t, const char *title, const char *raw, size_t len);
void wl_free(struct test *t);

/* Appends the 2nd kind of request to make a --ratio test. */
int wl_add_kind(struct test *dst, struct test *src, int weight_first, int weight_second,
		  const char *name_first, const char *name_second);

/* --- keys ---------------------------------------------------------------- */

struct keygen {
	enum key_dist dist;
	uint64_t n;              /* keyspace length (-r) */
	double theta, alpha, zetan, eta, zeta2;
};

void keygen_init(struct keygen *kg, enum key_dist dist, uint64_t n, double theta);

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
static inline double rng_double(struct rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }
uint64_t rng_below(struct rng *r, uint64_t n);

/* Draws one key number; `seq` is the caller's sequential cursor. */
uint64_t keygen_next(const struct keygen *kg, struct rng *r, uint64_t *seq);

/* Writes the 12-digit, zero-padded decimal of v (mod 10^12) at p. */
void put_rand12(char *p, uint64_t v);

/* Zeta(n, theta) = sum 1/i^theta for i in 1..n (approximated past 10^7). */
double zeta(uint64_t n, double theta);

#endif
