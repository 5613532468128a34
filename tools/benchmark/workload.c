/* workload.c — request templates and key generators; see workload.h. */
#include "workload.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

static int find_all(const char *buf, size_t len, const char *needle, size_t nlen,
		    uint32_t **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	if (len < nlen)
		return 0;
	for (size_t i = 0; i + nlen <= len; i++) {
		if (buf[i] != needle[0] || memcmp(buf + i, needle, nlen))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = realloc(*out, (size_t)cap * sizeof(uint32_t));
		}
		(*out)[n++] = (uint32_t)i;
		i += nlen - 1;
	}
	return n;
}

static void tmpl_scan(struct tmpl *m, bool rand_keys, bool cluster)
{
	if (rand_keys)
		m->nrand = find_all(m->buf, m->len, "__rand_int__", 12, &m->rand_off);
	if (cluster)
		m->ntag = find_all(m->buf, m->len, "{tag}", 5, &m->tag_off);
}

int wl_init_argv(struct test *t, const char *title, int argc, const char *const *argv,
		   const size_t *lens, bool rand_keys, bool cluster)
{
	memset(t, 0, sizeof(*t));
	t->title = strdup(title);
	t->ntmpl = 1;
	t->weight[0] = 1;
	t->tmpl[0].buf = resp_format(argc, argv, lens, &t->tmpl[0].len);
	if (!t->tmpl[0].buf)
		return -1;
	tmpl_scan(&t->tmpl[0], rand_keys, cluster);
	return 0;
}

int wl_init_raw(struct test *t, const char *title, const char *raw, size_t len)
{
	memset(t, 0, sizeof(*t));
	t->title = strdup(title);
	t->ntmpl = 1;
	t->weight[0] = 1;
	t->tmpl[0].buf = malloc(len + 1);
	memcpy(t->tmpl[0].buf, raw, len);
	t->tmpl[0].buf[len] = 0;
	t->tmpl[0].len = len;
	return 0;
}

int wl_add_kind(struct test *dst, struct test *src, int w0, int w1, const char *n0,
		  const char *n1)
{
	if (dst->ntmpl != 1 || src->ntmpl != 1)
		return -1;
	dst->tmpl[1] = src->tmpl[0];
	memset(&src->tmpl[0], 0, sizeof(src->tmpl[0]));
	dst->ntmpl = 2;
	dst->weight[0] = w0;
	dst->weight[1] = w1;
	dst->kind_name[0] = n0;
	dst->kind_name[1] = n1;
	return 0;
}

void wl_free(struct test *t)
{
	for (int i = 0; i < KIND_MAX; i++) {
		free(t->tmpl[i].buf);
		free(t->tmpl[i].rand_off);
		free(t->tmpl[i].tag_off);
	}
	free(t->title);
	memset(t, 0, sizeof(*t));
}

/* --- random numbers: xoshiro256** seeded by splitmix64 ------------------- */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	if (n == 0)
		return 0;
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* --- key distributions ---------------------------------------------------- */

double zeta(uint64_t n, double theta)
{
	const uint64_t exact = 10000000;
	uint64_t m = n < exact ? n : exact;
	double sum = 0;
	for (uint64_t i = 1; i <= m; i++)
		sum += 1.0 / pow((double)i, theta);
	if (n > m) {
		/* Euler-Maclaurin: the tail as an integral with midpoint bounds. */
		double e = 1.0 - theta;
		sum += (pow((double)n + 0.5, e) - pow((double)m + 0.5, e)) / e;
	}
	return sum;
}

void keygen_init(struct keygen *kg, enum key_dist dist, uint64_t n, double theta)
{
	memset(kg, 0, sizeof(*kg));
	kg->dist = dist;
	kg->n = n;
	kg->theta = theta;
	if (dist == DIST_ZIPFIAN && n > 0) {
		/* Gray et al., "Quickly generating billion-record synthetic
		 * databases" (the YCSB zipfian generator). */
		kg->zeta2 = zeta(2, theta);
		kg->zetan = zeta(n, theta);
		kg->alpha = 1.0 / (1.0 - theta);
		kg->eta = (1.0 - pow(2.0 / (double)n, 1.0 - theta)) / (1.0 - kg->zeta2 / kg->zetan);
	}
}

uint64_t keygen_next(const struct keygen *kg, struct rng *r, uint64_t *seq)
{
	if (kg->n == 0)
		return 0;
	switch (kg->dist) {
	case DIST_SEQUENTIAL: {
		uint64_t v = *seq % kg->n;
		*seq = v + 1;
		return v;
	}
	case DIST_ZIPFIAN: {
		double u = rng_double(r);
		double uz = u * kg->zetan;
		if (uz < 1.0)
			return 0;
		if (uz < 1.0 + pow(0.5, kg->theta))
			return kg->n > 1 ? 1 : 0;
		uint64_t v = (uint64_t)((double)kg->n * pow(kg->eta * u - kg->eta + 1.0, kg->alpha));
		return v < kg->n ? v : kg->n - 1;
	}
	default:
		return rng_below(r, kg->n);
	}
}

void put_rand12(char *p, uint64_t v)
{
	for (int i = 11; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}
