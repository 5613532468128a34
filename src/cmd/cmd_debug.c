/* cmd_debug.c — DEBUG: the subset of Redis's debugging command that tests and
 * tools rely on (SLEEP, DIGEST, DIGEST-VALUE, OBJECT, PROTOCOL, POPULATE,
 * SET-ACTIVE-EXPIRE, LOG, ERROR, CHANGE-REPL-ID, STRINGMATCH-LEN/-TEST).
 *
 * Thread: the shard route_debug picks: OBJECT and one-key DIGEST-VALUE run
 * on the key's shard (c->cl may be NULL there); DIGEST, multi-key
 * DIGEST-VALUE, POPULATE and SLEEP under an all-shard hold (SLEEP stops the
 * whole server, as in Redis); the rest on the client's shard.
 *
 * DESIGN (digest): the same construction as Redis, so equal datasets give
 * equal digests across petrel and Redis, for every type:
 *   xor(d, p)  d ^= SHA1(p)              mix(d, p)  xor(d, p); d = SHA1(d)
 *   per key:   k = 0; mix(k, key); mix(k, htonl(type)); mix(k, value);
 *              if TTL: xor(k, "!!expire!!")
 *   dataset:   for each non-empty db j: mix(final, htonl(j)), then
 *              final ^= SHA1(k) for each key (order-independent).
 */
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/log.h>
#include <petrel/server.h>
#include <petrel/shard.h>
#include <petrel/types.h>
#include <petrel/ds/stream.h>
#include "t_stream.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct subcmd {
	const char *name;
	int arity;
	const char *full;
};
void subcmd_syntax(struct cmd_ctx *c, const char *container);
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);
int subcmd_arg_str(const struct resp_arg *a, char *buf, size_t size);
int route_debug(int argc, const struct resp_arg *argv);
int config_glob_match(const char *pattern, const char *string, int nocase);

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* DEBUG SET-ACTIVE-EXPIRE: 0 stops the cron's active expiry (cron.c reads it). */
int debug_active_expire = 1;

int route_debug(int argc, const struct resp_arg *argv)
{
	if (argc < 2)
		return ROUTE_LOCAL;
	const struct resp_arg *s = &argv[1];
	if ((arg_is(s, "object") && argc == 3) || (arg_is(s, "digest-value") && argc == 3))
		return shard_of_slot(slot_of(argv[2].ptr, argv[2].len));
	if (arg_is(s, "digest") || arg_is(s, "digest-value") || arg_is(s, "populate") ||
	    arg_is(s, "sleep"))
		return ROUTE_ALL;
	return ROUTE_LOCAL;
}

/* ---- SHA1 (FIPS 180-1), just enough for digests ------------------------------ */

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

static uint32_t rol(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
		       p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
	static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->n = 0;
}

static void sha1_update(struct sha1 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->len += len;
	while (len) {
		size_t k = 64 - s->n < len ? 64 - s->n : len;
		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
		if (s->n == 64) {
			sha1_block(s, s->buf);
			s->n = 0;
		}
	}
}

static void sha1_final(struct sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	sha1_update(s, &pad, 1);
	while (s->n != 56)
		sha1_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, lenb, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

static void digest_xor(unsigned char d[20], const void *p, size_t n)
{
	struct sha1 s;
	unsigned char h[20];
	sha1_init(&s);
	sha1_update(&s, p, n);
	sha1_final(&s, h);
	for (int i = 0; i < 20; i++)
		d[i] ^= h[i];
}

/* Order-sensitive step: d = SHA1(d ^ SHA1(p)). */
static void digest_mix(unsigned char d[20], const void *p, size_t n)
{
	struct sha1 s;
	digest_xor(d, p, n);
	sha1_init(&s);
	sha1_update(&s, d, 20);
	sha1_final(&s, d);
}

/* Per-type element digests, as Redis's xorObjectDigest: lists and streams mix
 * in order; sets XOR each member's SHA1; hashes and sorted sets XOR one
 * mixed digest per (field, value) / (member, "%.17g" score) pair. */
static void mix_elem(void *d, const char *s, size_t len)
{
	digest_mix(d, s, len);
}

static void xor_elem(void *d, const char *s, size_t len)
{
	digest_xor(d, s, len);
}

static void xor_pair(unsigned char *d, const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char e[20] = {0};
	digest_mix(e, a, alen);
	digest_mix(e, b, blen);
	digest_xor(d, e, 20);
}

static void hash_pair(void *d, const char *f, size_t flen, const char *v, size_t vlen)
{
	xor_pair(d, f, flen, v, vlen);
}

static void zset_pair(void *d, const char *s, size_t len, double score)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%.17g", score);
	xor_pair(d, s, len, buf, (size_t)n);
}

static void digest_stream(unsigned char d[20], const struct kv *kv)
{
	struct stream_iter it;
	struct stream_id id, lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
	int64_t nf;
	stream_iter_start(&it, xstream(kv), &lo, &hi, 0);
	while (stream_iter_next(&it, &id, &nf)) {
		char buf[48];
		int n = snprintf(buf, sizeof(buf), "%llu.%llu", (unsigned long long)id.ms,
				 (unsigned long long)id.seq);
		digest_mix(d, buf, (size_t)n);
		while (nf-- > 0) {
			const unsigned char *f, *v;
			uint32_t fl, vl;
			stream_iter_field(&it, &f, &fl, &v, &vl);
			digest_mix(d, f, fl);
			digest_mix(d, v, vl);
		}
	}
}

/* The value part of a key's digest (DEBUG DIGEST-VALUE). */
static void digest_value(unsigned char d[20], struct kv *kv)
{
	uint32_t type = htonl((uint32_t)kv_type(kv));
	digest_mix(d, &type, sizeof(type));
	switch (kv_type(kv)) {
	case OBJ_STRING: {
		char num[32];
		size_t n;
		const char *p = kv_str(kv, &n, num);
		digest_mix(d, p, n);
		break;
	}
	case OBJ_LIST:
		tlist_foreach(kv, mix_elem, d);
		break;
	case OBJ_SET:
		tset_foreach(kv, xor_elem, d);
		break;
	case OBJ_ZSET:
		tzset_foreach(kv, zset_pair, d);
		break;
	case OBJ_HASH:
		thash_foreach(kv, hash_pair, d);
		break;
	case OBJ_STREAM:
		digest_stream(d, kv);
		break;
	default:
		break;
	}
	if (kv_has_expire(kv))
		digest_xor(d, "!!expire!!", 10);
}

static void reply_hex(struct rbuf *o, const unsigned char d[20])
{
	char hex[41];
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	reply_simple(o, hex);
}

struct digest_arg {
	unsigned char *final;
};

static void digest_visit(void *arg, struct kv *kv)
{
	struct digest_arg *a = arg;
	unsigned char k[20] = {0};
	size_t klen;
	const char *key = kv_key(kv, &klen);
	digest_mix(k, key, klen);
	digest_value(k, kv);
	digest_xor(a->final, k, 20);
}

static void debug_digest(struct cmd_ctx *c)
{
	unsigned char final[20] = {0};
	struct digest_arg a = {final};
	for (int db = 0; db < ks_ndbs; db++) {
		if (ks_db_keys(db) == 0)
			continue;
		uint32_t aux = htonl((uint32_t)db);
		digest_mix(final, &aux, sizeof(aux));
		for (unsigned slot = 0; slot < SLOT_COUNT; slot++) {
			if (!ks_slot_count(db, slot))
				continue;
			unsigned long cur = 0;
			do
				cur = ks_scan_slot(db, slot, cur, 1024, digest_visit, &a);
			while (cur);
		}
	}
	reply_hex(c->out, final);
}

static void debug_digest_value(struct cmd_ctx *c)
{
	reply_array(c->out, c->argc - 2);
	for (int i = 2; i < c->argc; i++) {
		unsigned char d[20] = {0};
		struct kv *kv = db_find(c, c->argv[i].ptr, c->argv[i].len, NULL);
		if (kv)
			digest_value(d, kv);
		reply_hex(c->out, d);
	}
}

/* ---- OBJECT ---------------------------------------------------------------- */

static const char *enc_name(int enc)
{
	switch (enc) {
	case ENC_RAW: return "raw";
	case ENC_INT: return "int";
	case ENC_HT: return "hashtable";
	case ENC_ZIPMAP: return "zipmap";
	case ENC_LINKEDLIST: return "linkedlist";
	case ENC_ZIPLIST: return "ziplist";
	case ENC_INTSET: return "intset";
	case ENC_SKIPLIST: return "skiplist";
	case ENC_EMBSTR: return "embstr";
	case ENC_QUICKLIST: return "quicklist";
	case ENC_STREAM: return "stream";
	case ENC_LISTPACK: return "listpack";
	default: return "unknown";
	}
}

static size_t rdb_len_size(size_t n)
{
	return n < 64 ? 1 : n < 16384 ? 2 : n <= 0xffffffffu ? 5 : 9;
}

/* RDB size of a string value (no LZF estimate: uncompressed). */
static size_t serialized_len(const struct kv *kv)
{
	if (kv_type(kv) != OBJ_STRING)
		return 0;
	if (kv_enc(kv) == ENC_INT) {
		long long v = kv_int(kv);
		if (v >= -128 && v <= 127)
			return 2;
		if (v >= -32768 && v <= 32767)
			return 3;
		if (v >= -2147483648LL && v <= 2147483647LL)
			return 5;
	}
	char num[32];
	size_t n;
	kv_str(kv, &n, num);
	return rdb_len_size(n) + n;
}

static void debug_object(struct cmd_ctx *c)
{
	struct kv *kv = db_find(c, c->argv[2].ptr, c->argv[2].len, NULL);
	if (!kv) {
		reply_error(c->out, "ERR no such key");
		return;
	}
	unsigned lru = kv->lru & 0xffffff, clock = db_lru_clock() & 0xffffff;
	unsigned long long idle = clock >= lru ? clock - lru : clock + (0xffffffu - lru);
	int refcount = 1;
	if (kv_enc(kv) == ENC_INT && kv_int(kv) >= 0 && kv_int(kv) < 10000)
		refcount = 2147483647;  /* Redis's shared integers */
	char line[256];
	snprintf(line, sizeof(line),
		 "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
		 (void *)kv, refcount, enc_name(kv_enc(kv)), serialized_len(kv), lru, idle);
	reply_simple(c->out, line);
}

/* ---- PROTOCOL (byte-exact, docs/resp.md 5.1) ---------------------------------- */

static void debug_protocol(struct cmd_ctx *c)
{
	struct rbuf *o = c->out;
	const struct resp_arg *t = &c->argv[2];
	int r3 = o->resp >= 3;
	if (arg_is(t, "string")) {
		reply_bulk_str(o, "Hello World");
	} else if (arg_is(t, "integer")) {
		reply_int(o, 12345);
	} else if (arg_is(t, "double")) {
		if (r3)
			reply_raw(o, ",3.141\r\n", 8);
		else
			reply_bulk_str(o, "3.141");
	} else if (arg_is(t, "bignum")) {
		reply_bignum(o, "1234567999999999999999999999999999999", 37);
	} else if (arg_is(t, "null")) {
		reply_null(o);
	} else if (arg_is(t, "array") || arg_is(t, "set")) {
		if (arg_is(t, "set"))
			reply_set(o, 3);
		else
			reply_array(o, 3);
		for (int i = 0; i < 3; i++)
			reply_int(o, i);
	} else if (arg_is(t, "map")) {
		reply_map(o, 3);
		for (int i = 0; i < 3; i++) {
			reply_int(o, i);
			reply_bool(o, i == 1);
		}
	} else if (arg_is(t, "attrib")) {
		if (r3) {
			static const char attr[] = "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n";
			reply_raw(o, attr, sizeof(attr) - 1);
		}
		reply_bulk_str(o, "Some real reply following the attribute");
	} else if (arg_is(t, "push")) {
		if (!r3) {
			reply_error(o, "ERR RESP2 is not supported by this command");
			return;
		}
		/* 7.0 writes the push before the command's own reply. */
		reply_push(o, 2);
		reply_bulk_str(o, "server-cpu-usage");
		reply_int(o, 42);
		reply_bulk_str(o, "Some real reply following the push reply");
	} else if (arg_is(t, "verbatim")) {
		reply_verbatim(o, "This is a verbatim\nstring", 25, "txt");
	} else if (arg_is(t, "true")) {
		reply_bool(o, 1);
	} else if (arg_is(t, "false")) {
		reply_bool(o, 0);
	} else {
		reply_error(o, "ERR Wrong protocol type name. Please use one of the following: "
			       "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
	}
}

/* ---- POPULATE -------------------------------------------------------------- */

static void debug_populate(struct cmd_ctx *c)
{
	long long count, size = 0;
	if (c->argc > 5) {
		subcmd_syntax(c, "DEBUG");
		return;
	}
	if (arg_ll(&c->argv[2], &count) < 0 || count < 0) {
		reply_error(c->out, "ERR value is out of range, must be positive");
		return;
	}
	if (c->argc == 5 && (arg_ll(&c->argv[4], &size) < 0 || size < 0 || size > (512LL << 20))) {
		reply_error(c->out, "ERR value is out of range, must be positive");
		return;
	}
	const char *prefix = c->argc >= 4 ? c->argv[3].ptr : "key";
	size_t plen = c->argc >= 4 ? c->argv[3].len : 3;
	char *key = pmalloc(plen + 32);
	char *val = size > 0 ? pmalloc((size_t)size) : NULL;
	memcpy(key, prefix, plen);
	for (long long i = 0; i < count; i++) {
		size_t klen = plen + (size_t)snprintf(key + plen, 32, ":%lld", i);
		if (db_find(c, key, klen, NULL))
			continue;
		char vbuf[32];
		size_t vlen = (size_t)snprintf(vbuf, sizeof(vbuf), "value:%lld", i);
		struct kv *kv;
		if (size > 0) {
			memset(val, 0, (size_t)size);
			memcpy(val, vbuf, vlen < (size_t)size ? vlen : (size_t)size);
			kv = kv_create_string(key, klen, val, (size_t)size, -1);
		} else {
			kv = kv_create_string(key, klen, vbuf, vlen, -1);
		}
		db_insert(c, kv);
	}
	pfree(key);
	pfree(val);
	reply_ok(c->out);
}

/* ---- STRINGMATCH-LEN: fuzz the glob matcher, as Redis's self-test does ------- */

static void debug_stringmatch(struct cmd_ctx *c)
{
	static const char alphabet[] = "*?[]^-\\abc";
	char pat[64], str[64];
	unsigned seed = (unsigned)c->now;
	for (int i = 0; i < 100000; i++) {
		int pl = (int)(rand_r(&seed) % 32), sl = (int)(rand_r(&seed) % 32);
		for (int k = 0; k < pl; k++)
			pat[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		for (int k = 0; k < sl; k++)
			str[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		pat[pl] = 0;
		str[sl] = 0;
		config_glob_match(pat, str, 0);
	}
	reply_simple(c->out, "Apparently Redis did not crash: test passed");
}

/* ---- dispatch -------------------------------------------------------------- */

static const char *const debug_help[] = {
	"CHANGE-REPL-ID", "    Change the replication IDs of the instance.",
	"    Dangerous: should be used only for testing the replication subsystem.",
	"DIGEST", "    Output a hex signature representing the current DB content.",
	"DIGEST-VALUE <key> [<key> ...]",
	"    Output a hex signature of the values of all the specified keys.",
	"ERROR <string>",
	"    Return a Redis protocol error with <string> as message. Useful for clients",
	"    unit tests to simulate Redis errors.",
	"LOG <message>", "    Write <message> to the server log.",
	"OBJECT <key>", "    Show low level info about `key` and associated value.",
	"POPULATE <count> [<prefix>] [<size>]",
	"    Create <count> string keys named key:<num>. If <prefix> is specified then",
	"    it is used instead of the 'key' prefix. These are not propagated to",
	"    replicas. Cluster slots are not respected so keys not belonging to the",
	"    current node can be created in cluster mode.",
	"PROTOCOL <type>",
	"    Reply with a test value of the specified type. <type> can be: string,",
	"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
	"    true, false.",
	"SET-ACTIVE-EXPIRE <0|1>",
	"    Setting it to 0 disables expiring keys in background when they are not",
	"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
	"    default.",
	"SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.",
	"STRINGMATCH-LEN", "    Run a fuzz tester against the stringmatchlen() function.",
};

void cmd_debug(struct cmd_ctx *c)
{
	struct rbuf *o = c->out;
	int argc = c->argc;
	if (ARGIS(c, 1, "help") && argc == 2) {
		subcmd_help(c, "DEBUG", debug_help, NELEM(debug_help));
	} else if (ARGIS(c, 1, "sleep") && argc == 3) {
		char buf[64];
		subcmd_arg_str(&c->argv[2], buf, sizeof(buf));
		double secs = strtod(buf, NULL);  /* Redis: no validation, junk = 0 */
		if (secs > 0) {
			struct timespec ts;
			ts.tv_sec = (time_t)secs;
			ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) != 0)
				;
		}
		reply_ok(o);
	} else if (ARGIS(c, 1, "set-active-expire") && argc == 3) {
		long long v = 0;
		arg_ll(&c->argv[2], &v);
		__atomic_store_n(&debug_active_expire, v != 0, __ATOMIC_RELAXED);
		reply_ok(o);
	} else if (ARGIS(c, 1, "digest") && argc == 2) {
		debug_digest(c);
	} else if (ARGIS(c, 1, "digest-value") && argc >= 2) {
		debug_digest_value(c);
	} else if (ARGIS(c, 1, "object") && argc == 3) {
		debug_object(c);
	} else if (ARGIS(c, 1, "protocol") && argc == 3) {
		debug_protocol(c);
	} else if (ARGIS(c, 1, "populate") && argc >= 3) {
		debug_populate(c);
	} else if ((ARGIS(c, 1, "stringmatch-len") || ARGIS(c, 1, "stringmatch-test")) && argc == 2) {
		debug_stringmatch(c);
	} else if (ARGIS(c, 1, "change-repl-id") && argc == 2) {
		/* No replication yet: there are no IDs to change. */
		reply_ok(o);
	} else if (ARGIS(c, 1, "log") && argc == 3) {
		log_warning("DEBUG LOG: %.*s", (int)c->argv[2].len, c->argv[2].ptr);
		reply_ok(o);
	} else if (ARGIS(c, 1, "error") && argc == 3) {
		char msg[512];
		subcmd_arg_str(&c->argv[2], msg, sizeof(msg));
		for (char *p = msg; *p; p++)
			if (*p == '\r' || *p == '\n')
				*p = ' ';
		reply_error(o, msg);
	} else if (ARGIS(c, 1, "reload") || ARGIS(c, 1, "loadaof") || ARGIS(c, 1, "restart") ||
		   ARGIS(c, 1, "crash-and-recover")) {
		char sub[64];
		subcmd_arg_str(&c->argv[1], sub, sizeof(sub));
		for (char *p = sub; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		reply_errorf(o, "ERR DEBUG %s is not supported yet by petrel", sub);
	} else {
		subcmd_syntax(c, "DEBUG");
	}
}
