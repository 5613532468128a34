/* t_set.c — the SET type: its two encodings and the S* commands.
 *
 * A set is an intset (ENC_INTSET, "intset") while every member is a strict
 * decimal int64 and there are at most set-max-intset-entries members; it turns
 * into a hash table (ENC_HT, "hashtable") for good on the first member that
 * breaks either rule, as Redis 7.0 does. Empty sets are never stored: the
 * command that removes the last member deletes the key.
 *
 * The hash table is a struct dict whose keys are struct dict_lstr blocks
 * (length-prefixed, NUL-terminated bytes) and whose values are unused. The dict
 * owns its keys (set_dict_type frees them).
 *
 * Also here, shared with t_zset.c and t_hash.c (declared there): the *SCAN cursor
 * parser, the per-thread random generator and the getkeys function for
 * "numkeys key..." commands.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h. The random
 * generator is thread-local.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/kv.h>
#include <petrel/ds/dict.h>
#include <petrel/glob.h>
#include <petrel/ds/intset.h>
#include <petrel/ds/listpack.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- shared helpers (declared again in t_zset.c) ------------------------- */

uint64_t tset_rand(void);
int tset_parse_cursor(struct cmd_ctx *c, const struct resp_arg *a, unsigned long *cursor);
int tset_scan_options(struct cmd_ctx *c, int from, long *count, const struct resp_arg **pat);
int getkeys_numkeys1(int argc, const struct resp_arg *argv, int *keys, int max);

static __thread uint64_t rng_state;

/* xorshift64*: cheap, per thread, seeded lazily from the clock and the
 * thread's own address so shards do not share a sequence. */
uint64_t tset_rand(void)
{
	if (!rng_state) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rng_state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
			    (uint64_t)(uintptr_t)&rng_state;
		if (!rng_state)
			rng_state = 0x9e3779b97f4a7c15ull;
	}
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}


/* The SCAN-family cursor (arg_scan_cursor), replying the error. */
int tset_parse_cursor(struct cmd_ctx *c, const struct resp_arg *a, unsigned long *cursor)
{
	if (arg_scan_cursor(a, cursor) == 0)
		return 0;
	reply_error(c->out, "ERR invalid cursor");
	return -1;
}

/* Parse [MATCH pattern] [COUNT n] from argv[from]. *pat is NULL for "match
 * everything". Returns 0, or -1 after replying. */
int tset_scan_options(struct cmd_ctx *c, int from, long *count, const struct resp_arg **pat)
{
	*count = 10;
	*pat = NULL;
	for (int i = from; i < c->argc; i += 2) {
		if (i + 1 >= c->argc) {
			reply_error(c->out, ERR_SYNTAX);
			return -1;
		}
		if (ARGIS(c, i, "count")) {
			long long v;
			if (arg_ll_or_reply(c, &c->argv[i + 1], &v))
				return -1;
			if (v < 1) {
				reply_error(c->out, ERR_SYNTAX);
				return -1;
			}
			*count = v > 1000000000 ? 1000000000 : (long)v;
		} else if (ARGIS(c, i, "match")) {
			const struct resp_arg *a = &c->argv[i + 1];
			*pat = (a->len == 1 && a->ptr[0] == '*') ? NULL : a;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return -1;
		}
	}
	return 0;
}

/* numkeys at argv[1], keys after it (SINTERCARD, ZUNION, ZMPOP, ...). */
int getkeys_numkeys1(int argc, const struct resp_arg *argv, int *keys, int max)
{
	long long n;
	if (argc < 3 || arg_ll(&argv[1], &n) || n <= 0 || n > argc - 2)
		return 0;
	int k = 0;
	for (int i = 0; i < n && k < max; i++)
		keys[k++] = 2 + i;
	return k;
}

/* ---- set values ----------------------------------------------------------- */

/* Members are struct dict_lstr blocks whose data carries a NUL after len
 * bytes. */
static const struct dict_type set_dict_type = {
	.hash = dict_lstr_hash,
	.key_compare = dict_lstr_eq,
	.key_destructor = pfree,
	.no_value = 1,          /* 16-byte entries: members only */
};

static struct dict_lstr *member_create(const char *s, size_t len)
{
	struct dict_lstr *m = pmalloc(sizeof(*m) + len + 1);
	m->len = (uint32_t)len;
	memcpy(m->data, s, len);
	m->data[len] = 0;
	return m;
}

/* A lookup key: built in the caller's stack buffer when it fits, else on
 * the heap (member_key_done frees it). */
#define MEMBER_KEY_STACK 256

static const struct dict_lstr *member_key(const char *s, size_t len, void *stackbuf)
{
	struct dict_lstr *m = sizeof(*m) + len + 1 <= MEMBER_KEY_STACK
		? stackbuf : pmalloc(sizeof(*m) + len + 1);
	m->len = (uint32_t)len;
	memcpy(m->data, s, len);
	m->data[len] = 0;
	return m;
}

static void member_key_done(const struct dict_lstr *m, void *stackbuf)
{
	if ((const void *)m != stackbuf)
		pfree((void *)m);
}

/* A set value outside its kv: encoding + object. */
struct set {
	int enc;
	void *p;
};

static int str_to_i64(const char *s, size_t len, int64_t *v)
{
	return lp_string_to_int64(s, len, v);
}

static void set_init_for(struct set *st, const char *s, size_t len)
{
	int64_t v;
	if (str_to_i64(s, len, &v)) {
		st->enc = ENC_INTSET;
		st->p = intset_create();
	} else {
		st->enc = ENC_HT;
		st->p = dict_create(&set_dict_type);
	}
}

static void set_init_intset(struct set *st)
{
	st->enc = ENC_INTSET;
	st->p = intset_create();
}

static void set_free(struct set *st)
{
	if (st->enc == ENC_INTSET) {
		struct intset *is = st->p;
		intset_destroy(&is);
	} else {
		struct dict *d = st->p;
		dict_destroy(&d);
	}
	st->p = NULL;
}

static unsigned long set_len(const struct set *st)
{
	return st->enc == ENC_INTSET ? intset_length(st->p) : dict_size(st->p);
}

/* hint: members the set is expected to reach (sizes the table once). */
static void set_to_ht(struct set *st, unsigned long hint)
{
	struct intset *is = st->p;
	struct dict *d = dict_create(&set_dict_type);
	uint32_t n = intset_length(is);
	dict_expand(d, n > hint ? n : hint);
	for (uint32_t i = 0; i < n; i++) {
		int64_t v;
		char buf[24];
		intset_get(is, i, &v);
		int l = resp_ll2str(buf, v);
		dict_add(d, member_create(buf, (size_t)l), NULL);
	}
	intset_destroy(&is);
	st->enc = ENC_HT;
	st->p = d;
}

static int set_add_hint(struct set *st, const char *s, size_t len, unsigned long hint)
{
	if (st->enc == ENC_INTSET) {
		int64_t v;
		if (str_to_i64(s, len, &v)) {
			int added;
			st->p = intset_add(st->p, v, &added);
			if (added && intset_length(st->p) > cfg.set_max_intset_entries)
				set_to_ht(st, hint);
			return added;
		}
		set_to_ht(st, hint);
	}
	/* One probe, one hash: insert the lookup key, then swap in the copy. */
	struct dict *d = st->p;
	_Alignas(8) char kb[MEMBER_KEY_STACK];
	const struct dict_lstr *k = member_key(s, len, kb);
	struct dict_entry *existing;
	struct dict_entry *de = dict_add_raw(d, (void *)k, &existing);
	if (de)
		de->key = member_create(s, len);
	member_key_done(k, kb);
	return de != NULL;
}

static int set_add(struct set *st, const char *s, size_t len)
{
	return set_add_hint(st, s, len, 0);
}

static int set_remove(struct set *st, const char *s, size_t len)
{
	if (st->enc == ENC_INTSET) {
		int64_t v;
		int removed = 0;
		if (str_to_i64(s, len, &v))
			st->p = intset_remove(st->p, v, &removed);
		return removed;
	}
	struct dict *d = st->p;
	_Alignas(8) char kb[MEMBER_KEY_STACK];
	const struct dict_lstr *k = member_key(s, len, kb);
	int r = dict_delete(d, k);
	member_key_done(k, kb);
	if (r != DICT_OK)
		return 0;
	if (dict_needs_shrink(d))
		dict_shrink_to_fit(d);
	return 1;
}

static int set_has(const struct set *st, const char *s, size_t len)
{
	if (st->enc == ENC_INTSET) {
		int64_t v;
		return str_to_i64(s, len, &v) && intset_find(st->p, v);
	}
	_Alignas(8) char kb[MEMBER_KEY_STACK];
	const struct dict_lstr *k = member_key(s, len, kb);
	int found = dict_find(st->p, k) != NULL;
	member_key_done(k, kb);
	return found;
}

/* Iteration over either encoding, members as bytes. */
struct set_iter {
	const struct set *st;
	uint32_t pos;
	struct dict_iter di;
	char buf[24];
};

static void set_iter_init(struct set_iter *it, const struct set *st)
{
	it->st = st;
	it->pos = 0;
	if (st->enc == ENC_HT)
		dict_iter_init(&it->di, st->p, 0);
}

static int set_iter_next(struct set_iter *it, const char **s, size_t *len)
{
	if (it->st->enc == ENC_INTSET) {
		int64_t v;
		if (!intset_get(it->st->p, it->pos++, &v))
			return 0;
		*len = (size_t)resp_ll2str(it->buf, v);
		*s = it->buf;
		return 1;
	}
	struct dict_entry *de = dict_iter_next(&it->di);
	if (!de)
		return 0;
	const struct dict_lstr *m = de->key;
	*s = m->data;
	*len = m->len;
	return 1;
}

static void set_iter_deinit(struct set_iter *it)
{
	if (it->st->enc == ENC_HT)
		dict_iter_deinit(&it->di);
}

/* A random member as bytes (buf holds 24 bytes for integers). */
static void set_random(const struct set *st, const char **s, size_t *len, char *buf)
{
	if (st->enc == ENC_INTSET) {
		int64_t v = intset_random(st->p);
		*len = (size_t)resp_ll2str(buf, v);
		*s = buf;
		return;
	}
	struct dict_entry *de = dict_fair_random_entry(st->p);
	const struct dict_lstr *m = de->key;
	*s = m->data;
	*len = m->len;
}

/* ---- kv glue -------------------------------------------------------------- */

static void set_load(const struct kv *kv, struct set *st)
{
	st->enc = kv_enc(kv);
	st->p = kv_ptr(kv);
}

static void set_save(struct kv *kv, const struct set *st)
{
	kv_set_ptr(kv, st->p);
	kv->te = (uint8_t)(OBJ_SET | (st->enc << 4));
}

static struct kv *set_kv_create(const struct resp_arg *key, struct set *st)
{
	return kv_create_ptr(key->ptr, key->len, OBJ_SET, st->enc, st->p, -1);
}

static void set_ops_free(void *p, int enc)
{
	struct set st = {enc, p};
	set_free(&st);
}

static void *set_ops_dup(const void *p, int enc)
{
	if (enc == ENC_INTSET)
		return intset_from_bytes(p, intset_bytes(p));
	struct dict *src = (struct dict *)p;
	struct dict *d = dict_create(&set_dict_type);
	dict_expand(d, dict_size(src));
	struct dict_iter it;
	struct dict_entry *de;
	dict_iter_init(&it, src, 0);
	while ((de = dict_iter_next(&it))) {
		const struct dict_lstr *m = de->key;
		dict_add(d, member_create(m->data, m->len), NULL);
	}
	dict_iter_deinit(&it);
	return d;
}

static size_t set_ops_mem(const void *p, int enc)
{
	if (enc == ENC_INTSET)
		return intset_bytes(p);
	const struct dict *d = p;
	size_t n = dict_size(d);
	/* entry + member header + average small member, plus buckets */
	return sizeof(*d) + dict_buckets(d) * sizeof(void *) + n * (sizeof(struct dict_entry) + 24);
}

static const struct kv_type_ops set_ops = {
	.free = set_ops_free,
	.dup = set_ops_dup,
	.mem = set_ops_mem,
};

__attribute__((constructor)) static void set_register(void)
{
	kv_register_type(OBJ_SET, &set_ops);
}

/* Look up a key for reading as a set: 0 found, 1 missing, -1 wrong type
 * (replied). */
static int lookup_read(struct cmd_ctx *c, const struct resp_arg *key, struct set *st)
{
	struct kv *kv = db_read(c, key);
	if (!kv)
		return 1;
	if (db_check_type(c, kv, OBJ_SET))
		return -1;
	set_load(kv, st);
	return 0;
}

/* Reply with every member of st as a RESP3 set / RESP2 array. */
static void reply_members(struct cmd_ctx *c, const struct set *st)
{
	struct set_iter it;
	const char *s;
	size_t len;
	reply_set(c->out, (long)set_len(st));
	set_iter_init(&it, st);
	while (set_iter_next(&it, &s, &len))
		reply_bulk(c->out, s, len);
	set_iter_deinit(&it);
}

/* ---- commands ------------------------------------------------------------- */

void cmd_sadd(struct cmd_ctx *c)
{
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	struct set st;
	long long added = 0;
	if (kv) {
		if (db_check_type(c, kv, OBJ_SET))
			return;
		set_load(kv, &st);
	} else {
		set_init_for(&st, c->argv[2].ptr, c->argv[2].len);
	}
	for (int i = 2; i < c->argc; i++)
		added += set_add(&st, c->argv[i].ptr, c->argv[i].len);
	if (kv)
		set_save(kv, &st);
	else
		db_insert(c, set_kv_create(&c->argv[1], &st));
	if (!kv)
		notify_arg(c, NOTIFY_NEW, "new", &c->argv[1]);
	if (added) {
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_SET, "sadd", &c->argv[1]);
	}
	reply_int(c->out, added);
}

void cmd_srem(struct cmd_ctx *c)
{
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_SET))
		return;
	struct set st;
	long long removed = 0;
	set_load(kv, &st);
	for (int i = 2; i < c->argc && set_len(&st); i++)
		removed += set_remove(&st, c->argv[i].ptr, c->argv[i].len);
	set_save(kv, &st);
	if (removed) {
		int gone = set_len(&st) == 0;
		if (gone)
			db_unlink(c, ref);
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_SET, "srem", &c->argv[1]);
		if (gone)
			notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
	}
	reply_int(c->out, removed);
}

void cmd_smembers(struct cmd_ctx *c)
{
	struct set st;
	int r = lookup_read(c, &c->argv[1], &st);
	if (r < 0)
		return;
	if (r > 0) {
		reply_set(c->out, 0);
		return;
	}
	reply_members(c, &st);
}

void cmd_sismember(struct cmd_ctx *c)
{
	struct set st;
	int r = lookup_read(c, &c->argv[1], &st);
	if (r < 0)
		return;
	reply_int(c->out, r == 0 && set_has(&st, c->argv[2].ptr, c->argv[2].len));
}

void cmd_smismember(struct cmd_ctx *c)
{
	struct set st;
	int r = lookup_read(c, &c->argv[1], &st);
	if (r < 0)
		return;
	reply_array(c->out, c->argc - 2);
	for (int i = 2; i < c->argc; i++)
		reply_int(c->out, r == 0 && set_has(&st, c->argv[i].ptr, c->argv[i].len));
}

void cmd_scard(struct cmd_ctx *c)
{
	struct set st;
	int r = lookup_read(c, &c->argv[1], &st);
	if (r < 0)
		return;
	reply_int(c->out, r ? 0 : (long long)set_len(&st));
}

void cmd_spop(struct cmd_ctx *c)
{
	long long count = -1;
	if (c->argc > 3) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (c->argc == 3) {
		if (arg_ll(&c->argv[2], &count) || count < 0) {
			reply_error(c->out, "ERR value is out of range, must be positive");
			return;
		}
	}
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (!kv) {
		if (count < 0)
			reply_null(c->out);
		else
			reply_set(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_SET))
		return;
	struct set st;
	set_load(kv, &st);
	unsigned long size = set_len(&st);
	char buf[24];
	const char *s;
	size_t len;
	if (count < 0) {
		set_random(&st, &s, &len, buf);
		reply_bulk(c->out, s, len);
		set_remove(&st, s, len);
	} else if (count == 0) {
		reply_set(c->out, 0);
		return;
	} else if ((unsigned long long)count >= size) {
		reply_members(c, &st);
		db_unlink(c, ref);
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_SET, "spop", &c->argv[1]);
		notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
		return;
	} else if ((unsigned long long)count * 5 > size) {
		/* Popping most of the set: move the survivors to a new set and
		 * reply with what is left of the old one. */
		struct set keep;
		unsigned long remaining = size - (unsigned long)count;
		if (st.enc == ENC_INTSET)
			set_init_intset(&keep);
		else {
			keep.enc = ENC_HT;
			keep.p = dict_create(&set_dict_type);
		}
		for (unsigned long i = 0; i < remaining; i++) {
			set_random(&st, &s, &len, buf);
			set_add(&keep, s, len);
			set_remove(&st, s, len);
		}
		reply_members(c, &st);
		set_free(&st);
		st = keep;
	} else {
		reply_set(c->out, count);
		for (long long i = 0; i < count; i++) {
			set_random(&st, &s, &len, buf);
			reply_bulk(c->out, s, len);
			set_remove(&st, s, len);
		}
	}
	set_save(kv, &st);
	int gone = set_len(&st) == 0;
	if (gone)
		db_unlink(c, ref);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
	notify_arg(c, NOTIFY_SET, "spop", &c->argv[1]);
	if (gone)
		notify_arg(c, NOTIFY_GENERIC, "del", &c->argv[1]);
}

void cmd_srandmember(struct cmd_ctx *c)
{
	long long l = 0;
	int with_count = c->argc == 3;
	if (c->argc > 3) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (with_count && arg_ll_or_reply(c, &c->argv[2], &l))
		return;
	if (with_count && l == LLONG_MIN) {
		reply_error(c->out, "ERR value is out of range, value must between "
			    "-9223372036854775807 and 9223372036854775807");
		return;
	}
	struct set st;
	int r = lookup_read(c, &c->argv[1], &st);
	if (r < 0)
		return;
	char buf[24];
	const char *s;
	size_t len;
	if (!with_count) {
		if (r) {
			reply_null(c->out);
			return;
		}
		set_random(&st, &s, &len, buf);
		reply_bulk(c->out, s, len);
		return;
	}
	if (r || l == 0) {
		reply_array(c->out, 0);
		return;
	}
	unsigned long size = set_len(&st);
	if (l < 0) {
		/* with repetitions */
		reply_array(c->out, -l);
		for (long long i = 0; i < -l; i++) {
			set_random(&st, &s, &len, buf);
			reply_bulk(c->out, s, len);
		}
		return;
	}
	if ((unsigned long long)l >= size) {
		struct set_iter it;
		reply_array(c->out, (long)size);
		set_iter_init(&it, &st);
		while (set_iter_next(&it, &s, &len))
			reply_bulk(c->out, s, len);
		set_iter_deinit(&it);
		return;
	}
	/* distinct members: collect into a scratch set */
	struct set pick = {ENC_HT, dict_create(&set_dict_type)};
	if ((unsigned long long)l * 3 > size) {
		/* copy everything, then drop random members until l are left */
		struct set_iter it;
		set_iter_init(&it, &st);
		while (set_iter_next(&it, &s, &len))
			set_add(&pick, s, len);
		set_iter_deinit(&it);
		while (set_len(&pick) > (unsigned long)l) {
			set_random(&pick, &s, &len, buf);
			set_remove(&pick, s, len);
		}
	} else {
		while (set_len(&pick) < (unsigned long)l) {
			set_random(&st, &s, &len, buf);
			set_add(&pick, s, len);
		}
	}
	struct set_iter it;
	reply_array(c->out, l);
	set_iter_init(&it, &pick);
	while (set_iter_next(&it, &s, &len))
		reply_bulk(c->out, s, len);
	set_iter_deinit(&it);
	set_free(&pick);
}

void cmd_smove(struct cmd_ctx *c)
{
	const struct resp_arg *src = &c->argv[1], *dst = &c->argv[2], *m = &c->argv[3];
	struct kv *skv = db_write(c, src, NULL);
	struct kv *dkv = db_write(c, dst, NULL);
	if (!skv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, skv, OBJ_SET) || (dkv && db_check_type(c, dkv, OBJ_SET)))
		return;
	struct set ss, ds;
	set_load(skv, &ss);
	if (skv == dkv) {
		reply_int(c->out, set_has(&ss, m->ptr, m->len));
		return;
	}
	if (!set_remove(&ss, m->ptr, m->len)) {
		reply_int(c->out, 0);
		return;
	}
	set_save(skv, &ss);
	db_modified(c, src->ptr, src->len);
	int added = 1;
	if (dkv) {
		set_load(dkv, &ds);
		added = set_add(&ds, m->ptr, m->len);
		set_save(dkv, &ds);
	} else {
		set_init_for(&ds, m->ptr, m->len);
		set_add(&ds, m->ptr, m->len);
		db_insert(c, set_kv_create(dst, &ds));
	}
	db_modified(c, dst->ptr, dst->len);
	/* delete last: dkv's link stays valid until now */
	int gone = set_len(&ss) == 0;
	if (gone)
		db_delete(c, src->ptr, src->len);
	/* Redis's order: srem src, del src, new dst, sadd dst. */
	notify_arg(c, NOTIFY_SET, "srem", src);
	if (gone)
		notify_arg(c, NOTIFY_GENERIC, "del", src);
	if (!dkv)
		notify_arg(c, NOTIFY_NEW, "new", dst);
	if (added)
		notify_arg(c, NOTIFY_SET, "sadd", dst);
	reply_int(c->out, 1);
}

/* ---- SINTER / SUNION / SDIFF family -------------------------------------- */

enum { OP_INTER, OP_UNION, OP_DIFF };

struct set_ref {
	struct set st;
	int present;
};

static int cmp_by_len(const void *a, const void *b)
{
	const struct set_ref *x = a, *y = b;
	unsigned long lx = x->present ? set_len(&x->st) : 0, ly = y->present ? set_len(&y->st) : 0;
	return lx < ly ? -1 : lx > ly;
}

/* Load n keys. Returns 0, or -1 after a WRONGTYPE reply. */
static int load_sets(struct cmd_ctx *c, const struct resp_arg *keys, int n, struct set_ref *out,
		     int for_write)
{
	for (int i = 0; i < n; i++) {
		struct kv *kv = for_write ? db_write(c, &keys[i], NULL) : db_read(c, &keys[i]);
		out[i].present = kv != NULL;
		if (!kv)
			continue;
		if (db_check_type(c, kv, OBJ_SET))
			return -1;
		set_load(kv, &out[i].st);
	}
	return 0;
}

/* Intersection members, visited through fn; stops when fn returns nonzero or
 * limit (> 0) members were seen. Returns the count visited. */
typedef int (*member_fn)(void *ud, const char *s, size_t len);

static unsigned long inter_walk(struct set_ref *sets, int n, unsigned long limit, member_fn fn,
				void *ud)
{
	for (int i = 0; i < n; i++)
		if (!sets[i].present)
			return 0;
	qsort(sets, (size_t)n, sizeof(*sets), cmp_by_len);
	unsigned long found = 0;
	struct set_iter it;
	const char *s;
	size_t len;
	set_iter_init(&it, &sets[0].st);
	while (set_iter_next(&it, &s, &len)) {
		int j;
		for (j = 1; j < n; j++)
			if (sets[j].st.p != sets[0].st.p && !set_has(&sets[j].st, s, len))
				break;
		if (j < n)
			continue;
		found++;
		if (fn && fn(ud, s, len))
			break;
		if (limit && found >= limit)
			break;
	}
	set_iter_deinit(&it);
	return found;
}

static int add_to_set(void *ud, const char *s, size_t len)
{
	set_add(ud, s, len);
	return 0;
}

/* Compute op over sets into a new set (intset-first, like Redis). */
static void set_compute(struct set_ref *sets, int n, int op, struct set *res)
{
	set_init_intset(res);
	if (op == OP_INTER) {
		inter_walk(sets, n, 0, add_to_set, res);
		return;
	}
	struct set_iter it;
	const char *s;
	size_t len;
	if (op == OP_UNION) {
		/* Size the table once, for the sum of the inputs (no rehash while
		 * it fills); shrink after if duplicates left it mostly empty. */
		unsigned long hint = 0;
		for (int i = 0; i < n; i++)
			hint += sets[i].present ? set_len(&sets[i].st) : 0;
		for (int i = 0; i < n; i++) {
			if (!sets[i].present)
				continue;
			set_iter_init(&it, &sets[i].st);
			while (set_iter_next(&it, &s, &len))
				set_add_hint(res, s, len, hint);
			set_iter_deinit(&it);
		}
		if (res->enc == ENC_HT && dict_needs_shrink(res->p))
			dict_shrink_to_fit(res->p);
		return;
	}
	/* DIFF: members of the first set present in none of the others */
	if (!sets[0].present)
		return;
	set_iter_init(&it, &sets[0].st);
	while (set_iter_next(&it, &s, &len)) {
		int j;
		for (j = 1; j < n; j++) {
			if (!sets[j].present)
				continue;
			if (sets[j].st.p == sets[0].st.p || set_has(&sets[j].st, s, len))
				break;
		}
		if (j == n)
			set_add(res, s, len);
	}
	set_iter_deinit(&it);
}

static void set_op_generic(struct cmd_ctx *c, int first, int op, const struct resp_arg *dst)
{
	int n = c->argc - first;
	struct set_ref stackrefs[16];
	struct set_ref *sets = n <= 16 ? stackrefs : pmalloc(sizeof(*sets) * (size_t)n);
	if (load_sets(c, &c->argv[first], n, sets, dst != NULL))
		goto out;
	struct set res;
	if (!dst && op == OP_INTER) {
		/* stream the intersection straight into the reply */
		for (int i = 0; i < n; i++) {
			if (!sets[i].present) {
				reply_set(c->out, 0);
				goto out;
			}
		}
		set_compute(sets, n, op, &res);
		reply_members(c, &res);
		set_free(&res);
		goto out;
	}
	set_compute(sets, n, op, &res);
	if (!dst) {
		reply_members(c, &res);
		set_free(&res);
		goto out;
	}
	unsigned long len = set_len(&res);
	if (len == 0) {
		set_free(&res);
		if (db_delete(c, dst->ptr, dst->len)) {
			db_modified(c, dst->ptr, dst->len);
			notify_arg(c, NOTIFY_GENERIC, "del", dst);
		}
	} else {
		if (notify_wants(NOTIFY_NEW) && !db_find(c, dst->ptr, dst->len, NULL))
			notify_arg(c, NOTIFY_NEW, "new", dst);
		db_set(c, set_kv_create(dst, &res));
		db_modified(c, dst->ptr, dst->len);
		notify_arg(c, NOTIFY_SET, op == OP_INTER ? "sinterstore" : op == OP_UNION ? "sunionstore" : "sdiffstore", dst);
	}
	reply_int(c->out, (long long)len);
out:
	if (sets != stackrefs)
		pfree(sets);
}

void cmd_sinter(struct cmd_ctx *c) { set_op_generic(c, 1, OP_INTER, NULL); }
void cmd_sunion(struct cmd_ctx *c) { set_op_generic(c, 1, OP_UNION, NULL); }
void cmd_sdiff(struct cmd_ctx *c) { set_op_generic(c, 1, OP_DIFF, NULL); }
void cmd_sinterstore(struct cmd_ctx *c) { set_op_generic(c, 2, OP_INTER, &c->argv[1]); }
void cmd_sunionstore(struct cmd_ctx *c) { set_op_generic(c, 2, OP_UNION, &c->argv[1]); }
void cmd_sdiffstore(struct cmd_ctx *c) { set_op_generic(c, 2, OP_DIFF, &c->argv[1]); }

void cmd_sintercard(struct cmd_ctx *c)
{
	long long numkeys, limit = 0;
	if (arg_ll(&c->argv[1], &numkeys) || numkeys <= 0) {
		reply_error(c->out, "ERR numkeys should be greater than 0");
		return;
	}
	if (numkeys > c->argc - 2) {
		reply_error(c->out, "ERR Number of keys can't be greater than number of args");
		return;
	}
	for (int i = 2 + (int)numkeys; i < c->argc; i += 2) {
		if (ARGIS(c, i, "limit") && i + 1 < c->argc) {
			if (arg_ll(&c->argv[i + 1], &limit) || limit < 0) {
				reply_error(c->out, "ERR LIMIT can't be negative");
				return;
			}
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	int n = (int)numkeys;
	struct set_ref stackrefs[16];
	struct set_ref *sets = n <= 16 ? stackrefs : pmalloc(sizeof(*sets) * (size_t)n);
	if (load_sets(c, &c->argv[2], n, sets, 0) == 0)
		reply_int(c->out, (long long)inter_walk(sets, n, (unsigned long)limit, NULL, NULL));
	if (sets != stackrefs)
		pfree(sets);
}

/* ---- SSCAN ---------------------------------------------------------------- */

void cmd_sscan(struct cmd_ctx *c)
{
	unsigned long cursor;
	if (tset_parse_cursor(c, &c->argv[2], &cursor))
		return;
	struct set st;
	int r = lookup_read(c, &c->argv[1], &st);
	if (r < 0)
		return;
	if (r > 0) {
		reply_scan_head(c->out, 0);
		reply_array(c->out, 0);
		return;
	}
	long count;
	const struct resp_arg *pat;
	if (tset_scan_options(c, 3, &count, &pat))
		return;
	if (st.enc == ENC_INTSET) {
		/* small encodings are returned whole, cursor 0 */
		reply_scan_head(c->out, 0);
		size_t pos = reply_defer(c->out);
		long n = 0;
		struct set_iter it;
		const char *s;
		size_t len;
		set_iter_init(&it, &st);
		while (set_iter_next(&it, &s, &len)) {
			if (pat && !glob_match(pat->ptr, pat->len, s, len, 0))
				continue;
			reply_bulk(c->out, s, len);
			n++;
		}
		set_iter_deinit(&it);
		reply_set_deferred(c->out, pos, '*', n);
		return;
	}
	size_t nk;
	void **keys = dict_scan_keys(st.p, &cursor, count, &nk);
	reply_scan_head(c->out, cursor);
	size_t pos = reply_defer(c->out);
	long n = 0;
	for (size_t i = 0; i < nk; i++) {
		const struct dict_lstr *m = keys[i];
		if (pat && !glob_match(pat->ptr, pat->len, m->data, m->len, 0))
			continue;
		reply_bulk(c->out, m->data, m->len);
		n++;
	}
	reply_set_deferred(c->out, pos, '*', n);
	pfree(keys);
}

/* ---- read access for t_zset.c (ZUNION & co. accept sets as inputs) -------- */

unsigned long tset_size(const struct kv *kv);
int tset_has(const struct kv *kv, const char *s, size_t len);
void tset_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len), void *ud);

unsigned long tset_size(const struct kv *kv)
{
	struct set st;
	set_load(kv, &st);
	return set_len(&st);
}

int tset_has(const struct kv *kv, const char *s, size_t len)
{
	struct set st;
	set_load(kv, &st);
	return set_has(&st, s, len);
}

void tset_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len), void *ud)
{
	struct set st;
	struct set_iter it;
	const char *s;
	size_t len;
	set_load(kv, &st);
	set_iter_init(&it, &st);
	while (set_iter_next(&it, &s, &len))
		fn(ud, s, len);
	set_iter_deinit(&it);
}
