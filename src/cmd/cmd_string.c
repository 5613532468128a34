/* cmd_string.c — string commands (GET, SET and friends, counters, ranges).
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/kv.h>

#include <string.h>

/* Build a string kv from bytes, choosing int/embstr/raw like Redis. */
struct kv *string_kv(const char *key, size_t klen, const char *val, size_t vlen, long long expire);
struct kv *string_kv(const char *key, size_t klen, const char *val, size_t vlen, long long expire)
{
	long long v;
	struct resp_arg a = {val, vlen};
	if (vlen <= 20 && arg_ll(&a, &v) == 0)
		return kv_create_int(key, klen, v, expire);
	return kv_create_string(key, klen, val, vlen, expire);
}

void cmd_get(struct cmd_ctx *c)
{
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_null(c->out);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	char num[24];
	size_t len;
	const char *s = kv_str(kv, &len, num);
	reply_bulk(c->out, s, len);
}

enum { SET_NX = 1, SET_XX = 2, SET_GET = 4, SET_KEEPTTL = 8, SET_EX = 16, SET_PX = 32,
       SET_EXAT = 64, SET_PXAT = 128 };

/* Parse SET/GETEX style expire options. Returns 0, or -1 after replying. */
static int parse_set_options(struct cmd_ctx *c, int from, int *flags, long long *expire,
			     const char *cmdname)
{
	*expire = -1;
	for (int i = from; i < c->argc; i++) {
		int has_next = i + 1 < c->argc;
		int unit = 0;
		if (ARGIS(c, i, "nx") && !(*flags & (SET_XX | SET_NX)))
			*flags |= SET_NX;
		else if (ARGIS(c, i, "xx") && !(*flags & (SET_XX | SET_NX)))
			*flags |= SET_XX;
		else if (ARGIS(c, i, "get") && !(*flags & SET_GET))
			*flags |= SET_GET;
		else if (ARGIS(c, i, "keepttl") && !(*flags & (SET_KEEPTTL | SET_EX | SET_PX | SET_EXAT | SET_PXAT)))
			*flags |= SET_KEEPTTL;
		else if (ARGIS(c, i, "ex") && has_next)
			unit = SET_EX;
		else if (ARGIS(c, i, "px") && has_next)
			unit = SET_PX;
		else if (ARGIS(c, i, "exat") && has_next)
			unit = SET_EXAT;
		else if (ARGIS(c, i, "pxat") && has_next)
			unit = SET_PXAT;
		else {
			reply_error(c->out, ERR_SYNTAX);
			return -1;
		}
		if (unit) {
			if (*flags & (SET_KEEPTTL | SET_EX | SET_PX | SET_EXAT | SET_PXAT)) {
				reply_error(c->out, ERR_SYNTAX);
				return -1;
			}
			*flags |= unit;
			long long v;
			if (arg_ll(&c->argv[++i], &v)) {
				reply_error(c->out, ERR_NOT_INT);
				return -1;
			}
			int secs = unit == SET_EX || unit == SET_EXAT;
			if (v <= 0 || (secs && v > (long long)(9223372036854775807LL / 1000))) {
				reply_errorf(c->out, "ERR invalid expire time in '%s' command", cmdname);
				return -1;
			}
			long long ms = secs ? v * 1000 : v;
			if (unit == SET_EX || unit == SET_PX) {
				if (ms > 9223372036854775807LL - c->now) {
					reply_errorf(c->out, "ERR invalid expire time in '%s' command", cmdname);
					return -1;
				}
				ms += c->now;
			}
			*expire = ms;
		}
	}
	return 0;
}

/* Shared by SET, SETNX, SETEX, PSETEX, GETSET. Reply chosen by flags. */
static void set_generic(struct cmd_ctx *c, const struct resp_arg *key, const struct resp_arg *val,
			int flags, long long expire, int reply_int_mode)
{
	struct kv **ref;
	struct kv *old = db_write(c, key, &ref);
	if ((flags & SET_GET) && old && kv_type(old) != OBJ_STRING) {
		reply_error(c->out, ERR_WRONGTYPE);
		return;
	}
	if ((flags & SET_NX && old) || (flags & SET_XX && !old)) {
		if (reply_int_mode)
			reply_int(c->out, 0);
		else if (flags & SET_GET) {
			if (old) {
				char num[24];
				size_t len;
				const char *s = kv_str(old, &len, num);
				reply_bulk(c->out, s, len);
			} else {
				reply_null(c->out);
			}
		} else
			reply_null(c->out);
		return;
	}
	if (flags & SET_GET) {
		if (old) {
			char num[24];
			size_t len;
			const char *s = kv_str(old, &len, num);
			reply_bulk(c->out, s, len);
		} else {
			reply_null(c->out);
		}
	}
	if ((flags & SET_KEEPTTL) && old)
		expire = kv_expire(old);
	struct kv *nkv = string_kv(key->ptr, key->len, val->ptr, val->len, expire);
	if (old)
		db_overwrite(c, ref, nkv);
	else
		db_insert(c, nkv);
	db_modified(c, key->ptr, key->len);
	if (flags & SET_GET)
		return;
	if (reply_int_mode)
		reply_int(c->out, 1);
	else
		reply_ok(c->out);
}

void cmd_set(struct cmd_ctx *c)
{
	int flags = 0;
	long long expire;
	if (parse_set_options(c, 3, &flags, &expire, "set"))
		return;
	set_generic(c, &c->argv[1], &c->argv[2], flags, expire, 0);
}

void cmd_mset(struct cmd_ctx *c)
{
	if (c->argc % 2 == 0) {
		reply_error(c->out, "ERR wrong number of arguments for 'mset' command");
		return;
	}
	for (int i = 1; i < c->argc; i += 2) {
		const struct resp_arg *k = &c->argv[i], *v = &c->argv[i + 1];
		db_set(c, string_kv(k->ptr, k->len, v->ptr, v->len, -1));
		db_modified(c, k->ptr, k->len);
	}
	reply_ok(c->out);
}

void cmd_mget(struct cmd_ctx *c)
{
	reply_array(c->out, c->argc - 1);
	for (int i = 1; i < c->argc; i++) {
		struct kv *kv = db_read(c, &c->argv[i]);
		if (!kv || kv_type(kv) != OBJ_STRING) {
			reply_null(c->out);
			continue;
		}
		char num[24];
		size_t len;
		const char *s = kv_str(kv, &len, num);
		reply_bulk(c->out, s, len);
	}
}

/* INCR/DECR/INCRBY/DECRBY core. */
void incr_generic(struct cmd_ctx *c, long long by);
void incr_generic(struct cmd_ctx *c, long long by)
{
	const struct resp_arg *key = &c->argv[1];
	struct kv **ref;
	struct kv *kv = db_write(c, key, &ref);
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	long long cur = 0;
	if (kv) {
		if (kv_enc(kv) == ENC_INT) {
			cur = kv_int(kv);
		} else {
			char num[24];
			struct resp_arg a;
			a.ptr = kv_str(kv, &a.len, num);
			if (arg_ll(&a, &cur)) {
				reply_error(c->out, ERR_NOT_INT);
				return;
			}
		}
	}
	if ((by < 0 && cur < 0 && by < (-9223372036854775807LL - 1) - cur) ||
	    (by > 0 && cur > 0 && by > 9223372036854775807LL - cur)) {
		reply_error(c->out, ERR_OVERFLOW);
		return;
	}
	long long nv = cur + by;
	if (kv && kv_enc(kv) == ENC_INT) {
		kv_set_int(kv, nv);    /* in place: no allocation on the hot path */
	} else {
		struct kv *nkv = kv_create_int(key->ptr, key->len, nv, kv ? kv_expire(kv) : -1);
		if (kv)
			db_overwrite(c, ref, nkv);
		else
			db_insert(c, nkv);
	}
	db_modified(c, key->ptr, key->len);
	reply_int(c->out, nv);
}

void cmd_incr(struct cmd_ctx *c) { incr_generic(c, 1); }
