/* t_zset.c — the SORTED SET type: its two encodings and the Z* commands.
 *
 * Encodings (Redis 7.0's, same thresholds and OBJECT ENCODING names):
 *
 *   ENC_LISTPACK "listpack": one listpack of pairs  member, score  sorted by
 *     (score, member bytes). Scores are written the way Redis writes them
 *     (integral values within +-2^52 as integers, others "%.17g", "inf",
 *     "-inf"), so the bytes can go to RDB as they are.
 *   ENC_SKIPLIST "skiplist": struct zs = a skiplist (ds/skiplist.h) ordered by
 *     (score, member) plus a dict member -> node. The dict's keys ARE the
 *     skiplist nodes (hashed and compared by their member bytes); the dict owns
 *     nothing, the skiplist owns the nodes.
 *
 * A zset starts as a listpack unless zset-max-listpack-entries is 0 or the
 * first member is longer than zset-max-listpack-value; it converts to a
 * skiplist when it grows past either limit and never converts back, except
 * that *STORE results are written in the smallest fitting encoding.
 *
 * Reads go through a cursor (struct zcur) that walks either encoding in
 * order; writes through zv_* primitives.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/glob.h>
#include <petrel/pubsub.h>
#include <petrel/kv.h>
#include <petrel/types.h>
#include <petrel/ds/dict.h>
#include <petrel/ds/listpack.h>
#include <petrel/ds/skiplist.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From t_set.c. */
uint64_t tset_rand(void);
int tset_parse_cursor(struct cmd_ctx *c, const struct resp_arg *a, unsigned long *cursor);
int tset_scan_options(struct cmd_ctx *c, int from, long *count, const struct resp_arg **pat);
unsigned long tset_size(const struct kv *kv);
int tset_has(const struct kv *kv, const char *s, size_t len);
void tset_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len), void *ud);

int getkeys_store_numkeys2(int argc, const struct resp_arg *argv, int *keys, int max);

/* dest at argv[1], numkeys at argv[2], keys after it (ZUNIONSTORE & co.). */
int getkeys_store_numkeys2(int argc, const struct resp_arg *argv, int *keys, int max)
{
	long long n;
	int k = 0;
	if (argc < 2 || max < 1)
		return 0;
	keys[k++] = 1;
	if (argc < 4 || arg_ll(&argv[2], &n) || n <= 0 || n > argc - 3)
		return k;
	for (int i = 0; i < n && k < max; i++)
		keys[k++] = 3 + i;
	return k;
}

/* ---- skiplist + dict ------------------------------------------------------ */

struct zs {
	struct dict *d;
	struct zsl *zsl;
};

static uint64_t node_hash(const void *k)
{
	const struct zsl_node *n = k;
	return dict_hash_bytes(zsl_node_ele(n), n->len);
}

static int node_eq(const void *a, const void *b)
{
	const struct zsl_node *x = a, *y = b;
	return x->len == y->len && memcmp(zsl_node_ele(x), zsl_node_ele(y), x->len) == 0;
}

static const struct dict_type zs_dict_type = {
	.hash = node_hash,
	.key_compare = node_eq,
	.no_value = 1,          /* the node is the key and holds the score */
};

static struct zs *zs_create(void)
{
	struct zs *z = pmalloc(sizeof(*z));
	z->d = dict_create(&zs_dict_type);
	z->zsl = zsl_create();
	return z;
}

static void zs_destroy(struct zs *z)
{
	dict_destroy(&z->d);
	zsl_destroy(&z->zsl);
	pfree(z);
}

/* The entry zs_find found last: zs_update right after it reuses it instead of
 * probing the dict again (nothing is inserted in between). */
static __thread struct dict_entry *zs_last_de;

/* Find a member: the dict is probed with a fake node (no levels) holding
 * the member bytes, on the stack when small. */
static struct zsl_node *zs_find(struct zs *z, const char *s, size_t len)
{
	_Alignas(16) char stackbuf[256];
	struct zsl_node *k = sizeof(*k) + len + 1 <= sizeof(stackbuf)
		? (struct zsl_node *)stackbuf : pmalloc(sizeof(*k) + len + 1);
	k->len = (uint32_t)len;
	k->nlevel = 0;
	memcpy((char *)zsl_node_ele(k), s, len);
	((char *)zsl_node_ele(k))[len] = 0;
	struct dict_entry *de = dict_find(z->d, k);
	if ((char *)k != stackbuf)
		pfree(k);
	zs_last_de = de;
	return de ? de->key : NULL;
}

static void zs_insert(struct zs *z, const char *s, size_t len, double score)
{
	struct zsl_node *n = zsl_insert(z->zsl, score, s, len);
	dict_add(z->d, n, NULL);
}

static void zs_update(struct zs *z, struct zsl_node *n, double score)
{
	struct dict_entry *de = zs_last_de && zs_last_de->key == n ? zs_last_de : dict_find(z->d, n);
	de->key = zsl_update_score(z->zsl, n->score, zsl_node_ele(n), n->len, score);
}

static void zs_delete_node(struct zs *z, struct zsl_node *n)
{
	dict_delete(z->d, n);
	zsl_delete(z->zsl, n->score, zsl_node_ele(n), n->len);
}

static void zs_unindex(struct zsl_node *n, void *ud)
{
	struct zs *z = ud;
	dict_delete(z->d, n);
}

/* ---- listpack pairs ------------------------------------------------------- */

/* Redis's d2string: how a score is written into a listpack and into ZSCAN. */
static int score_str(char *buf, size_t size, double d)
{
	if (isinf(d))
		return snprintf(buf, size, d > 0 ? "inf" : "-inf");
	if (d > -4503599627370495.0 && d < 4503599627370496.0 && d == (double)(long long)d)
		return snprintf(buf, size, "%lld", (long long)d);
	return snprintf(buf, size, "%.17g", d);
}

static double lp_score_at(const unsigned char *p)
{
	uint32_t slen;
	int64_t iv;
	const unsigned char *s = lp_get(p, &slen, &iv);
	if (!s)
		return (double)iv;
	char buf[128];
	if (slen >= sizeof(buf))
		slen = sizeof(buf) - 1;
	memcpy(buf, s, slen);
	buf[slen] = 0;
	return strtod(buf, NULL);
}

/* Member bytes at p; integers are formatted into buf (LP_INTBUF_SIZE). */
static const char *lp_member_at(const unsigned char *p, unsigned char *buf, size_t *len)
{
	uint32_t l;
	const unsigned char *s = lp_get_str(p, buf, &l);
	*len = l;
	return (const char *)s;
}

static int mem_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);
	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

/* Member element of member s, or NULL; *score gets its score. */
static unsigned char *zlp_find(unsigned char *lp, const char *s, size_t len, double *score)
{
	unsigned char *p = lp_first(lp);
	while (p) {
		unsigned char *sp = lp_next(lp, p);
		if (lp_compare(p, (const unsigned char *)s, (uint32_t)len)) {
			if (score)
				*score = lp_score_at(sp);
			return p;
		}
		p = lp_next(lp, sp);
	}
	return NULL;
}

static unsigned char *zlp_insert(unsigned char *lp, const char *s, size_t len, double score)
{
	char sb[64];
	int sl = score_str(sb, sizeof(sb), score);
	unsigned char *p = lp_first(lp), *np;
	unsigned char buf[LP_INTBUF_SIZE];
	while (p) {
		unsigned char *sp = lp_next(lp, p);
		double cs = lp_score_at(sp);
		size_t ml;
		const char *m;
		if (cs > score)
			break;
		if (cs == score) {
			m = lp_member_at(p, buf, &ml);
			if (mem_cmp(m, ml, s, len) > 0)
				break;
		}
		p = lp_next(lp, sp);
	}
	if (!p) {
		lp = lp_append(lp, (const unsigned char *)s, (uint32_t)len);
		return lp_append(lp, (const unsigned char *)sb, (uint32_t)sl);
	}
	lp = lp_insert_string(lp, (const unsigned char *)s, (uint32_t)len, p, LP_BEFORE, &np);
	return lp_insert_string(lp, (const unsigned char *)sb, (uint32_t)sl, np, LP_AFTER, NULL);
}

/* ---- zset values ---------------------------------------------------------- */

struct zval {
	int enc;                /* ENC_LISTPACK or ENC_SKIPLIST */
	void *p;                /* unsigned char * listpack or struct zs * */
};

static unsigned long zv_len(const struct zval *z)
{
	return z->enc == ENC_LISTPACK ? lp_length(z->p) / 2 : ((struct zs *)z->p)->zsl->length;
}

/* An empty value sized for n members whose longest is maxlen bytes. */
static void zv_init(struct zval *z, size_t n, size_t maxlen)
{
	if (cfg.zset_max_listpack_entries == 0 || n > cfg.zset_max_listpack_entries ||
	    maxlen > cfg.zset_max_listpack_value) {
		z->enc = ENC_SKIPLIST;
		z->p = zs_create();
	} else {
		z->enc = ENC_LISTPACK;
		z->p = lp_create(0);
	}
}

static void zv_free(struct zval *z)
{
	if (z->enc == ENC_LISTPACK) {
		unsigned char *lp = z->p;
		lp_destroy(&lp);
	} else {
		zs_destroy(z->p);
	}
	z->p = NULL;
}

static void zv_to_skiplist(struct zval *z)
{
	unsigned char *lp = z->p;
	struct zs *zs = zs_create();
	unsigned char buf[LP_INTBUF_SIZE];
	dict_expand(zs->d, lp_length(lp) / 2);
	for (unsigned char *p = lp_first(lp); p; ) {
		unsigned char *sp = lp_next(lp, p);
		size_t ml;
		const char *m = lp_member_at(p, buf, &ml);
		zs_insert(zs, m, ml, lp_score_at(sp));
		p = lp_next(lp, sp);
	}
	lp_destroy(&lp);
	z->enc = ENC_SKIPLIST;
	z->p = zs;
}

/* Write a (skiplist) result in the smallest fitting encoding. */
static void zv_shrink_if_fits(struct zval *z)
{
	if (z->enc != ENC_SKIPLIST)
		return;
	struct zs *zs = z->p;
	if (cfg.zset_max_listpack_entries == 0 || zs->zsl->length > cfg.zset_max_listpack_entries)
		return;
	struct zsl_node *n;
	for (n = zs->zsl->header->level[0].forward; n; n = n->level[0].forward)
		if (n->len > cfg.zset_max_listpack_value)
			return;
	unsigned char *lp = lp_create(0);
	char sb[64];
	for (n = zs->zsl->header->level[0].forward; n; n = n->level[0].forward) {
		int sl = score_str(sb, sizeof(sb), n->score);
		lp = lp_append(lp, (const unsigned char *)zsl_node_ele(n), n->len);
		lp = lp_append(lp, (const unsigned char *)sb, (uint32_t)sl);
	}
	zs_destroy(zs);
	z->enc = ENC_LISTPACK;
	z->p = lp;
}

static int zv_score(const struct zval *z, const char *s, size_t len, double *score)
{
	if (z->enc == ENC_LISTPACK)
		return zlp_find(z->p, s, len, score) != NULL;
	struct zsl_node *n = zs_find(z->p, s, len);
	if (n)
		*score = n->score;
	return n != NULL;
}

/* Insert a member known to be absent. */
static void zv_insert(struct zval *z, const char *s, size_t len, double score)
{
	if (z->enc == ENC_LISTPACK) {
		if (zv_len(z) + 1 > cfg.zset_max_listpack_entries || len > cfg.zset_max_listpack_value ||
		    !lp_safe_to_add(z->p, len + 64)) {
			zv_to_skiplist(z);
		} else {
			z->p = zlp_insert(z->p, s, len, score);
			return;
		}
	}
	zs_insert(z->p, s, len, score);
}

static int zv_delete(struct zval *z, const char *s, size_t len)
{
	if (z->enc == ENC_LISTPACK) {
		unsigned char *p = zlp_find(z->p, s, len, NULL);
		if (!p)
			return 0;
		z->p = lp_delete_range_with_entry(z->p, &p, 2);
		return 1;
	}
	struct zs *zs = z->p;
	struct zsl_node *n = zs_find(zs, s, len);
	if (!n)
		return 0;
	zs_delete_node(zs, n);
	if (dict_needs_shrink(zs->d))
		dict_shrink_to_fit(zs->d);
	return 1;
}

enum { ZA_NX = 1, ZA_XX = 2, ZA_GT = 4, ZA_LT = 8, ZA_INCR = 16, ZA_CH = 32 };
/* ZR_SAME: processed, score unchanged (INCR 0 still replies the score). */
enum { ZR_NOP = 0, ZR_ADDED = 1, ZR_UPDATED = 2, ZR_SAME = 3, ZR_NAN = -1 };

/* ZADD's flags for a member already there with score cur: ZR_NOP, ZR_NAN or
 * ZR_SAME when nothing is to change, else ZR_UPDATED with *score the new one. */
static int zv_add_existing(int flags, double cur, double *score)
{
	if (flags & ZA_NX)
		return ZR_NOP;
	if (flags & ZA_INCR) {
		*score += cur;
		if (isnan(*score))
			return ZR_NAN;
	}
	if (((flags & ZA_GT) && *score <= cur) || ((flags & ZA_LT) && *score >= cur))
		return ZR_NOP;
	return *score == cur ? ZR_SAME : ZR_UPDATED;
}

/* ZADD's core for one member. Returns ZR_*; *newscore is the member's score
 * afterwards (for INCR). */
static int zv_add(struct zval *z, double score, const char *s, size_t len, int flags,
		  double *newscore)
{
	double cur;
	if (z->enc == ENC_LISTPACK) {
		unsigned char *p = zlp_find(z->p, s, len, &cur);
		if (p) {
			int r = zv_add_existing(flags, cur, &score);
			if (r == ZR_UPDATED) {
				z->p = lp_delete_range_with_entry(z->p, &p, 2);
				z->p = zlp_insert(z->p, s, len, score);
			}
			if (r == ZR_UPDATED || r == ZR_SAME)
				*newscore = score;
			return r;
		}
	} else {
		struct zsl_node *n = zs_find(z->p, s, len);
		if (n) {
			int r = zv_add_existing(flags, n->score, &score);
			if (r == ZR_UPDATED)
				zs_update(z->p, n, score);
			if (r == ZR_UPDATED || r == ZR_SAME)
				*newscore = score;
			return r;
		}
	}
	if (flags & ZA_XX)
		return ZR_NOP;
	zv_insert(z, s, len, score);
	*newscore = score;
	return ZR_ADDED;
}

/* ---- cursor over either encoding ----------------------------------------- */

struct zcur {
	const struct zval *z;
	struct zsl_node *n;     /* skiplist */
	unsigned char *p;       /* listpack: member element */
	unsigned char buf[LP_INTBUF_SIZE];
};

static int zc_valid(const struct zcur *c)
{
	return c->z->enc == ENC_LISTPACK ? c->p != NULL : c->n != NULL;
}

static const char *zc_get(struct zcur *c, size_t *len, double *score)
{
	if (c->z->enc == ENC_LISTPACK) {
		if (score)
			*score = lp_score_at(lp_next(c->z->p, c->p));
		return lp_member_at(c->p, c->buf, len);
	}
	if (score)
		*score = c->n->score;
	*len = c->n->len;
	return zsl_node_ele(c->n);
}

static double zc_score(struct zcur *c)
{
	if (c->z->enc == ENC_LISTPACK)
		return lp_score_at(lp_next(c->z->p, c->p));
	return c->n->score;
}

static void zc_next(struct zcur *c)
{
	if (c->z->enc == ENC_LISTPACK) {
		unsigned char *sp = lp_next(c->z->p, c->p);
		c->p = lp_next(c->z->p, sp);
	} else {
		c->n = c->n->level[0].forward;
	}
}

static void zc_prev(struct zcur *c)
{
	if (c->z->enc == ENC_LISTPACK) {
		unsigned char *sp = lp_prev(c->z->p, c->p);
		c->p = sp ? lp_prev(c->z->p, sp) : NULL;
	} else {
		c->n = c->n->backward;
	}
}

static void zc_step(struct zcur *c, int rev)
{
	if (rev)
		zc_prev(c);
	else
		zc_next(c);
}

/* Position at 0-based rank (must be < length). */
static void zc_at_rank(struct zcur *c, const struct zval *z, unsigned long rank)
{
	c->z = z;
	c->n = NULL;
	c->p = NULL;
	if (z->enc == ENC_LISTPACK)
		c->p = lp_seek(z->p, (long)(2 * rank));
	else
		c->n = zsl_get_by_rank(((struct zs *)z->p)->zsl, rank + 1);
}

/* Position at the first (rev: last) member inside a score range. */
static void zc_score_start(struct zcur *c, const struct zval *z, const struct zsl_range *r, int rev)
{
	c->z = z;
	c->n = NULL;
	c->p = NULL;
	if (z->enc == ENC_SKIPLIST) {
		struct zsl *zsl = ((struct zs *)z->p)->zsl;
		c->n = rev ? zsl_last_in_range(zsl, r) : zsl_first_in_range(zsl, r);
		return;
	}
	unsigned char *lp = z->p;
	if (!rev) {
		for (c->p = lp_first(lp); c->p; zc_next(c)) {
			double s = zc_score(c);
			if (zsl_value_gte_min(s, r)) {
				if (!zsl_value_lte_max(s, r))
					c->p = NULL;
				return;
			}
		}
	} else {
		unsigned char *last = lp_last(lp);
		for (c->p = last ? lp_prev(lp, last) : NULL; c->p; zc_prev(c)) {
			double s = zc_score(c);
			if (zsl_value_lte_max(s, r)) {
				if (!zsl_value_gte_min(s, r))
					c->p = NULL;
				return;
			}
		}
	}
}

static void zc_lex_start(struct zcur *c, const struct zval *z, const struct zsl_lex_range *r, int rev)
{
	c->z = z;
	c->n = NULL;
	c->p = NULL;
	if (z->enc == ENC_SKIPLIST) {
		struct zsl *zsl = ((struct zs *)z->p)->zsl;
		c->n = rev ? zsl_last_in_lex_range(zsl, r) : zsl_first_in_lex_range(zsl, r);
		return;
	}
	unsigned char *lp = z->p;
	size_t l;
	const char *m;
	/* As Redis: nothing matches unless the first member is <= max and the
	 * last >= min (matters when scores differ: lex order is then not the
	 * listpack order). */
	unsigned char *head = lp_first(lp), *tail = lp_last(lp);
	if (!head || !tail)
		return;
	c->p = head;
	m = zc_get(c, &l, NULL);
	if (!zsl_lex_lte_max(m, l, r)) {
		c->p = NULL;
		return;
	}
	c->p = lp_prev(lp, tail);
	m = zc_get(c, &l, NULL);
	if (!zsl_lex_gte_min(m, l, r)) {
		c->p = NULL;
		return;
	}
	if (!rev) {
		for (c->p = lp_first(lp); c->p; zc_next(c)) {
			m = zc_get(c, &l, NULL);
			if (zsl_lex_gte_min(m, l, r)) {
				if (!zsl_lex_lte_max(m, l, r))
					c->p = NULL;
				return;
			}
		}
	} else {
		unsigned char *last = lp_last(lp);
		for (c->p = last ? lp_prev(lp, last) : NULL; c->p; zc_prev(c)) {
			m = zc_get(c, &l, NULL);
			if (zsl_lex_lte_max(m, l, r)) {
				if (!zsl_lex_gte_min(m, l, r))
					c->p = NULL;
				return;
			}
		}
	}
}

/* 0-based rank of member, or -1. */
static long zv_rank(const struct zval *z, const char *s, size_t len)
{
	if (z->enc == ENC_LISTPACK) {
		long r = 0;
		unsigned char *lp = z->p;
		for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p)), r++)
			if (lp_compare(p, (const unsigned char *)s, (uint32_t)len))
				return r;
		return -1;
	}
	struct zs *zs = z->p;
	struct zsl_node *n = zs_find(zs, s, len);
	if (!n)
		return -1;
	return (long)zsl_get_rank(zs->zsl, n->score, s, len) - 1;
}

/* ---- kv glue -------------------------------------------------------------- */

static void zv_load(const struct kv *kv, struct zval *z)
{
	z->enc = kv_enc(kv);
	z->p = kv_ptr(kv);
}

static void zv_save(struct kv *kv, const struct zval *z)
{
	kv_set_ptr(kv, z->p);
	kv->te = (uint8_t)(OBJ_ZSET | (z->enc << 4));
}

static struct kv *zv_kv_create(const struct resp_arg *key, const struct zval *z)
{
	return kv_create_ptr(key->ptr, key->len, OBJ_ZSET, z->enc, z->p, -1);
}

static void zset_ops_free(void *p, int enc)
{
	struct zval z = {enc, p};
	zv_free(&z);
}

static void *zset_ops_dup(const void *p, int enc)
{
	if (enc == ENC_LISTPACK)
		return pmemdup(p, lp_bytes(p));
	const struct zs *src = p;
	struct zs *z = zs_create();
	dict_expand(z->d, src->zsl->length);
	for (struct zsl_node *n = src->zsl->header->level[0].forward; n; n = n->level[0].forward)
		zs_insert(z, zsl_node_ele(n), n->len, n->score);
	return z;
}

static size_t zset_ops_mem(const void *p, int enc)
{
	if (enc == ENC_LISTPACK)
		return lp_bytes(p);
	const struct zs *z = p;
	return sizeof(*z) + dict_buckets(z->d) * sizeof(void *) +
	       z->zsl->length * (sizeof(struct dict_entry) + sizeof(struct zsl_node) + 32);
}

static const struct kv_type_ops zset_ops = {
	.free = zset_ops_free,
	.dup = zset_ops_dup,
	.mem = zset_ops_mem,
};

__attribute__((constructor)) static void zset_register(void)
{
	kv_register_type(OBJ_ZSET, &zset_ops);
}

/* 0 found, 1 missing, -1 wrong type (replied). */
static int zlookup_read(struct cmd_ctx *c, const struct resp_arg *key, struct zval *z)
{
	struct kv *kv = db_read(c, key);
	if (!kv)
		return 1;
	if (db_check_type(c, kv, OBJ_ZSET))
		return -1;
	zv_load(kv, z);
	return 0;
}

/* After a write: save the value back or delete the key if it became empty;
 * then the keyspace events: `event`, and "del" if the key went away. */
static void zv_commit(struct cmd_ctx *c, const struct resp_arg *key, struct kv *kv, struct kv **ref,
		      const struct zval *z, const char *event)
{
	zv_save(kv, z);
	int gone = zv_len(z) == 0;
	if (gone)
		db_unlink(c, ref);
	db_modified(c, key->ptr, key->len);
	notify_arg(c, NOTIFY_ZSET, event, key);
	if (gone)
		notify_arg(c, NOTIFY_GENERIC, "del", key);
}

/* Store-command result: events for dst ("del" when deleted; "new" + event). */
static void zstore_notify(struct cmd_ctx *c, const struct resp_arg *dst, int deleted, int created,
			  const char *event)
{
	if (deleted)
		notify_arg(c, NOTIFY_GENERIC, "del", dst);
	if (created)
		notify_arg(c, NOTIFY_NEW, "new", dst);
	if (event)
		notify_arg(c, NOTIFY_ZSET, event, dst);
}

/* Member + score as RESP3 pair / RESP2 two bulks (scores: bulk in RESP2). */
static void reply_scored(struct cmd_ctx *c, const char *s, size_t len, double score, int withscores)
{
	if (withscores && c->resp == 3)
		reply_array(c->out, 2);
	reply_bulk(c->out, s, len);
	if (withscores)
		reply_double(c->out, score);
}

/* Length header for n results, each a member or a member+score. */
static void reply_scored_len(struct cmd_ctx *c, long n, int withscores)
{
	reply_array(c->out, withscores && c->resp == 2 ? 2 * n : n);
}

/* ---- ZADD / ZINCRBY / ZREM ------------------------------------------------ */

static void zadd_generic(struct cmd_ctx *c, int flags)
{
	int i = 2;
	for (; i < c->argc; i++) {
		if (ARGIS(c, i, "nx"))
			flags |= ZA_NX;
		else if (ARGIS(c, i, "xx"))
			flags |= ZA_XX;
		else if (ARGIS(c, i, "gt"))
			flags |= ZA_GT;
		else if (ARGIS(c, i, "lt"))
			flags |= ZA_LT;
		else if (ARGIS(c, i, "ch"))
			flags |= ZA_CH;
		else if (ARGIS(c, i, "incr"))
			flags |= ZA_INCR;
		else
			break;
	}
	int nel = c->argc - i;
	if (nel == 0 || nel % 2) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	nel /= 2;
	if ((flags & ZA_NX) && (flags & ZA_XX)) {
		reply_error(c->out, "ERR XX and NX options at the same time are not compatible");
		return;
	}
	if (((flags & ZA_GT) && (flags & (ZA_NX | ZA_LT))) || ((flags & ZA_LT) && (flags & ZA_NX))) {
		reply_error(c->out, "ERR GT, LT, and/or NX options at the same time are not compatible");
		return;
	}
	if ((flags & ZA_INCR) && nel > 1) {
		reply_error(c->out, "ERR INCR option supports a single increment-element pair");
		return;
	}
	double stack_scores[16];
	double *scores = nel <= 16 ? stack_scores : pmalloc(sizeof(double) * (size_t)nel);
	for (int j = 0; j < nel; j++) {
		if (arg_double(&c->argv[i + 2 * j], &scores[j])) {
			reply_error(c->out, ERR_NOT_FLOAT);
			goto out;
		}
	}
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	struct zval z;
	if (kv) {
		if (db_check_type(c, kv, OBJ_ZSET))
			goto out;
		zv_load(kv, &z);
	} else {
		if (flags & ZA_XX) {
			if (flags & ZA_INCR)
				reply_null(c->out);
			else
				reply_int(c->out, 0);
			goto out;
		}
		zv_init(&z, 0, c->argv[i + 1].len);
	}
	long long added = 0, updated = 0;
	double newscore = 0;
	int last = ZR_NOP;
	for (int j = 0; j < nel; j++) {
		const struct resp_arg *m = &c->argv[i + 2 * j + 1];
		last = zv_add(&z, scores[j], m->ptr, m->len, flags, &newscore);
		if (last == ZR_NAN)
			break;
		added += last == ZR_ADDED;
		updated += last == ZR_UPDATED;
	}
	if (kv)
		zv_save(kv, &z);
	else if (zv_len(&z))
		db_insert(c, zv_kv_create(&c->argv[1], &z));
	else
		zv_free(&z);
	if (!kv && zv_len(&z))
		notify_arg(c, NOTIFY_NEW, "new", &c->argv[1]);
	if (added + updated) {
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_ZSET, (flags & ZA_INCR) ? "zincr" : "zadd", &c->argv[1]);
	}
	if (last == ZR_NAN)
		reply_error(c->out, "ERR resulting score is not a number (NaN)");
	else if (flags & ZA_INCR) {
		if (last == ZR_NOP)
			reply_null(c->out);
		else
			reply_double(c->out, newscore);
	} else {
		reply_int(c->out, (flags & ZA_CH) ? added + updated : added);
	}
out:
	if (scores != stack_scores)
		pfree(scores);
}

void cmd_zadd(struct cmd_ctx *c) { zadd_generic(c, 0); }

void cmd_zincrby(struct cmd_ctx *c)
{
	/* ZINCRBY key incr member == ZADD key INCR incr member */
	zadd_generic(c, ZA_INCR);
}

void cmd_zrem(struct cmd_ctx *c)
{
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_ZSET))
		return;
	struct zval z;
	long long n = 0;
	zv_load(kv, &z);
	for (int i = 2; i < c->argc && zv_len(&z); i++)
		n += zv_delete(&z, c->argv[i].ptr, c->argv[i].len);
	zv_save(kv, &z);
	if (n)
		zv_commit(c, &c->argv[1], kv, ref, &z, "zrem");
	reply_int(c->out, n);
}

/* ---- simple reads ----------------------------------------------------------- */

void cmd_zcard(struct cmd_ctx *c)
{
	struct zval z;
	int r = zlookup_read(c, &c->argv[1], &z);
	if (r >= 0)
		reply_int(c->out, r ? 0 : (long long)zv_len(&z));
}

void cmd_zscore(struct cmd_ctx *c)
{
	struct zval z;
	double s;
	int r = zlookup_read(c, &c->argv[1], &z);
	if (r < 0)
		return;
	if (r == 0 && zv_score(&z, c->argv[2].ptr, c->argv[2].len, &s))
		reply_double(c->out, s);
	else
		reply_null(c->out);
}

void cmd_zmscore(struct cmd_ctx *c)
{
	struct zval z;
	double s;
	int r = zlookup_read(c, &c->argv[1], &z);
	if (r < 0)
		return;
	reply_array(c->out, c->argc - 2);
	for (int i = 2; i < c->argc; i++) {
		if (r == 0 && zv_score(&z, c->argv[i].ptr, c->argv[i].len, &s))
			reply_double(c->out, s);
		else
			reply_null(c->out);
	}
}

static void zrank_generic(struct cmd_ctx *c, int rev)
{
	struct zval z;
	int r = zlookup_read(c, &c->argv[1], &z);
	if (r < 0)
		return;
	long rank = r ? -1 : zv_rank(&z, c->argv[2].ptr, c->argv[2].len);
	if (rank < 0)
		reply_null(c->out);
	else
		reply_int(c->out, rev ? (long long)zv_len(&z) - 1 - rank : rank);
}

void cmd_zrank(struct cmd_ctx *c) { zrank_generic(c, 0); }
void cmd_zrevrank(struct cmd_ctx *c) { zrank_generic(c, 1); }

/* "(1.5", "-inf", "+inf", "3": strtod over the whole argument, as Redis's
 * zslParseRange (so "" and "(" parse as 0). 0 ok, -1 bad. */
static int parse_score_bound(const struct resp_arg *a, double *v, int *ex)
{
	char buf[512];
	const char *p = a->ptr;
	size_t n = a->len;
	*ex = 0;
	if (n && p[0] == '(') {
		*ex = 1;
		p++;
		n--;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = 0;
	char *end;
	*v = strtod(buf, &end);
	if (*end || isnan(*v))
		return -1;
	return 0;
}

static int parse_score_range(const struct resp_arg *min, const struct resp_arg *max,
			     struct zsl_range *r)
{
	if (parse_score_bound(min, &r->min, &r->minex) || parse_score_bound(max, &r->max, &r->maxex))
		return -1;
	return 0;
}

static int parse_lex_range(const struct resp_arg *min, const struct resp_arg *max,
			   struct zsl_lex_range *r)
{
	if (zsl_parse_lex_bound(min->ptr, min->len, &r->min) ||
	    zsl_parse_lex_bound(max->ptr, max->len, &r->max))
		return -1;
	return 0;
}

static const char *const ERR_MINMAX_FLOAT = "ERR min or max is not a float";
static const char *const ERR_MINMAX_LEX = "ERR min or max not valid string range item";

static int lex_range_empty(const struct zsl_lex_range *r)
{
	if (r->min.kind == ZSL_LEX_POS_INF || r->max.kind == ZSL_LEX_NEG_INF)
		return 1;
	if (r->min.kind == ZSL_LEX_NEG_INF || r->max.kind == ZSL_LEX_POS_INF)
		return 0;
	int cmp = mem_cmp(r->min.s, r->min.len, r->max.s, r->max.len);
	return cmp > 0 || (cmp == 0 && (r->min.kind == ZSL_LEX_EXCL || r->max.kind == ZSL_LEX_EXCL));
}

void cmd_zcount(struct cmd_ctx *c)
{
	struct zsl_range r;
	if (parse_score_range(&c->argv[2], &c->argv[3], &r)) {
		reply_error(c->out, ERR_MINMAX_FLOAT);
		return;
	}
	struct zval z;
	int rc = zlookup_read(c, &c->argv[1], &z);
	if (rc < 0)
		return;
	long long n = 0;
	if (rc == 0) {
		struct zcur cur;
		zc_score_start(&cur, &z, &r, 0);
		if (z.enc == ENC_SKIPLIST && cur.n) {
			struct zs *zs = z.p;
			struct zsl_node *last = zsl_last_in_range(zs->zsl, &r);
			n = (long long)(zsl_get_rank(zs->zsl, last->score, zsl_node_ele(last), last->len) -
					zsl_get_rank(zs->zsl, cur.n->score, zsl_node_ele(cur.n), cur.n->len)) + 1;
		} else {
			for (; zc_valid(&cur) && zsl_value_lte_max(zc_score(&cur), &r); zc_next(&cur))
				n++;
		}
	}
	reply_int(c->out, n);
}

void cmd_zlexcount(struct cmd_ctx *c)
{
	struct zsl_lex_range r;
	if (parse_lex_range(&c->argv[2], &c->argv[3], &r)) {
		reply_error(c->out, ERR_MINMAX_LEX);
		return;
	}
	struct zval z;
	int rc = zlookup_read(c, &c->argv[1], &z);
	if (rc < 0)
		return;
	long long n = 0;
	if (rc == 0 && !lex_range_empty(&r)) {
		struct zcur cur;
		size_t l;
		zc_lex_start(&cur, &z, &r, 0);
		for (; zc_valid(&cur); zc_next(&cur)) {
			const char *m = zc_get(&cur, &l, NULL);
			if (!zsl_lex_lte_max(m, l, &r))
				break;
			n++;
		}
	}
	reply_int(c->out, n);
}

/* ---- ZRANGE family ------------------------------------------------------------ */

/* Where range results go: the client, or a new zset (ZRANGESTORE). */
struct zsink {
	struct cmd_ctx *c;
	int withscores;
	int store;
	struct zval res;
	size_t pos;
	long n;
};

static void sink_begin(struct zsink *k)
{
	k->n = 0;
	if (k->store) {
		k->res.enc = ENC_SKIPLIST;
		k->res.p = zs_create();
	} else {
		k->pos = reply_defer(k->c->out);
	}
}

static void sink_emit(struct zsink *k, const char *s, size_t len, double score)
{
	k->n++;
	if (k->store)
		zs_insert(k->res.p, s, len, score);
	else
		reply_scored(k->c, s, len, score, k->withscores);
}

static void sink_end(struct zsink *k, const struct resp_arg *dst, const char *event)
{
	struct cmd_ctx *c = k->c;
	if (!k->store) {
		reply_set_deferred(c->out, k->pos, '*', k->withscores && c->resp == 2 ? 2 * k->n : k->n);
		return;
	}
	if (k->n == 0) {
		zv_free(&k->res);
		if (db_delete(c, dst->ptr, dst->len)) {
			db_modified(c, dst->ptr, dst->len);
			zstore_notify(c, dst, 1, 0, NULL);
		}
	} else {
		zv_shrink_if_fits(&k->res);
		int created = notify_wants(NOTIFY_NEW) && !db_find(c, dst->ptr, dst->len, NULL);
		db_set(c, zv_kv_create(dst, &k->res));
		db_modified(c, dst->ptr, dst->len);
		zstore_notify(c, dst, 0, created, event);
	}
	reply_int(c->out, k->n);
}

enum { RT_AUTO, RT_RANK, RT_SCORE, RT_LEX };

/* ZRANGE, ZRANGESTORE and the legacy forms. argk: index of the source key;
 * dst: ZRANGESTORE's destination or NULL. */
static void zrange_generic(struct cmd_ctx *c, int argk, const struct resp_arg *dst, int type, int rev)
{
	int minidx = argk + 1, maxidx = argk + 2;
	int withscores = 0, dir_auto = rev < 0;
	long long offset = 0, limit = -1;
	int has_limit = 0;
	if (rev < 0)
		rev = 0;
	for (int j = argk + 3; j < c->argc; j++) {
		int left = c->argc - j - 1;
		if (!dst && ARGIS(c, j, "withscores")) {
			withscores = 1;
		} else if (ARGIS(c, j, "limit") && left >= 2) {
			if (arg_ll_or_reply(c, &c->argv[j + 1], &offset) ||
			    arg_ll_or_reply(c, &c->argv[j + 2], &limit))
				return;
			has_limit = 1;
			j += 2;
		} else if (dir_auto && ARGIS(c, j, "rev")) {
			rev = 1;
			dir_auto = 0;
		} else if (type == RT_AUTO && ARGIS(c, j, "bylex")) {
			type = RT_LEX;
		} else if (type == RT_AUTO && ARGIS(c, j, "byscore")) {
			type = RT_SCORE;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	if (type == RT_AUTO)
		type = RT_RANK;
	if (has_limit && limit != -1 && type == RT_RANK) {
		reply_error(c->out, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
		return;
	}
	if (withscores && type == RT_LEX) {
		reply_error(c->out, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
		return;
	}
	if (rev && type != RT_RANK) {
		int t = minidx;
		minidx = maxidx;
		maxidx = t;
	}
	long long start = 0, end = 0;
	struct zsl_range sr;
	struct zsl_lex_range lr;
	if (type == RT_RANK) {
		if (arg_ll_or_reply(c, &c->argv[minidx], &start) || arg_ll_or_reply(c, &c->argv[maxidx], &end))
			return;
	} else if (type == RT_SCORE) {
		if (parse_score_range(&c->argv[minidx], &c->argv[maxidx], &sr)) {
			reply_error(c->out, ERR_MINMAX_FLOAT);
			return;
		}
	} else if (parse_lex_range(&c->argv[minidx], &c->argv[maxidx], &lr)) {
		reply_error(c->out, ERR_MINMAX_LEX);
		return;
	}
	struct zsink k = {.c = c, .withscores = withscores, .store = dst != NULL};
	struct zval z;
	int rc = zlookup_read(c, &c->argv[argk], &z);
	if (rc < 0)
		return;
	if (rc > 0) {
		if (dst) {
			sink_begin(&k);
			sink_end(&k, dst, "zrangestore");
		} else {
			reply_array(c->out, 0);
		}
		return;
	}
	struct zcur cur;
	size_t l;
	double score;
	const char *m;
	sink_begin(&k);
	if (type == RT_RANK) {
		long long llen = (long long)zv_len(&z);
		if (start < 0)
			start += llen;
		if (end < 0)
			end += llen;
		if (start < 0)
			start = 0;
		if (start <= end && start < llen) {
			if (end >= llen)
				end = llen - 1;
			zc_at_rank(&cur, &z, (unsigned long)(rev ? llen - 1 - start : start));
			for (long long n = end - start + 1; n > 0 && zc_valid(&cur); n--, zc_step(&cur, rev)) {
				m = zc_get(&cur, &l, &score);
				sink_emit(&k, m, l, score);
			}
		}
	} else if (offset >= 0) {
		if (type == RT_SCORE)
			zc_score_start(&cur, &z, &sr, rev);
		else if (lex_range_empty(&lr))
			cur = (struct zcur){.z = &z};
		else
			zc_lex_start(&cur, &z, &lr, rev);
		for (; zc_valid(&cur) && offset > 0; offset--)
			zc_step(&cur, rev);
		for (; zc_valid(&cur) && limit != 0; zc_step(&cur, rev)) {
			m = zc_get(&cur, &l, &score);
			if (type == RT_SCORE) {
				if (rev ? !zsl_value_gte_min(score, &sr) : !zsl_value_lte_max(score, &sr))
					break;
			} else if (rev ? !zsl_lex_gte_min(m, l, &lr) : !zsl_lex_lte_max(m, l, &lr)) {
				break;
			}
			sink_emit(&k, m, l, score);
			if (limit > 0)
				limit--;
		}
	}
	sink_end(&k, dst, "zrangestore");
}

void cmd_zrange(struct cmd_ctx *c) { zrange_generic(c, 1, NULL, RT_AUTO, -1); }
void cmd_zrangestore(struct cmd_ctx *c) { zrange_generic(c, 2, &c->argv[1], RT_AUTO, -1); }
void cmd_zrevrange(struct cmd_ctx *c) { zrange_generic(c, 1, NULL, RT_RANK, 1); }
void cmd_zrangebyscore(struct cmd_ctx *c) { zrange_generic(c, 1, NULL, RT_SCORE, 0); }
void cmd_zrevrangebyscore(struct cmd_ctx *c) { zrange_generic(c, 1, NULL, RT_SCORE, 1); }
void cmd_zrangebylex(struct cmd_ctx *c) { zrange_generic(c, 1, NULL, RT_LEX, 0); }
void cmd_zrevrangebylex(struct cmd_ctx *c) { zrange_generic(c, 1, NULL, RT_LEX, 1); }

/* ---- ZREMRANGEBY* -------------------------------------------------------------- */

static void zremrange_generic(struct cmd_ctx *c, int type)
{
	long long start = 0, end = 0;
	struct zsl_range sr;
	struct zsl_lex_range lr;
	if (type == RT_RANK) {
		if (arg_ll_or_reply(c, &c->argv[2], &start) || arg_ll_or_reply(c, &c->argv[3], &end))
			return;
	} else if (type == RT_SCORE) {
		if (parse_score_range(&c->argv[2], &c->argv[3], &sr)) {
			reply_error(c->out, ERR_MINMAX_FLOAT);
			return;
		}
	} else if (parse_lex_range(&c->argv[2], &c->argv[3], &lr)) {
		reply_error(c->out, ERR_MINMAX_LEX);
		return;
	}
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_ZSET))
		return;
	struct zval z;
	zv_load(kv, &z);
	long long llen = (long long)zv_len(&z);
	unsigned long removed = 0;
	if (type == RT_RANK) {
		if (start < 0)
			start += llen;
		if (end < 0)
			end += llen;
		if (start < 0)
			start = 0;
		if (start > end || start >= llen) {
			reply_int(c->out, 0);
			return;
		}
		if (end >= llen)
			end = llen - 1;
		if (z.enc == ENC_LISTPACK) {
			z.p = lp_delete_range(z.p, (long)(2 * start), (unsigned long)(2 * (end - start + 1)));
			removed = (unsigned long)(end - start + 1);
		} else {
			struct zs *zs = z.p;
			removed = zsl_delete_range_by_rank(zs->zsl, (unsigned long)start + 1,
							   (unsigned long)end + 1, zs_unindex, zs);
		}
	} else if (z.enc == ENC_SKIPLIST) {
		struct zs *zs = z.p;
		if (type == RT_SCORE)
			removed = zsl_delete_range_by_score(zs->zsl, &sr, zs_unindex, zs);
		else
			removed = zsl_delete_range_by_lex(zs->zsl, &lr, zs_unindex, zs);
	} else {
		/* listpack: find the first index in range, count the run, delete it */
		struct zcur cur;
		size_t l;
		if (type == RT_SCORE)
			zc_score_start(&cur, &z, &sr, 0);
		else if (lex_range_empty(&lr))
			cur = (struct zcur){.z = &z};
		else
			zc_lex_start(&cur, &z, &lr, 0);
		if (zc_valid(&cur)) {
			unsigned char *first = cur.p;
			for (; zc_valid(&cur); zc_next(&cur)) {
				const char *m = zc_get(&cur, &l, NULL);
				if (type == RT_SCORE ? !zsl_value_lte_max(zc_score(&cur), &sr)
						     : !zsl_lex_lte_max(m, l, &lr))
					break;
				removed++;
			}
			if (removed)
				z.p = lp_delete_range_with_entry(z.p, &first, 2 * removed);
		}
	}
	if (z.enc == ENC_SKIPLIST && dict_needs_shrink(((struct zs *)z.p)->d))
		dict_shrink_to_fit(((struct zs *)z.p)->d);
	zv_save(kv, &z);
	if (removed)
		zv_commit(c, &c->argv[1], kv, ref, &z,
			  type == RT_RANK ? "zremrangebyrank" : type == RT_SCORE ? "zremrangebyscore"
										: "zremrangebylex");
	reply_int(c->out, (long long)removed);
}

void cmd_zremrangebyrank(struct cmd_ctx *c) { zremrange_generic(c, RT_RANK); }
void cmd_zremrangebyscore(struct cmd_ctx *c) { zremrange_generic(c, RT_SCORE); }
void cmd_zremrangebylex(struct cmd_ctx *c) { zremrange_generic(c, RT_LEX); }

/* ---- ZPOPMIN / ZPOPMAX / ZMPOP -------------------------------------------------- */

/* Pop up to count members from kv's zset at key; reply in the given shape:
 * flat: RESP2 flat member,score list (ZPOP* with count) / RESP3 pairs;
 * single: ZPOP* without count, one flat [member, score];
 * nested: ZMPOP, [key, [[member, score]...]]. */
enum { POP_FLAT, POP_SINGLE, POP_NESTED };

static void zpop_do(struct cmd_ctx *c, const struct resp_arg *key, struct kv *kv, struct kv **ref,
		    int max, long long count, int shape)
{
	struct zval z;
	zv_load(kv, &z);
	unsigned long llen = zv_len(&z);
	unsigned long n = (unsigned long long)count > llen ? llen : (unsigned long)count;
	if (shape == POP_NESTED) {
		reply_array(c->out, 2);
		reply_bulk(c->out, key->ptr, key->len);
		reply_array(c->out, (long)n);
	} else if (shape == POP_SINGLE) {
		reply_array(c->out, 2);
	} else {
		reply_scored_len(c, (long)n, 1);
	}
	struct zcur cur;
	zc_at_rank(&cur, &z, max ? llen - 1 : 0);
	for (unsigned long i = 0; i < n; i++, zc_step(&cur, max)) {
		size_t l;
		double score;
		const char *m = zc_get(&cur, &l, &score);
		if (shape == POP_NESTED) {
			reply_array(c->out, 2);
			reply_bulk(c->out, m, l);
			reply_double(c->out, score);
		} else if (shape == POP_SINGLE) {
			reply_bulk(c->out, m, l);
			reply_double(c->out, score);
		} else {
			reply_scored(c, m, l, score, 1);
		}
	}
	unsigned long from = max ? llen - n : 0;   /* 0-based first rank removed */
	if (z.enc == ENC_LISTPACK) {
		z.p = lp_delete_range(z.p, (long)(2 * from), 2 * n);
	} else {
		struct zs *zs = z.p;
		zsl_delete_range_by_rank(zs->zsl, from + 1, from + n, zs_unindex, zs);
	}
	zv_commit(c, key, kv, ref, &z, max ? "zpopmax" : "zpopmin");
}

static void zpop_generic(struct cmd_ctx *c, int max)
{
	long long count = 1;
	if (c->argc > 3) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (c->argc == 3 && (arg_ll(&c->argv[2], &count) || count < 0)) {
		reply_error(c->out, "ERR value is out of range, must be positive");
		return;
	}
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		reply_array(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_ZSET))
		return;
	if (count == 0) {
		reply_array(c->out, 0);
		return;
	}
	zpop_do(c, &c->argv[1], kv, ref, max, count, c->argc == 3 ? POP_FLAT : POP_SINGLE);
}

void cmd_zpopmin(struct cmd_ctx *c) { zpop_generic(c, 0); }
void cmd_zpopmax(struct cmd_ctx *c) { zpop_generic(c, 1); }

void cmd_zmpop(struct cmd_ctx *c)
{
	long long numkeys, count = 1;
	if (arg_ll(&c->argv[1], &numkeys) || numkeys <= 0 || numkeys > INT_MAX) {
		reply_error(c->out, "ERR numkeys should be greater than 0");
		return;
	}
	int wi = 2 + (int)numkeys;
	if (wi >= c->argc) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	int max;
	if (ARGIS(c, wi, "min"))
		max = 0;
	else if (ARGIS(c, wi, "max"))
		max = 1;
	else {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	/* One COUNT, its value checked as soon as it is read (before any
	 * syntax error further on). */
	int have_count = 0;
	for (int j = wi + 1; j < c->argc; j++) {
		if (!have_count && ARGIS(c, j, "count") && j + 1 < c->argc) {
			if (arg_ll(&c->argv[++j], &count) || count <= 0) {
				reply_error(c->out, "ERR count should be greater than 0");
				return;
			}
			have_count = 1;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	for (int i = 2; i < wi; i++) {
		struct kv **ref;
		struct kv *kv = db_write(c, &c->argv[i], &ref);
		if (!kv)
			continue;
		if (db_check_type(c, kv, OBJ_ZSET))
			return;
		zpop_do(c, &c->argv[i], kv, ref, max, count, POP_NESTED);
		return;
	}
	reply_null_array(c->out);
}

/* ---- ZRANDMEMBER ------------------------------------------------------------------ */

/* Distinct random ranks: an open-addressing set of unsigned longs. */
static int rankset_add(unsigned long *tab, size_t cap, unsigned long v)
{
	size_t h = (size_t)(v * 0x9e3779b97f4a7c15ull) & (cap - 1);
	while (tab[h] != ULONG_MAX) {
		if (tab[h] == v)
			return 0;
		h = (h + 1) & (cap - 1);
	}
	tab[h] = v;
	return 1;
}

void cmd_zrandmember(struct cmd_ctx *c)
{
	long long l = 0;
	int withscores = 0;
	/* Redis's order: the count, then the syntax, then the WITHSCORES
	 * range, and only then the key. */
	if (c->argc >= 3) {
		if (arg_ll_or_reply(c, &c->argv[2], &l))
			return;
		if (l == LLONG_MIN) {
			reply_error(c->out, "ERR value is out of range, value must between "
				    "-9223372036854775807 and 9223372036854775807");
			return;
		}
		if (c->argc > 4 || (c->argc == 4 && !ARGIS(c, 3, "withscores"))) {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
		withscores = c->argc == 4;
		if (withscores && (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2)) {
			reply_error(c->out, "ERR value is out of range");
			return;
		}
	}
	struct zval z;
	int rc = zlookup_read(c, &c->argv[1], &z);
	if (rc < 0)
		return;
	struct zcur cur;
	size_t len;
	double score;
	const char *m;
	if (c->argc == 2) {
		if (rc) {
			reply_null(c->out);
			return;
		}
		zc_at_rank(&cur, &z, tset_rand() % zv_len(&z));
		m = zc_get(&cur, &len, NULL);
		reply_bulk(c->out, m, len);
		return;
	}
	if (rc || l == 0) {
		reply_array(c->out, 0);
		return;
	}
	unsigned long size = zv_len(&z);
	if (l < 0) {
		reply_scored_len(c, (long)-l, withscores);
		for (long long i = 0; i < -l; i++) {
			zc_at_rank(&cur, &z, tset_rand() % size);
			m = zc_get(&cur, &len, &score);
			reply_scored(c, m, len, score, withscores);
		}
		return;
	}
	if ((unsigned long long)l >= size) {
		reply_scored_len(c, (long)size, withscores);
		zc_at_rank(&cur, &z, 0);
		for (; zc_valid(&cur); zc_next(&cur)) {
			m = zc_get(&cur, &len, &score);
			reply_scored(c, m, len, score, withscores);
		}
		return;
	}
	/* l distinct random ranks */
	size_t cap = 16;
	while (cap < (size_t)l * 2)
		cap <<= 1;
	unsigned long *tab = pmalloc(cap * sizeof(*tab));
	memset(tab, 0xff, cap * sizeof(*tab));
	reply_scored_len(c, (long)l, withscores);
	for (long long got = 0; got < l; ) {
		unsigned long r = tset_rand() % size;
		if (!rankset_add(tab, cap, r))
			continue;
		got++;
		zc_at_rank(&cur, &z, r);
		m = zc_get(&cur, &len, &score);
		reply_scored(c, m, len, score, withscores);
	}
	pfree(tab);
}

/* ---- ZUNION / ZINTER / ZDIFF and their STORE / CARD forms ------------------------ */

enum { ZOP_UNION, ZOP_INTER, ZOP_DIFF };
enum { AGG_SUM, AGG_MIN, AGG_MAX };

struct zin {
	const struct kv *kv;    /* NULL: missing key */
	int is_set;
	struct zval z;
	double weight;
	unsigned long len;
};

static int zin_cmp(const void *a, const void *b)
{
	const struct zin *x = a, *y = b;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int zin_score(const struct zin *in, const char *s, size_t len, double *score)
{
	if (!in->kv)
		return 0;
	if (in->is_set) {
		*score = 1.0;
		return tset_has(in->kv, s, len);
	}
	return zv_score(&in->z, s, len, score);
}

static double agg(int how, double a, double b)
{
	if (how == AGG_SUM) {
		double r = a + b;
		return isnan(r) ? 0.0 : r;
	}
	if (how == AGG_MIN)
		return b < a ? b : a;
	return b > a ? b : a;
}

/* Accumulator member -> score: a dict whose keys are struct dict_lstr copies. */

static const struct dict_type acc_dict_type = {
	.hash = dict_lstr_hash, .key_compare = dict_lstr_eq, .key_destructor = pfree,
};

struct acc {
	struct dict *d;
	struct dict_lstr *tmp;
	size_t tmpcap;
	int how;
	double weight;
};

static const struct dict_lstr *acc_tmp(struct acc *a, const char *s, size_t len)
{
	if (sizeof(*a->tmp) + len > a->tmpcap) {
		a->tmpcap = sizeof(*a->tmp) + len + 64;
		pfree(a->tmp);
		a->tmp = pmalloc(a->tmpcap);
	}
	a->tmp->len = (uint32_t)len;
	memcpy(a->tmp->data, s, len);
	return a->tmp;
}

static void acc_add(struct acc *a, const char *s, size_t len, double score)
{
	double v = score * a->weight;
	if (isnan(v))
		v = 0;
	/* One probe: insert the scratch key, then swap in a copy. */
	struct dict_entry *existing;
	struct dict_entry *de = dict_add_raw(a->d, (void *)acc_tmp(a, s, len), &existing);
	if (!de) {
		existing->v.d = agg(a->how, existing->v.d, v);
		return;
	}
	struct dict_lstr *k = pmalloc(sizeof(*k) + len);
	k->len = (uint32_t)len;
	memcpy(k->data, s, len);
	de->key = k;
	de->v.d = v;
}

static void acc_add_set_member(void *ud, const char *s, size_t len)
{
	acc_add(ud, s, len, 1.0);
}

/* Walk the first (smallest) input; fn sees members + score of the result.
 * Returns how many members qualified (stopping at limit > 0). */
static unsigned long zop_walk(struct zin *in, int n, int op, int how, unsigned long limit,
			      void (*fn)(void *ud, const char *s, size_t len, double score), void *ud)
{
	unsigned long found = 0;
	if (!in[0].kv)
		return 0;
	/* Gather the first input's members (sets give score 1). */
	struct zval tmp = {0, NULL};
	const struct zval *src = &in[0].z;
	if (in[0].is_set) {
		/* materialize a set as a skiplist zset with score 1 */
		struct acc a = {dict_create(&acc_dict_type), NULL, 0, AGG_SUM, 1.0};
		tset_foreach(in[0].kv, acc_add_set_member, &a);
		tmp.enc = ENC_SKIPLIST;
		tmp.p = zs_create();
		struct dict_iter it;
		struct dict_entry *de;
		dict_iter_init(&it, a.d, 0);
		while ((de = dict_iter_next(&it))) {
			const struct dict_lstr *k = de->key;
			zs_insert(tmp.p, k->data, k->len, 1.0);
		}
		dict_iter_deinit(&it);
		dict_destroy(&a.d);
		pfree(a.tmp);
		src = &tmp;
	}
	struct zcur cur;
	size_t l;
	double s0, sj;
	const char *m;
	if (zv_len(src)) {
		for (zc_at_rank(&cur, src, 0); zc_valid(&cur); zc_next(&cur)) {
			m = zc_get(&cur, &l, &s0);
			double v = s0 * in[0].weight;
			if (isnan(v))
				v = 0;
			int j, keep = 1;
			for (j = 1; j < n; j++) {
				int has = zin_score(&in[j], m, l, &sj);
				if (op == ZOP_INTER) {
					if (!has) {
						keep = 0;
						break;
					}
					/* Unlike the first input's score, a NaN product here
					 * (inf * 0) goes to the aggregate as is: SUM turns the
					 * NaN sum into 0, MIN/MAX keep the current score. */
					v = agg(how, v, sj * in[j].weight);
				} else if (has) {
					keep = 0;
					break;
				}
			}
			if (!keep)
				continue;
			found++;
			if (fn)
				fn(ud, m, l, op == ZOP_DIFF ? s0 : v);
			if (limit && found >= limit)
				break;
		}
	}
	if (tmp.p)
		zv_free(&tmp);
	return found;
}

static void res_insert(void *ud, const char *s, size_t len, double score)
{
	zs_insert(ud, s, len, score);
}

/* numkeys at argv[nk]; dst NULL for ZUNION/ZINTER/ZDIFF. */
static void zop_generic(struct cmd_ctx *c, int nk, const struct resp_arg *dst, int op)
{
	long long numkeys;
	const char *name = c->def->name;
	if (arg_ll_or_reply(c, &c->argv[nk], &numkeys))
		return;
	if (numkeys < 1) {
		reply_errorf(c->out, "ERR at least 1 input key is needed for '%s' command", name);
		return;
	}
	if (numkeys > c->argc - nk - 1) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	int n = (int)numkeys;
	struct zin *in = pcalloc((size_t)n, sizeof(*in));
	int how = AGG_SUM, withscores = 0;
	for (int i = 0; i < n; i++)
		in[i].weight = 1.0;
	for (int i = 0; i < n; i++) {
		const struct resp_arg *key = &c->argv[nk + 1 + i];
		struct kv *kv = dst ? db_write(c, key, NULL) : db_read(c, key);
		if (!kv)
			continue;
		if (kv_type(kv) == OBJ_SET) {
			in[i].is_set = 1;
			in[i].len = tset_size(kv);
		} else if (kv_type(kv) == OBJ_ZSET) {
			zv_load(kv, &in[i].z);
			in[i].len = zv_len(&in[i].z);
		} else {
			reply_error(c->out, ERR_WRONGTYPE);
			goto out;
		}
		in[i].kv = kv;
	}
	for (int j = nk + 1 + n; j < c->argc; j++) {
		int left = c->argc - j - 1;
		if (op != ZOP_DIFF && ARGIS(c, j, "weights") && left >= n) {
			for (int i = 0; i < n; i++) {
				if (arg_double(&c->argv[j + 1 + i], &in[i].weight)) {
					reply_error(c->out, "ERR weight value is not a float");
					goto out;
				}
			}
			j += n;
		} else if (op != ZOP_DIFF && ARGIS(c, j, "aggregate") && left >= 1) {
			if (ARGIS(c, j + 1, "sum"))
				how = AGG_SUM;
			else if (ARGIS(c, j + 1, "min"))
				how = AGG_MIN;
			else if (ARGIS(c, j + 1, "max"))
				how = AGG_MAX;
			else {
				reply_error(c->out, ERR_SYNTAX);
				goto out;
			}
			j++;
		} else if (!dst && ARGIS(c, j, "withscores")) {
			withscores = 1;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			goto out;
		}
	}
	struct zval res = {ENC_SKIPLIST, zs_create()};
	if (op == ZOP_UNION) {
		/* Smallest input first, as Redis: the order the scores are summed
		 * in shows (-inf + inf is NaN, which becomes 0, then + the rest). */
		qsort(in, (size_t)n, sizeof(*in), zin_cmp);
		struct acc a = {dict_create(&acc_dict_type), NULL, 0, how, 1.0};
		for (int i = 0; i < n; i++) {
			if (!in[i].kv)
				continue;
			a.weight = in[i].weight;
			if (in[i].is_set) {
				tset_foreach(in[i].kv, acc_add_set_member, &a);
				continue;
			}
			struct zcur cur;
			size_t l;
			double s;
			if (!in[i].len)
				continue;
			for (zc_at_rank(&cur, &in[i].z, 0); zc_valid(&cur); zc_next(&cur)) {
				const char *m = zc_get(&cur, &l, &s);
				acc_add(&a, m, l, s);
			}
		}
		struct dict_iter it;
		struct dict_entry *de;
		dict_iter_init(&it, a.d, 0);
		while ((de = dict_iter_next(&it))) {
			const struct dict_lstr *k = de->key;
			zs_insert(res.p, k->data, k->len, de->v.d);
		}
		dict_iter_deinit(&it);
		dict_destroy(&a.d);
		pfree(a.tmp);
	} else {
		int missing = 0;
		for (int i = 0; i < n; i++)
			missing |= !in[i].kv;
		if (op == ZOP_INTER && !missing) {
			qsort(in, (size_t)n, sizeof(*in), zin_cmp);
			zop_walk(in, n, op, how, 0, res_insert, res.p);
		} else if (op == ZOP_DIFF) {
			zop_walk(in, n, op, how, 0, res_insert, res.p);
		}
	}
	unsigned long rlen = zv_len(&res);
	if (dst) {
		if (rlen == 0) {
			zv_free(&res);
			if (db_delete(c, dst->ptr, dst->len)) {
				db_modified(c, dst->ptr, dst->len);
				zstore_notify(c, dst, 1, 0, NULL);
			}
		} else {
			zv_shrink_if_fits(&res);
			int created = notify_wants(NOTIFY_NEW) && !db_find(c, dst->ptr, dst->len, NULL);
			db_set(c, zv_kv_create(dst, &res));
			db_modified(c, dst->ptr, dst->len);
			zstore_notify(c, dst, 0, created,
				      op == ZOP_UNION ? "zunionstore" : op == ZOP_INTER ? "zinterstore" : "zdiffstore");
		}
		reply_int(c->out, (long long)rlen);
	} else {
		struct zsl *zsl = ((struct zs *)res.p)->zsl;
		reply_scored_len(c, (long)rlen, withscores);
		for (struct zsl_node *x = zsl->header->level[0].forward; x; x = x->level[0].forward)
			reply_scored(c, zsl_node_ele(x), x->len, x->score, withscores);
		zv_free(&res);
	}
out:
	pfree(in);
}

void cmd_zunion(struct cmd_ctx *c) { zop_generic(c, 1, NULL, ZOP_UNION); }
void cmd_zinter(struct cmd_ctx *c) { zop_generic(c, 1, NULL, ZOP_INTER); }
void cmd_zdiff(struct cmd_ctx *c) { zop_generic(c, 1, NULL, ZOP_DIFF); }
void cmd_zunionstore(struct cmd_ctx *c) { zop_generic(c, 2, &c->argv[1], ZOP_UNION); }
void cmd_zinterstore(struct cmd_ctx *c) { zop_generic(c, 2, &c->argv[1], ZOP_INTER); }
void cmd_zdiffstore(struct cmd_ctx *c) { zop_generic(c, 2, &c->argv[1], ZOP_DIFF); }

void cmd_zintercard(struct cmd_ctx *c)
{
	long long numkeys, limit = 0;
	if (arg_ll_or_reply(c, &c->argv[1], &numkeys))
		return;
	if (numkeys < 1) {
		reply_error(c->out, "ERR at least 1 input key is needed for 'zintercard' command");
		return;
	}
	if (numkeys > c->argc - 2) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	int n = (int)numkeys;
	struct zin *in = pcalloc((size_t)n, sizeof(*in));
	int missing = 0;
	for (int i = 0; i < n; i++) {
		struct kv *kv = db_read(c, &c->argv[2 + i]);
		in[i].weight = 1.0;
		if (!kv) {
			missing = 1;
			continue;
		}
		if (kv_type(kv) == OBJ_SET) {
			in[i].is_set = 1;
			in[i].len = tset_size(kv);
		} else if (kv_type(kv) == OBJ_ZSET) {
			zv_load(kv, &in[i].z);
			in[i].len = zv_len(&in[i].z);
		} else {
			reply_error(c->out, ERR_WRONGTYPE);
			pfree(in);
			return;
		}
		in[i].kv = kv;
	}
	/* Like Redis, the keys are looked up (WRONGTYPE) before the options. */
	for (int j = 2 + n; j < c->argc; j += 2) {
		if (ARGIS(c, j, "limit") && j + 1 < c->argc) {
			if (arg_ll(&c->argv[j + 1], &limit) || limit < 0) {
				reply_error(c->out, "ERR LIMIT can't be negative");
				pfree(in);
				return;
			}
		} else {
			reply_error(c->out, ERR_SYNTAX);
			pfree(in);
			return;
		}
	}
	unsigned long found = 0;
	if (!missing) {
		qsort(in, (size_t)n, sizeof(*in), zin_cmp);
		found = zop_walk(in, n, ZOP_INTER, AGG_SUM, (unsigned long)limit, NULL, NULL);
	}
	reply_int(c->out, (long long)found);
	pfree(in);
}

/* ---- ZSCAN --------------------------------------------------------------------- */

void cmd_zscan(struct cmd_ctx *c)
{
	unsigned long cursor;
	if (tset_parse_cursor(c, &c->argv[2], &cursor))
		return;
	struct zval z;
	int rc = zlookup_read(c, &c->argv[1], &z);
	if (rc < 0)
		return;
	if (rc > 0) {
		reply_scan_head(c->out, 0);
		reply_array(c->out, 0);
		return;
	}
	long count;
	const struct resp_arg *pat;
	if (tset_scan_options(c, 3, &count, &pat))
		return;
	if (z.enc == ENC_LISTPACK) {
		reply_scan_head(c->out, 0);
		size_t pos = reply_defer(c->out);
		long n = 0;
		unsigned char *lp = z.p, buf[LP_INTBUF_SIZE], sbuf[LP_INTBUF_SIZE];
		for (unsigned char *p = lp_first(lp); p; ) {
			unsigned char *sp = lp_next(lp, p);
			size_t ml;
			uint32_t scl;
			const char *m = lp_member_at(p, buf, &ml);
			const unsigned char *s = lp_get_str(sp, sbuf, &scl);
			if (!pat || glob_match(pat->ptr, pat->len, m, ml, 0)) {
				reply_bulk(c->out, m, ml);
				reply_bulk(c->out, s, scl);
				n += 2;
			}
			p = lp_next(lp, sp);
		}
		reply_set_deferred(c->out, pos, '*', n);
		return;
	}
	struct zs *zs = z.p;
	size_t nk;
	void **keys = dict_scan_keys(zs->d, &cursor, count, &nk);
	reply_scan_head(c->out, cursor);
	char sb[64];
	int sl;
	size_t pos = reply_defer(c->out);
	long n = 0;
	for (size_t i = 0; i < nk; i++) {
		struct zsl_node *x = keys[i];
		if (pat && !glob_match(pat->ptr, pat->len, zsl_node_ele(x), x->len, 0))
			continue;
		reply_bulk(c->out, zsl_node_ele(x), x->len);
		/* d2string: like the listpack form, but -0 stays "-0" here */
		sl = resp_format_double(sb, sizeof(sb), x->score);
		reply_bulk(c->out, sb, (size_t)sl);
		n += 2;
	}
	reply_set_deferred(c->out, pos, '*', n);
	pfree(keys);
}

/* ---- read access for t_sort.c (declared in include/petrel/types.h) ------- */

unsigned long tzset_size(const struct kv *kv)
{
	struct zval z;
	zv_load(kv, &z);
	return zv_len(&z);
}

void tzset_range(const struct kv *kv, unsigned long start, unsigned long count, int rev,
		 void (*fn)(void *ud, const char *s, size_t len), void *ud)
{
	struct zval z;
	struct zcur cur;
	unsigned long len;
	zv_load(kv, &z);
	len = zv_len(&z);
	if (start >= len)
		return;
	if (count > len - start)
		count = len - start;
	zc_at_rank(&cur, &z, rev ? len - 1 - start : start);
	for (; count && zc_valid(&cur); count--) {
		size_t l;
		const char *s = zc_get(&cur, &l, NULL);
		fn(ud, s, l);
		zc_step(&cur, rev);
	}
}

/* ---- for GEO commands (t_geo.c) ------------------------------------------- */

int tzset_score(const struct kv *kv, const char *s, size_t len, double *score)
{
	struct zval z;
	zv_load(kv, &z);
	return zv_score(&z, s, len, score);
}

void tzset_walk_scores(const struct kv *kv, double min, double max,
		       int (*fn)(void *ud, const char *s, size_t len, double score), void *ud)
{
	struct zval z;
	struct zcur cur;
	struct zsl_range r = {min, max, 0, 1};
	zv_load(kv, &z);
	for (zc_score_start(&cur, &z, &r, 0); zc_valid(&cur); zc_next(&cur)) {
		size_t l;
		double sc;
		const char *s = zc_get(&cur, &l, &sc);
		if (!zsl_value_lte_max(sc, &r) || fn(ud, s, l, sc))
			break;
	}
}

struct zsink *tzset_sink_new(struct cmd_ctx *c)
{
	struct zsink *k = pcalloc(1, sizeof(*k));
	k->c = c;
	k->store = 1;
	sink_begin(k);
	return k;
}

void tzset_sink_add(struct zsink *k, const char *s, size_t len, double score)
{
	sink_emit(k, s, len, score);
}

void tzset_sink_store(struct zsink *k, const struct resp_arg *dst, const char *event)
{
	sink_end(k, dst, event);
	pfree(k);
}

void tzset_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len, double score),
		   void *ud)
{
	struct zval z;
	struct zcur cur;
	zv_load(kv, &z);
	for (zc_at_rank(&cur, &z, 0); zc_valid(&cur); zc_next(&cur)) {
		size_t l;
		double sc;
		const char *s = zc_get(&cur, &l, &sc);
		fn(ud, s, l, sc);
	}
}

void tzset_to_skiplist(struct kv *kv)
{
	struct zval z;
	zv_load(kv, &z);
	if (z.enc != ENC_LISTPACK)
		return;
	zv_to_skiplist(&z);
	zv_save(kv, &z);
}
