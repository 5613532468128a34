/* cmd_bitmap.c — bitmap commands over string values: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
 *
 * Replies and error texts are Redis 7.0's, byte for byte.
 *
 * DESIGN
 *   Bit numbering is Redis's: bit 0 is the most significant bit of byte 0,
 *   a bitfield's value is read most significant bit first.
 *
 *     byte:      0                 1
 *     bit:   0 1 2 3 4 5 6 7   8 9 ...
 *            MSB         LSB   MSB
 *
 *   Readers (GETBIT, BITCOUNT, BITPOS, BITFIELD GETs, BITOP sources) use any
 *   encoding as it is (an int reads as its decimal text). Writers turn the
 *   value into ENC_RAW first and grow its sbuf zero-padded, through
 *   string_raw()/string_grow() of cmd_string.c — even when no bit changes,
 *   as Redis does, so OBJECT ENCODING agrees. BITOP stores a fresh raw
 *   string (or deletes the destination when the result is empty).
 *   SETBIT and BITFIELD count as a change (dirty counter, WATCH, the
 *   "setbit" event) only when they grew the string or altered bits, as
 *   Redis 7.0 does.
 *
 *   Offsets are limited by proto-max-bulk-len (srv.proto_max_bulk): the
 *   byte an offset addresses must be below it.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h. BITOP with
 * keys on several shards runs under a multi-shard hold.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/pubsub.h>
#include <petrel/kv.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* From cmd_string.c (the raw-string mechanism; see its DESIGN). */
struct sbuf *string_raw(struct cmd_ctx *c, struct kv **ref);
struct sbuf *string_grow(struct kv *kv, struct sbuf *s, size_t newlen);

static const char ERR_BITOFF[] = "ERR bit offset is not an integer or out of range";
static const char ERR_BITVAL[] = "ERR bit is not an integer or out of range";
static const char ERR_BFTYPE[] = "ERR Invalid bitfield type. Use something like i16 u8. "
				 "Note that u64 is not supported but i64 is.";

/* ---- argument parsing -------------------------------------------------------- */

/* A bit offset: a non-negative integer, or with hash set "#N" meaning N*bits.
 * Returns 0, or -1 after replying. */
static int bit_offset(struct cmd_ctx *c, const struct resp_arg *a, int hash, int bits,
		      uint64_t *off)
{
	int usehash = a->len > 0 && a->ptr[0] == '#' && hash && bits > 0;
	struct resp_arg num = {a->ptr + usehash, a->len - (size_t)usehash};
	long long v;
	if (arg_ll(&num, &v))
		goto bad;
	if (usehash)    /* wraps like Redis's signed multiply does in practice */
		v = (long long)((unsigned long long)v * (unsigned long long)bits);
	if (v < 0 || (v >> 3) >= srv.proto_max_bulk)
		goto bad;
	*off = (uint64_t)v;
	return 0;
bad:
	reply_error(c->out, ERR_BITOFF);
	return -1;
}

/* A bitfield type: i1..i64 or u1..u63 (lowercase prefix, as Redis). Redis
 * reads it as a C string: a NUL ends it ("u8\0x" is u8). */
static int bf_type(struct cmd_ctx *c, const struct resp_arg *a, int *sign, int *bits)
{
	long long n;
	size_t len = strnlen(a->ptr, a->len);
	if (len < 2 || (a->ptr[0] != 'i' && a->ptr[0] != 'u'))
		goto bad;
	*sign = a->ptr[0] == 'i';
	struct resp_arg num = {a->ptr + 1, len - 1};
	if (arg_ll(&num, &n) || n < 1 || (*sign && n > 64) || (!*sign && n > 63))
		goto bad;
	*bits = (int)n;
	return 0;
bad:
	reply_error(c->out, ERR_BFTYPE);
	return -1;
}

/* ---- bit primitives ------------------------------------------------------------ */

static long long popcount(const unsigned char *p, size_t n)
{
	long long cnt = 0;
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		uint64_t w[4];
		memcpy(w, p + i, 32);
		cnt += __builtin_popcountll(w[0]) + __builtin_popcountll(w[1]) +
		       __builtin_popcountll(w[2]) + __builtin_popcountll(w[3]);
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		cnt += __builtin_popcountll(w);
	}
	for (; i < n; i++)
		cnt += __builtin_popcount(p[i]);
	return cnt;
}

static inline int bit_at(const unsigned char *p, uint64_t i)
{
	return (p[i >> 3] >> (7 - (i & 7))) & 1;
}

/* First bit equal to `bit` in bit positions [lo, hi] of p, or -1. */
static long long bit_find(const unsigned char *p, uint64_t lo, uint64_t hi, int bit)
{
	const unsigned char skip = bit ? 0x00 : 0xff;
	const uint64_t skipw = bit ? 0 : UINT64_MAX;
	uint64_t i = lo;
	while (i <= hi) {
		if ((i & 7) == 0 && i + 7 <= hi) {
			/* Byte aligned with whole bytes left: skip words, then bytes. */
			while (i + 63 <= hi) {
				uint64_t w;
				memcpy(&w, p + (i >> 3), 8);
				if (w != skipw)
					break;
				i += 64;
			}
			while (i + 7 <= hi && p[i >> 3] == skip)
				i += 8;
			if (i + 7 > hi)
				continue;
			unsigned v = bit ? p[i >> 3] : (unsigned char)~p[i >> 3];
			return (long long)(i + (uint64_t)(__builtin_clz(v) - 24));
		}
		if (bit_at(p, i) == bit)
			return (long long)i;
		i++;
	}
	return -1;
}

static uint64_t bf_get(const unsigned char *p, uint64_t off, int bits)
{
	uint64_t v = 0;
	for (int i = 0; i < bits; i++, off++)
		v = (v << 1) | (uint64_t)bit_at(p, off);
	return v;
}

static void bf_set(unsigned char *p, uint64_t off, int bits, uint64_t v)
{
	for (int i = bits - 1; i >= 0; i--, off++) {
		unsigned char m = (unsigned char)(1u << (7 - (off & 7)));
		if ((v >> i) & 1)
			p[off >> 3] |= m;
		else
			p[off >> 3] &= (unsigned char)~m;
	}
}

static int64_t bf_get_signed(const unsigned char *p, uint64_t off, int bits)
{
	uint64_t u = bf_get(p, off, bits);
	if (bits < 64 && (u & ((uint64_t)1 << (bits - 1))))
		u |= UINT64_MAX << bits;
	return (int64_t)u;
}

/* ---- SETBIT / GETBIT --------------------------------------------------------- */

/* Redis's lookupStringForBitCommand: the key's value as a raw string of at
 * least maxbit/8+1 bytes (created if missing). NULL after a WRONGTYPE reply.
 * *grew: created or lengthened. */
static struct sbuf *bit_lookup_write(struct cmd_ctx *c, uint64_t maxbit, int *grew)
{
	const struct resp_arg *key = &c->argv[1];
	size_t need = (size_t)(maxbit >> 3) + 1;
	struct kv **ref;
	struct kv *kv = db_write(c, key, &ref);
	if (db_check_type(c, kv, OBJ_STRING))
		return NULL;
	if (!kv) {
		struct sbuf *s = pcalloc(1, sizeof(*s) + need);
		s->len = need;
		db_insert_at(c, ref, kv_create_ptr(key->ptr, key->len, OBJ_STRING, ENC_RAW, s, -1));
		notify_arg(c, NOTIFY_NEW, "new", key);
		*grew = 1;
		return s;
	}
	struct sbuf *s = string_raw(c, ref);
	size_t old = s->len;
	s = string_grow(*ref, s, need);
	*grew = s->len != old;
	return s;
}

void cmd_setbit(struct cmd_ctx *c)
{
	uint64_t off;
	long long on;
	if (bit_offset(c, &c->argv[2], 0, 0, &off))
		return;
	if (arg_ll(&c->argv[3], &on) || (on & ~1LL)) {
		reply_error(c->out, ERR_BITVAL);
		return;
	}
	int grew;
	struct sbuf *s = bit_lookup_write(c, off, &grew);
	if (!s)
		return;
	unsigned char *byte = (unsigned char *)s->data + (off >> 3);
	int shift = 7 - (int)(off & 7);
	int old = (*byte >> shift) & 1;
	if (grew || old != on) {
		*byte = (unsigned char)((*byte & ~(1u << shift)) | ((unsigned)on << shift));
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_STRING, "setbit", &c->argv[1]);
	}
	reply_int(c->out, old);
}

void cmd_getbit(struct cmd_ctx *c)
{
	uint64_t off;
	if (bit_offset(c, &c->argv[2], 0, 0, &off))
		return;
	struct kv *kv = db_read(c, &c->argv[1]);
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	int v = 0;
	if (kv) {
		char num[24];
		size_t len;
		const unsigned char *p = (const unsigned char *)kv_str(kv, &len, num);
		if ((off >> 3) < len)
			v = bit_at(p, off);
	}
	reply_int(c->out, v);
}

/* ---- BITCOUNT / BITPOS ------------------------------------------------------- */

/* Parse the optional BYTE|BIT unit at argv[i]: 0 byte, 1 bit, -1 replied. */
static int parse_unit(struct cmd_ctx *c, int i)
{
	if (ARGIS(c, i, "bit"))
		return 1;
	if (ARGIS(c, i, "byte"))
		return 0;
	reply_error(c->out, ERR_SYNTAX);
	return -1;
}

/* Clamp [*start, *end] (negative = from the end) to [0, total-1]. */
static void clamp_range(long long *start, long long *end, long long total)
{
	if (*start < 0)
		*start += total;
	if (*end < 0)
		*end += total;
	if (*start < 0)
		*start = 0;
	if (*end < 0)
		*end = 0;
	if (*end >= total)
		*end = total - 1;
}

/* BITCOUNT key [start end [BYTE|BIT]]: the key is looked up before the
 * range is parsed (a missing key answers 0 whatever follows). */
void cmd_bitcount(struct cmd_ctx *c)
{
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	char num[24];
	size_t n;
	const unsigned char *p = (const unsigned char *)kv_str(kv, &n, num);
	long long start, end;
	if (c->argc == 4 || c->argc == 5) {
		int isbit = 0;
		if (arg_ll_or_reply(c, &c->argv[2], &start) || arg_ll_or_reply(c, &c->argv[3], &end))
			return;
		/* Redis answers an inverted negative range before reading the unit. */
		if (start < 0 && end < 0 && start > end) {
			reply_int(c->out, 0);
			return;
		}
		if (c->argc == 5 && (isbit = parse_unit(c, 4)) < 0)
			return;
		long long total = isbit ? (long long)n * 8 : (long long)n;
		clamp_range(&start, &end, total);
		if (start > end) {
			reply_int(c->out, 0);
			return;
		}
		if (isbit) {
			/* Whole bytes, minus the bits of the edge bytes outside the range. */
			long long sb = start >> 3, eb = end >> 3;
			long long cnt = popcount(p + sb, (size_t)(eb - sb + 1));
			unsigned head = (0xffu << (8 - (start & 7))) & 0xff;
			unsigned tail = (1u << (7 - (end & 7))) - 1;
			cnt -= __builtin_popcount(p[sb] & head) + __builtin_popcount(p[eb] & tail);
			reply_int(c->out, cnt);
			return;
		}
	} else if (c->argc == 2) {
		start = 0;
		end = (long long)n - 1;
	} else {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (start > end)
		reply_int(c->out, 0);
	else
		reply_int(c->out, popcount(p + start, (size_t)(end - start + 1)));
}

/* BITPOS key bit [start [end [BYTE|BIT]]]
 * A missing key is an endless run of zeros (0 for bit 0, -1 for bit 1). When
 * looking for a 0 without an explicit end, the string counts as padded with
 * zeros on the right, so an all-ones range answers the bit after it. */
void cmd_bitpos(struct cmd_ctx *c)
{
	long long bit;
	if (arg_ll_or_reply(c, &c->argv[2], &bit))
		return;
	if (bit != 0 && bit != 1) {
		reply_error(c->out, "ERR The bit argument must be 1 or 0.");
		return;
	}
	struct kv *kv = db_read(c, &c->argv[1]);
	if (!kv) {
		reply_int(c->out, bit ? -1 : 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_STRING))
		return;
	char num[24];
	size_t n;
	const unsigned char *p = (const unsigned char *)kv_str(kv, &n, num);
	long long start = 0, end = (long long)n - 1;
	int isbit = 0, end_given = 0;
	if (c->argc >= 4 && c->argc <= 6) {
		if (arg_ll_or_reply(c, &c->argv[3], &start))
			return;
		if (c->argc == 6 && (isbit = parse_unit(c, 5)) < 0)
			return;
		if (c->argc >= 5) {
			if (arg_ll_or_reply(c, &c->argv[4], &end))
				return;
			end_given = 1;
		}
		long long total = isbit ? (long long)n * 8 : (long long)n;
		if (!end_given)
			end = total - 1;
		clamp_range(&start, &end, total);
	} else if (c->argc != 3) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (start > end) {
		reply_int(c->out, -1);
		return;
	}
	uint64_t lo = isbit ? (uint64_t)start : (uint64_t)start * 8;
	uint64_t hi = isbit ? (uint64_t)end : (uint64_t)end * 8 + 7;
	long long pos = bit_find(p, lo, hi, (int)bit);
	if (pos < 0 && bit == 0 && !end_given)
		pos = (long long)hi + 1;
	reply_int(c->out, pos);
}

/* ---- BITOP ------------------------------------------------------------------- */

enum { BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT };

/* BITOP op destkey srckey...: missing sources read as empty strings, shorter
 * ones as zero-padded; the result (as long as the longest source) replaces
 * destkey and its TTL, or deletes it when empty. Replies the length. */
void cmd_bitop(struct cmd_ctx *c)
{
	int op;
	if (ARGIS(c, 1, "and"))
		op = BITOP_AND;
	else if (ARGIS(c, 1, "or"))
		op = BITOP_OR;
	else if (ARGIS(c, 1, "xor"))
		op = BITOP_XOR;
	else if (ARGIS(c, 1, "not"))
		op = BITOP_NOT;
	else {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (op == BITOP_NOT && c->argc != 4) {
		reply_error(c->out, "ERR BITOP NOT must be called with a single source key.");
		return;
	}
	int nsrc = c->argc - 3;
	struct src { const unsigned char *p; size_t len; char num[24]; };
	struct src small[8];
	struct src *src = nsrc <= 8 ? small : pmalloc(sizeof(*src) * (size_t)nsrc);
	size_t maxlen = 0;
	for (int k = 0; k < nsrc; k++) {
		struct kv *kv = db_read(c, &c->argv[3 + k]);
		src[k].p = NULL;
		src[k].len = 0;
		if (!kv)
			continue;
		if (db_check_type(c, kv, OBJ_STRING)) {
			if (src != small)
				pfree(src);
			return;
		}
		src[k].p = (const unsigned char *)kv_str(kv, &src[k].len, src[k].num);
		if (src[k].len > maxlen)
			maxlen = src[k].len;
	}
	const struct resp_arg *dst = &c->argv[2];
	if (maxlen == 0) {
		if (src != small)
			pfree(src);
		if (db_delete(c, dst->ptr, dst->len)) {
			db_modified(c, dst->ptr, dst->len);
			notify_arg(c, NOTIFY_GENERIC, "del", dst);
		}
		reply_int(c->out, 0);
		return;
	}
	/* The result is built apart: destkey may be one of the sources. */
	struct sbuf *s = pmalloc(sizeof(*s) + maxlen);
	unsigned char *r = (unsigned char *)s->data;
	s->len = maxlen;
	if (src[0].len)
		memcpy(r, src[0].p, src[0].len);
	memset(r + src[0].len, 0, maxlen - src[0].len);
	if (op == BITOP_NOT) {
		for (size_t i = 0; i < maxlen; i++)
			r[i] = (unsigned char)~r[i];
	}
	for (int k = 1; k < nsrc; k++) {
		const unsigned char *q = src[k].p;
		size_t len = src[k].len;
		switch (op) {
		case BITOP_AND:
			for (size_t i = 0; i < len; i++)
				r[i] &= q[i];
			memset(r + len, 0, maxlen - len);
			break;
		case BITOP_OR:
			for (size_t i = 0; i < len; i++)
				r[i] |= q[i];
			break;
		case BITOP_XOR:
			for (size_t i = 0; i < len; i++)
				r[i] ^= q[i];
			break;
		}
	}
	if (src != small)
		pfree(src);
	if (notify_wants(NOTIFY_NEW) && !db_find(c, dst->ptr, dst->len, NULL))
		notify_arg(c, NOTIFY_NEW, "new", dst);
	db_set(c, kv_create_ptr(dst->ptr, dst->len, OBJ_STRING, ENC_RAW, s, -1));
	db_modified(c, dst->ptr, dst->len);
	notify_arg(c, NOTIFY_STRING, "set", dst);
	reply_int(c->out, (long long)maxlen);
}

/* ---- BITFIELD / BITFIELD_RO ---------------------------------------------------- */

enum { BF_GET, BF_SET, BF_INCRBY };
enum { BF_WRAP, BF_SAT, BF_FAIL };

struct bf_op {
	uint64_t off;
	int64_t val;
	uint8_t opcode, owtype, sign, bits;
};

/* Signed overflow check of value+incr in `bits` bits. Returns 1 (over),
 * -1 (under) or 0; *limit gets the wrapped or saturated result. */
static int bf_overflow_signed(int64_t value, int64_t incr, int bits, int owtype, int64_t *limit)
{
	int64_t max = bits == 64 ? INT64_MAX : (((int64_t)1 << (bits - 1)) - 1);
	int64_t min = -max - 1;
	int64_t maxincr = (int64_t)((uint64_t)max - (uint64_t)value);
	int64_t minincr = (int64_t)((uint64_t)min - (uint64_t)value);
	int r;
	if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr))
		r = 1;
	else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr))
		r = -1;
	else
		return 0;
	if (owtype == BF_SAT) {
		*limit = r > 0 ? max : min;
	} else if (owtype == BF_WRAP) {
		uint64_t sum = (uint64_t)value + (uint64_t)incr;
		if (bits < 64) {
			uint64_t mask = UINT64_MAX << bits;
			if (sum & ((uint64_t)1 << (bits - 1)))
				sum |= mask;
			else
				sum &= ~mask;
		}
		*limit = (int64_t)sum;
	}
	return r;
}

static int bf_overflow_unsigned(uint64_t value, int64_t incr, int bits, int owtype, uint64_t *limit)
{
	uint64_t max = ((uint64_t)1 << bits) - 1;       /* bits <= 63 */
	int64_t maxincr = (int64_t)(max - value);
	int64_t minincr = (int64_t)(0 - value);
	int r;
	if (value > max || (incr > 0 && incr > maxincr))
		r = 1;
	else if (incr < 0 && incr < minincr)
		r = -1;
	else
		return 0;
	if (owtype == BF_SAT)
		*limit = r > 0 ? max : 0;
	else if (owtype == BF_WRAP)
		*limit = (value + (uint64_t)incr) & max;
	return r;
}

/* Run one SET/INCRBY on the raw bytes p and reply its result. Returns 1 if
 * it wrote (changed or not), 0 for an OVERFLOW FAIL. */
static int bf_write(struct cmd_ctx *c, unsigned char *p, const struct bf_op *o)
{
	int over;
	if (o->sign) {
		int64_t old = bf_get_signed(p, o->off, o->bits), nv, ret, lim = 0;
		if (o->opcode == BF_INCRBY) {
			over = bf_overflow_signed(old, o->val, o->bits, o->owtype, &lim);
			nv = over ? lim : (int64_t)((uint64_t)old + (uint64_t)o->val);
			ret = nv;
		} else {
			over = bf_overflow_signed(o->val, 0, o->bits, o->owtype, &lim);
			nv = over ? lim : o->val;
			ret = old;
		}
		if (over && o->owtype == BF_FAIL) {
			reply_null(c->out);
			return 0;
		}
		bf_set(p, o->off, o->bits, (uint64_t)nv);
		reply_int(c->out, ret);
		return 1;
	} else {
		uint64_t old = bf_get(p, o->off, o->bits), nv, ret, lim = 0;
		if (o->opcode == BF_INCRBY) {
			over = bf_overflow_unsigned(old, o->val, o->bits, o->owtype, &lim);
			nv = over ? lim : old + (uint64_t)o->val;
			ret = nv;
		} else {
			over = bf_overflow_unsigned((uint64_t)o->val, 0, o->bits, o->owtype, &lim);
			nv = over ? lim : (uint64_t)o->val;
			ret = old;
		}
		if (over && o->owtype == BF_FAIL) {
			reply_null(c->out);
			return 0;
		}
		bf_set(p, o->off, o->bits, nv);
		reply_int(c->out, (long long)ret);
		return 1;
	}
}

/* A GET reads through a zero-padded 9-byte window, so it may reach past the
 * end of the string (or read a missing key as zeros). */
static void bf_read(struct cmd_ctx *c, const unsigned char *p, size_t len, const struct bf_op *o)
{
	unsigned char win[9] = {0};
	uint64_t byte = o->off >> 3;
	for (uint64_t i = 0; i < 9 && byte + i < len; i++)
		win[i] = p[byte + i];
	uint64_t off = o->off & 7;
	if (o->sign)
		reply_int(c->out, bf_get_signed(win, off, o->bits));
	else
		reply_int(c->out, (long long)bf_get(win, off, o->bits));
}

/* All subcommands are parsed (and any error replied) before anything runs. */
static void bitfield_generic(struct cmd_ctx *c, int ro)
{
	struct bf_op small[16];
	int cap = (c->argc - 2) / 3 + 1;
	struct bf_op *ops = cap <= 16 ? small : pmalloc(sizeof(*ops) * (size_t)cap);
	int nops = 0, owtype = BF_WRAP, readonly = 1;
	uint64_t highest = 0;
	for (int j = 2; j < c->argc; j++) {
		int rem = c->argc - j - 1, opcode;
		if (ARGIS(c, j, "get") && rem >= 2) {
			opcode = BF_GET;
		} else if (ARGIS(c, j, "set") && rem >= 3) {
			opcode = BF_SET;
		} else if (ARGIS(c, j, "incrby") && rem >= 3) {
			opcode = BF_INCRBY;
		} else if (ARGIS(c, j, "overflow") && rem >= 1) {
			j++;
			if (ARGIS(c, j, "wrap"))
				owtype = BF_WRAP;
			else if (ARGIS(c, j, "sat"))
				owtype = BF_SAT;
			else if (ARGIS(c, j, "fail"))
				owtype = BF_FAIL;
			else {
				reply_error(c->out, "ERR Invalid OVERFLOW type specified");
				goto out;
			}
			continue;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			goto out;
		}
		int sign, bits;
		uint64_t off;
		long long v = 0;
		if (bf_type(c, &c->argv[j + 1], &sign, &bits) ||
		    bit_offset(c, &c->argv[j + 2], 1, bits, &off))
			goto out;
		if (opcode != BF_GET) {
			readonly = 0;
			if (highest < off + (uint64_t)bits - 1)
				highest = off + (uint64_t)bits - 1;
			if (arg_ll_or_reply(c, &c->argv[j + 3], &v))
				goto out;
		}
		struct bf_op *o = &ops[nops++];
		o->off = off;
		o->val = v;
		o->opcode = (uint8_t)opcode;
		o->owtype = (uint8_t)owtype;
		o->sign = (uint8_t)sign;
		o->bits = (uint8_t)bits;
		j += opcode == BF_GET ? 2 : 3;
	}
	if (readonly) {
		struct kv *kv = db_read(c, &c->argv[1]);
		if (db_check_type(c, kv, OBJ_STRING))
			goto out;
		char num[24];
		size_t len = 0;
		const unsigned char *p = kv ? (const unsigned char *)kv_str(kv, &len, num) : NULL;
		reply_array(c->out, nops);
		for (int i = 0; i < nops; i++)
			bf_read(c, p, len, &ops[i]);
		goto out;
	}
	if (ro) {
		reply_error(c->out, "ERR BITFIELD_RO only supports the GET subcommand");
		goto out;
	}
	int grew;
	struct sbuf *s = bit_lookup_write(c, highest, &grew);
	if (!s)
		goto out;
	reply_array(c->out, nops);
	/* Redis 7.0 counts a write as a change when it grew the string or
	 * altered the field's bits; only changes mark the key dirty and notify. */
	int changed = 0;
	for (int i = 0; i < nops; i++) {
		if (ops[i].opcode == BF_GET) {
			bf_read(c, (const unsigned char *)s->data, s->len, &ops[i]);
			continue;
		}
		unsigned char before[9];
		size_t b0 = (size_t)(ops[i].off >> 3);
		size_t nb = (size_t)((ops[i].off + ops[i].bits - 1) >> 3) - b0 + 1;
		memcpy(before, s->data + b0, nb);
		if (bf_write(c, (unsigned char *)s->data, &ops[i]) &&
		    (grew || memcmp(before, s->data + b0, nb) != 0))
			changed = 1;
	}
	if (changed) {
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
		notify_arg(c, NOTIFY_STRING, "setbit", &c->argv[1]);
	}
out:
	if (ops != small)
		pfree(ops);
}

void cmd_bitfield(struct cmd_ctx *c) { bitfield_generic(c, 0); }
void cmd_bitfield_ro(struct cmd_ctx *c) { bitfield_generic(c, 1); }
