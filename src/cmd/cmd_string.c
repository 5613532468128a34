/* cmd_string.c — string commands: GET/SET and their variants, MSET/MGET,
 * APPEND, STRLEN, SETRANGE/GETRANGE, the INCR family, INCRBYFLOAT and LCS.
 *
 * Replies and error texts are Redis 7.0's, byte for byte.
 *
 * DESIGN
 *   A string kv has one of three encodings, chosen exactly as Redis does so
 *   OBJECT ENCODING agrees with it after every command:
 *     ENC_INT     the value parses as a strict long long (<= 20 bytes):
 *                 SET, MSET, SETNX, SETEX, GETSET, APPEND on a missing key;
 *                 every INCR/DECR result.
 *     ENC_EMBSTR  <= 44 bytes, stored inside the kv block.
 *     ENC_RAW     a separate struct sbuf; what any in-place modification
 *                 (APPEND, SETRANGE, SETBIT, BITFIELD writes) turns a
 *                 string into, whatever its length (Redis's
 *                 dbUnshareStringValue). Its capacity is the allocation's
 *                 usable size, and growth is greedy like sdsMakeRoomFor:
 *                 twice the new length under 1 MB, +1 MB above, so a loop
 *                 of APPENDs costs amortized O(1) reallocs.
 *   string_raw() / string_grow() below are that mechanism; cmd_bitmap.c
 *   shares them (declared there, next to their use).
 *
 *   The hot commands (GET, SET without options, MGET, MSET, INCR) do one
 *   lookup and at most one allocation (the new kv; none for INCR of an int).
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h. Commands
 * with keys on several shards (MSET, MSETNX, MGET, LCS) run under a
 * multi-shard hold, which is what makes MSETNX all-or-nothing.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/kv.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRING_PREALLOC_MAX (1024 * 1024)   /* Redis's SDS_MAX_PREALLOC */
#define LD_STR_MAX 5120                     /* MAX_LONG_DOUBLE_CHARS */

static const char ERR_TOO_BIG[] = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/* ---- helpers shared with cmd_bitmap.c ---------------------------------- */

/* Build a string kv from bytes, choosing int/embstr/raw like Redis's
 * tryObjectEncoding. */
struct kv *string_kv(const char *key, size_t klen, const char *val, size_t vlen, long long expire);
struct kv *string_kv(const char *key, size_t klen, const char *val, size_t vlen, long long expire)
{
	long long v;
	struct resp_arg a = {val, vlen};
	if (vlen <= 20 && arg_ll(&a, &v) == 0)
		return kv_create_int(key, klen, v, expire);
	return kv_create_string(key, klen, val, vlen, expire);
}

/* Make the string kv at *ref ENC_RAW (a fresh kv replaces an int/embstr one;
 * key, TTL and LRU stay) and return its sbuf. *ref points at the kv after. */
struct sbuf *string_raw(struct cmd_ctx *c, struct kv **ref);
struct sbuf *string_raw(struct cmd_ctx *c, struct kv **ref)
{
	struct kv *kv = *ref;
	if (kv_enc(kv) == ENC_RAW)
		return kv_ptr(kv);
	char num[24];
	size_t len;
	const char *p = kv_str(kv, &len, num);
	struct sbuf *s = pmalloc(sizeof(*s) + len);
	s->len = len;
	memcpy(s->data, p, len);
	struct kv *nkv = kv_clone_key(kv, OBJ_STRING, ENC_RAW, sizeof(void *));
	kv_set_ptr(nkv, s);
	db_overwrite(c, ref, nkv);
	return s;
}

/* Make room for newlen bytes in the raw string kv's sbuf s, greedily; the
 * bytes between the old length and newlen are zeroed and become part of the
 * string (sdsgrowzero). Never shrinks. Returns the (possibly moved) sbuf. */
struct sbuf *string_grow(struct kv *kv, struct sbuf *s, size_t newlen);
struct sbuf *string_grow(struct kv *kv, struct sbuf *s, size_t newlen)
{
	if (newlen <= s->len)
		return s;
	if (newlen > palloc_size(s) - sizeof(*s)) {
		size_t want = newlen < STRING_PREALLOC_MAX ? newlen * 2 : newlen + STRING_PREALLOC_MAX;
		s = prealloc(s, sizeof(*s) + want);
		kv_set_ptr(kv, s);
	}
	memset(s->data + s->len, 0, newlen - s->len);
	s->len = newlen;
	return s;
}

/* ---- small local helpers ------------------------------------------------- */

static void reply_string(struct cmd_ctx *c, const struct kv *kv)
{
	char num[24];
	size_t len;
	const char *s = kv_str(kv, &len, num);
	reply_bulk(c->out, s, len);
}

/* lookupKeyRead with a link for a later write: db_write plus hit/miss stats. */
static struct kv *read_for_write(struct cmd_ctx *c, const struct resp_arg *key, struct kv ***ref)
{
	struct kv *kv = db_write(c, key, ref);
	if (kv) {
		c->sh->stats.hits++;
	} else {
		c->sh->stats.misses++;
		notify_arg(c, NOTIFY_KEY_MISS, "keymiss", key);
	}
	return kv;
}

/* Redis's checkStringLength: would a string of size+append bytes be too big? */
static int check_length(struct cmd_ctx *c, unsigned long long size, unsigned long long append)
{
	unsigned long long total = size + append;
	if (total > (unsigned long long)srv.proto_max_bulk || total < size) {
		reply_error(c->out, ERR_TOO_BIG);
		return -1;
	}
	return 0;
}

/* ---- GET / SET and variants ----------------------------------------------- */

void cmd_get(struct cmd_ctx *c)
{
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_null(c->out);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	reply_string(c, kv);
}

enum { SET_NX = 1, SET_XX = 2, SET_GET = 4, SET_KEEPTTL = 8, SET_EX = 16, SET_PX = 32,
       SET_EXAT = 64, SET_PXAT = 128, SET_PERSIST = 256 };
#define SET_ANY_TTL (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

/* Parse SET (is_get 0) or GETEX (is_get 1) options from argv[from] on, with
 * Redis's exact acceptance rules (a repeated NX, GET, EX... is fine; a
 * conflicting one is a syntax error). The expire argument is only located
 * here (*exparg), validated later, as Redis does. Returns 0 or -1 after
 * replying. */
static int parse_ext_options(struct cmd_ctx *c, int from, int is_get, int *flags, int *exparg)
{
	int f = 0;
	*exparg = 0;
	for (int i = from; i < c->argc; i++) {
		int next = i + 1 < c->argc;
		int unit = 0;
		if (!is_get && ARGIS(c, i, "nx") && !(f & SET_XX))
			f |= SET_NX;
		else if (!is_get && ARGIS(c, i, "xx") && !(f & SET_NX))
			f |= SET_XX;
		else if (!is_get && ARGIS(c, i, "get"))
			f |= SET_GET;
		else if (!is_get && ARGIS(c, i, "keepttl") && !(f & (SET_PERSIST | SET_ANY_TTL)))
			f |= SET_KEEPTTL;
		else if (is_get && ARGIS(c, i, "persist") && !(f & (SET_KEEPTTL | SET_ANY_TTL)))
			f |= SET_PERSIST;
		else if (ARGIS(c, i, "ex") && next)
			unit = SET_EX;
		else if (ARGIS(c, i, "px") && next)
			unit = SET_PX;
		else if (ARGIS(c, i, "exat") && next)
			unit = SET_EXAT;
		else if (ARGIS(c, i, "pxat") && next)
			unit = SET_PXAT;
		else
			goto syntax;
		if (unit) {
			/* The same unit again replaces the value; another one conflicts. */
			if (f & (SET_KEEPTTL | SET_PERSIST | (SET_ANY_TTL & ~unit)))
				goto syntax;
			f |= unit;
			*exparg = ++i;
		}
	}
	*flags = f;
	return 0;
syntax:
	reply_error(c->out, ERR_SYNTAX);
	return -1;
}

/* Redis's getExpireMillisecondsOrReply: the absolute unix-ms expire for an
 * EX/PX/EXAT/PXAT argument. Returns 0, or -1 after replying. */
static int expire_ms_or_reply(struct cmd_ctx *c, const struct resp_arg *a, int unit, long long *ms)
{
	long long v;
	if (arg_ll_or_reply(c, a, &v))
		return -1;
	int secs = unit == SET_EX || unit == SET_EXAT;
	if (v <= 0 || (secs && v > LLONG_MAX / 1000))
		goto bad;
	if (secs)
		v *= 1000;
	if (unit == SET_EX || unit == SET_PX) {
		if (v > LLONG_MAX - c->now)
			goto bad;
		v += c->now;
	}
	*ms = v;
	return 0;
bad:
	reply_errorf(c->out, "ERR invalid expire time in '%s' command", c->def->name);
	return -1;
}

enum { REPLY_OK_NULL = 0, REPLY_ONE_ZERO = 1 };

/* setGenericCommand: shared by SET, SETNX, SETEX, PSETEX, GETSET. The expire
 * is already validated (absolute ms, or -1). */
static void set_generic(struct cmd_ctx *c, const struct resp_arg *key, const struct resp_arg *val,
			int flags, long long expire, int reply_mode)
{
	struct kv **ref;
	struct kv *old = db_write(c, key, &ref);
	if (flags & SET_GET) {
		/* GET's lookup: counts a hit or miss, answers before anything changes. */
		if (!old) {
			c->sh->stats.misses++;
			notify_arg(c, NOTIFY_KEY_MISS, "keymiss", key);
			reply_null(c->out);
		} else {
			c->sh->stats.hits++;
			if (db_check_type(c, old, OBJ_STRING))
				return;
			reply_string(c, old);
		}
	}
	if ((flags & SET_NX && old) || (flags & SET_XX && !old)) {
		if (flags & SET_GET)
			return;
		if (reply_mode == REPLY_ONE_ZERO)
			reply_int(c->out, 0);
		else
			reply_null(c->out);
		return;
	}
	if ((flags & SET_KEEPTTL) && old)
		expire = kv_expire(old);
	struct kv *nkv = string_kv(key->ptr, key->len, val->ptr, val->len, expire);
	if (old)
		db_overwrite(c, ref, nkv);
	else
		db_insert_at(c, ref, nkv);
	db_modified(c, key->ptr, key->len);
	if (!old)
		notify_arg(c, NOTIFY_NEW, "new", key);
	notify_arg(c, NOTIFY_STRING, "set", key);
	if (expire >= 0 && !(flags & SET_KEEPTTL))
		notify_arg(c, NOTIFY_GENERIC, "expire", key);
	if (flags & SET_GET)
		return;
	if (reply_mode == REPLY_ONE_ZERO)
		reply_int(c->out, 1);
	else
		reply_ok(c->out);
}

void cmd_set(struct cmd_ctx *c)
{
	int flags = 0, exparg = 0;
	long long expire = -1;
	if (c->argc > 3) {
		if (parse_ext_options(c, 3, 0, &flags, &exparg))
			return;
		if (exparg && expire_ms_or_reply(c, &c->argv[exparg], flags & SET_ANY_TTL, &expire))
			return;
	}
	set_generic(c, &c->argv[1], &c->argv[2], flags, expire, REPLY_OK_NULL);
}

void cmd_setnx(struct cmd_ctx *c)
{
	set_generic(c, &c->argv[1], &c->argv[2], SET_NX, -1, REPLY_ONE_ZERO);
}

static void setex_generic(struct cmd_ctx *c, int unit)
{
	long long expire;
	if (expire_ms_or_reply(c, &c->argv[2], unit, &expire))
		return;
	set_generic(c, &c->argv[1], &c->argv[3], 0, expire, REPLY_OK_NULL);
}

void cmd_setex(struct cmd_ctx *c) { setex_generic(c, SET_EX); }
void cmd_psetex(struct cmd_ctx *c) { setex_generic(c, SET_PX); }

/* GETSET discards any TTL (setKey without KEEPTTL). */
void cmd_getset(struct cmd_ctx *c)
{
	set_generic(c, &c->argv[1], &c->argv[2], SET_GET, -1, REPLY_OK_NULL);
}

/* GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]: a missing key
 * answers nil before the expire argument is even validated (Redis's order). */
void cmd_getex(struct cmd_ctx *c)
{
	int flags = 0, exparg = 0;
	if (parse_ext_options(c, 2, 1, &flags, &exparg))
		return;
	const struct resp_arg *key = &c->argv[1];
	struct kv **ref;
	struct kv *kv = read_for_write(c, key, &ref);
	if (!kv) {
		reply_null(c->out);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	long long ms = -1;
	if (exparg && expire_ms_or_reply(c, &c->argv[exparg], flags & SET_ANY_TTL, &ms))
		return;
	reply_string(c, kv);
	if ((flags & (SET_EXAT | SET_PXAT)) && ms <= c->now) {
		db_unlink(c, ref);      /* an absolute time already past: delete */
		db_modified(c, key->ptr, key->len);
		notify_arg(c, NOTIFY_GENERIC, "del", key);
	} else if (exparg) {
		db_set_expire(c, ref, ms);
		db_modified(c, key->ptr, key->len);
		notify_arg(c, NOTIFY_GENERIC, "expire", key);
	} else if ((flags & SET_PERSIST) && kv_has_expire(kv)) {
		db_set_expire(c, ref, -1);
		db_modified(c, key->ptr, key->len);
		notify_arg(c, NOTIFY_GENERIC, "persist", key);
	}
}

void cmd_getdel(struct cmd_ctx *c)
{
	const struct resp_arg *key = &c->argv[1];
	struct kv **ref;
	struct kv *kv = read_for_write(c, key, &ref);
	if (!kv) {
		reply_null(c->out);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	reply_string(c, kv);
	db_unlink(c, ref);
	db_modified(c, key->ptr, key->len);
	notify_arg(c, NOTIFY_GENERIC, "del", key);
}

/* ---- MSET / MSETNX / MGET --------------------------------------------------- */

/* Set every key/value pair of argv, dropping TTLs (Redis's setKey each):
 * one lookup per key, reused for the insert. */
static void mset_all(struct cmd_ctx *c)
{
	for (int i = 1; i < c->argc; i += 2) {
		const struct resp_arg *k = &c->argv[i], *v = &c->argv[i + 1];
		struct kv **ref;
		struct kv *old = db_write(c, k, &ref);
		struct kv *nkv = string_kv(k->ptr, k->len, v->ptr, v->len, -1);
		if (old) {
			db_overwrite(c, ref, nkv);
		} else {
			db_insert_at(c, ref, nkv);
			notify_arg(c, NOTIFY_NEW, "new", k);
		}
		db_modified(c, k->ptr, k->len);
		notify_arg(c, NOTIFY_STRING, "set", k);
	}
}

void cmd_mset(struct cmd_ctx *c)
{
	if (c->argc % 2 == 0) {
		reply_errorf(c->out, "ERR wrong number of arguments for '%s' command", c->def->name);
		return;
	}
	mset_all(c);
	reply_ok(c->out);
}

/* All or nothing: any existing key (of any type) means nothing is set. The
 * check and the writes are one step under the multi-shard hold. */
void cmd_msetnx(struct cmd_ctx *c)
{
	if (c->argc % 2 == 0) {
		reply_errorf(c->out, "ERR wrong number of arguments for '%s' command", c->def->name);
		return;
	}
	for (int i = 1; i < c->argc; i += 2) {
		if (db_write(c, &c->argv[i], NULL)) {
			reply_int(c->out, 0);
			return;
		}
	}
	mset_all(c);
	reply_int(c->out, 1);
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
		reply_string(c, kv);
	}
}

/* ---- APPEND / STRLEN / SETRANGE / GETRANGE ------------------------------------ */

void cmd_append(struct cmd_ctx *c)
{
	const struct resp_arg *key = &c->argv[1], *val = &c->argv[2];
	struct kv **ref;
	struct kv *kv = db_write(c, key, &ref);
	size_t total;
	if (!kv) {
		/* A new key is encoded like SET's value (may be int). */
		db_insert_at(c, ref, string_kv(key->ptr, key->len, val->ptr, val->len, -1));
		notify_arg(c, NOTIFY_NEW, "new", key);
		total = val->len;
	} else {
		if (db_check_type(c, kv, OBJ_STRING))
			return;
		char num[24];
		size_t len;
		kv_str(kv, &len, num);
		if (check_length(c, len, val->len))
			return;
		struct sbuf *s = string_raw(c, ref);
		size_t old = s->len;
		s = string_grow(*ref, s, old + val->len);
		memcpy(s->data + old, val->ptr, val->len);
		total = s->len;
	}
	db_modified(c, key->ptr, key->len);
	notify_arg(c, NOTIFY_STRING, "append", key);
	reply_int(c->out, (long long)total);
}

void cmd_strlen(struct cmd_ctx *c)
{
	struct kv *kv = db_read(c, &c->argv[1]);
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	size_t len = 0;
	if (kv) {
		char num[24];
		kv_str(kv, &len, num);
	}
	reply_int(c->out, (long long)len);
}

void cmd_setrange(struct cmd_ctx *c)
{
	const struct resp_arg *key = &c->argv[1], *val = &c->argv[3];
	long long off;
	if (arg_ll_or_reply(c, &c->argv[2], &off))
		return;
	if (off < 0) {
		reply_error(c->out, "ERR offset is out of range");
		return;
	}
	struct kv **ref;
	struct kv *kv = db_write(c, key, &ref);
	struct sbuf *s;
	if (!kv) {
		if (val->len == 0) {    /* setting nothing creates nothing */
			reply_int(c->out, 0);
			return;
		}
		if (check_length(c, (unsigned long long)off, val->len))
			return;
		size_t n = (size_t)off + val->len;
		s = pmalloc(sizeof(*s) + n);
		s->len = n;
		memset(s->data, 0, (size_t)off);
		db_insert_at(c, ref, kv_create_ptr(key->ptr, key->len, OBJ_STRING, ENC_RAW, s, -1));
		notify_arg(c, NOTIFY_NEW, "new", key);
	} else {
		if (db_check_type(c, kv, OBJ_STRING))
			return;
		if (val->len == 0) {
			char num[24];
			size_t len;
			kv_str(kv, &len, num);
			reply_int(c->out, (long long)len);
			return;
		}
		if (check_length(c, (unsigned long long)off, val->len))
			return;
		s = string_raw(c, ref);
		s = string_grow(*ref, s, (size_t)off + val->len);
	}
	memcpy(s->data + off, val->ptr, val->len);
	db_modified(c, key->ptr, key->len);
	notify_arg(c, NOTIFY_STRING, "setrange", key);
	reply_int(c->out, (long long)s->len);
}

/* GETRANGE and its old name SUBSTR. */
void cmd_getrange(struct cmd_ctx *c)
{
	long long start, end;
	if (arg_ll_or_reply(c, &c->argv[2], &start) || arg_ll_or_reply(c, &c->argv[3], &end))
		return;
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_bulk(c->out, "", 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	char num[24];
	size_t n;
	const char *p = kv_str(kv, &n, num);
	long long len = (long long)n;
	if (start < 0 && end < 0 && start > end) {
		reply_bulk(c->out, "", 0);
		return;
	}
	if (start < 0)
		start += len;
	if (end < 0)
		end += len;
	if (start < 0)
		start = 0;
	if (end < 0)
		end = 0;
	if (end >= len)
		end = len - 1;
	if (len == 0 || start > end)
		reply_bulk(c->out, "", 0);
	else
		reply_bulk(c->out, p + start, (size_t)(end - start + 1));
}

/* ---- INCR family ----------------------------------------------------------- */

/* INCR/DECR/INCRBY/DECRBY core: the result is always int-encoded; an
 * int-encoded value is updated in place (no allocation), the TTL stays. */
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
	if ((by < 0 && cur < 0 && by < LLONG_MIN - cur) ||
	    (by > 0 && cur > 0 && by > LLONG_MAX - cur)) {
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
			db_insert_at(c, ref, nkv);
	}
	db_modified(c, key->ptr, key->len);
	if (!kv)
		notify_arg(c, NOTIFY_NEW, "new", key);
	notify_arg(c, NOTIFY_STRING, "incrby", key);
	reply_int(c->out, nv);
}

void cmd_incr(struct cmd_ctx *c) { incr_generic(c, 1); }
void cmd_decr(struct cmd_ctx *c) { incr_generic(c, -1); }

void cmd_incrby(struct cmd_ctx *c)
{
	long long by;
	if (arg_ll_or_reply(c, &c->argv[2], &by))
		return;
	incr_generic(c, by);
}

void cmd_decrby(struct cmd_ctx *c)
{
	long long by;
	if (arg_ll_or_reply(c, &c->argv[2], &by))
		return;
	if (by == LLONG_MIN) {          /* -by would overflow */
		reply_error(c->out, "ERR decrement would overflow");
		return;
	}
	incr_generic(c, -by);
}

/* Redis's string2ld: strtold over the whole text (an embedded NUL fails), no leading space, no
 * NaN, no overflow (an underflow to a denormal is accepted). */
static int parse_ld(const char *p, size_t n, long double *out)
{
	char buf[LD_STR_MAX];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = 0;
	char *end;
	errno = 0;
	long double v = strtold(buf, &end);
	if (isspace((unsigned char)buf[0]) || end != buf + n || isnan(v) ||
	    (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)))
		return -1;
	*out = v;
	return 0;
}

/* Redis's ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and a trailing
 * '.' removed, "-0" made "0". v is finite here. buf has LD_STR_MAX bytes. */
size_t format_ld_human(char *buf, long double v);
size_t format_ld_human(char *buf, long double v)
{
	int r = snprintf(buf, LD_STR_MAX, "%.17Lf", v);
	if (r < 0 || r >= LD_STR_MAX)
		return 0;
	size_t l = (size_t)r;
	if (memchr(buf, '.', l)) {
		while (buf[l - 1] == '0')
			l--;
		if (buf[l - 1] == '.')
			l--;
	}
	if (l == 2 && buf[0] == '-' && buf[1] == '0') {
		buf[0] = '0';
		l = 1;
	}
	buf[l] = 0;
	return l;
}

/* The stored value is the formatted text as a plain string (embstr/raw, never
 * int, like Redis's createStringObject); the journal records it as a SET. */
void cmd_incrbyfloat(struct cmd_ctx *c)
{
	const struct resp_arg *key = &c->argv[1], *inc = &c->argv[2];
	struct kv **ref;
	struct kv *kv = db_write(c, key, &ref);
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	long double cur = 0, by;
	if (kv) {
		if (kv_enc(kv) == ENC_INT) {
			cur = (long double)kv_int(kv);
		} else {
			char num[24];
			size_t len;
			const char *p = kv_str(kv, &len, num);
			if (parse_ld(p, len, &cur)) {
				reply_error(c->out, ERR_NOT_FLOAT);
				return;
			}
		}
	}
	if (parse_ld(inc->ptr, inc->len, &by)) {
		reply_error(c->out, ERR_NOT_FLOAT);
		return;
	}
	cur += by;
	if (isnan(cur) || isinf(cur)) {
		reply_error(c->out, "ERR increment would produce NaN or Infinity");
		return;
	}
	char buf[LD_STR_MAX];
	size_t n = format_ld_human(buf, cur);
	struct kv *nkv = kv_create_string(key->ptr, key->len, buf, n, kv ? kv_expire(kv) : -1);
	if (kv)
		db_overwrite(c, ref, nkv);
	else
		db_insert_at(c, ref, nkv);
	db_modified(c, key->ptr, key->len);
	if (!kv)
		notify_arg(c, NOTIFY_NEW, "new", key);
	notify_arg(c, NOTIFY_STRING, "incrbyfloat", key);
	reply_bulk(c->out, buf, n);
}

/* ---- LCS ---------------------------------------------------------------------- */

/* Emit one IDX range: [[a0, a1], [b0, b1]] (+ length with WITHMATCHLEN). */
static void lcs_reply_range(struct rbuf *out, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1,
			    int withlen)
{
	reply_array(out, 2 + withlen);
	reply_array(out, 2);
	reply_int(out, a0);
	reply_int(out, a1);
	reply_array(out, 2);
	reply_int(out, b0);
	reply_int(out, b1);
	if (withlen)
		reply_int(out, (long long)a1 - a0 + 1);
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]
 *
 * Classic O(n*m) table of prefix LCS lengths, then one walk back from the
 * end that rebuilds the string and, for IDX, the matching ranges (emitted
 * from the end of the strings backwards, as Redis does). The table is
 * refused beyond proto-max-bulk-len bytes, like Redis. */
void cmd_lcs(struct cmd_ctx *c)
{
	struct kv *ka = db_read(c, &c->argv[1]);
	struct kv *kb = db_read(c, &c->argv[2]);
	if ((ka && kv_type(ka) != OBJ_STRING) || (kb && kv_type(kb) != OBJ_STRING)) {
		reply_error(c->out, "ERR The specified keys must contain string values");
		return;
	}
	int getlen = 0, getidx = 0, withlen = 0;
	long long minlen = 0;
	for (int i = 3; i < c->argc; i++) {
		if (ARGIS(c, i, "idx")) {
			getidx = 1;
		} else if (ARGIS(c, i, "len")) {
			getlen = 1;
		} else if (ARGIS(c, i, "withmatchlen")) {
			withlen = 1;
		} else if (ARGIS(c, i, "minmatchlen") && i + 1 < c->argc) {
			if (arg_ll_or_reply(c, &c->argv[++i], &minlen))
				return;
			if (minlen < 0)
				minlen = 0;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	if (getidx && getlen) {
		reply_error(c->out, "ERR If you want both the length and indexes, please just use IDX.");
		return;
	}
	char numa[24], numb[24];
	size_t la = 0, lb = 0;
	const char *a = ka ? kv_str(ka, &la, numa) : "";
	const char *b = kb ? kv_str(kb, &lb, numb) : "";
	if (la >= UINT32_MAX - 1 || lb >= UINT32_MAX - 1) {
		reply_error(c->out, "ERR String too long for LCS");
		return;
	}
	uint32_t alen = (uint32_t)la, blen = (uint32_t)lb;
	unsigned long long cells = (unsigned long long)(alen + 1ULL) * (blen + 1ULL);
	unsigned long long bytes = cells * sizeof(uint32_t);
	if (bytes / sizeof(uint32_t) != cells || bytes >= SIZE_MAX) {
		reply_error(c->out, "ERR Insufficient memory, failed allocating transient memory for LCS");
		return;
	}
	if (bytes > (unsigned long long)srv.proto_max_bulk) {
		reply_error(c->out, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
		return;
	}
	uint32_t *t = pmalloc((size_t)bytes);
	size_t w = (size_t)blen + 1;
#define T(i, j) t[(size_t)(i) * w + (j)]
	for (uint32_t j = 0; j <= blen; j++)
		T(0, j) = 0;
	for (uint32_t i = 1; i <= alen; i++) {
		uint32_t *row = &T(i, 0), *prev = &T(i - 1, 0);
		row[0] = 0;
		char ca = a[i - 1];
		for (uint32_t j = 1; j <= blen; j++) {
			if (ca == b[j - 1])
				row[j] = prev[j - 1] + 1;
			else
				row[j] = prev[j] > row[j - 1] ? prev[j] : row[j - 1];
		}
	}
	uint32_t total = T(alen, blen);
	if (getlen) {
		pfree(t);
		reply_int(c->out, total);
		return;
	}
	char *res = getidx ? NULL : pmalloc(total ? total : 1);
	size_t pos = 0;
	long nranges = 0;
	if (getidx) {
		reply_map(c->out, 2);
		reply_bulk(c->out, "matches", 7);
		pos = reply_defer(c->out);
	}
	/* Walk back; a range is the run of consecutive diagonal matches. */
	uint32_t i = alen, j = blen, k = total;
	int inrange = 0;
	uint32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
	while (i > 0 && j > 0) {
		int emit = 0;
		if (a[i - 1] == b[j - 1]) {
			if (res)
				res[k - 1] = a[i - 1];
			if (!inrange) {
				inrange = 1;
				a0 = a1 = i - 1;
				b0 = b1 = j - 1;
			} else {
				a0 = i - 1;     /* contiguous: extend backwards */
				b0 = j - 1;
			}
			if (a0 == 0 || b0 == 0)
				emit = 1;
			k--, i--, j--;
		} else {
			if (T(i - 1, j) > T(i, j - 1))
				i--;
			else
				j--;
			emit = inrange;
		}
		if (emit) {
			if (getidx && (minlen == 0 || (long long)(a1 - a0 + 1) >= minlen)) {
				lcs_reply_range(c->out, a0, a1, b0, b1, withlen);
				nranges++;
			}
			inrange = 0;
		}
	}
#undef T
	pfree(t);
	if (getidx) {
		reply_set_deferred(c->out, pos, '*', nranges);
		reply_bulk(c->out, "len", 3);
		reply_int(c->out, total);
	} else {
		reply_bulk(c->out, res, total);
		pfree(res);
	}
}
