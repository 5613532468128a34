/* reply.c — reply encoders over a growable byte buffer.
 *
 * Thread: whoever owns the buffer (a connection's shard, or the shard running a
 * forwarded batch, which writes into the message's own buffer).
 *
 * RESP2 fallbacks follow docs/resp.md §5.1: null -> $-1 (or *-1 for arrays),
 * map -> flat array of 2n, set/push -> array, bool -> :1/:0, double -> bulk.
 */
#include <petrel/resp.h>
#include <petrel/alloc.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

void rbuf_init(struct rbuf *b, int resp)
{
	memset(b, 0, sizeof(*b));
	b->resp = (uint8_t)resp;
}

void rbuf_deinit(struct rbuf *b)
{
	pfree(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void rbuf_reserve(struct rbuf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap = cap < (1u << 20) ? cap * 2 : cap + cap / 2;
	b->data = prealloc(b->data, cap);
	b->cap = cap;
}

void rbuf_append(struct rbuf *b, const void *p, size_t n)
{
	if (!n)
		return;         /* p may be NULL then (memcpy would be UB) */
	rbuf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void rbuf_clear(struct rbuf *b) { b->len = 0; }

int resp_ll2str(char *buf, long long v)
{
	char tmp[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int n = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	int o = 0;
	if (v < 0)
		buf[o++] = '-';
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = 0;
	return o;
}

/* "<prefix><number>\r\n" */
static void header(struct rbuf *b, char prefix, long long n)
{
	rbuf_reserve(b, 24);
	char *p = b->data + b->len;
	*p++ = prefix;
	p += resp_ll2str(p, n);
	*p++ = '\r';
	*p++ = '\n';
	b->len = (size_t)(p - b->data);
}

void reply_raw(struct rbuf *b, const void *p, size_t n) { rbuf_append(b, p, n); }

void reply_simple(struct rbuf *b, const char *s)
{
	size_t n = strlen(s);
	rbuf_reserve(b, n + 3);
	b->data[b->len++] = '+';
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len++] = '\r';
	b->data[b->len++] = '\n';
}

void reply_ok(struct rbuf *b) { rbuf_append(b, "+OK\r\n", 5); }

void reply_error(struct rbuf *b, const char *msg)
{
	size_t n = strlen(msg);
	/* An error text must stay on one line: Redis replaces newlines with spaces. */
	rbuf_reserve(b, n + 3);
	b->data[b->len++] = '-';
	char *d = b->data + b->len;
	for (size_t i = 0; i < n; i++)
		d[i] = (msg[i] == '\r' || msg[i] == '\n') ? ' ' : msg[i];
	b->len += n;
	b->data[b->len++] = '\r';
	b->data[b->len++] = '\n';
	b->errors++;
	if (b->on_error)
		b->on_error(b->on_error_arg, msg, n);
}

void reply_errorf(struct rbuf *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_error(b, msg);
}

void reply_int(struct rbuf *b, long long v) { header(b, ':', v); }

void reply_bulk(struct rbuf *b, const void *p, size_t n)
{
	header(b, '$', (long long)n);
	rbuf_reserve(b, n + 2);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len++] = '\r';
	b->data[b->len++] = '\n';
}

void reply_bulk_str(struct rbuf *b, const char *s) { reply_bulk(b, s, strlen(s)); }

void reply_bulk_ll(struct rbuf *b, long long v)
{
	char tmp[24];
	int n = resp_ll2str(tmp, v);
	reply_bulk(b, tmp, (size_t)n);
}

void reply_scan_head(struct rbuf *b, unsigned long cursor)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lu", cursor);
	reply_array(b, 2);
	reply_bulk(b, tmp, (size_t)n);
}

void reply_null(struct rbuf *b)
{
	if (b->resp >= 3)
		rbuf_append(b, "_\r\n", 3);
	else
		rbuf_append(b, "$-1\r\n", 5);
}

void reply_null_array(struct rbuf *b)
{
	if (b->resp >= 3)
		rbuf_append(b, "_\r\n", 3);
	else
		rbuf_append(b, "*-1\r\n", 5);
}

void reply_array(struct rbuf *b, long n) { header(b, '*', n); }

void reply_map(struct rbuf *b, long npairs)
{
	if (b->resp >= 3)
		header(b, '%', npairs);
	else
		header(b, '*', npairs * 2);
}

void reply_set(struct rbuf *b, long n) { header(b, b->resp >= 3 ? '~' : '*', n); }
void reply_push(struct rbuf *b, long n) { header(b, b->resp >= 3 ? '>' : '*', n); }

void reply_bool(struct rbuf *b, int v)
{
	if (b->resp >= 3)
		rbuf_append(b, v ? "#t\r\n" : "#f\r\n", 4);
	else
		rbuf_append(b, v ? ":1\r\n" : ":0\r\n", 4);
}

int resp_format_double(char *buf, size_t size, double d)
{
	if (isinf(d))
		return snprintf(buf, size, "%s", d > 0 ? "inf" : "-inf");
	if (isnan(d))
		return snprintf(buf, size, "nan");
	if (d == 0)
		return snprintf(buf, size, signbit(d) ? "-0" : "0");
	/* Integral values that a double holds exactly print as integers (7.0). */
	if (d > -4503599627370495.0 && d < 4503599627370496.0 && d == (double)(long long)d)
		return snprintf(buf, size, "%lld", (long long)d);
	return snprintf(buf, size, "%.17g", d);
}

void reply_double_text(struct rbuf *b, const char *text, size_t n)
{
	if (b->resp >= 3) {
		rbuf_reserve(b, n + 3);
		b->data[b->len++] = ',';
		memcpy(b->data + b->len, text, n);
		b->len += n;
		b->data[b->len++] = '\r';
		b->data[b->len++] = '\n';
	} else {
		reply_bulk(b, text, n);
	}
}

void reply_double(struct rbuf *b, double d)
{
	char tmp[64];
	int n = resp_format_double(tmp, sizeof(tmp), d);
	reply_double_text(b, tmp, (size_t)n);
}

void reply_bignum(struct rbuf *b, const char *digits, size_t n)
{
	if (b->resp >= 3) {
		rbuf_reserve(b, n + 3);
		b->data[b->len++] = '(';
		memcpy(b->data + b->len, digits, n);
		b->len += n;
		b->data[b->len++] = '\r';
		b->data[b->len++] = '\n';
	} else {
		reply_bulk(b, digits, n);
	}
}

void reply_verbatim(struct rbuf *b, const char *p, size_t n, const char *fmt3)
{
	if (b->resp < 3) {
		reply_bulk(b, p, n);
		return;
	}
	header(b, '=', (long long)n + 4);
	rbuf_reserve(b, n + 6);
	memcpy(b->data + b->len, fmt3, 3);
	b->data[b->len + 3] = ':';
	b->len += 4;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len++] = '\r';
	b->data[b->len++] = '\n';
}

/* Placeholder wide enough for any header: "*" + 20 digits + CRLF. Filled in
 * by reply_set_deferred, which closes the gap with one memmove. */
#define DEFER_WIDTH 23

size_t reply_defer(struct rbuf *b)
{
	size_t pos = b->len;
	rbuf_reserve(b, DEFER_WIDTH);
	b->len += DEFER_WIDTH;
	return pos;
}

void reply_set_deferred(struct rbuf *b, size_t pos, char kind, long n)
{
	char hdr[DEFER_WIDTH + 1];
	if (b->resp < 3) {
		if (kind == '%')
			n *= 2;
		kind = '*';
	}
	hdr[0] = kind;
	int len = 1 + resp_ll2str(hdr + 1, n);
	hdr[len++] = '\r';
	hdr[len++] = '\n';
	size_t tail = b->len - pos - DEFER_WIDTH;
	memmove(b->data + pos + len, b->data + pos + DEFER_WIDTH, tail);
	memcpy(b->data + pos, hdr, (size_t)len);
	b->len = pos + (size_t)len + tail;
}
