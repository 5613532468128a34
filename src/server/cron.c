/* cron.c — per-shard periodic work at `hz`: active expiry, idle timeouts,
 * paused clients, the LRU clock, eviction.
 *
 * Thread: each shard runs its own cron on its own data.
 *
 * DESIGN (active expiry): each turn a shard walks its own slots that have keys
 * with a TTL, bucket by bucket from a saved cursor, deleting expired keys,
 * for at most 25% of the cron period (plus 2% per active-expire-effort step,
 * Redis's budget). Slots without TTLs are skipped by their counter, so the
 * walk costs nothing when nothing expires; 1M keys with TTLs are visited in
 * about a second.
 */
#include "loop.h"
#include "stats.h"

#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/log.h>
#include <petrel/server.h>
#include <petrel/watch.h>
#include <petrel/block.h>

int evict_cron(struct shard *s);
/* cmd_debug.c: DEBUG SET-ACTIVE-EXPIRE 0 clears it. */
extern int debug_active_expire;
void db_expired_hook(struct cmd_ctx *c, const char *key, size_t klen);

struct expire_arg {
	struct cmd_ctx *c;
	unsigned slot;
	long n, expired;
};

static void expire_visit(void *arg, struct kv *kv)
{
	struct expire_arg *a = arg;
	a->n++;
	if (!db_is_expired(kv, a->c->now))
		return;
	size_t klen;
	const char *k = kv_key(kv, &klen);
	/* db_find deletes it (and counts expired_keys). */
	db_find(a->c, k, klen, NULL);
	a->expired++;
}

/* One active-expiry pass of shard s within its time budget (also for tests). */
void active_expire(struct shard *s);
void active_expire(struct shard *s)
{
	if (!__atomic_load_n(&debug_active_expire, __ATOMIC_RELAXED))
		return;
	int hz = srv.hz > 0 ? srv.hz : 10;
	int effort = srv.active_expire_effort > 0 ? srv.active_expire_effort : 1;
	long long budget_us = 1000000LL * (25 + 2 * (effort - 1)) / hz / 100;
	long long start = shard_ustime();
	struct cmd_ctx c = {0};
	c.sh = s;
	c.now = s->now_ms;
	unsigned visited_slots = 0;
	int any = 0;
	for (int db = 0; db < ks_ndbs && !any; db++)
		any = __atomic_load_n(&ks_volatile[db], __ATOMIC_RELAXED) > 0;
	if (!any)
		return;
	while (visited_slots < SLOT_COUNT) {
		if (s->expire_db >= ks_ndbs)
			s->expire_db = 0;
		if (!__atomic_load_n(&ks_volatile[s->expire_db], __ATOMIC_RELAXED)) {
			/* Nothing expires in this db: skip it whole. */
			s->expire_db++;
			s->expire_slot = 0;
			s->expire_cursor = 0;
			visited_slots += SLOT_COUNT / 16;
			continue;
		}
		unsigned slot = s->expire_slot;
		struct ks_table *t = ks_table_of(s->expire_db, slot);
		if (shard_of_slot(slot) == s->id && t && t->expires) {
			c.db = s->expire_db;
			struct expire_arg a = {&c, slot, 0, 0};
			s->expire_cursor = ks_scan_slot(c.db, slot, s->expire_cursor, 64, expire_visit, &a);
			if (s->expire_cursor)
				goto check_time;
		}
		s->expire_cursor = 0;
		visited_slots++;
		if (++s->expire_slot == SLOT_COUNT) {
			s->expire_slot = 0;
			s->expire_db++;
		}
	check_time:
		if ((visited_slots & 63) == 0 && shard_ustime() - start > budget_us)
			break;
	}
	s->stats.expire_cycle_us += (uint64_t)(shard_ustime() - start);
}

static void client_timeouts(struct shard *s)
{
	for (struct client *cl = s->clients, *next; cl; cl = next) {
		next = cl->next;
		if (cl->flags & CL_CLOSING)
			continue;
		if (srv.timeout > 0 && !(cl->flags & CL_MONITOR) && !cl->waiting &&
		    s->now_ms - cl->last_ms > (long long)srv.timeout * 1000) {
			log_verbose("Closing idle client");
			client_close(s, cl);
			continue;
		}
		if (cl->flags & CL_PAUSED) {
			long long pu = __atomic_load_n(&srv.paused_until, __ATOMIC_RELAXED);
			if (!pu || s->now_ms >= pu) {
				cl->flags &= ~CL_PAUSED;
				client_process_input(s, cl);
			}
		}
		if (cl->out.len)
			loop_want_flush(s, cl);
	}
}

void cron_run(struct shard *s)
{
	s->now_ms = shard_mstime();
	if (s->id == 0)
		__atomic_store_n(&srv.lru_clock, (unsigned)((s->now_ms / 1000) & 0xffffff), __ATOMIC_RELAXED);
	active_expire(s);
	watch_cron(s);
	block_cron(s);
	block_timeouts(s);
	client_timeouts(s);
	if (srv.maxmemory)
		evict_cron(s);
}
