/* db.c — key access helpers for handlers (include/petrel/db.h).
 *
 * Thread: the handler's; stats go to the executing shard (c->sh).
 */
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/server.h>
#include <petrel/shard.h>
#include <petrel/watch.h>
#include <petrel/block.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const char *const ERR_SYNTAX = "ERR syntax error";
const char *const ERR_NOT_INT = "ERR value is not an integer or out of range";
const char *const ERR_NOT_FLOAT = "ERR value is not a valid float";
const char *const ERR_NO_KEY = "ERR no such key";
const char *const ERR_OVERFLOW = "ERR increment or decrement would overflow";

void db_expired_hook(struct cmd_ctx *c, const char *key, size_t klen);

struct kv *db_find(struct cmd_ctx *c, const char *key, size_t klen, struct kv ***ref)
{
	unsigned slot = slot_of(key, klen);
	struct kv **link;
	struct kv *kv = ks_find(c->db, slot, key, klen, &link);
	if (ref)
		*ref = link;    /* on a miss: insertion point for db_insert_at */
	if (!kv)
		return NULL;
	if (db_is_expired(kv, c->now)) {
		ks_unlink(c->db, slot, link);
		watch_touch(c->db, key, klen);
		c->sh->stats.expired_keys++;
		db_expired_hook(c, key, klen);
		kv_free(kv);
		return NULL;    /* *ref still names the spot the key was in */
	}
	return kv;
}

unsigned db_lru_clock(void)
{
	return __atomic_load_n(&srv.lru_clock, __ATOMIC_RELAXED) & 0xffffff;
}

static int lfu_mode(void)
{
	return srv.maxmemory_policy == MAXMEM_ALLKEYS_LFU || srv.maxmemory_policy == MAXMEM_VOLATILE_LFU;
}

/* LFU: 16 bits of minutes, 8 bits of logarithmic counter (Redis's scheme). */
static unsigned lfu_decr(unsigned lru)
{
	unsigned ldt = lru >> 8, counter = lru & 255;
	unsigned now = (unsigned)((shard_mstime() / 60000) & 65535);
	unsigned elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
	unsigned periods = srv.lfu_decay_time ? elapsed / (unsigned)srv.lfu_decay_time : 0;
	return periods > counter ? 0 : counter - periods;
}

static unsigned lfu_incr(unsigned counter)
{
	if (counter == 255)
		return 255;
	double r = (double)rand() / RAND_MAX;
	double base = counter > 5 ? counter - 5 : 0;
	double p = 1.0 / (base * srv.lfu_log_factor + 1);
	return r < p ? counter + 1 : counter;
}

void db_touch(struct cmd_ctx *c, struct kv *kv)
{
	if (c->cl && (c->cl->flags & CL_NO_TOUCH))
		return;
	if (lfu_mode()) {
		unsigned counter = lfu_incr(lfu_decr(kv->lru));
		unsigned now = (unsigned)((c->now / 60000) & 65535);
		kv->lru = (now << 8) | counter;
	} else {
		kv->lru = db_lru_clock();
	}
}

struct kv *db_read(struct cmd_ctx *c, const struct resp_arg *key)
{
	struct kv *kv = db_find(c, key->ptr, key->len, NULL);
	if (kv) {
		c->sh->stats.hits++;
		db_touch(c, kv);
	} else {
		c->sh->stats.misses++;
		notify_keyspace_event(c, NOTIFY_KEY_MISS, "keymiss", key->ptr, key->len);
	}
	return kv;
}

struct kv *db_write(struct cmd_ctx *c, const struct resp_arg *key, struct kv ***ref)
{
	struct kv *kv = db_find(c, key->ptr, key->len, ref);
	if (kv)
		db_touch(c, kv);
	return kv;
}

static void init_lru(struct kv *kv)
{
	if (lfu_mode())
		kv->lru = ((unsigned)((shard_mstime() / 60000) & 65535) << 8) | 5; /* LFU_INIT_VAL */
	else
		kv->lru = db_lru_clock();
}

void db_insert(struct cmd_ctx *c, struct kv *kv)
{
	size_t klen;
	const char *k = kv_key(kv, &klen);
	init_lru(kv);
	ks_insert(c->db, slot_of(k, klen), kv);
}

void db_insert_at(struct cmd_ctx *c, struct kv **ref, struct kv *kv)
{
	size_t klen;
	const char *k = kv_key(kv, &klen);
	init_lru(kv);
	ks_insert_at(c->db, slot_of(k, klen), ref, kv);
}

void db_overwrite(struct cmd_ctx *c, struct kv **ref, struct kv *nkv)
{
	size_t klen;
	const char *k = kv_key(nkv, &klen);
	nkv->lru = (*ref)->lru;
	struct kv *old = ks_replace(c->db, slot_of(k, klen), ref, nkv);
	kv_free(old);
}

void db_set(struct cmd_ctx *c, struct kv *nkv)
{
	size_t klen;
	const char *k = kv_key(nkv, &klen);
	struct kv **ref;
	if (db_find(c, k, klen, &ref))
		db_overwrite(c, ref, nkv);
	else
		db_insert(c, nkv);
}

void db_unlink(struct cmd_ctx *c, struct kv **ref)
{
	size_t klen;
	const char *k = kv_key(*ref, &klen);
	watch_touch(c->db, k, klen);  /* eviction and deletions reach WATCH here */
	struct kv *kv = ks_unlink(c->db, slot_of(k, klen), ref);
	kv_free(kv);
}

int db_delete(struct cmd_ctx *c, const char *key, size_t klen)
{
	struct kv **ref;
	if (!db_find(c, key, klen, &ref))
		return 0;
	db_unlink(c, ref);
	return 1;
}

struct kv *db_set_expire(struct cmd_ctx *c, struct kv **ref, long long expire)
{
	size_t klen;
	const char *k = kv_key(*ref, &klen);
	return ks_set_expire(c->db, slot_of(k, klen), ref, expire);
}

int db_check_type(struct cmd_ctx *c, const struct kv *kv, int type)
{
	if (kv && kv_type(kv) != type) {
		reply_error(c->out, ERR_WRONGTYPE);
		return -1;
	}
	return 0;
}

void db_modified(struct cmd_ctx *c, const char *key, size_t klen)
{
	watch_touch(c->db, key, klen);
	block_signal(c->db, key, klen);
	__atomic_add_fetch(&srv.dirty, 1, __ATOMIC_RELAXED);
}

/* Hook for expired keys (journal later). */
void db_expired_hook(struct cmd_ctx *c, const char *key, size_t klen)
{
	notify_keyspace_event(c, NOTIFY_EXPIRED, "expired", key, klen);  /* Pub/Sub */
}

int arg_ll(const struct resp_arg *a, long long *v)
{
	/* Redis's string2ll: strict, no spaces, no '+', no leading zeros; the
	 * same rule as RESP headers. */
	return resp_strict_ll(a->ptr, a->len, v);
}

int arg_scan_cursor(const struct resp_arg *a, unsigned long *cursor)
{
	/* Redis's parseScanCursorOrReply: strtoul over the argument as a C
	 * string (it ends at the first NUL, so "" and "0\0x" read as 0), the
	 * first byte not a space, nothing after the number, no overflow. */
	char stack[64];
	const char *nul = memchr(a->ptr, 0, a->len);
	size_t len = nul ? (size_t)(nul - a->ptr) : a->len;
	if (len && isspace((unsigned char)a->ptr[0]))
		return -1;
	char *buf = len < sizeof(stack) ? stack : pmalloc(len + 1);
	memcpy(buf, a->ptr, len);
	buf[len] = 0;
	char *end;
	errno = 0;
	unsigned long v = strtoul(buf, &end, 10);
	int invalid = *end || errno == ERANGE;
	if (buf != stack)
		pfree(buf);
	if (invalid)
		return -1;
	*cursor = v;
	return 0;
}

int arg_ll_or_reply(struct cmd_ctx *c, const struct resp_arg *a, long long *v)
{
	if (arg_ll(a, v) == 0)
		return 0;
	reply_error(c->out, ERR_NOT_INT);
	return -1;
}

/* Redis's string2d: strtod must consume every byte (so an embedded NUL makes
 * the value invalid), no leading space of any kind, no NaN, no overflow or
 * total underflow; any length. */
int arg_double(const struct resp_arg *a, double *v)
{
	char stack[128];
	if (a->len == 0 || isspace((unsigned char)a->ptr[0]) || memchr(a->ptr, 0, a->len))
		return -1;
	char *buf = a->len < sizeof(stack) ? stack : pmalloc(a->len + 1);
	memcpy(buf, a->ptr, a->len);
	buf[a->len] = 0;
	char *end;
	errno = 0;
	double d = strtod(buf, &end);
	int bad = end != buf + a->len || isnan(d) ||
		  (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL || d == 0));
	if (buf != stack)
		pfree(buf);
	if (bad)
		return -1;
	*v = d;
	return 0;
}

/* Redis's string2ld: under 5 KiB, the whole string consumed (an embedded NUL
 * makes it invalid), no leading space, no NaN, no overflow or total
 * underflow. */
#define ARG_LD_CHARS (5 * 1024)

int arg_ld(const struct resp_arg *a, long double *v)
{
	char stack[128];
	if (a->len == 0 || a->len >= ARG_LD_CHARS || isspace((unsigned char)a->ptr[0]) ||
	    memchr(a->ptr, 0, a->len))
		return -1;
	char *buf = a->len < sizeof(stack) ? stack : pmalloc(a->len + 1);
	memcpy(buf, a->ptr, a->len);
	buf[a->len] = 0;
	char *end;
	errno = 0;
	long double d = strtold(buf, &end);
	int bad = end != buf + a->len || isnan(d) || errno == EINVAL ||
		  (errno == ERANGE && (d == HUGE_VALL || d == -HUGE_VALL || d == 0));
	if (buf != stack)
		pfree(buf);
	if (bad)
		return -1;
	*v = d;
	return 0;
}
