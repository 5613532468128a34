/* evict.c — maxmemory: approximate LRU/LFU/random/TTL eviction per shard.
 *
 * Thread: each shard evicts only keys of its own slots.
 *
 * DESIGN: used memory is the process-wide sum (alloc_used_memory). When it is
 * over `maxmemory`, the shard that is about to run a deny-oom command (or its
 * cron) samples `maxmemory-samples` keys from random slots it owns and evicts
 * the best candidate under the policy, repeating until under the limit or a
 * bounded number of rounds passed. Shards evict independently, so the limit is
 * approximate, as the brief allows.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/keyspace.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <stdlib.h>

static uint64_t rng_state = 88172645463325252ULL;
static __thread uint64_t rng;

static uint64_t next_rand(void)
{
	if (!rng)
		rng = rng_state ^ (uint64_t)(uintptr_t)&rng;
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int volatile_policy(void)
{
	return srv.maxmemory_policy == MAXMEM_VOLATILE_LRU ||
	       srv.maxmemory_policy == MAXMEM_VOLATILE_LFU ||
	       srv.maxmemory_policy == MAXMEM_VOLATILE_RANDOM ||
	       srv.maxmemory_policy == MAXMEM_VOLATILE_TTL;
}

/* Higher score = better to evict. */
static unsigned long long score(const struct kv *kv, long long now)
{
	switch (srv.maxmemory_policy) {
	case MAXMEM_ALLKEYS_LRU:
	case MAXMEM_VOLATILE_LRU: {
		unsigned clock = db_lru_clock();
		unsigned l = kv->lru & 0xffffff;
		return clock >= l ? clock - l : (0xffffff - l) + clock;
	}
	case MAXMEM_ALLKEYS_LFU:
	case MAXMEM_VOLATILE_LFU:
		return 255 - (kv->lru & 255);
	case MAXMEM_VOLATILE_TTL:
		return ~(unsigned long long)(kv_expire(kv) - now);
	default:
		return next_rand();
	}
}

/* Evict one key from this shard's slots. Returns 1 if one was evicted. */
static int evict_one(struct shard *s)
{
	int vol = volatile_policy();
	int samples = srv.maxmemory_samples > 0 ? srv.maxmemory_samples : 5;
	struct kv *best = NULL;
	int best_db = 0;
	unsigned long long best_score = 0;
	for (int db = 0; db < ks_ndbs; db++) {
		int taken = 0;
		for (int tries = 0; tries < 64 && taken < samples; tries++) {
			unsigned slot = (unsigned)(next_rand() & SLOT_MASK);
			if (shard_of_slot(slot) != s->id)
				continue;
			struct ks_table *t = ks_table_of(db, slot);
			if (!t || !t->count || (vol && !t->expires))
				continue;
			struct kv *kv = ks_random_in_slot(db, slot, next_rand());
			if (!kv || (vol && !kv_has_expire(kv)))
				continue;
			taken++;
			unsigned long long sc = score(kv, s->now_ms);
			if (!best || sc > best_score) {
				best = kv;
				best_db = db;
				best_score = sc;
			}
		}
	}
	if (!best) {
		/* Sampling missed: walk our slots for any candidate. */
		for (int db = 0; db < ks_ndbs && !best; db++)
			for (unsigned slot = (unsigned)s->id; slot < SLOT_COUNT && !best; slot++) {
				if (shard_of_slot(slot) != s->id)
					continue;
				struct ks_table *t = ks_table_of(db, slot);
				if (!t || !t->count || (vol && !t->expires))
					continue;
				for (uint32_t b = 0; b <= t->mask && !best; b++)
					for (struct kv *kv = t->b[b]; kv; kv = kv->next)
						if (!vol || kv_has_expire(kv)) {
							best = kv;
							best_db = db;
							break;
						}
			}
	}
	if (!best)
		return 0;
	struct cmd_ctx c = {0};
	c.sh = s;
	c.db = best_db;
	c.now = s->now_ms;
	size_t klen;
	const char *k = kv_key(best, &klen);
	struct kv **ref;
	if (!ks_find(best_db, slot_of(k, klen), k, klen, &ref))
		return 0;
	/* Pub/Sub: "evicted" while the key bytes (inside the kv) still exist. */
	notify_keyspace_event(&c, NOTIFY_EVICTED, "evicted", k, klen);
	db_unlink(&c, ref);
	s->stats.evicted_keys++;
	return 1;
}

static int over_limit(void)
{
	return srv.maxmemory && alloc_used_memory() > (size_t)srv.maxmemory;
}

int evict_before_write(struct shard *s)
{
	if (!over_limit())
		return 0;
	if (srv.maxmemory_policy == MAXMEM_NOEVICTION)
		return -1;
	for (int i = 0; i < 1024 && over_limit(); i++)
		if (!evict_one(s))
			return 0;       /* nothing of ours left: other shards' keys hold
					 * the memory and their own writes and cron evict
					 * them; refusing here would be wrong */
	return over_limit() ? -1 : 0;
}

int evict_cron(struct shard *s)
{
	if (srv.maxmemory_policy == MAXMEM_NOEVICTION)
		return 0;
	for (int i = 0; i < 256 && over_limit(); i++)
		if (!evict_one(s))
			break;
	return 0;
}
