/* listpack.c — Redis 7.0 listpack, byte for byte: a list of strings and integers
 * packed in one heap block that RDB stores as is.
 *
 * Thread: the owner of the block; no shared state.
 *
 * FORMAT (all multi-byte numbers little-endian; format version: Redis 7.0 listpack)
 *
 *   OFFSET  SIZE  MEANING
 *   0       4     total bytes of the block, header and terminator included
 *   4       2     number of elements; 65535 = "65535 or more, count them"
 *   6       ...   entries: <encoding+data> <backlen>
 *   total-1 1     0xFF terminator
 *
 * Entry encodings (first byte):
 *
 *   FIRST BYTE   SIZE (enc+data)  MEANING
 *   0xxxxxxx     1                uint 0..127 (low 7 bits)
 *   10xxxxxx     1 + len          string, len = low 6 bits (0..63)
 *   110xxxxx     2                int13: u = (b0&0x1F)<<8 | b1; u >= 4096 -> u - 8192
 *   1110xxxx     2 + len          string, len = (b0&0x0F)<<8 | b1 (0..4095)
 *   0xF0         5 + len          string, len = next 4 bytes
 *   0xF1         3                int16
 *   0xF2         4                int24 (sign bit 23)
 *   0xF3         5                int32
 *   0xF4         9                int64
 *   0xF5..0xFE   -                invalid
 *   0xFF         1                terminator
 *
 * backlen: L = size of <encoding+data> of the same entry in 1..5 bytes of 7 bits;
 * the first byte holds the most significant group with bit 7 clear, each later
 * byte has bit 7 set, the last byte holds the least significant group. Sizes by L:
 * L <= 127: 1; L < 16383: 2; L < 2097151: 3; L < 268435455: 4; else 5 (Redis's
 * exact bounds, so equal data gives equal bytes).
 *
 * DESIGN: every mutation is one function (lp_insert) that computes the final size,
 * reallocs once and memmoves the tail once.
 */
#include <petrel/ds/listpack.h>
#include <petrel/alloc.h>

#include <stdint.h>
#include <string.h>

#define LP_EOF 0xFF

static inline uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xFF;
	p[1] = (v >> 8) & 0xFF;
	p[2] = (v >> 16) & 0xFF;
	p[3] = (v >> 24) & 0xFF;
}

static inline unsigned hdr_count(const unsigned char *lp)
{
	return (unsigned)lp[4] | (unsigned)lp[5] << 8;
}

static inline void set_hdr_count(unsigned char *lp, unsigned v)
{
	lp[4] = v & 0xFF;
	lp[5] = (v >> 8) & 0xFF;
}

static inline void set_total(unsigned char *lp, uint32_t v)
{
	wr32(lp, v);
}

/* ---- string -> int64 ---------------------------------------------------- */

int lp_string_to_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v;

	if (len == 0 || len > 20)
		return 0;
	if (len == 1 && s[0] == '0') {
		if (out)
			*out = 0;
		return 1;
	}
	if (s[0] == '-') {
		neg = 1;
		i = 1;
		if (len == 1)
			return 0;
	}
	/* first digit 1..9: rejects leading zeros and "-0" */
	if (s[i] < '1' || s[i] > '9')
		return 0;
	v = (uint64_t)(s[i] - '0');
	for (i++; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return 0;
		if (out)
			*out = (int64_t)(0 - v);
	} else {
		if (v > (uint64_t)INT64_MAX)
			return 0;
		if (out)
			*out = (int64_t)v;
	}
	return 1;
}

/* ---- encoding ----------------------------------------------------------- */

/* Encode v into buf (<= 9 bytes); returns the encoding+data size. */
static size_t encode_int(int64_t v, unsigned char *buf)
{
	if (v >= 0 && v <= 127) {
		buf[0] = (unsigned char)v;
		return 1;
	}
	if (v >= -4096 && v <= 4095) {
		uint32_t u = v < 0 ? (uint32_t)(v + 8192) : (uint32_t)v;
		buf[0] = (unsigned char)(0xC0 | (u >> 8));
		buf[1] = u & 0xFF;
		return 2;
	}
	uint64_t u = (uint64_t)v;
	if (v >= INT16_MIN && v <= INT16_MAX) {
		buf[0] = 0xF1;
		buf[1] = u & 0xFF;
		buf[2] = (u >> 8) & 0xFF;
		return 3;
	}
	if (v >= -8388608 && v <= 8388607) {
		buf[0] = 0xF2;
		buf[1] = u & 0xFF;
		buf[2] = (u >> 8) & 0xFF;
		buf[3] = (u >> 16) & 0xFF;
		return 4;
	}
	if (v >= INT32_MIN && v <= INT32_MAX) {
		buf[0] = 0xF3;
		wr32(buf + 1, (uint32_t)u);
		return 5;
	}
	buf[0] = 0xF4;
	for (int i = 0; i < 8; i++)
		buf[1 + i] = (u >> (8 * i)) & 0xFF;
	return 9;
}

/* Header for a string of len bytes; returns header size (1, 2 or 5). */
static size_t encode_str_header(uint32_t len, unsigned char *buf)
{
	if (len < 64) {
		buf[0] = (unsigned char)(0x80 | len);
		return 1;
	}
	if (len < 4096) {
		buf[0] = (unsigned char)(0xE0 | (len >> 8));
		buf[1] = len & 0xFF;
		return 2;
	}
	buf[0] = 0xF0;
	wr32(buf + 1, len);
	return 5;
}

static inline size_t backlen_size(uint64_t l)
{
	if (l <= 127)
		return 1;
	if (l < 16383)
		return 2;
	if (l < 2097151)
		return 3;
	if (l < 268435455)
		return 4;
	return 5;
}

static size_t backlen_write(unsigned char *dst, uint64_t l)
{
	size_t n = backlen_size(l);
	for (size_t i = 0; i < n; i++) {
		unsigned shift = (unsigned)(7 * (n - 1 - i));
		unsigned char b = (l >> shift) & 0x7F;
		dst[i] = i == 0 ? b : (unsigned char)(b | 0x80);
	}
	return n;
}

/* Decode the backlen whose last byte is at p, never stepping before `start`.
 * Sets *nbytes to its size. Returns UINT64_MAX on malformed data. */
static uint64_t backlen_read(const unsigned char *p, const unsigned char *start,
			     size_t *nbytes)
{
	uint64_t v = 0;
	unsigned shift = 0;
	size_t n = 0;
	for (;;) {
		if (p < start || n == 5)
			return UINT64_MAX;
		v |= (uint64_t)(*p & 0x7F) << shift;
		n++;
		if (!(*p & 0x80))
			break;
		shift += 7;
		p--;
	}
	*nbytes = n;
	return v;
}

/* Size of <encoding+data> of the entry at p (trusted data). */
static inline size_t enc_size(const unsigned char *p)
{
	unsigned char b = p[0];
	if (b < 0x80)
		return 1;
	if (b < 0xC0)
		return 1 + (b & 0x3F);
	if (b < 0xE0)
		return 2;
	if (b < 0xF0)
		return 2 + (((size_t)(b & 0x0F) << 8) | p[1]);
	switch (b) {
	case 0xF0: return 5 + (size_t)rd32(p + 1);
	case 0xF1: return 3;
	case 0xF2: return 4;
	case 0xF3: return 5;
	case 0xF4: return 9;
	default: return 1;      /* 0xFF; invalid bytes never reach here on trusted data */
	}
}

static inline size_t entry_size(const unsigned char *p)
{
	size_t e = enc_size(p);
	return e + backlen_size(e);
}

/* ---- create / size ------------------------------------------------------ */

unsigned char *lp_create(size_t capacity)
{
	unsigned char *lp = pmalloc(capacity > LP_EMPTY_SIZE ? capacity : LP_EMPTY_SIZE);
	set_total(lp, LP_EMPTY_SIZE);
	set_hdr_count(lp, 0);
	lp[LP_HDR_SIZE] = LP_EOF;
	return lp;
}

void lp_destroy(unsigned char **lp)
{
	if (!lp || !*lp)
		return;
	pfree(*lp);
	*lp = NULL;
}

size_t lp_bytes(const unsigned char *lp)
{
	return rd32(lp);
}

int lp_safe_to_add(const unsigned char *lp, size_t add)
{
	size_t len = lp ? lp_bytes(lp) : 0;
	return len + add <= LP_SAFETY_SIZE;
}

unsigned long lp_length(const unsigned char *lp)
{
	unsigned n = hdr_count(lp);
	if (n != LP_HDR_NUMELE_UNKNOWN)
		return n;
	unsigned long count = 0;
	const unsigned char *p = lp + LP_HDR_SIZE;
	while (*p != LP_EOF) {
		p += entry_size(p);
		count++;
	}
	return count;
}

/* ---- navigation --------------------------------------------------------- */

unsigned char *lp_first(unsigned char *lp)
{
	unsigned char *p = lp + LP_HDR_SIZE;
	return *p == LP_EOF ? NULL : p;
}

unsigned char *lp_last(unsigned char *lp)
{
	unsigned char *eof = lp + lp_bytes(lp) - 1;
	return lp_prev(lp, eof);
}

unsigned char *lp_next(unsigned char *lp, unsigned char *p)
{
	(void)lp;
	p += entry_size(p);
	return *p == LP_EOF ? NULL : p;
}

unsigned char *lp_prev(unsigned char *lp, unsigned char *p)
{
	if (p == lp + LP_HDR_SIZE)
		return NULL;
	size_t n = 0;
	uint64_t l = backlen_read(p - 1, lp + LP_HDR_SIZE, &n);
	return p - n - l;
}

unsigned char *lp_seek(unsigned char *lp, long index)
{
	unsigned long len = lp_length(lp);
	unsigned long i;

	if (index < 0) {
		if ((unsigned long)(-(index + 1)) >= len)
			return NULL;
		i = len - (unsigned long)(-(index + 1)) - 1;
	} else {
		if ((unsigned long)index >= len)
			return NULL;
		i = (unsigned long)index;
	}
	unsigned char *p;
	if (i <= len / 2) {
		p = lp + LP_HDR_SIZE;
		while (i--)
			p += entry_size(p);
	} else {
		p = lp_last(lp);
		for (unsigned long k = len - 1; k > i; k--)
			p = lp_prev(lp, p);
	}
	return p;
}

/* ---- reading ------------------------------------------------------------ */

const unsigned char *lp_get(const unsigned char *p, uint32_t *slen, int64_t *ival)
{
	unsigned char b = p[0];
	uint64_t u;

	if (b < 0x80) {
		*ival = b;
		return NULL;
	}
	if (b < 0xC0) {
		*slen = b & 0x3F;
		return p + 1;
	}
	if (b < 0xE0) {
		u = ((uint32_t)(b & 0x1F) << 8) | p[1];
		*ival = u >= 4096 ? (int64_t)u - 8192 : (int64_t)u;
		return NULL;
	}
	if (b < 0xF0) {
		*slen = ((uint32_t)(b & 0x0F) << 8) | p[1];
		return p + 2;
	}
	switch (b) {
	case 0xF0:
		*slen = rd32(p + 1);
		return p + 5;
	case 0xF1:
		*ival = (int16_t)((uint16_t)p[1] | (uint16_t)p[2] << 8);
		return NULL;
	case 0xF2:
		u = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16;
		*ival = (u & 0x800000) ? (int64_t)u - 0x1000000 : (int64_t)u;
		return NULL;
	case 0xF3:
		*ival = (int32_t)rd32(p + 1);
		return NULL;
	case 0xF4:
		u = (uint64_t)rd32(p + 1) | (uint64_t)rd32(p + 5) << 32;
		*ival = (int64_t)u;
		return NULL;
	default:
		*slen = 0;      /* terminator or invalid: an empty string, never OOB */
		return p;
	}
}

static uint32_t fmt_int64(int64_t v, unsigned char *buf)
{
	char tmp[LP_INTBUF_SIZE];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	uint32_t len = 0;
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = (unsigned char)tmp[--n];
	return len;
}

const unsigned char *lp_get_str(const unsigned char *p, unsigned char *buf, uint32_t *slen)
{
	int64_t v;
	const unsigned char *s = lp_get(p, slen, &v);
	if (s)
		return s;
	*slen = fmt_int64(v, buf);
	return buf;
}

int lp_get_int(const unsigned char *p, int64_t *v)
{
	uint32_t slen;
	const unsigned char *s = lp_get(p, &slen, v);
	if (!s)
		return 1;
	return lp_string_to_int64((const char *)s, slen, v);
}

int lp_compare(const unsigned char *p, const unsigned char *s, uint32_t slen)
{
	uint32_t elen;
	int64_t v, sv;
	const unsigned char *e = lp_get(p, &elen, &v);
	if (e)
		return elen == slen && (slen == 0 || memcmp(e, s, slen) == 0);
	return lp_string_to_int64((const char *)s, slen, &sv) && sv == v;
}

/* ---- mutation ------------------------------------------------------------ */

/* The one mutation primitive. enc/enclen: the new entry's encoding header (or
 * the whole entry for integers); data/datalen: string bytes appended after it.
 * enc == NULL with LP_REPLACE deletes. */
static unsigned char *lp_mutate(unsigned char *lp, const unsigned char *enc, size_t enclen,
				const unsigned char *data, size_t datalen, unsigned char *p,
				enum lp_where where, unsigned char **newp)
{
	size_t old_total = lp_bytes(lp);
	int del = enc == NULL;
	unsigned char *tmp = NULL;

	if (where == LP_AFTER) {
		p += entry_size(p);     /* may land on the terminator: fine for BEFORE */
		where = LP_BEFORE;
	}
	size_t off = (size_t)(p - lp);
	size_t payload = del ? 0 : enclen + datalen;
	size_t newlen = del ? 0 : payload + backlen_size(payload);
	size_t oldlen = where == LP_REPLACE ? entry_size(p) : 0;
	uint64_t new_total = (uint64_t)old_total + newlen - oldlen;

	if (new_total > UINT32_MAX)
		return NULL;
	/* The source may live inside the block we are about to move. */
	if (datalen && data >= lp && data < lp + old_total) {
		tmp = pmemdup(data, datalen);
		data = tmp;
	}
	if (newlen > oldlen)
		lp = prealloc(lp, new_total);
	p = lp + off;
	memmove(p + newlen, p + oldlen, old_total - off - oldlen);
	if (newlen < oldlen)
		lp = prealloc(lp, new_total);
	p = lp + off;
	if (!del) {
		memcpy(p, enc, enclen);
		if (datalen)
			memcpy(p + enclen, data, datalen);
		backlen_write(p + payload, payload);
	}
	pfree(tmp);
	set_total(lp, (uint32_t)new_total);

	unsigned cnt = hdr_count(lp);
	if (cnt != LP_HDR_NUMELE_UNKNOWN) {
		if (where == LP_BEFORE)
			set_hdr_count(lp, cnt + 1);     /* 65535 then means "unknown": right */
		else if (del)
			set_hdr_count(lp, cnt - 1);
	}
	if (newp) {
		if (del)
			*newp = lp[off] == LP_EOF ? NULL : lp + off;
		else
			*newp = lp + off;
	}
	return lp;
}

unsigned char *lp_insert_string(unsigned char *lp, const unsigned char *s, uint32_t slen,
				unsigned char *p, enum lp_where where, unsigned char **newp)
{
	unsigned char hdr[9];
	int64_t v;

	if (lp_string_to_int64((const char *)s, slen, &v)) {
		size_t n = encode_int(v, hdr);
		return lp_mutate(lp, hdr, n, NULL, 0, p, where, newp);
	}
	size_t n = encode_str_header(slen, hdr);
	return lp_mutate(lp, hdr, n, s, slen, p, where, newp);
}

unsigned char *lp_insert_integer(unsigned char *lp, int64_t v, unsigned char *p,
				 enum lp_where where, unsigned char **newp)
{
	unsigned char hdr[9];
	size_t n = encode_int(v, hdr);
	return lp_mutate(lp, hdr, n, NULL, 0, p, where, newp);
}

unsigned char *lp_append(unsigned char *lp, const unsigned char *s, uint32_t slen)
{
	return lp_insert_string(lp, s, slen, lp + lp_bytes(lp) - 1, LP_BEFORE, NULL);
}

unsigned char *lp_prepend(unsigned char *lp, const unsigned char *s, uint32_t slen)
{
	return lp_insert_string(lp, s, slen, lp + LP_HDR_SIZE, LP_BEFORE, NULL);
}

unsigned char *lp_append_integer(unsigned char *lp, int64_t v)
{
	return lp_insert_integer(lp, v, lp + lp_bytes(lp) - 1, LP_BEFORE, NULL);
}

unsigned char *lp_prepend_integer(unsigned char *lp, int64_t v)
{
	return lp_insert_integer(lp, v, lp + LP_HDR_SIZE, LP_BEFORE, NULL);
}

unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const unsigned char *s,
			  uint32_t slen)
{
	return lp_insert_string(lp, s, slen, *p, LP_REPLACE, p);
}

unsigned char *lp_replace_integer(unsigned char *lp, unsigned char **p, int64_t v)
{
	return lp_insert_integer(lp, v, *p, LP_REPLACE, p);
}

unsigned char *lp_delete(unsigned char *lp, unsigned char *p, unsigned char **newp)
{
	return lp_mutate(lp, NULL, 0, NULL, 0, p, LP_REPLACE, newp);
}

unsigned char *lp_delete_range_with_entry(unsigned char *lp, unsigned char **p,
					  unsigned long num)
{
	unsigned char *start = *p, *end = start;
	unsigned long n = 0;

	if (!start || num == 0)
		return lp;
	while (n < num && *end != LP_EOF) {
		end += entry_size(end);
		n++;
	}
	size_t total = lp_bytes(lp);
	size_t off = (size_t)(start - lp);
	size_t gap = (size_t)(end - start);
	memmove(start, end, total - (size_t)(end - lp));
	lp = prealloc(lp, total - gap);
	set_total(lp, (uint32_t)(total - gap));
	unsigned cnt = hdr_count(lp);
	if (cnt != LP_HDR_NUMELE_UNKNOWN)
		set_hdr_count(lp, cnt - (unsigned)n);
	*p = lp[off] == LP_EOF ? NULL : lp + off;
	return lp;
}

unsigned char *lp_delete_range(unsigned char *lp, long index, unsigned long num)
{
	unsigned char *p = lp_seek(lp, index);
	if (!p)
		return lp;
	return lp_delete_range_with_entry(lp, &p, num);
}

/* ---- search -------------------------------------------------------------- */

unsigned char *lp_find(unsigned char *lp, unsigned char *p, const unsigned char *s,
		       uint32_t slen, unsigned skip)
{
	unsigned skipcnt = 0;
	int sint_state = -1;    /* -1: not computed, 0: not an int, 1: int in sv */
	int64_t sv = 0;

	(void)lp;
	while (p && *p != LP_EOF) {
		if (skipcnt == 0) {
			uint32_t elen;
			int64_t ev;
			const unsigned char *e = lp_get(p, &elen, &ev);
			if (e) {
				if (elen == slen && (slen == 0 || memcmp(e, s, slen) == 0))
					return p;
			} else {
				if (sint_state < 0)
					sint_state = lp_string_to_int64((const char *)s, slen, &sv);
				if (sint_state && sv == ev)
					return p;
			}
			skipcnt = skip;
		} else {
			skipcnt--;
		}
		p += entry_size(p);
	}
	return NULL;
}

/* ---- validation ----------------------------------------------------------- */

/* Bounds-checked entry size; 0 when the entry does not fit in [p, end). */
static size_t safe_entry_size(const unsigned char *p, const unsigned char *end)
{
	size_t avail = (size_t)(end - p);
	unsigned char b = p[0];
	size_t hdr, datalen = 0;

	if (b < 0x80) {
		hdr = 1;
	} else if (b < 0xC0) {
		hdr = 1;
		datalen = b & 0x3F;
	} else if (b < 0xE0) {
		hdr = 2;
	} else if (b < 0xF0) {
		if (avail < 2)
			return 0;
		hdr = 2;
		datalen = ((size_t)(b & 0x0F) << 8) | p[1];
	} else if (b == 0xF0) {
		if (avail < 5)
			return 0;
		hdr = 5;
		datalen = rd32(p + 1);
	} else if (b >= 0xF1 && b <= 0xF4) {
		static const size_t sz[] = { 3, 4, 5, 9 };
		hdr = sz[b - 0xF1];
	} else {
		return 0;       /* 0xF5..0xFE invalid; 0xFF is handled by the caller */
	}
	size_t enc = hdr + datalen;
	if (enc > avail)
		return 0;
	size_t bl = backlen_size(enc);
	if (bl > avail - enc)
		return 0;
	unsigned char want[5];
	backlen_write(want, enc);
	if (memcmp(want, p + enc, bl) != 0)
		return 0;
	return enc + bl;
}

int lp_validate(unsigned char *lp, size_t size, int deep, lp_validate_cb cb, void *ud)
{
	if (!lp || size < LP_EMPTY_SIZE || size > UINT32_MAX)
		return 0;
	if (rd32(lp) != size || lp[size - 1] != LP_EOF)
		return 0;
	if (!deep)
		return 1;

	unsigned char *p = lp + LP_HDR_SIZE;
	unsigned char *end = lp + size - 1;     /* the terminator */
	unsigned long count = 0;
	while (p < end) {
		size_t n = safe_entry_size(p, end);
		if (n == 0)
			return 0;
		if (cb && !cb(p, count, ud))
			return 0;
		p += n;
		count++;
	}
	if (p != end)
		return 0;
	unsigned hc = hdr_count(lp);
	if (hc != LP_HDR_NUMELE_UNKNOWN && hc != count)
		return 0;
	return 1;
}
