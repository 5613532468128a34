/* t_list.c — the LIST type: its value operations and its commands (LPUSH, LPOP,
 * LRANGE, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, LMPOP, ...).
 *
 * A list value is a quicklist (include/petrel/ds/quicklist.h) held by pointer in
 * its kv, type OBJ_LIST, encoding ENC_QUICKLIST: what Redis 7.0 uses for every
 * list, small ones included, so OBJECT ENCODING always says "quicklist". New
 * lists take list-max-listpack-size and list-compress-depth from cfg at
 * creation; existing lists keep theirs (as Redis does).
 *
 * An empty list never stays in the keyspace: every command that removes
 * elements unlinks the key when the last one goes.
 *
 * Blocking variants (BLPOP, BLMOVE, BLMPOP, ...) live with the blocking
 * machinery, not here.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/kv.h>
#include <petrel/ds/listpack.h>
#include <petrel/ds/quicklist.h>

#include <limits.h>
#include <string.h>

/* ---- value operations ---------------------------------------------------------- */

static void list_free(void *ptr, int enc)
{
	(void)enc;
	struct quicklist *ql = ptr;
	quicklist_destroy(&ql);
}

static void *list_dup(const void *ptr, int enc)
{
	(void)enc;
	struct quicklist *src = (struct quicklist *)ptr, *dst;
	struct quicklist_iter it;
	struct quicklist_entry e;
	char num[LP_INTBUF_SIZE];

	dst = quicklist_create(src->fill, (int)src->compress);
	quicklist_iter_init(&it, src, QUICKLIST_ITER_FORWARD);
	while (quicklist_next(&it, &e)) {
		if (e.value) {
			quicklist_push_tail(dst, e.value, e.sz);
		} else {
			int n = resp_ll2str(num, e.lval);
			quicklist_push_tail(dst, num, (size_t)n);
		}
	}
	quicklist_iter_deinit(&it);
	return dst;
}

static size_t list_mem(const void *ptr, int enc)
{
	(void)enc;
	const struct quicklist *ql = ptr;
	size_t total = sizeof(*ql);
	for (const struct quicklist_node *n = ql->head; n; n = n->next)
		total += sizeof(*n) + n->sz;
	return total;
}

static const struct kv_type_ops list_ops = {
	.free = list_free,
	.dup = list_dup,
	.mem = list_mem,
};

__attribute__((constructor)) static void list_register(void)
{
	kv_register_type(OBJ_LIST, &list_ops);
}

static inline struct quicklist *list_of(const struct kv *kv)
{
	return kv_ptr(kv);
}

/* Create key `key` as an empty list and insert it. */
static struct kv *list_create_key(struct cmd_ctx *c, const struct resp_arg *key)
{
	struct quicklist *ql = quicklist_create(cfg.list_max_listpack_size, cfg.list_compress_depth);
	struct kv *kv = kv_create_ptr(key->ptr, key->len, OBJ_LIST, ENC_QUICKLIST, ql, -1);
	db_insert(c, kv);
	notify_arg(c, NOTIFY_NEW, "new", key);
	return kv;
}

/* Reply with one quicklist entry as a bulk string. */
static void reply_entry(struct rbuf *out, const struct quicklist_entry *e)
{
	if (e->value)
		reply_bulk(out, e->value, e->sz);
	else
		reply_bulk_ll(out, e->lval);
}

/* Pop one element from `where` and reply with it. The list must not be empty. */
static void pop_and_reply(struct rbuf *out, struct quicklist *ql, int where)
{
	unsigned char *data;
	size_t len;
	int64_t v;
	if (!quicklist_pop(ql, where, &data, &len, &v))
		return;
	if (data) {
		reply_bulk(out, data, len);
		pfree(data);
	} else {
		reply_bulk_ll(out, v);
	}
}

/* An argument prepared for comparisons against list entries: strings that
 * convert strictly to int64 are stored as integers, and the conversion is a
 * bijection, so comparing (int, int) or (bytes, bytes) is exact. */
struct list_needle {
	const struct resp_arg *a;
	int64_t v;
	int is_int;
};

static void needle_init(struct list_needle *n, const struct resp_arg *a)
{
	n->a = a;
	n->is_int = lp_string_to_int64(a->ptr, a->len, &n->v);
}

static int needle_eq(const struct list_needle *n, const struct quicklist_entry *e)
{
	if (e->value)
		return e->sz == n->a->len && memcmp(e->value, n->a->ptr, e->sz) == 0;
	return n->is_int && n->v == e->lval;
}

/* LEFT -> QUICKLIST_HEAD, RIGHT -> QUICKLIST_TAIL (which is -1: hence the out
 * parameter). Returns 0, or -1 on anything else. */
static int parse_where(const struct resp_arg *a, int *where)
{
	if (arg_is(a, "left"))
		*where = QUICKLIST_HEAD;
	else if (arg_is(a, "right"))
		*where = QUICKLIST_TAIL;
	else
		return -1;
	return 0;
}

/* Look a key up for writing and check it is a list. Returns 0 with *kv (NULL if
 * absent), or -1 after replying WRONGTYPE. */
static int lookup_list_write(struct cmd_ctx *c, int argi, struct kv **kv, struct kv ***ref)
{
	*kv = db_write(c, &c->argv[argi], ref);
	if (*kv && db_check_type(c, *kv, OBJ_LIST))
		return -1;
	return 0;
}

/* Unlink the key at ref if its list became empty. Returns 1 if it did. */
static int drop_if_empty(struct cmd_ctx *c, struct kv *kv, struct kv **ref)
{
	if (quicklist_count(list_of(kv)) != 0)
		return 0;
	db_unlink(c, ref);
	return 1;
}

/* ---- push ------------------------------------------------------------------------ */

static void push_generic(struct cmd_ctx *c, int where, int only_existing)
{
	struct kv *kv, **ref;
	if (lookup_list_write(c, 1, &kv, &ref))
		return;
	if (!kv) {
		if (only_existing) {
			reply_int(c->out, 0);
			return;
		}
		kv = list_create_key(c, &c->argv[1]);
	}
	struct quicklist *ql = list_of(kv);
	for (int i = 2; i < c->argc; i++)
		quicklist_push(ql, c->argv[i].ptr, c->argv[i].len, where);
	reply_int(c->out, (long long)quicklist_count(ql));
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_LIST, where == QUICKLIST_HEAD ? "lpush" : "rpush", &c->argv[1]);
}

void cmd_lpush(struct cmd_ctx *c) { push_generic(c, QUICKLIST_HEAD, 0); }
void cmd_rpush(struct cmd_ctx *c) { push_generic(c, QUICKLIST_TAIL, 0); }
void cmd_lpushx(struct cmd_ctx *c) { push_generic(c, QUICKLIST_HEAD, 1); }
void cmd_rpushx(struct cmd_ctx *c) { push_generic(c, QUICKLIST_TAIL, 1); }

/* ---- pop ------------------------------------------------------------------------- */

static void pop_generic(struct cmd_ctx *c, int where)
{
	long long count = 0;
	int has_count = c->argc == 3;
	if (c->argc > 3) {
		reply_errorf(c->out, "ERR wrong number of arguments for '%s' command", c->def->name);
		return;
	}
	if (has_count && (arg_ll(&c->argv[2], &count) || count < 0)) {
		reply_error(c->out, "ERR value is out of range, must be positive");
		return;
	}
	struct kv *kv, **ref;
	if (lookup_list_write(c, 1, &kv, &ref))
		return;
	if (!kv) {
		if (has_count)
			reply_null_array(c->out);
		else
			reply_null(c->out);
		return;
	}
	struct quicklist *ql = list_of(kv);
	if (!has_count) {
		pop_and_reply(c->out, ql, where);
	} else {
		unsigned long n = quicklist_count(ql);
		if ((unsigned long long)count < n)
			n = (unsigned long)count;
		reply_array(c->out, (long)n);
		if (n == 0)
			return;         /* LPOP key 0: nothing changes */
		for (unsigned long i = 0; i < n; i++)
			pop_and_reply(c->out, ql, where);
	}
	int gone = drop_if_empty(c, kv, ref);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_LIST, where == QUICKLIST_HEAD ? "lpop" : "rpop", &c->argv[1]);
	if (gone)
		notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
}

void cmd_lpop(struct cmd_ctx *c) { pop_generic(c, QUICKLIST_HEAD); }
void cmd_rpop(struct cmd_ctx *c) { pop_generic(c, QUICKLIST_TAIL); }

/* ---- read-only ------------------------------------------------------------------- */

void cmd_llen(struct cmd_ctx *c)
{
	struct kv *kv = db_read(c, &c->argv[1]);
	if (kv && db_check_type(c, kv, OBJ_LIST))
		return;
	reply_int(c->out, kv ? (long long)quicklist_count(list_of(kv)) : 0);
}

/* Clamp [start, end] (negative = from the end) to a list of len elements as
 * Redis does. Returns the number of elements in range (0 if empty) and sets
 * *from to the first index. */
static long long clamp_range(long long start, long long end, long long len, long long *from)
{
	if (start < 0)
		start += len;
	if (end < 0)
		end += len;
	if (start < 0)
		start = 0;
	if (start > end || start >= len)
		return 0;
	if (end >= len)
		end = len - 1;
	*from = start;
	return end - start + 1;
}

void cmd_lrange(struct cmd_ctx *c)
{
	long long start, end;
	if (arg_ll_or_reply(c, &c->argv[2], &start) || arg_ll_or_reply(c, &c->argv[3], &end))
		return;
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_array(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_LIST))
		return;
	struct quicklist *ql = list_of(kv);
	long long from = 0;
	long long n = clamp_range(start, end, (long long)quicklist_count(ql), &from);
	reply_array(c->out, (long)n);
	if (n == 0)
		return;
	struct quicklist_iter it;
	struct quicklist_entry e;
	quicklist_iter_init_at(&it, ql, QUICKLIST_ITER_FORWARD, (long)from);
	while (n-- > 0 && quicklist_next(&it, &e))
		reply_entry(c->out, &e);
	quicklist_iter_deinit(&it);
}

void cmd_lindex(struct cmd_ctx *c)
{
	/* Redis looks the key up (and checks its type) before the index. */
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_null(c->out);
		return;
	}
	if (db_check_type(c, kv, OBJ_LIST))
		return;
	long long index;
	if (arg_ll_or_reply(c, &c->argv[2], &index))
		return;
	struct quicklist_entry e;
	if (!quicklist_index(list_of(kv), (long)index, &e)) {
		reply_null(c->out);
		return;
	}
	reply_entry(c->out, &e);
	quicklist_entry_done(&e);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void cmd_lpos(struct cmd_ctx *c)
{
	long long rank = 1, count = -1, maxlen = 0;
	for (int i = 3; i < c->argc; i++) {
		int more = i + 1 < c->argc;
		if (ARGIS(c, i, "rank") && more) {
			if (arg_ll_or_reply(c, &c->argv[++i], &rank))
				return;
			if (rank == 0) {
				reply_error(c->out, "ERR RANK can't be zero: use 1 to start from the first "
					    "match, 2 from the second ... or use negative to start from "
					    "the end of the list");
				return;
			}
		} else if (ARGIS(c, i, "count") && more) {
			/* getPositiveLongFromObjectOrReply: a non-integer gets the
			 * same message as a negative value. */
			if (arg_ll(&c->argv[++i], &count) || count < 0) {
				reply_error(c->out, "ERR COUNT can't be negative");
				return;
			}
		} else if (ARGIS(c, i, "maxlen") && more) {
			if (arg_ll(&c->argv[++i], &maxlen) || maxlen < 0) {
				reply_error(c->out, "ERR MAXLEN can't be negative");
				return;
			}
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		if (count >= 0)
			reply_array(c->out, 0);
		else
			reply_null(c->out);
		return;
	}
	if (db_check_type(c, kv, OBJ_LIST))
		return;

	/* A negative rank searches from the tail. Redis 7.0 negates LONG_MIN
	 * into itself, which then matches the first hit: rank 1 from the tail. */
	int dir = QUICKLIST_ITER_FORWARD;
	if (rank < 0) {
		dir = QUICKLIST_ITER_BACKWARD;
		rank = rank == LLONG_MIN ? 1 : -rank;
	}
	struct quicklist *ql = list_of(kv);
	long long len = (long long)quicklist_count(ql);
	struct list_needle nd;
	needle_init(&nd, &c->argv[2]);
	size_t pos = 0;
	long long matched = 0, found = -1;
	if (count >= 0)
		pos = reply_defer(c->out);

	struct quicklist_iter it;
	struct quicklist_entry e;
	quicklist_iter_init(&it, ql, dir);
	long long idx = 0, emitted = 0;
	while ((maxlen == 0 || idx < maxlen) && quicklist_next(&it, &e)) {
		if (needle_eq(&nd, &e) && ++matched >= rank) {
			long long at = dir == QUICKLIST_ITER_FORWARD ? idx : len - 1 - idx;
			if (count < 0) {
				found = at;
				break;
			}
			reply_int(c->out, at);
			if (++emitted == count && count != 0)
				break;
		}
		idx++;
	}
	quicklist_iter_deinit(&it);
	if (count >= 0)
		reply_set_deferred(c->out, pos, '*', (long)emitted);
	else if (found >= 0)
		reply_int(c->out, found);
	else
		reply_null(c->out);
}

/* ---- in-place updates ------------------------------------------------------------ */

void cmd_lset(struct cmd_ctx *c)
{
	struct kv *kv, **ref;
	if (lookup_list_write(c, 1, &kv, &ref))
		return;
	if (!kv) {
		reply_error(c->out, ERR_NO_KEY);
		return;
	}
	long long index;
	if (arg_ll_or_reply(c, &c->argv[2], &index))
		return;
	if (!quicklist_replace_at_index(list_of(kv), (long)index, c->argv[3].ptr, c->argv[3].len)) {
		reply_error(c->out, "ERR index out of range");
		return;
	}
	reply_ok(c->out);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_LIST, "lset", &c->argv[1]);
}

/* LINSERT key BEFORE|AFTER pivot element */
void cmd_linsert(struct cmd_ctx *c)
{
	int after;
	if (ARGIS(c, 2, "after")) {
		after = 1;
	} else if (ARGIS(c, 2, "before")) {
		after = 0;
	} else {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	struct kv *kv, **ref;
	if (lookup_list_write(c, 1, &kv, &ref))
		return;
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	struct quicklist *ql = list_of(kv);
	struct list_needle nd;
	needle_init(&nd, &c->argv[3]);
	struct quicklist_iter it;
	struct quicklist_entry e;
	int inserted = 0;
	quicklist_iter_init(&it, ql, QUICKLIST_ITER_FORWARD);
	while (quicklist_next(&it, &e)) {
		if (!needle_eq(&nd, &e))
			continue;
		/* The iterator holds e's node raw; inserting never frees a node, so
		 * deinit afterwards stays safe. */
		if (after)
			quicklist_insert_after(ql, &e, c->argv[4].ptr, c->argv[4].len);
		else
			quicklist_insert_before(ql, &e, c->argv[4].ptr, c->argv[4].len);
		inserted = 1;
		break;
	}
	quicklist_iter_deinit(&it);
	if (!inserted) {
		reply_int(c->out, -1);
		return;
	}
	reply_int(c->out, (long long)quicklist_count(ql));
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_LIST, "linsert", &c->argv[1]);
}

/* LREM key count element */
void cmd_lrem(struct cmd_ctx *c)
{
	long long count;
	if (arg_ll_or_reply(c, &c->argv[2], &count))
		return;
	struct kv *kv, **ref;
	if (lookup_list_write(c, 1, &kv, &ref))
		return;
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	struct quicklist *ql = list_of(kv);
	struct list_needle nd;
	needle_init(&nd, &c->argv[3]);
	int dir = count < 0 ? QUICKLIST_ITER_BACKWARD : QUICKLIST_ITER_FORWARD;
	unsigned long long limit = count < 0 ? -(unsigned long long)count : (unsigned long long)count;
	unsigned long long removed = 0;
	struct quicklist_iter it;
	struct quicklist_entry e;
	quicklist_iter_init(&it, ql, dir);
	while (quicklist_next(&it, &e)) {
		if (!needle_eq(&nd, &e))
			continue;
		quicklist_iter_delete(&it, &e);
		if (++removed == limit)
			break;
	}
	quicklist_iter_deinit(&it);
	reply_int(c->out, (long long)removed);
	if (removed) {
		int gone = drop_if_empty(c, kv, ref);
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_LIST, "lrem", &c->argv[1]);
		if (gone)
			notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
	}
}

/* LTRIM key start stop */
void cmd_ltrim(struct cmd_ctx *c)
{
	long long start, end;
	if (arg_ll_or_reply(c, &c->argv[2], &start) || arg_ll_or_reply(c, &c->argv[3], &end))
		return;
	struct kv *kv, **ref;
	if (lookup_list_write(c, 1, &kv, &ref))
		return;
	if (!kv) {
		reply_ok(c->out);
		return;
	}
	struct quicklist *ql = list_of(kv);
	long long len = (long long)quicklist_count(ql), from = 0;
	long long keep = clamp_range(start, end, len, &from);
	long long ltrim = keep ? from : len;
	long long rtrim = keep ? len - from - keep : 0;
	if (ltrim)
		quicklist_del_range(ql, 0, (unsigned long)ltrim);
	if (rtrim)
		quicklist_del_range(ql, -(long)rtrim, (unsigned long)rtrim);
	reply_ok(c->out);
	int gone = drop_if_empty(c, kv, ref);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_LIST, "ltrim", &c->argv[1]);
	if (gone)
		notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
}

/* ---- moves between keys ---------------------------------------------------------- */

static int same_key(const struct resp_arg *a, const struct resp_arg *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* Push bytes (or an integer) onto the list at key dst, creating it. */
static void push_value(struct cmd_ctx *c, const struct resp_arg *dst, const unsigned char *data,
		       size_t len, int64_t v, int where)
{
	struct kv *kv = db_find(c, dst->ptr, dst->len, NULL);
	if (!kv)
		kv = list_create_key(c, dst);
	if (data) {
		quicklist_push(list_of(kv), data, len, where);
	} else {
		char num[LP_INTBUF_SIZE];
		int n = resp_ll2str(num, v);
		quicklist_push(list_of(kv), num, (size_t)n, where);
	}
}

/* Pop from argv[1] at `from`, push onto argv[2] at `to`, reply with the element. */
static void move_generic(struct cmd_ctx *c, int from, int to)
{
	const struct resp_arg *src = &c->argv[1], *dst = &c->argv[2];
	struct kv *skv, **sref, *dkv, **dref;
	if (lookup_list_write(c, 1, &skv, &sref))
		return;
	if (!skv) {
		reply_null(c->out);
		return;
	}
	if (lookup_list_write(c, 2, &dkv, &dref))
		return;
	struct quicklist *sql = list_of(skv);
	unsigned char *data;
	size_t len;
	int64_t v;
	if (!quicklist_pop(sql, from, &data, &len, &v)) {
		reply_null(c->out);
		return;
	}
	if (data)
		reply_bulk(c->out, data, len);
	else
		reply_bulk_ll(c->out, v);
	/* Unlink an emptied source first: dst's insertion may move table links.
	 * Rotating one key (src == dst) never empties it. */
	int gone = 0;
	if (!same_key(src, dst))
		gone = drop_if_empty(c, skv, sref);
	push_value(c, dst, data, len, v, to);
	pfree(data);
	db_modified(c, src->ptr, src->len);
	if (!same_key(src, dst))
		db_modified(c, dst->ptr, dst->len);
	/* Redis's order: the push on dst, then the pop on src, then its del. */
	notify_arg(c, NOTIFY_LIST, to == QUICKLIST_HEAD ? "lpush" : "rpush", dst);
	notify_arg(c, NOTIFY_LIST, from == QUICKLIST_HEAD ? "lpop" : "rpop", src);
	if (gone)
		notify_arg(c, NOTIFY_GENERIC, "del", src);
}

/* LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
void cmd_lmove(struct cmd_ctx *c)
{
	int from, to;
	if (parse_where(&c->argv[3], &from) || parse_where(&c->argv[4], &to)) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	move_generic(c, from, to);
}

void cmd_rpoplpush(struct cmd_ctx *c)
{
	move_generic(c, QUICKLIST_TAIL, QUICKLIST_HEAD);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: keys argv[2..2+numkeys).
 * Invalid numkeys gives no keys; the handler then replies the error. */
int getkeys_lmpop(int argc, const struct resp_arg *argv, int *keys, int max)
{
	long long numkeys;
	if (argc < 2 || arg_ll(&argv[1], &numkeys) || numkeys <= 0 || numkeys > argc - 3)
		return 0;
	int n = 0;
	for (int i = 0; i < (int)numkeys && n < max; i++)
		keys[n++] = 2 + i;
	return n;
}

void cmd_lmpop(struct cmd_ctx *c)
{
	long long numkeys, count = -1;
	if (arg_ll(&c->argv[1], &numkeys) || numkeys <= 0) {
		reply_error(c->out, "ERR numkeys should be greater than 0");
		return;
	}
	if (numkeys > c->argc - 3) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	int where_idx = 2 + (int)numkeys;
	int where;
	if (parse_where(&c->argv[where_idx], &where)) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	for (int i = where_idx + 1; i < c->argc; i++) {
		if (count == -1 && ARGIS(c, i, "count") && i + 1 < c->argc) {
			i++;
			if (arg_ll(&c->argv[i], &count) || count <= 0) {
				reply_error(c->out, "ERR count should be greater than 0");
				return;
			}
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	if (count == -1)
		count = 1;
	for (int k = 2; k < where_idx; k++) {
		struct kv *kv, **ref;
		if (lookup_list_write(c, k, &kv, &ref))
			return;
		if (!kv || quicklist_count(list_of(kv)) == 0)
			continue;
		struct quicklist *ql = list_of(kv);
		unsigned long n = quicklist_count(ql);
		if ((unsigned long long)count < n)
			n = (unsigned long)count;
		reply_array(c->out, 2);
		reply_bulk(c->out, c->argv[k].ptr, c->argv[k].len);
		reply_array(c->out, (long)n);
		for (unsigned long i = 0; i < n; i++)
			pop_and_reply(c->out, ql, where);
		int gone = drop_if_empty(c, kv, ref);
		db_modified(c, c->argv[k].ptr, c->argv[k].len);
		notify_arg(c, NOTIFY_LIST, where == QUICKLIST_HEAD ? "lpop" : "rpop", &c->argv[k]);
		if (gone)
			notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[k]);
		return;
	}
	reply_null_array(c->out);
}

/* ---- for DEBUG DIGEST (cmd_debug.c) ----------------------------------------- */

void tlist_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len), void *ud)
{
	struct quicklist_iter it;
	struct quicklist_entry e;
	quicklist_iter_init(&it, kv_ptr(kv), QUICKLIST_ITER_FORWARD);
	while (quicklist_next(&it, &e)) {
		if (e.value) {
			fn(ud, (const char *)e.value, e.sz);
		} else {
			char num[24];
			int n = resp_ll2str(num, e.lval);
			fn(ud, num, (size_t)n);
		}
	}
	quicklist_iter_deinit(&it);
}
