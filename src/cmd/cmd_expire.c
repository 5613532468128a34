/* cmd_expire.c — key time to live: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with
 * NX|XX|GT|LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.
 *
 * Expire times are absolute unix milliseconds stored in the kv (kv.h). A time
 * already in the past deletes the key at once and still answers 1, as Redis
 * does on a master.
 *
 * Thread: owner/holder of the key's shard (see cmd.h).
 */
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/shard.h>

#include <limits.h>

enum { EXP_NX = 1, EXP_XX = 2, EXP_GT = 4, EXP_LT = 8 };

/* Parse the NX|XX|GT|LT options from argv[3]. Returns the flags, or -1 after
 * replying. Every option is read before the compatibility checks, so an
 * unknown option wins over a conflict (Redis's order). */
static int expire_flags(struct cmd_ctx *c)
{
	int f = 0;
	for (int i = 3; i < c->argc; i++) {
		if (ARGIS(c, i, "nx"))
			f |= EXP_NX;
		else if (ARGIS(c, i, "xx"))
			f |= EXP_XX;
		else if (ARGIS(c, i, "gt"))
			f |= EXP_GT;
		else if (ARGIS(c, i, "lt"))
			f |= EXP_LT;
		else {
			int n = c->argv[i].len > 128 ? 128 : (int)c->argv[i].len;
			reply_errorf(c->out, "ERR Unsupported option %.*s", n, c->argv[i].ptr);
			return -1;
		}
	}
	if ((f & EXP_NX) && (f & (EXP_XX | EXP_GT | EXP_LT))) {
		reply_error(c->out, "ERR NX and XX, GT or LT options at the same time are not compatible");
		return -1;
	}
	if ((f & EXP_GT) && (f & EXP_LT)) {
		reply_error(c->out, "ERR GT and LT options at the same time are not compatible");
		return -1;
	}
	return f;
}

/* Shared body. seconds: the argument is in seconds; relative: add now. */
static void expire_generic(struct cmd_ctx *c, int seconds, int relative)
{
	int flags = expire_flags(c);
	if (flags < 0)
		return;
	long long when;
	if (arg_ll_or_reply(c, &c->argv[2], &when))
		return;
	long long base = relative ? c->now : 0;
	/* Negative times are allowed; only overflow is an error. */
	if (seconds) {
		if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
			goto overflow;
		when *= 1000;
	}
	if (when > LLONG_MAX - base)
		goto overflow;
	when += base;

	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	long long cur = kv_expire(kv);
	if (((flags & EXP_NX) && cur != -1) || ((flags & EXP_XX) && cur == -1) ||
	    ((flags & EXP_GT) && (cur == -1 || when <= cur)) ||
	    ((flags & EXP_LT) && cur != -1 && when >= cur)) {
		reply_int(c->out, 0);
		return;
	}
	if (when <= c->now)
		db_unlink(c, ref);
	else
		db_set_expire(c, ref, when);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_GENERIC, when <= c->now ? "del" : "expire", &c->argv[1]);
	reply_int(c->out, 1);
	return;
overflow:
	reply_errorf(c->out, "ERR invalid expire time in '%s' command", c->def->name);
}

void cmd_expire(struct cmd_ctx *c) { expire_generic(c, 1, 1); }
void cmd_pexpire(struct cmd_ctx *c) { expire_generic(c, 0, 1); }
void cmd_expireat(struct cmd_ctx *c) { expire_generic(c, 1, 0); }
void cmd_pexpireat(struct cmd_ctx *c) { expire_generic(c, 0, 0); }

/* Look the key up without touching its LRU but counting hits/misses (Redis's
 * LOOKUP_NOTOUCH). */
static struct kv *lookup_notouch(struct cmd_ctx *c)
{
	struct kv *kv = db_find(c, c->argv[1].ptr, c->argv[1].len, NULL);
	if (kv) {
		c->sh->stats.hits++;
	} else {
		c->sh->stats.misses++;
		notify_arg(c, NOTIFY_KEY_MISS, "keymiss", &c->argv[1]);
	}
	return kv;
}

static void ttl_generic(struct cmd_ctx *c, int seconds)
{
	struct kv *kv = lookup_notouch(c);
	if (!kv) {
		reply_int(c->out, -2);
		return;
	}
	long long e = kv_expire(kv);
	if (e < 0) {
		reply_int(c->out, -1);
		return;
	}
	long long ttl = e - c->now;
	if (ttl < 0)
		ttl = 0;
	reply_int(c->out, seconds ? (ttl + 500) / 1000 : ttl);
}

void cmd_ttl(struct cmd_ctx *c) { ttl_generic(c, 1); }
void cmd_pttl(struct cmd_ctx *c) { ttl_generic(c, 0); }

static void expiretime_generic(struct cmd_ctx *c, int seconds)
{
	struct kv *kv = lookup_notouch(c);
	if (!kv) {
		reply_int(c->out, -2);
		return;
	}
	long long e = kv_expire(kv);
	if (e < 0)
		reply_int(c->out, -1);
	else
		reply_int(c->out, seconds ? (e + 500) / 1000 : e);
}

void cmd_expiretime(struct cmd_ctx *c) { expiretime_generic(c, 1); }
void cmd_pexpiretime(struct cmd_ctx *c) { expiretime_generic(c, 0); }

void cmd_persist(struct cmd_ctx *c)
{
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv || !kv_has_expire(kv)) {
		reply_int(c->out, 0);
		return;
	}
	db_set_expire(c, ref, -1);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_GENERIC, "persist", &c->argv[1]);
	reply_int(c->out, 1);
}
