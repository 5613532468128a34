/* parse.c — RESP request parser: multibulk and inline, with Redis's exact
 * protocol-error texts (docs/resp.md §2–3).
 *
 * Thread: the thread owning the connection (or config loader for split_args).
 *
 * DESIGN: stateless re-parse. Each call parses one command from the start of
 * the unconsumed bytes; when the command is incomplete nothing is consumed and
 * `need` tells the caller how many buffered bytes are needed before trying
 * again. A big bulk argument therefore costs one header parse per arrival of
 * `need` bytes, not one per read. Arguments point into the caller's buffer, so
 * the common case copies nothing.
 */
#include <petrel/resp.h>
#include <petrel/alloc.h>

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

void resp_cmd_init(struct resp_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->argv = cmd->small;
	cmd->cap = RESP_MAX_ARGS_STACK;
}

void resp_cmd_deinit(struct resp_cmd *cmd)
{
	if (cmd->argv != cmd->small)
		pfree(cmd->argv);
	pfree(cmd->inl);
	resp_cmd_init(cmd);
}

static void ensure_args(struct resp_cmd *cmd, size_t n)
{
	if (n <= cmd->cap)
		return;
	size_t cap = cmd->cap;
	while (cap < n)
		cap *= 2;
	if (cmd->argv == cmd->small) {
		cmd->argv = pmalloc(cap * sizeof(*cmd->argv));
		memcpy(cmd->argv, cmd->small, sizeof(cmd->small));
	} else {
		cmd->argv = prealloc(cmd->argv, cap * sizeof(*cmd->argv));
	}
	cmd->cap = cap;
}

/* Strict decimal as Redis's string2ll: no sign '+', no leading zeros, no
 * spaces, "-0" rejected, at most 20 chars, no overflow. */
int resp_strict_ll(const char *p, size_t n, long long *out)
{
	/* Headers are mostly 1-3 digits: decide those without the general loop. */
	if (n <= 3 && n > 0 && p[0] >= '1' && p[0] <= '9') {
		long long v = p[0] - '0';
		for (size_t i = 1; i < n; i++) {
			unsigned d = (unsigned)(p[i] - '0');
			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		*out = v;
		return 0;
	}
	if (n == 0 || n > 20)
		return -1;
	if (n == 1 && p[0] == '0') {
		*out = 0;
		return 0;
	}
	int neg = 0;
	size_t i = 0;
	if (p[0] == '-') {
		neg = 1;
		i = 1;
		if (n == 1)
			return -1;
	}
	if (p[i] < '1' || p[i] > '9')
		return -1;
	unsigned long long v = 0;
	if (n - (size_t)neg <= 18) {
		/* Up to 18 digits cannot overflow: no per-digit division. */
		for (; i < n; i++) {
			unsigned d = (unsigned)(p[i] - '0');
			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		*out = neg ? -(long long)v : (long long)v;
		return 0;
	}
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		unsigned d = (unsigned)(p[i] - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (neg) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -1;
		*out = (long long)(0 - v);
	} else {
		if (v > LLONG_MAX)
			return -1;
		*out = (long long)v;
	}
	return 0;
}

/* First '\r' in p[0..n): headers are short, so a plain loop over the first
 * bytes beats a memchr call; long runs fall back to memchr. */
static inline const char *find_cr(const char *p, size_t n)
{
	size_t lim = n < 24 ? n : 24;
	for (size_t i = 0; i < lim; i++)
		if (p[i] == '\r')
			return p + i;
	return n > 24 ? memchr(p + 24, '\r', n - 24) : NULL;
}

static int is_close_word(const struct resp_arg *a)
{
	if ((a->len != 4 && a->len != 5) || ((a->ptr[0] | 0x20) != 'p' && (a->ptr[0] | 0x20) != 'h'))
		return 0;       /* the common case, without a strncasecmp call */
	return (a->len == 4 && !strncasecmp(a->ptr, "post", 4)) ||
	       (a->len == 5 && !strncasecmp(a->ptr, "host:", 5));
}

static int parse_multibulk(struct resp_cmd *cmd, const char *buf, size_t len,
			   const struct resp_limits *lim, size_t *consumed, size_t *need,
			   const char **err)
{
	const char *cr = find_cr(buf, len);
	if (!cr) {
		if (len > RESP_INLINE_MAX) {
			*err = "Protocol error: too big mbulk count string";
			return RESP_ERROR;
		}
		*need = len + 1;
		return RESP_NEED_MORE;
	}
	size_t pos = (size_t)(cr - buf) + 2;    /* the byte after '\r' is skipped unchecked */
	if (pos > len) {
		*need = pos;
		return RESP_NEED_MORE;
	}
	long long count;
	if (resp_strict_ll(buf + 1, (size_t)(cr - buf - 1), &count) || count > INT_MAX) {
		*err = "Protocol error: invalid multibulk length";
		return RESP_ERROR;
	}
	if (!lim->authenticated && count > 10) {
		*err = "Protocol error: unauthenticated multibulk length";
		return RESP_ERROR;
	}
	if (count <= 0) {
		*consumed = pos;
		return RESP_EMPTY;
	}
	cmd->argc = 0;
	cmd->is_inline = 0;
	/* Do not trust a huge count before its arguments arrive. */
	ensure_args(cmd, count < 1024 ? (size_t)count : 1024);
	for (long long i = 0; i < count; i++) {
		const char *hdr = buf + pos;
		size_t avail = len - pos;
		cr = find_cr(hdr, avail);
		if (!cr) {
			if (avail > RESP_INLINE_MAX) {
				*err = "Protocol error: too big bulk count string";
				return RESP_ERROR;
			}
			*need = len + 1;
			return RESP_NEED_MORE;
		}
		size_t after = (size_t)(cr - buf) + 2;
		if (after > len) {
			*need = after;
			return RESP_NEED_MORE;
		}
		if (hdr[0] != '$') {
			static __thread char msg[48];
			memcpy(msg, "Protocol error: expected '$', got ' '", 38);
			msg[35] = hdr[0];
			*err = msg;
			return RESP_ERROR;
		}
		long long blen;
		if (resp_strict_ll(hdr + 1, (size_t)(cr - hdr - 1), &blen) || blen < 0 ||
		    blen > lim->max_bulk) {
			*err = "Protocol error: invalid bulk length";
			return RESP_ERROR;
		}
		if (!lim->authenticated && blen > 16384) {
			*err = "Protocol error: unauthenticated bulk length";
			return RESP_ERROR;
		}
		size_t end = after + (size_t)blen + 2;
		if (end > len) {
			*need = end;
			return RESP_NEED_MORE;
		}
		if ((size_t)cmd->argc >= cmd->cap)
			ensure_args(cmd, (size_t)cmd->argc + 1);
		cmd->argv[cmd->argc].ptr = buf + after;
		cmd->argv[cmd->argc].len = (size_t)blen;
		cmd->argc++;
		pos = end;
	}
	*consumed = pos;
	if (is_close_word(&cmd->argv[0]))
		return RESP_CLOSE;
	return RESP_COMMAND;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int resp_split_args(struct resp_cmd *cmd, const char *line, size_t len)
{
	/* Worst case the unescaped bytes are as many as the input. */
	if (cmd->inl_cap < len + 1) {
		pfree(cmd->inl);
		cmd->inl_cap = len + 1;
		cmd->inl = pmalloc(cmd->inl_cap);
	}
	char *out = cmd->inl;
	size_t o = 0, i = 0;
	cmd->argc = 0;
#define AT(k) ((k) < len ? (unsigned char)line[k] : 0)
	for (;;) {
		while (i < len && isspace((unsigned char)line[i]))
			i++;
		if (i >= len)
			return cmd->argc;
		size_t start = o;
		int inq = 0, insq = 0, done = 0;
		while (!done) {
			int c = AT(i);
			if (inq) {
				if (c == '\\' && AT(i + 1) == 'x' && hexval(AT(i + 2)) >= 0 &&
				    hexval(AT(i + 3)) >= 0) {
					out[o++] = (char)(hexval(AT(i + 2)) * 16 + hexval(AT(i + 3)));
					i += 3;
				} else if (c == '\\' && i + 1 < len) {
					int e = AT(i + 1);
					switch (e) {
					case 'n': e = '\n'; break;
					case 'r': e = '\r'; break;
					case 't': e = '\t'; break;
					case 'b': e = '\b'; break;
					case 'a': e = '\a'; break;
					}
					out[o++] = (char)e;
					i++;
				} else if (c == '"') {
					if (i + 1 < len && !isspace(AT(i + 1)))
						return -1;
					done = 1;
				} else if (i >= len) {
					return -1;
				} else {
					out[o++] = (char)c;
				}
			} else if (insq) {
				if (c == '\\' && AT(i + 1) == '\'') {
					out[o++] = '\'';
					i++;
				} else if (c == '\'') {
					if (i + 1 < len && !isspace(AT(i + 1)))
						return -1;
					done = 1;
				} else if (i >= len) {
					return -1;
				} else {
					out[o++] = (char)c;
				}
			} else {
				switch (c) {
				case ' ': case '\n': case '\r': case '\t': case '\0':
					done = 1;
					break;
				case '"': inq = 1; break;
				case '\'': insq = 1; break;
				default: out[o++] = (char)c; break;
				}
			}
			if (i < len)
				i++;
		}
		ensure_args(cmd, (size_t)cmd->argc + 1);
		cmd->argv[cmd->argc].ptr = out + start;
		cmd->argv[cmd->argc].len = o - start;
		cmd->argc++;
	}
#undef AT
}

static int parse_inline(struct resp_cmd *cmd, const char *buf, size_t len, size_t *consumed,
			size_t *need, const char **err)
{
	const char *nl = memchr(buf, '\n', len);
	if (!nl) {
		if (len > RESP_INLINE_MAX) {
			*err = "Protocol error: too big inline request";
			return RESP_ERROR;
		}
		*need = len + 1;
		return RESP_NEED_MORE;
	}
	size_t linelen = (size_t)(nl - buf);
	if (linelen && buf[linelen - 1] == '\r')
		linelen--;
	cmd->is_inline = 1;
	int n = resp_split_args(cmd, buf, linelen);
	if (n < 0) {
		*err = "Protocol error: unbalanced quotes in request";
		return RESP_ERROR;
	}
	*consumed = (size_t)(nl - buf) + 1;
	if (n == 0)
		return RESP_EMPTY;
	if (is_close_word(&cmd->argv[0]))
		return RESP_CLOSE;
	return RESP_COMMAND;
}

int resp_parse(struct resp_cmd *cmd, const char *buf, size_t len, const struct resp_limits *lim,
	       size_t *consumed, size_t *need, const char **err)
{
	size_t dummy;
	if (!need)
		need = &dummy;
	*consumed = 0;
	*err = NULL;
	if (len == 0) {
		*need = 1;
		return RESP_NEED_MORE;
	}
	if (buf[0] == '*')
		return parse_multibulk(cmd, buf, len, lim, consumed, need, err);
	return parse_inline(cmd, buf, len, consumed, need, err);
}
