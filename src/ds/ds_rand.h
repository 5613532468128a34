/* ds_rand.h — private to src/ds: a fast per-thread PRNG (xoshiro256**) for the
 * randomized structures (skiplist levels, dict sampling, intset_random).
 *
 * Thread: any; each thread has its own state, seeded lazily from getrandom(2)
 * (or the clock) unless ds_rand_seed() is called first.
 */
#ifndef PETREL_DS_RAND_H
#define PETREL_DS_RAND_H

#include <stdint.h>

uint64_t ds_rand64(void);
/* Uniform in [0, n); n > 0. */
uint64_t ds_rand_below(uint64_t n);
/* Reseed the calling thread's generator (tests use it for reproducibility). */
void ds_rand_seed(uint64_t seed);

#endif
