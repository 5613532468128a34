/* t_hash.c — the HASH type: its two encodings, the conversion between them, and
 * its commands (HSET, HGET, HDEL, HINCRBY, HRANDFIELD, HSCAN, ...).
 *
 * DESIGN
 *   A hash starts as a listpack (ENC_LISTPACK) of alternating field, value
 *   entries:  [f1][v1][f2][v2]...  and becomes a dict (ENC_HT, OBJECT ENCODING
 *   "hashtable") when it would hold more than hash-max-listpack-entries pairs,
 *   when a field or value longer than hash-max-listpack-value is written, or
 *   when the listpack would pass its 1 GiB safety size — Redis 7.0's rules and
 *   thresholds, read from cfg at each write. A dict never goes back.
 *
 *   In the dict a field and its value share one allocation:
 *       [dict_lstr field: len | bytes][pad to 4][dict_lstr value: len | bytes]
 *   de->key points at the field; the value follows in the same block
 *   (hpair_value). The dict stores keys only (no_value: 16-byte entries) and
 *   its key destructor frees the whole pair. One 32-byte block and one
 *   16-byte entry per pair, where Redis has an entry and two strings.
 *
 *   An empty hash never stays in the keyspace: HDEL unlinks the key when the
 *   last field goes.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/kv.h>
#include <petrel/types.h>
#include <petrel/ds/dict.h>
#include <petrel/glob.h>
#include <petrel/ds/listpack.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shared with t_set.c: the SCAN-family parsers and the per-thread random generator. */
int tset_parse_cursor(struct cmd_ctx *c, const struct resp_arg *a, unsigned long *cursor);
int tset_scan_options(struct cmd_ctx *c, int from, long *count, const struct resp_arg **pat);
uint64_t tset_rand(void);

/* ---- dict strings ------------------------------------------------------------------ */

static struct dict_lstr *hstr_create(const void *p, size_t len)
{
	struct dict_lstr *s = pmalloc(sizeof(*s) + len);
	s->len = (uint32_t)len;
	memcpy(s->data, p, len);
	return s;
}

static const struct dict_type hash_dict_type = {
	.hash = dict_lstr_hash,
	.key_compare = dict_lstr_eq,
	.key_destructor = pfree,    /* frees the value too: same block */
	.no_value = 1,
};

static size_t hpair_voff(size_t flen)
{
	return (sizeof(struct dict_lstr) + flen + 3) & ~(size_t)3;
}

/* The value stored right after a field in its pair block. */
static struct dict_lstr *hpair_value(const void *field)
{
	const struct dict_lstr *f = field;
	return (struct dict_lstr *)((char *)field + hpair_voff(f->len));
}

/* One block holding field and value; *val points at the value part. */
static struct dict_lstr *hpair_create(const void *f, size_t flen, const void *v, size_t vlen,
				 struct dict_lstr **val)
{
	size_t off = hpair_voff(flen);
	struct dict_lstr *k = pmalloc(off + sizeof(struct dict_lstr) + vlen);
	k->len = (uint32_t)flen;
	memcpy(k->data, f, flen);
	struct dict_lstr *vv = (struct dict_lstr *)((char *)k + off);
	vv->len = (uint32_t)vlen;
	memcpy(vv->data, v, vlen);
	*val = vv;
	return k;
}

/* Add field -> value to a dict-encoded hash (the field is absent). */
static void hpair_add(struct dict *d, const void *f, size_t flen, const void *v, size_t vlen)
{
	struct dict_lstr *val;
	struct dict_lstr *k = hpair_create(f, flen, v, vlen, &val);
	dict_add(d, k, NULL);
}

/* A lookup key: a field on the stack when small, else on the heap. */
struct hkey {
	struct dict_lstr *s;
	union {
		struct dict_lstr h;
		char raw[sizeof(struct dict_lstr) + 128];
	} buf;
};

static const struct dict_lstr *hkey_init(struct hkey *k, const void *p, size_t len)
{
	if (len <= sizeof(k->buf.raw) - sizeof(struct dict_lstr)) {
		k->s = &k->buf.h;
		k->s->len = (uint32_t)len;
		memcpy(k->s->data, p, len);
	} else {
		k->s = hstr_create(p, len);
	}
	return k->s;
}

static void hkey_deinit(struct hkey *k)
{
	if (k->s != &k->buf.h)
		pfree(k->s);
}

/* ---- value operations ---------------------------------------------------------- */

static void hash_free(void *ptr, int enc)
{
	if (enc == ENC_HT) {
		struct dict *d = ptr;
		dict_destroy(&d);
	} else {
		unsigned char *lp = ptr;
		lp_destroy(&lp);
	}
}

static void *hash_dup(const void *ptr, int enc)
{
	if (enc != ENC_HT)
		return pmemdup(ptr, lp_bytes(ptr));
	struct dict *src = (struct dict *)ptr;
	struct dict *dst = dict_create(&hash_dict_type);
	dict_expand(dst, dict_size(src));
	struct dict_iter it;
	struct dict_entry *de;
	dict_iter_init(&it, src, 0);
	while ((de = dict_iter_next(&it))) {
		const struct dict_lstr *f = de->key, *v = hpair_value(de->key);
		hpair_add(dst, f->data, f->len, v->data, v->len);
	}
	dict_iter_deinit(&it);
	return dst;
}

static size_t hash_mem(const void *ptr, int enc)
{
	if (enc != ENC_HT)
		return lp_bytes(ptr);
	const struct dict *d = ptr;
	/* estimate: buckets, key-only entries (two pointers), one field+value
	 * block per entry */
	return sizeof(*d) + dict_buckets(d) * sizeof(void *) +
	       dict_size(d) * (2 * sizeof(void *) + 2 * sizeof(struct dict_lstr) + 24);
}

static const struct kv_type_ops hash_ops = {
	.free = hash_free,
	.dup = hash_dup,
	.mem = hash_mem,
};

__attribute__((constructor)) static void hash_register(void)
{
	kv_register_type(OBJ_HASH, &hash_ops);
}

static void kv_set_enc(struct kv *kv, int enc)
{
	kv->te = (uint8_t)((kv->te & 0x0f) | (enc << 4));
}

static unsigned long hash_len(const struct kv *kv)
{
	if (kv_enc(kv) == ENC_HT)
		return dict_size(kv_ptr(kv));
	return lp_length(kv_ptr(kv)) / 2;
}

/* A field's or value's bytes; integers in a listpack are formatted into num. */
struct hval {
	const char *p;
	size_t len;
	char num[LP_INTBUF_SIZE];
};

static void hval_from_lp(struct hval *v, unsigned char *p)
{
	uint32_t n;
	v->p = (const char *)lp_get_str(p, (unsigned char *)v->num, &n);
	v->len = n;
}

/* Copy keeping a formatted integer's pointer on the copy's own buffer. */
static void hval_copy(struct hval *dst, const struct hval *src)
{
	*dst = *src;
	if (src->p == src->num)
		dst->p = dst->num;
}

static void hval_from_hstr(struct hval *v, const struct dict_lstr *s)
{
	v->p = s->data;
	v->len = s->len;
}

/* Position of field's value in a listpack, or NULL. */
static unsigned char *lp_find_value(unsigned char *lp, const void *f, size_t flen)
{
	unsigned char *p = lp_first(lp);
	if (!p)
		return NULL;
	p = lp_find(lp, p, f, (uint32_t)flen, 1);
	return p ? lp_next(lp, p) : NULL;
}

/* Look up field; fills *v and returns 1 if present. */
static int hash_get(struct kv *kv, const void *f, size_t flen, struct hval *v)
{
	if (kv_enc(kv) == ENC_HT) {
		struct hkey k;
		struct dict_entry *de = dict_find(kv_ptr(kv), hkey_init(&k, f, flen));
		hkey_deinit(&k);
		if (!de)
			return 0;
		hval_from_hstr(v, hpair_value(de->key));
		return 1;
	}
	unsigned char *p = lp_find_value(kv_ptr(kv), f, flen);
	if (!p)
		return 0;
	hval_from_lp(v, p);
	return 1;
}

static void hash_convert(struct kv *kv)
{
	unsigned char *lp = kv_ptr(kv);
	struct dict *d = dict_create(&hash_dict_type);
	dict_expand(d, lp_length(lp) / 2);
	for (unsigned char *p = lp_first(lp); p; ) {
		struct hval f, v;
		unsigned char *vp = lp_next(lp, p);
		hval_from_lp(&f, p);
		hval_from_lp(&v, vp);
		hpair_add(d, f.p, f.len, v.p, v.len);
		p = lp_next(lp, vp);
	}
	lp_destroy(&lp);
	kv_set_ptr(kv, d);
	kv_set_enc(kv, ENC_HT);
}

/* Convert to a dict before writing argv[from..to] into a listpack hash if any
 * of them is too long for it, or their sum would pass the safety size. */
static void hash_try_convert(struct cmd_ctx *c, struct kv *kv, int from, int to)
{
	if (kv_enc(kv) != ENC_LISTPACK)
		return;
	size_t sum = 0;
	for (int i = from; i <= to; i++) {
		if (c->argv[i].len > cfg.hash_max_listpack_value) {
			hash_convert(kv);
			return;
		}
		sum += c->argv[i].len;
	}
	if (!lp_safe_to_add(kv_ptr(kv), sum))
		hash_convert(kv);
}

/* Set field to value. Returns 1 if the field is new, 0 if it was updated.
 * Converts to a dict when the listpack grows past its limits. */
static int hash_set(struct kv *kv, const void *f, size_t flen, const void *v, size_t vlen)
{
	if (kv_enc(kv) == ENC_LISTPACK &&
	    (flen > cfg.hash_max_listpack_value || vlen > cfg.hash_max_listpack_value))
		hash_convert(kv);
	if (kv_enc(kv) == ENC_HT) {
		/* One probe: insert the lookup key, then swap the pair block in
		 * (same field bytes, so the entry stays where it hashes). */
		struct dict *d = kv_ptr(kv);
		struct hkey k;
		struct dict_entry *existing, *de;
		de = dict_add_raw(d, (void *)hkey_init(&k, f, flen), &existing);
		hkey_deinit(&k);
		struct dict_lstr *val, *old = de ? NULL : existing->key;
		(de ? de : existing)->key = hpair_create(f, flen, v, vlen, &val);
		pfree(old);
		return de != NULL;
	}
	unsigned char *lp = kv_ptr(kv);
	unsigned char *p = lp_find_value(lp, f, flen);
	int added = 0;
	if (p) {
		lp = lp_replace(lp, &p, v, (uint32_t)vlen);
	} else {
		lp = lp_append(lp, f, (uint32_t)flen);
		lp = lp_append(lp, v, (uint32_t)vlen);
		added = 1;
	}
	kv_set_ptr(kv, lp);
	if (lp_length(lp) / 2 > cfg.hash_max_listpack_entries)
		hash_convert(kv);
	return added;
}

/* Delete field. Returns 1 if it was there. */
static int hash_delete(struct kv *kv, const void *f, size_t flen)
{
	if (kv_enc(kv) == ENC_HT) {
		struct dict *d = kv_ptr(kv);
		struct hkey k;
		int r = dict_delete(d, hkey_init(&k, f, flen));
		hkey_deinit(&k);
		if (r != DICT_OK)
			return 0;
		if (dict_needs_shrink(d))
			dict_shrink_to_fit(d);
		return 1;
	}
	unsigned char *lp = kv_ptr(kv);
	unsigned char *p = lp_first(lp);
	if (!p || !(p = lp_find(lp, p, f, (uint32_t)flen, 1)))
		return 0;
	lp = lp_delete_range_with_entry(lp, &p, 2);
	kv_set_ptr(kv, lp);
	return 1;
}

/* Iteration over both encodings. */
struct hash_iter {
	struct kv *kv;
	unsigned char *p;               /* listpack: next field */
	struct dict_iter di;
};

static void hash_iter_init(struct hash_iter *it, struct kv *kv)
{
	it->kv = kv;
	if (kv_enc(kv) == ENC_HT)
		dict_iter_init(&it->di, kv_ptr(kv), 0);
	else
		it->p = lp_first(kv_ptr(kv));
}

static int hash_iter_next(struct hash_iter *it, struct hval *f, struct hval *v)
{
	if (kv_enc(it->kv) == ENC_HT) {
		struct dict_entry *de = dict_iter_next(&it->di);
		if (!de)
			return 0;
		hval_from_hstr(f, de->key);
		hval_from_hstr(v, hpair_value(de->key));
		return 1;
	}
	if (!it->p)
		return 0;
	unsigned char *lp = kv_ptr(it->kv);
	unsigned char *vp = lp_next(lp, it->p);
	hval_from_lp(f, it->p);
	hval_from_lp(v, vp);
	it->p = lp_next(lp, vp);
	return 1;
}

static void hash_iter_deinit(struct hash_iter *it)
{
	if (kv_enc(it->kv) == ENC_HT)
		dict_iter_deinit(&it->di);
}

/* ---- lookups ----------------------------------------------------------------------- */

/* Read lookup with type check: 0 with *kv (NULL if absent), -1 after WRONGTYPE. */
static int lookup_hash_read(struct cmd_ctx *c, struct kv **kv)
{
	*kv = db_read(c, &c->argv[1]);
	if (*kv && db_check_type(c, *kv, OBJ_HASH))
		return -1;
	return 0;
}

/* Write lookup creating an empty listpack hash when absent; -1 after WRONGTYPE. */
static struct kv *lookup_hash_create(struct cmd_ctx *c)
{
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (kv) {
		if (db_check_type(c, kv, OBJ_HASH))
			return NULL;
		return kv;
	}
	kv = kv_create_ptr(c->argv[1].ptr, c->argv[1].len, OBJ_HASH, ENC_LISTPACK, lp_create(0), -1);
	db_insert(c, kv);
	notify_arg(c, NOTIFY_NEW, "new", &c->argv[1]);
	return kv;
}

static void reply_hval(struct rbuf *out, const struct hval *v)
{
	reply_bulk(out, v->p, v->len);
}

/* ---- commands ---------------------------------------------------------------------- */

static void hset_generic(struct cmd_ctx *c, int reply_count)
{
	if (c->argc % 2 == 1) {
		reply_errorf(c->out, "ERR wrong number of arguments for '%s' command", c->def->name);
		return;
	}
	struct kv *kv = lookup_hash_create(c);
	if (!kv)
		return;
	hash_try_convert(c, kv, 2, c->argc - 1);
	long long created = 0;
	for (int i = 2; i < c->argc; i += 2)
		created += hash_set(kv, c->argv[i].ptr, c->argv[i].len, c->argv[i + 1].ptr,
				    c->argv[i + 1].len);
	if (reply_count)
		reply_int(c->out, created);
	else
		reply_ok(c->out);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_HASH, "hset", &c->argv[1]);
}

void cmd_hset(struct cmd_ctx *c) { hset_generic(c, 1); }
void cmd_hmset(struct cmd_ctx *c) { hset_generic(c, 0); }

void cmd_hsetnx(struct cmd_ctx *c)
{
	struct kv *kv = lookup_hash_create(c);
	if (!kv)
		return;
	struct hval v;
	if (hash_get(kv, c->argv[2].ptr, c->argv[2].len, &v)) {
		reply_int(c->out, 0);
		return;
	}
	hash_try_convert(c, kv, 2, 3);
	hash_set(kv, c->argv[2].ptr, c->argv[2].len, c->argv[3].ptr, c->argv[3].len);
	reply_int(c->out, 1);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_HASH, "hset", &c->argv[1]);
}

void cmd_hget(struct cmd_ctx *c)
{
	struct kv *kv;
	struct hval v;
	if (lookup_hash_read(c, &kv))
		return;
	if (kv && hash_get(kv, c->argv[2].ptr, c->argv[2].len, &v))
		reply_hval(c->out, &v);
	else
		reply_null(c->out);
}

void cmd_hmget(struct cmd_ctx *c)
{
	struct kv *kv;
	struct hval v;
	if (lookup_hash_read(c, &kv))
		return;
	reply_array(c->out, c->argc - 2);
	for (int i = 2; i < c->argc; i++) {
		if (kv && hash_get(kv, c->argv[i].ptr, c->argv[i].len, &v))
			reply_hval(c->out, &v);
		else
			reply_null(c->out);
	}
}

void cmd_hdel(struct cmd_ctx *c)
{
	struct kv *kv, **ref;
	kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_HASH))
		return;
	long long deleted = 0;
	int gone = 0;
	for (int i = 2; i < c->argc; i++) {
		deleted += hash_delete(kv, c->argv[i].ptr, c->argv[i].len);
		if (hash_len(kv) == 0) {
			db_unlink(c, ref);
			gone = 1;
			break;
		}
	}
	reply_int(c->out, deleted);
	if (deleted) {
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_HASH, "hdel", &c->argv[1]);
		if (gone)
			notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
	}
}

void cmd_hlen(struct cmd_ctx *c)
{
	struct kv *kv;
	if (lookup_hash_read(c, &kv))
		return;
	reply_int(c->out, kv ? (long long)hash_len(kv) : 0);
}

void cmd_hstrlen(struct cmd_ctx *c)
{
	struct kv *kv;
	struct hval v;
	if (lookup_hash_read(c, &kv))
		return;
	if (kv && hash_get(kv, c->argv[2].ptr, c->argv[2].len, &v))
		reply_int(c->out, (long long)v.len);
	else
		reply_int(c->out, 0);
}

void cmd_hexists(struct cmd_ctx *c)
{
	struct kv *kv;
	struct hval v;
	if (lookup_hash_read(c, &kv))
		return;
	reply_int(c->out, kv && hash_get(kv, c->argv[2].ptr, c->argv[2].len, &v));
}

enum { HGET_KEYS = 1, HGET_VALS = 2 };

static void hgetall_generic(struct cmd_ctx *c, int what)
{
	struct kv *kv;
	if (lookup_hash_read(c, &kv))
		return;
	if (!kv) {
		if (what == (HGET_KEYS | HGET_VALS))
			reply_map(c->out, 0);
		else
			reply_array(c->out, 0);
		return;
	}
	long n = (long)hash_len(kv);
	if (what == (HGET_KEYS | HGET_VALS))
		reply_map(c->out, n);
	else
		reply_array(c->out, n);
	struct hash_iter it;
	struct hval f, v;
	hash_iter_init(&it, kv);
	while (hash_iter_next(&it, &f, &v)) {
		if (what & HGET_KEYS)
			reply_hval(c->out, &f);
		if (what & HGET_VALS)
			reply_hval(c->out, &v);
	}
	hash_iter_deinit(&it);
}

void cmd_hkeys(struct cmd_ctx *c) { hgetall_generic(c, HGET_KEYS); }
void cmd_hvals(struct cmd_ctx *c) { hgetall_generic(c, HGET_VALS); }
void cmd_hgetall(struct cmd_ctx *c) { hgetall_generic(c, HGET_KEYS | HGET_VALS); }

void cmd_hincrby(struct cmd_ctx *c)
{
	long long incr, cur = 0;
	if (arg_ll_or_reply(c, &c->argv[3], &incr))
		return;
	struct kv *kv = lookup_hash_create(c);
	if (!kv)
		return;
	struct hval v;
	if (hash_get(kv, c->argv[2].ptr, c->argv[2].len, &v)) {
		int64_t x;
		if (!lp_string_to_int64(v.p, v.len, &x)) {
			reply_error(c->out, "ERR hash value is not an integer");
			return;
		}
		cur = x;
	}
	if ((incr < 0 && cur < 0 && incr < LLONG_MIN - cur) ||
	    (incr > 0 && cur > 0 && incr > LLONG_MAX - cur)) {
		reply_error(c->out, ERR_OVERFLOW);
		return;
	}
	cur += incr;
	char num[LP_INTBUF_SIZE];
	int n = resp_ll2str(num, cur);
	hash_set(kv, c->argv[2].ptr, c->argv[2].len, num, (size_t)n);
	reply_int(c->out, cur);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_HASH, "hincrby", &c->argv[1]);
}

/* Longest "%.17Lf" of a finite long double (~4950 chars), as Redis's
 * MAX_LONG_DOUBLE_CHARS. */
#define HASH_LD_CHARS (5 * 1024)

/* Redis's human long double format: "%.17Lf", trailing zeros (and a bare '.')
 * dropped, "-0" written "0". Returns the length, or 0 if it does not fit. */
static int hash_format_ld(char *buf, size_t size, long double v)
{
	int l = snprintf(buf, size, "%.17Lf", v);
	if (l < 0 || (size_t)l + 1 > size)
		return 0;
	if (memchr(buf, '.', (size_t)l)) {
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

/* Redis's string2ld: strtold over the whole string (up to HASH_LD_CHARS), no
 * leading space, every byte consumed (an embedded NUL makes the value invalid),
 * no NaN, no overflow or total underflow. */
static int hash_parse_ld(const char *p, size_t len, long double *out)
{
	char stack[128];
	if (len == 0 || len >= HASH_LD_CHARS)
		return -1;
	char *buf = len < sizeof(stack) ? stack : pmalloc(len + 1);
	memcpy(buf, p, len);
	buf[len] = 0;
	char *end;
	errno = 0;
	long double v = strtold(buf, &end);
	int bad = isspace((unsigned char)buf[0]) || end != buf + len ||
		  (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) || isnan(v);
	if (buf != stack)
		pfree(buf);
	if (bad)
		return -1;
	*out = v;
	return 0;
}

void cmd_hincrbyfloat(struct cmd_ctx *c)
{
	long double incr, cur = 0;
	if (hash_parse_ld(c->argv[3].ptr, c->argv[3].len, &incr)) {
		reply_error(c->out, ERR_NOT_FLOAT);
		return;
	}
	if (isnan(incr) || isinf(incr)) {
		reply_error(c->out, "ERR value is NaN or Infinity");
		return;
	}
	struct kv *kv = lookup_hash_create(c);
	if (!kv)
		return;
	struct hval v;
	if (hash_get(kv, c->argv[2].ptr, c->argv[2].len, &v)) {
		if (hash_parse_ld(v.p, v.len, &cur)) {
			reply_error(c->out, "ERR hash value is not a float");
			return;
		}
	}
	cur += incr;
	char *buf = pmalloc(HASH_LD_CHARS);
	int n = 0;
	if (!isnan(cur) && !isinf(cur))
		n = hash_format_ld(buf, HASH_LD_CHARS, cur);
	if (n == 0) {
		pfree(buf);
		reply_error(c->out, "ERR increment would produce NaN or Infinity");
		return;
	}
	hash_set(kv, c->argv[2].ptr, c->argv[2].len, buf, (size_t)n);
	reply_bulk(c->out, buf, (size_t)n);
	pfree(buf);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_HASH, "hincrbyfloat", &c->argv[1]);
}

/* ---- HRANDFIELD -------------------------------------------------------------------- */

static unsigned long rng_below(unsigned long n)
{
	return (unsigned long)(tset_rand() % n);
}

/* A random pair. Listpack: uniform; dict: Redis's fair random entry. */
static void hash_random_pair(struct kv *kv, struct hval *f, struct hval *v)
{
	if (kv_enc(kv) == ENC_HT) {
		struct dict_entry *de = dict_fair_random_entry(kv_ptr(kv));
		hval_from_hstr(f, de->key);
		hval_from_hstr(v, hpair_value(de->key));
		return;
	}
	unsigned char *lp = kv_ptr(kv);
	unsigned char *p = lp_seek(lp, (long)(2 * rng_below(lp_length(lp) / 2)));
	hval_from_lp(f, p);
	hval_from_lp(v, lp_next(lp, p));
}

static void reply_pair(struct cmd_ctx *c, const struct hval *f, const struct hval *v, int withvalues)
{
	if (withvalues && c->resp > 2)
		reply_array(c->out, 2);
	reply_hval(c->out, f);
	if (withvalues)
		reply_hval(c->out, v);
}

/* Array header for count pairs: RESP3 nests [f, v] pairs, RESP2 is flat. */
static void reply_pairs_header(struct cmd_ctx *c, unsigned long count, int withvalues)
{
	if (withvalues && c->resp == 2)
		reply_array(c->out, (long)(count * 2));
	else
		reply_array(c->out, (long)count);
}

/* count distinct pairs out of size (count < size). Small samples of a dict
 * draw random entries and drop repeats (O(count)); otherwise collect all
 * pairs and take a partial Fisher-Yates shuffle. */
static void hrandfield_distinct(struct cmd_ctx *c, struct kv *kv, unsigned long count,
				unsigned long size, int withvalues)
{
	reply_pairs_header(c, count, withvalues);
	if (kv_enc(kv) == ENC_HT && count * 3 <= size) {
		struct dict *d = kv_ptr(kv);
		unsigned long cap = 16;
		while (cap < count * 2)
			cap <<= 1;
		const struct dict_entry **seen = pcalloc(cap, sizeof(*seen));
		unsigned long got = 0;
		while (got < count) {
			const struct dict_entry *de = dict_fair_random_entry(d);
			unsigned long h = (unsigned long)(((uintptr_t)de >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
			while (seen[h] && seen[h] != de)
				h = (h + 1) & (cap - 1);
			if (seen[h])
				continue;
			seen[h] = de;
			got++;
			struct hval f, v;
			hval_from_hstr(&f, de->key);
			hval_from_hstr(&v, hpair_value(de->key));
			reply_pair(c, &f, &v, withvalues);
		}
		pfree(seen);
		return;
	}
	struct hval *all = pmalloc(size * 2 * sizeof(*all));
	struct hash_iter it;
	unsigned long n = 0;
	hash_iter_init(&it, kv);
	while (n < size && hash_iter_next(&it, &all[2 * n], &all[2 * n + 1]))
		n++;
	hash_iter_deinit(&it);
	for (unsigned long i = 0; i < count && i < n; i++) {
		unsigned long j = i + rng_below(n - i);
		if (j != i) {
			struct hval t;
			for (int k = 0; k < 2; k++) {
				hval_copy(&t, &all[2 * i + k]);
				hval_copy(&all[2 * i + k], &all[2 * j + k]);
				hval_copy(&all[2 * j + k], &t);
			}
		}
		reply_pair(c, &all[2 * i], &all[2 * i + 1], withvalues);
	}
	pfree(all);
}

/* HRANDFIELD key [count [WITHVALUES]] */
void cmd_hrandfield(struct cmd_ctx *c)
{
	struct kv *kv;
	struct hval f, v;
	if (c->argc == 2) {
		if (lookup_hash_read(c, &kv))
			return;
		if (!kv) {
			reply_null(c->out);
			return;
		}
		hash_random_pair(kv, &f, &v);
		reply_hval(c->out, &f);
		return;
	}
	long long l;
	if (arg_ll_or_reply(c, &c->argv[2], &l))
		return;
	if (l < -LLONG_MAX) {
		reply_errorf(c->out, "ERR value is out of range, value must between %lld and %lld",
			     -LLONG_MAX, LLONG_MAX);
		return;
	}
	int withvalues = 0;
	if (c->argc > 4 || (c->argc == 4 && !ARGIS(c, 3, "withvalues"))) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (c->argc == 4) {
		withvalues = 1;
		if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
			reply_error(c->out, "ERR value is out of range");
			return;
		}
	}
	if (lookup_hash_read(c, &kv))
		return;
	if (!kv || l == 0) {
		reply_array(c->out, 0);
		return;
	}
	unsigned long size = hash_len(kv);
	unsigned long count = l < 0 ? (unsigned long)-l : (unsigned long)l;
	if (l < 0 || count == 1) {
		/* repeats allowed: independent draws */
		reply_pairs_header(c, count, withvalues);
		for (unsigned long i = 0; i < count; i++) {
			hash_random_pair(kv, &f, &v);
			reply_pair(c, &f, &v, withvalues);
		}
		return;
	}
	if (count >= size) {
		reply_pairs_header(c, size, withvalues);
		struct hash_iter it;
		hash_iter_init(&it, kv);
		while (hash_iter_next(&it, &f, &v))
			reply_pair(c, &f, &v, withvalues);
		hash_iter_deinit(&it);
		return;
	}
	hrandfield_distinct(c, kv, count, size, withvalues);
}

/* ---- HSCAN ------------------------------------------------------------------------- */


/* HSCAN key cursor [MATCH pattern] [COUNT count] */
void cmd_hscan(struct cmd_ctx *c)
{
	unsigned long cursor;
	if (tset_parse_cursor(c, &c->argv[2], &cursor))
		return;
	struct kv *kv;
	if (lookup_hash_read(c, &kv))
		return;
	if (!kv) {
		reply_scan_head(c->out, 0);
		reply_array(c->out, 0);
		return;
	}
	long count;
	const struct resp_arg *pat;
	if (tset_scan_options(c, 3, &count, &pat))
		return;

	if (kv_enc(kv) != ENC_HT) {
		/* a listpack is small: all of it, whatever the cursor */
		reply_scan_head(c->out, 0);
		size_t pos = reply_defer(c->out);
		long n = 0;
		struct hash_iter it;
		struct hval f, v;
		hash_iter_init(&it, kv);
		while (hash_iter_next(&it, &f, &v)) {
			if (pat && !glob_match(pat->ptr, pat->len, f.p, f.len, 0))
				continue;
			reply_hval(c->out, &f);
			reply_hval(c->out, &v);
			n += 2;
		}
		hash_iter_deinit(&it);
		reply_set_deferred(c->out, pos, '*', n);
		return;
	}

	struct dict *d = kv_ptr(kv);
	size_t nk;
	void **keys = dict_scan_keys(d, &cursor, count, &nk);
	reply_scan_head(c->out, cursor);
	size_t pos = reply_defer(c->out);
	long n = 0;
	for (size_t i = 0; i < nk; i++) {
		const struct dict_lstr *f = keys[i], *v = hpair_value(keys[i]);
		if (pat && !glob_match(pat->ptr, pat->len, f->data, f->len, 0))
			continue;
		reply_bulk(c->out, f->data, f->len);
		reply_bulk(c->out, v->data, v->len);
		n += 2;
	}
	pfree(keys);
	reply_set_deferred(c->out, pos, '*', n);
}

/* ---- read access for t_sort.c (declared in include/petrel/types.h) ------- */

int thash_get(struct kv *kv, const char *field, size_t flen, const char **val, size_t *vlen,
	      char *numbuf)
{
	struct hval v;
	if (!hash_get(kv, field, flen, &v))
		return 0;
	if (v.p == v.num) {
		memcpy(numbuf, v.num, v.len);
		*val = numbuf;
	} else {
		*val = v.p;
	}
	*vlen = v.len;
	return 1;
}

/* ---- for DEBUG DIGEST (cmd_debug.c) ----------------------------------------- */

void thash_foreach(struct kv *kv, void (*fn)(void *ud, const char *f, size_t flen, const char *v,
					     size_t vlen), void *ud)
{
	struct hash_iter it;
	struct hval f, v;
	hash_iter_init(&it, kv);
	while (hash_iter_next(&it, &f, &v))
		fn(ud, f.p, f.len, v.p, v.len);
	hash_iter_deinit(&it);
}
