/* resp.h — RESP request parsing and reply encoding (RESP2 and RESP3).
 *
 * The parser takes complete commands out of a query buffer without copying:
 * each argument points into the caller's buffer. The reply side appends encoded
 * replies to a growable byte buffer (struct rbuf), choosing RESP2 or RESP3
 * framing from the buffer's `resp` field.
 *
 * This layer knows nothing of commands, keys or shards (STYLE.md layering).
 *
 * Thread: any; a parser and a buffer belong to one connection or one message,
 * hence to one thread at a time.
 */
#ifndef PETREL_RESP_H
#define PETREL_RESP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RESP_INLINE_MAX 65536   /* PROTO_INLINE_MAX_SIZE */
#define RESP_MAX_ARGS_STACK 16

struct resp_arg {
	const char *ptr;
	size_t len;
};

/* One parsed command. argv points into the query buffer (or, for inline
 * commands, into `inl`, the parser's own unquoted copy). Valid until the next
 * resp_parse() call on the same parser or until the buffer moves. */
struct resp_cmd {
	int argc;
	struct resp_arg *argv;
	size_t cap;                     /* capacity of argv */
	struct resp_arg small[RESP_MAX_ARGS_STACK];
	char *inl;                      /* unescaped inline bytes, owned */
	size_t inl_cap;
	int is_inline;
};

enum resp_status {
	RESP_NEED_MORE = 0,     /* nothing complete yet; *consumed = 0 */
	RESP_COMMAND = 1,       /* one command in cmd; *consumed bytes used */
	RESP_EMPTY = 2,         /* *0, *-1 or blank inline line: skip *consumed bytes */
	RESP_ERROR = -1,        /* protocol error; *err is Redis's text (no "ERR ") */
	RESP_CLOSE = -2,        /* POST / Host: — close without reply */
};

struct resp_limits {
	long long max_bulk;     /* proto-max-bulk-len */
	int authenticated;      /* 0: unauthenticated limits apply */
};

void resp_cmd_init(struct resp_cmd *cmd);
void resp_cmd_deinit(struct resp_cmd *cmd);

/* Parse at most one command from buf[0..len).
 * need: out, when RESP_NEED_MORE: a lower bound on the buffer length at which
 *   calling again can make progress (lets the caller skip re-parsing while a
 *   big bulk argument trickles in). May be NULL.
 * Returns an enum resp_status. */
int resp_parse(struct resp_cmd *cmd, const char *buf, size_t len, const struct resp_limits *lim,
	       size_t *consumed, size_t *need, const char **err);

/* Redis's strict integer rule (string2ll): optional '-', no '+', no leading
 * zeros, no spaces, "-0" refused, no overflow. 0 on success, -1 otherwise. */
int resp_strict_ll(const char *p, size_t n, long long *out);

/* Split a line with redis-cli / redis.conf quoting rules ("sdssplitargs").
 * Writes unescaped bytes to *out (grown as needed) and arguments to cmd->argv.
 * Returns the argument count or -1 on unbalanced quotes. */
int resp_split_args(struct resp_cmd *cmd, const char *line, size_t len);

/* ---- reply buffer ------------------------------------------------------ */

struct rbuf {
	char *data;
	size_t len, cap;
	uint8_t resp;           /* 2 or 3 */
	uint32_t errors;        /* error replies written (for stats) */
	/* Called on every error reply with its text (without '-' and CRLF). */
	void (*on_error)(void *arg, const char *msg, size_t len);
	void *on_error_arg;
};

void rbuf_init(struct rbuf *b, int resp);
void rbuf_deinit(struct rbuf *b);
void rbuf_reserve(struct rbuf *b, size_t extra);
void rbuf_append(struct rbuf *b, const void *p, size_t n);
void rbuf_clear(struct rbuf *b);

void reply_simple(struct rbuf *b, const char *s);                 /* +s */
void reply_ok(struct rbuf *b);
void reply_error(struct rbuf *b, const char *msg);                /* -msg; msg has code */
void reply_errorf(struct rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_int(struct rbuf *b, long long v);
void reply_bulk(struct rbuf *b, const void *p, size_t n);
void reply_bulk_str(struct rbuf *b, const char *s);
void reply_bulk_ll(struct rbuf *b, long long v);
void reply_null(struct rbuf *b);        /* RESP2 $-1, RESP3 _ */
void reply_null_array(struct rbuf *b);  /* RESP2 *-1, RESP3 _ */
void reply_array(struct rbuf *b, long n);
void reply_map(struct rbuf *b, long npairs);   /* RESP2: array of 2n */
void reply_set(struct rbuf *b, long n);        /* RESP2: array */
void reply_push(struct rbuf *b, long n);       /* RESP2: array */
void reply_bool(struct rbuf *b, int v);        /* RESP2: :1 / :0 */
void reply_double(struct rbuf *b, double d);   /* RESP3 ,d ; RESP2 bulk */
/* A double already formatted (e.g. a long double's text): RESP3 ,text ; RESP2 bulk. */
void reply_double_text(struct rbuf *b, const char *text, size_t n);
void reply_bignum(struct rbuf *b, const char *digits, size_t n);
void reply_verbatim(struct rbuf *b, const char *p, size_t n, const char *fmt3);
void reply_raw(struct rbuf *b, const void *p, size_t n);
/* The head of a SCAN-family reply: a 2-element array, then the cursor as a
 * bulk string (unsigned); the caller writes the items' array. */
void reply_scan_head(struct rbuf *b, unsigned long cursor);

/* Deferred aggregate length: write a placeholder now, fill in later.
 * kind is '*', '%', '~' (map/set fall back to '*' in RESP2; a map's count is
 * doubled for RESP2 by reply_set_deferred itself). */
size_t reply_defer(struct rbuf *b);
void reply_set_deferred(struct rbuf *b, size_t pos, char kind, long n);

/* Format a double the way Redis 7.0 replies do ("%.17g", inf/-inf/nan). */
int resp_format_double(char *buf, size_t size, double d);
/* long long -> decimal; returns length. buf needs 21 bytes. */
int resp_ll2str(char *buf, long long v);

#endif
