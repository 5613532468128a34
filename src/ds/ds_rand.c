/* ds_rand.c — per-thread xoshiro256** generator for src/ds.
 *
 * Thread: any; the state is thread-local.
 */
#include "ds_rand.h"

#include <sys/random.h>
#include <time.h>

static __thread uint64_t st[4];
static __thread int seeded;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void ds_rand_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		st[i] = splitmix(&seed);
	seeded = 1;
}

static void seed_once(void)
{
	uint64_t s;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)&s;
	}
	ds_rand_seed(s);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t ds_rand64(void)
{
	if (!seeded)
		seed_once();
	uint64_t r = rotl(st[1] * 5, 7) * 9;
	uint64_t t = st[1] << 17;
	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return r;
}

uint64_t ds_rand_below(uint64_t n)
{
	/* Lemire's multiply-shift; the tiny bias is irrelevant for sampling here. */
	return (uint64_t)(((unsigned __int128)ds_rand64() * n) >> 64);
}
