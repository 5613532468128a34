/* cmd_keys.c — generic keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE,
 * RENAME, RENAMENX, COPY, MOVE.
 *
 * Commands with two keys on different shards run under a multi-shard hold
 * (shard/hold.c), so every db_* call here may touch either key directly. COPY
 * ... DB n and MOVE address the same key name in another database: same slot,
 * same owning shard, so switching c->db for the second lookup is enough.
 *
 * Thread: owner/holder of the keys' shards (see cmd.h).
 */
#include <petrel/cmd.h>
#include <petrel/alloc.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/keyspace.h>
#include <petrel/shard.h>

#include <limits.h>

static const char *const ERR_SAME_OBJECT = "ERR source and destination objects are the same";
static const char *const ERR_DB_RANGE = "ERR DB index is out of range";

void cmd_del(struct cmd_ctx *c)
{
	long long n = 0;
	for (int i = 1; i < c->argc; i++) {
		if (db_delete(c, c->argv[i].ptr, c->argv[i].len)) {
			db_modified(c, c->argv[i].ptr, c->argv[i].len);
			notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[i]);
			n++;
		}
	}
	reply_int(c->out, n);
}

/* Counts a key once per time it is named (EXISTS a a -> 2), like Redis. */
void cmd_exists(struct cmd_ctx *c)
{
	long long n = 0;
	for (int i = 1; i < c->argc; i++) {
		if (db_find(c, c->argv[i].ptr, c->argv[i].len, NULL)) {
			c->sh->stats.hits++;
			n++;
		} else {
			c->sh->stats.misses++;
			notify_arg(c, NOTIFY_KEY_MISS, "keymiss", &c->argv[i]);
		}
	}
	reply_int(c->out, n);
}

void cmd_touch(struct cmd_ctx *c)
{
	long long n = 0;
	for (int i = 1; i < c->argc; i++)
		if (db_read(c, &c->argv[i]))
			n++;
	reply_int(c->out, n);
}

static const char *type_name(const struct kv *kv)
{
	if (!kv)
		return "none";
	switch (kv_type(kv)) {
	case OBJ_STRING: return "string";
	case OBJ_LIST: return "list";
	case OBJ_SET: return "set";
	case OBJ_ZSET: return "zset";
	case OBJ_HASH: return "hash";
	case OBJ_STREAM: return "stream";
	default: return "unknown";
	}
}

void cmd_type(struct cmd_ctx *c)
{
	/* LOOKUP_NOTOUCH: counts the hit or miss, leaves the LRU alone. */
	struct kv *kv = db_find(c, c->argv[1].ptr, c->argv[1].len, NULL);
	if (kv) {
		c->sh->stats.hits++;
	} else {
		c->sh->stats.misses++;
		notify_arg(c, NOTIFY_KEY_MISS, "keymiss", &c->argv[1]);
	}
	reply_simple(c->out, type_name(kv));
}

/* A new kv named key that takes over kv's value (no deep copy): the value
 * area is copied byte for byte, so a pointer value changes hands. The caller
 * then frees the old block with pfree, never kv_free. */
static struct kv *kv_rekey(const struct kv *kv, const char *key, size_t klen, long long expire)
{
	size_t vsize = 8;
	if (kv_type(kv) == OBJ_STRING && kv_enc(kv) == ENC_EMBSTR) {
		size_t n;
		char numbuf[24];
		const char *s = kv_str(kv, &n, numbuf);
		vsize = (size_t)((const unsigned char *)s + n - kv_value_area(kv));
	}
	struct kv *n = kv_alloc(key, klen, kv_type(kv), kv_enc(kv), expire, vsize);
	memcpy(kv_value_area(n), kv_value_area(kv), vsize);
	return n;
}

static void rename_generic(struct cmd_ctx *c, int nx)
{
	const struct resp_arg *src = &c->argv[1], *dst = &c->argv[2];
	struct kv *kv = db_write(c, src, NULL);
	if (!kv) {
		reply_error(c->out, ERR_NO_KEY);
		return;
	}
	if (src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
		if (nx)
			reply_int(c->out, 0);
		else
			reply_ok(c->out);
		return;
	}
	if (db_find(c, dst->ptr, dst->len, NULL)) {
		if (nx) {
			reply_int(c->out, 0);
			return;
		}
		db_delete(c, dst->ptr, dst->len);
	}
	/* Look the source up again: deleting dst may have resized its table. */
	struct kv **ref;
	kv = db_find(c, src->ptr, src->len, &ref);
	uint32_t lru = kv->lru;
	struct kv *nkv = kv_rekey(kv, dst->ptr, dst->len, kv_expire(kv));
	pfree(ks_unlink(c->db, slot_of(src->ptr, src->len), ref));
	db_insert(c, nkv);
	nkv->lru = lru;     /* the object keeps its access history, as in Redis */
	db_modified(c, src->ptr, src->len);
	db_modified(c, dst->ptr, dst->len);
	notify_arg(c, NOTIFY_NEW, "new", dst);
	notify_arg(c, NOTIFY_GENERIC, "rename_from", src);
	notify_arg(c, NOTIFY_GENERIC, "rename_to", dst);
	if (nx)
		reply_int(c->out, 1);
	else
		reply_ok(c->out);
}

void cmd_rename(struct cmd_ctx *c) { rename_generic(c, 0); }
void cmd_renamenx(struct cmd_ctx *c) { rename_generic(c, 1); }

/* COPY source destination [DB destination-db] [REPLACE] */
void cmd_copy(struct cmd_ctx *c)
{
	int replace = 0, dstdb = c->db;
	for (int i = 3; i < c->argc; i++) {
		if (ARGIS(c, i, "replace")) {
			replace = 1;
		} else if (ARGIS(c, i, "db") && i + 1 < c->argc) {
			long long v;
			if (arg_ll_or_reply(c, &c->argv[i + 1], &v))
				return;
			if (v < INT_MIN || v > INT_MAX) {
				reply_error(c->out, "ERR value is out of range, value must between -2147483648 and 2147483647");
				return;
			}
			if (v < 0 || v >= ks_ndbs) {
				reply_error(c->out, ERR_DB_RANGE);
				return;
			}
			dstdb = (int)v;
			i++;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	const struct resp_arg *src = &c->argv[1], *dst = &c->argv[2];
	if (dstdb == c->db && src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
		reply_error(c->out, ERR_SAME_OBJECT);
		return;
	}
	struct kv *kv = db_read(c, src);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	int srcdb = c->db;
	struct kv *nkv = kv_dup(kv, dst->ptr, dst->len, kv_expire(kv));
	c->db = dstdb;
	struct kv **ref;
	if (db_find(c, dst->ptr, dst->len, &ref)) {
		if (!replace) {
			c->db = srcdb;
			kv_free(nkv);
			reply_int(c->out, 0);
			return;
		}
		db_unlink(c, ref);
	}
	db_insert(c, nkv);
	db_modified(c, dst->ptr, dst->len);
	notify_arg(c, NOTIFY_NEW, "new", dst);
	notify_arg(c, NOTIFY_GENERIC, "copy_to", dst);
	c->db = srcdb;
	reply_int(c->out, 1);
}

/* MOVE key db: the kv itself moves; the key's slot is the same in every db. */
void cmd_move(struct cmd_ctx *c)
{
	long long v;
	if (arg_ll_or_reply(c, &c->argv[2], &v))
		return;
	if (v < INT_MIN || v > INT_MAX) {
		reply_error(c->out, "ERR value is out of range, value must between -2147483648 and 2147483647");
		return;
	}
	if (v < 0 || v >= ks_ndbs) {
		reply_error(c->out, ERR_DB_RANGE);
		return;
	}
	int srcdb = c->db, dstdb = (int)v;
	if (dstdb == srcdb) {
		reply_error(c->out, ERR_SAME_OBJECT);
		return;
	}
	const struct resp_arg *key = &c->argv[1];
	if (!db_write(c, key, NULL)) {
		reply_int(c->out, 0);
		return;
	}
	c->db = dstdb;
	int exists = db_find(c, key->ptr, key->len, NULL) != NULL;
	c->db = srcdb;
	if (exists) {
		reply_int(c->out, 0);
		return;
	}
	unsigned slot = slot_of(key->ptr, key->len);
	struct kv **ref;
	db_find(c, key->ptr, key->len, &ref);
	struct kv *kv = ks_unlink(srcdb, slot, ref);
	ks_insert(dstdb, slot, kv);
	db_modified(c, key->ptr, key->len);
	c->db = dstdb;
	notify_arg(c, NOTIFY_NEW, "new", key);
	c->db = srcdb;
	notify_arg(c, NOTIFY_GENERIC, "move_from", key);
	c->db = dstdb;
	notify_arg(c, NOTIFY_GENERIC, "move_to", key);
	c->db = srcdb;
	reply_int(c->out, 1);
}
