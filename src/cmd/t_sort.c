/* t_sort.c — SORT and SORT_RO: sort a list, set or sorted set by its elements
 * or by external weights, optionally fetching other keys per element (GET) and
 * storing the result as a list (STORE, SORT only).
 *
 * DESIGN
 *   Parsing is one pass over the options (Redis 7.0's grammar: ASC, DESC,
 *   ALPHA, LIMIT off count, STORE dst, BY pat, GET pat; the last LIMIT, STORE
 *   and BY win, a BY without '*' means "do not sort"). The same pass feeds
 *   three callers: the handler, getkeys_sort (key positions: the source and
 *   the STORE destination the handler will write) and route_sort.
 *
 *   Routing. BY and GET patterns name keys that are not in key positions, so
 *   they may live on any shard. route_sort returns ROUTE_ALL when some BY or
 *   GET pattern contains '*' (only those make the handler look keys up: "#"
 *   is the element itself, a pattern without '*' yields nil), holding every
 *   shard; otherwise ROUTE_KEYS and the source + destination decide. Redis
 *   Cluster refuses such patterns; petrel is standalone and serves them.
 *
 *   Evaluation, as Redis does it:
 *     1. copy the elements into one arena (a vector of offsets into it) —
 *        lists and sorted sets with "BY nosort" only the LIMIT window, walked
 *        from the tail for DESC; everything else whole;
 *     2. unless nosort, compute each element's weight: a double (strtod rules,
 *        "ERR One or more scores can't be converted into double" if any fails)
 *        or, with ALPHA and BY, the weight key's bytes (missing sorts first);
 *     3. stable merge sort (ties: element bytes for numeric sorts; ALPHA BY
 *        ties keep load order, as glibc's qsort gives Redis), then DESC flips
 *        the comparison; ALPHA compares with strcoll (C strings, the
 *        environment's LC_COLLATE, set at start-up as Redis does) unless
 *        STORE is given, which compares bytes;
 *     4. reply / STORE the LIMIT window, resolving GET patterns per element.
 *   A set sorted with "BY nosort" and STORE is sorted ALPHA instead, so the
 *   stored list does not depend on hash order (Redis does the same). A
 *   listpack sorted set is converted to a skiplist first (Redis does too).
 *   Everything read from the keyspace is copied (arena) or written out at once,
 *   so STORE may overwrite the source or a GET key safely.
 *
 * Thread: the owner (or holder) of the keys' shards — every shard under
 * ROUTE_ALL; see cmd.h.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/kv.h>
#include <petrel/pubsub.h>
#include <petrel/types.h>
#include <petrel/ds/quicklist.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int getkeys_sort(int argc, const struct resp_arg *argv, int *keys, int max);
int getkeys_sort_ro(int argc, const struct resp_arg *argv, int *keys, int max);
int route_sort(int argc, const struct resp_arg *argv);

/* ---- options -------------------------------------------------------------- */

struct sort_opts {
	int desc, alpha, dontsort;
	long long limit_start, limit_count;     /* count -1: to the end */
	int by;                 /* argv index of the last BY pattern, 0: none */
	int store;              /* argv index of the last STORE key, 0: none */
	int ngets;
	int *gets;              /* argv indexes of GET patterns (caller's array) */
	int any_pattern;        /* some BY or GET pattern contains '*' */
};

static int has_star(const struct resp_arg *a)
{
	return memchr(a->ptr, '*', a->len) != NULL;
}

/* Parse argv[2..]. gets: room for argc entries, or NULL to not record them.
 * Returns NULL, or the error text to reply (parsing stops there). */
static const char *sort_parse(int argc, const struct resp_arg *argv, int readonly,
			      struct sort_opts *o, int *gets)
{
	memset(o, 0, sizeof(*o));
	o->limit_count = -1;
	o->gets = gets;
	for (int j = 2; j < argc; j++) {
		int left = argc - j - 1;
		const struct resp_arg *a = &argv[j];
		if (arg_is(a, "asc")) {
			o->desc = 0;
		} else if (arg_is(a, "desc")) {
			o->desc = 1;
		} else if (arg_is(a, "alpha")) {
			o->alpha = 1;
		} else if (arg_is(a, "limit") && left >= 2) {
			if (arg_ll(&argv[j + 1], &o->limit_start) || arg_ll(&argv[j + 2], &o->limit_count))
				return ERR_NOT_INT;
			j += 2;
		} else if (!readonly && arg_is(a, "store") && left >= 1) {
			o->store = ++j;
		} else if (arg_is(a, "by") && left >= 1) {
			o->by = ++j;
			/* a constant weight: nothing to sort, for good (a later BY
			 * with a pattern does not undo it, as in Redis) */
			if (!has_star(&argv[j]))
				o->dontsort = 1;
			else
				o->any_pattern = 1;
		} else if (arg_is(a, "get") && left >= 1) {
			++j;
			if (gets)
				gets[o->ngets] = j;
			o->ngets++;
			if (has_star(&argv[j]))
				o->any_pattern = 1;
		} else {
			return ERR_SYNTAX;
		}
	}
	return NULL;
}

static int getkeys_generic(int argc, const struct resp_arg *argv, int *keys, int max, int readonly)
{
	struct sort_opts o;
	int n = 0;
	if (argc < 2 || max < 1)
		return 0;
	/* On a syntax error the handler writes nothing: the keys found so far
	 * are as good as any. */
	(void)sort_parse(argc, argv, readonly, &o, NULL);
	keys[n++] = 1;
	if (o.store && n < max)
		keys[n++] = o.store;
	return n;
}

int getkeys_sort(int argc, const struct resp_arg *argv, int *keys, int max)
{
	return getkeys_generic(argc, argv, keys, max, 0);
}

int getkeys_sort_ro(int argc, const struct resp_arg *argv, int *keys, int max)
{
	return getkeys_generic(argc, argv, keys, max, 1);
}

int route_sort(int argc, const struct resp_arg *argv)
{
	struct sort_opts o;
	(void)sort_parse(argc, argv, 0, &o, NULL);
	return o.any_pattern ? ROUTE_ALL : ROUTE_KEYS;
}

/* ---- pattern lookups ------------------------------------------------------ */

/* A looked-up string: bytes valid until the next keyspace change. */
struct sval {
	const char *p;
	size_t len;
	char num[32];
};

/* Resolve pattern for element elem (Redis's rules): "#" is the element; the
 * first '*' is replaced by the element; "key->field" (the "->" after the '*'
 * with a field after it) reads a hash field. A missing key, a wrong type or a
 * pattern without '*' gives 0. */
static int sort_lookup(struct cmd_ctx *c, const struct resp_arg *pat, const char *elem,
		       size_t elen, struct sval *out)
{
	const char *p = pat->ptr, *end = pat->ptr + pat->len;
	if (pat->len == 1 && p[0] == '#') {
		out->p = elem;
		out->len = elen;
		return 1;
	}
	const char *star = memchr(p, '*', pat->len);
	if (!star)
		return 0;
	const char *field = NULL, *kend = end;
	for (const char *f = star + 1; f + 1 < end; f++) {
		if (f[0] == '-' && f[1] == '>') {
			if (f + 2 < end) {
				field = f + 2;
				kend = f;
			}
			break;
		}
	}
	size_t pre = (size_t)(star - p), post = (size_t)(kend - (star + 1));
	size_t klen = pre + elen + post;
	char stackbuf[256];
	char *key = klen <= sizeof(stackbuf) ? stackbuf : pmalloc(klen);
	memcpy(key, p, pre);
	memcpy(key + pre, elem, elen);
	memcpy(key + pre + elen, star + 1, post);
	struct resp_arg ka = {key, klen};
	struct kv *kv = db_read(c, &ka);
	int found = 0;
	if (kv && field) {
		if (kv_type(kv) == OBJ_HASH)
			found = thash_get(kv, field, (size_t)(end - field), &out->p, &out->len, out->num);
	} else if (kv && kv_type(kv) == OBJ_STRING) {
		out->p = kv_str(kv, &out->len, out->num);
		found = 1;
	}
	if (key != stackbuf)
		pfree(key);
	return found;
}

/* ---- the vector ------------------------------------------------------------ */

struct sort_item {
	size_t off, len;        /* element bytes in the arena */
	double score;
	size_t woff, wlen;      /* ALPHA BY weight in the arena */
	int has_w;
};

struct sort_vec {
	struct sort_item *v;
	long n, cap;
	char *arena;
	size_t used, size;
};

static size_t arena_put(struct sort_vec *sv, const char *s, size_t len)
{
	if (sv->used + len + 1 > sv->size) {
		size_t sz = sv->size ? sv->size : 256;
		while (sz < sv->used + len + 1)
			sz *= 2;
		sv->arena = prealloc(sv->arena, sz);
		sv->size = sz;
	}
	if (len)
		memcpy(sv->arena + sv->used, s, len);
	sv->arena[sv->used + len] = 0;  /* a C string too, for strcoll */
	sv->used += len + 1;
	return sv->used - len - 1;
}

static void vec_push(void *ud, const char *s, size_t len)
{
	struct sort_vec *sv = ud;
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 16;
		sv->v = prealloc(sv->v, (size_t)sv->cap * sizeof(*sv->v));
	}
	struct sort_item *it = &sv->v[sv->n++];
	memset(it, 0, sizeof(*it));
	it->off = arena_put(sv, s, len);
	it->len = len;
}

static void vec_push_entry(struct sort_vec *sv, const struct quicklist_entry *e)
{
	char num[24];
	if (e->value) {
		vec_push(sv, (const char *)e->value, e->sz);
	} else {
		int n = resp_ll2str(num, e->lval);
		vec_push(sv, num, (size_t)n);
	}
}

static const char *item_str(const struct sort_vec *sv, const struct sort_item *it)
{
	return sv->arena + it->off;
}

/* Redis's score parsing: strtod on the NUL-terminated bytes; fails on
 * trailing bytes, overflow/underflow (ERANGE) or NaN. An embedded NUL ends
 * the number, as it does for Redis's C string. */
static int parse_score(const char *s, size_t len, double *d)
{
	char stackbuf[128];
	char *buf = len < sizeof(stackbuf) ? stackbuf : pmalloc(len + 1);
	char *eptr;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	*d = strtod(buf, &eptr);
	int bad = eptr[0] != '\0' || errno == ERANGE || isnan(*d);
	if (buf != stackbuf)
		pfree(buf);
	return bad ? -1 : 0;
}

/* ---- sorting ---------------------------------------------------------------- */

struct sort_cmp {
	const struct sort_vec *sv;
	int alpha, bypattern, desc;
	int coll;               /* ALPHA without STORE: strcoll, as Redis */
};

static int bytes_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);
	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

static int item_cmp(const struct sort_cmp *k, const struct sort_item *a, const struct sort_item *b)
{
	const struct sort_vec *sv = k->sv;
	int r;
	if (!k->alpha) {
		if (a->score != b->score)
			r = a->score > b->score ? 1 : -1;
		else
			r = bytes_cmp(item_str(sv, a), a->len, item_str(sv, b), b->len);
	} else if (k->bypattern) {
		if (!a->has_w || !b->has_w)
			r = a->has_w == b->has_w ? 0 : a->has_w ? 1 : -1;
		else if (k->coll)
			r = strcoll(sv->arena + a->woff, sv->arena + b->woff);
		else
			r = bytes_cmp(sv->arena + a->woff, a->wlen, sv->arena + b->woff, b->wlen);
	} else if (k->coll) {
		r = strcoll(item_str(sv, a), item_str(sv, b));
	} else {
		r = bytes_cmp(item_str(sv, a), a->len, item_str(sv, b), b->len);
	}
	return k->desc ? -r : r;
}

/* Stable bottom-up merge sort. */
static void sort_items(const struct sort_cmp *k, struct sort_item *v, long n)
{
	if (n < 2)
		return;
	struct sort_item *tmp = pmalloc((size_t)n * sizeof(*v)), *src = v, *dst = tmp;
	for (long w = 1; w < n; w *= 2) {
		for (long lo = 0; lo < n; lo += 2 * w) {
			long mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			long i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				dst[o++] = item_cmp(k, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[o++] = src[i++];
			while (j < hi)
				dst[o++] = src[j++];
		}
		struct sort_item *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, (size_t)n * sizeof(*v));
	pfree(tmp);
}

/* ---- loading ---------------------------------------------------------------- */

static void load_list(struct kv *kv, struct sort_vec *sv, long start, long count, int rev)
{
	struct quicklist *ql = kv_ptr(kv);
	struct quicklist_iter it;
	struct quicklist_entry e;
	long len = (long)quicklist_count(ql);
	if (count <= 0 || start >= len)
		return;
	if (!quicklist_iter_init_at(&it, ql, rev ? QUICKLIST_ITER_BACKWARD : QUICKLIST_ITER_FORWARD,
				    rev ? len - 1 - start : start))
		return;
	while (count-- > 0 && quicklist_next(&it, &e))
		vec_push_entry(sv, &e);
	quicklist_iter_deinit(&it);
}

/* Weights. Returns -1 when some score does not convert. */
static int load_weights(struct cmd_ctx *c, const struct sort_opts *o, struct sort_vec *sv)
{
	const struct resp_arg *by = o->by ? &c->argv[o->by] : NULL;
	int bad = 0;
	for (long j = 0; j < sv->n; j++) {
		struct sort_item *it = &sv->v[j];
		struct sval w;
		if (by) {
			if (!sort_lookup(c, by, item_str(sv, it), it->len, &w))
				continue;
		} else {
			w.p = item_str(sv, it);
			w.len = it->len;
		}
		if (o->alpha) {
			if (by) {
				/* arena_put may move the arena: w.p never points into it
				 * here (a BY pattern always names a key) */
				it->woff = arena_put(sv, w.p, w.len);
				it->wlen = w.len;
				it->has_w = 1;
			}
		} else if (parse_score(w.p, w.len, &it->score)) {
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* ---- output ----------------------------------------------------------------- */

static void reply_result(struct cmd_ctx *c, const struct sort_opts *o, const struct sort_vec *sv,
			 long start, long end)
{
	long n = end - start + 1;
	reply_array(c->out, o->ngets ? (long)o->ngets * n : n);
	for (long j = start; j <= end; j++) {
		const struct sort_item *it = &sv->v[j];
		if (!o->ngets)
			reply_bulk(c->out, item_str(sv, it), it->len);
		for (int g = 0; g < o->ngets; g++) {
			struct sval v;
			if (sort_lookup(c, &c->argv[o->gets[g]], item_str(sv, it), it->len, &v))
				reply_bulk(c->out, v.p, v.len);
			else
				reply_null(c->out);
		}
	}
}

static void store_result(struct cmd_ctx *c, const struct sort_opts *o, const struct sort_vec *sv,
			 long start, long end)
{
	const struct resp_arg *dst = &c->argv[o->store];
	long n = end - start + 1;
	long long outlen = o->ngets ? (long long)o->ngets * n : n;
	if (outlen <= 0) {
		if (db_delete(c, dst->ptr, dst->len)) {
			db_modified(c, dst->ptr, dst->len);
			notify_arg(c, NOTIFY_GENERIC, "del", dst);
		}
		reply_int(c->out, 0);
		return;
	}
	struct quicklist *ql = quicklist_create(cfg.list_max_listpack_size, cfg.list_compress_depth);
	for (long j = start; j <= end; j++) {
		const struct sort_item *it = &sv->v[j];
		if (!o->ngets)
			quicklist_push_tail(ql, item_str(sv, it), it->len);
		for (int g = 0; g < o->ngets; g++) {
			struct sval v;
			if (sort_lookup(c, &c->argv[o->gets[g]], item_str(sv, it), it->len, &v))
				quicklist_push_tail(ql, v.p, v.len);
			else
				quicklist_push_tail(ql, "", 0);
		}
	}
	if (notify_wants(NOTIFY_NEW) && !db_find(c, dst->ptr, dst->len, NULL))
		notify_arg(c, NOTIFY_NEW, "new", dst);
	db_set(c, kv_create_ptr(dst->ptr, dst->len, OBJ_LIST, ENC_QUICKLIST, ql, -1));
	db_modified(c, dst->ptr, dst->len);
	notify_arg(c, NOTIFY_LIST, "sortstore", dst);
	reply_int(c->out, outlen);
}

/* ---- the command -------------------------------------------------------------- */

static void sort_generic(struct cmd_ctx *c, int readonly)
{
	struct sort_opts o;
	int gets_stack[16];
	int *gets = c->argc <= 16 ? gets_stack : pmalloc((size_t)c->argc * sizeof(int));
	struct sort_vec sv = {0};
	const char *err = sort_parse(c->argc, c->argv, readonly, &o, gets);
	if (err) {
		reply_error(c->out, err);
		goto out;
	}
	struct kv *kv = db_read(c, &c->argv[1]);
	int type = kv ? kv_type(kv) : OBJ_LIST;
	if (type != OBJ_LIST && type != OBJ_SET && type != OBJ_ZSET) {
		reply_error(c->out, ERR_WRONGTYPE);
		goto out;
	}
	if (kv && type == OBJ_ZSET)
		tzset_to_skiplist(kv);  /* Redis converts the sorted set for SORT, even SORT_RO */
	if (o.dontsort && type == OBJ_SET && o.store) {
		/* the stored list must not depend on hash-table order */
		o.dontsort = 0;
		o.alpha = 1;
		o.by = 0;
	}
	long len = !kv ? 0 : type == OBJ_LIST ? (long)quicklist_count(kv_ptr(kv))
		 : type == OBJ_SET ? (long)tset_size(kv) : (long)tzset_size(kv);

	/* LIMIT window [start, end], clamped the way Redis clamps it */
	long start = o.limit_start < 0 ? 0 : o.limit_start > len ? len : (long)o.limit_start;
	long count = o.limit_count < -1 ? -1 : o.limit_count > len ? len : (long)o.limit_count;
	long end = count < 0 ? len - 1 : start + count - 1;
	if (start >= len) {
		start = len - 1;
		end = len - 2;
	}
	if (end >= len)
		end = len - 1;

	if (o.dontsort && (type == OBJ_LIST || type == OBJ_ZSET)) {
		/* native order: load only the window (from the tail for DESC) */
		if (kv && end >= start) {
			if (type == OBJ_LIST)
				load_list(kv, &sv, start, end - start + 1, o.desc);
			else
				tzset_range(kv, (unsigned long)start, (unsigned long)(end - start + 1),
					    o.desc, vec_push, &sv);
		}
		end = sv.n - 1;
		start = 0;
	} else if (kv) {
		if (type == OBJ_LIST)
			load_list(kv, &sv, 0, len, 0);
		else if (type == OBJ_SET)
			tset_foreach(kv, vec_push, &sv);
		else
			tzset_range(kv, 0, (unsigned long)len, 0, vec_push, &sv);
	}

	if (!o.dontsort) {
		if (load_weights(c, &o, &sv)) {
			reply_error(c->out, "ERR One or more scores can't be converted into double");
			goto out;
		}
		struct sort_cmp k = {&sv, o.alpha, o.by != 0, o.desc, o.alpha && !o.store};
		sort_items(&k, sv.v, sv.n);
	}

	if (o.store)
		store_result(c, &o, &sv, start, end);
	else
		reply_result(c, &o, &sv, start, end);
out:
	pfree(sv.v);
	pfree(sv.arena);
	if (gets != gets_stack)
		pfree(gets);
}

void cmd_sort(struct cmd_ctx *c) { sort_generic(c, 0); }
void cmd_sort_ro(struct cmd_ctx *c) { sort_generic(c, 1); }
