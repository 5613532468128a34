/* config_args.c — the small text tools of the config module: the line
 * tokenizer (same rules as Redis's sdssplitargs), quoting (sdscatrepr),
 * memory units (memtoull), glob matching (stringmatch) and turning the
 * command line into config text.
 *
 * Thread: any; no shared state.
 */
#include <petrel/config.h>
#include <petrel/alloc.h>
#include <petrel/glob.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growing byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = prealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_putc(struct buf *b, char c) { buf_put(b, &c, 1); }

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

void config_args_free(char **argv, int argc)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		pfree(argv[i]);
	pfree(argv);
}

char **config_args_split(const char *line, int *argc, size_t **lens)
{
	const char *p = line;
	char **argv = pmalloc(sizeof(char *));
	size_t *lv = NULL;
	int n = 0;

	argv[0] = NULL;
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		int inq = 0, insq = 0, done = 0;
		struct buf cur = {0};
		buf_put(&cur, "", 0);
		while (!done) {
			if (inq) {
				if (p[0] == '\\' && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
					buf_putc(&cur, (char)(hexval(p[2]) * 16 + hexval(p[3])));
					p += 3;
				} else if (p[0] == '\\' && p[1]) {
					char c;
					p++;
					switch (*p) {
					case 'n': c = '\n'; break;
					case 'r': c = '\r'; break;
					case 't': c = '\t'; break;
					case 'b': c = '\b'; break;
					case 'a': c = '\a'; break;
					default: c = *p; break;
					}
					buf_putc(&cur, c);
				} else if (*p == '"') {
					/* the closing quote must end the word */
					if (p[1] && !isspace((unsigned char)p[1]))
						goto err;
					done = 1;
				} else if (!*p) {
					goto err;
				} else {
					buf_putc(&cur, *p);
				}
			} else if (insq) {
				if (p[0] == '\\' && p[1] == '\'') {
					p++;
					buf_putc(&cur, '\'');
				} else if (*p == '\'') {
					if (p[1] && !isspace((unsigned char)p[1]))
						goto err;
					done = 1;
				} else if (!*p) {
					goto err;
				} else {
					buf_putc(&cur, *p);
				}
			} else {
				switch (*p) {
				case ' ': case '\n': case '\r': case '\t': case '\0':
					done = 1;
					break;
				case '"': inq = 1; break;
				case '\'': insq = 1; break;
				default: buf_putc(&cur, *p); break;
				}
			}
			if (*p)
				p++;
			continue;
err:
			pfree(cur.p);
			config_args_free(argv, n);
			pfree(lv);
			*argc = 0;
			if (lens)
				*lens = NULL;
			return NULL;
		}
		argv = prealloc(argv, sizeof(char *) * (size_t)(n + 2));
		lv = prealloc(lv, sizeof(size_t) * (size_t)(n + 1));
		argv[n] = cur.p;
		lv[n] = cur.len;
		n++;
		argv[n] = NULL;
	}
	*argc = n;
	if (lens)
		*lens = lv;
	else
		pfree(lv);
	return argv;
}

void config_args_repr(char **bufp, size_t *lenp, const char *s, size_t n)
{
	struct buf b = {*bufp, *lenp, *bufp ? *lenp + 1 : 0};
	/* cap unknown for a caller's buffer: force a realloc on first put */
	if (b.p)
		b.cap = b.len + 1;
	buf_putc(&b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		switch (c) {
		case '\\': buf_put(&b, "\\\\", 2); break;
		case '"': buf_put(&b, "\\\"", 2); break;
		case '\n': buf_put(&b, "\\n", 2); break;
		case '\r': buf_put(&b, "\\r", 2); break;
		case '\t': buf_put(&b, "\\t", 2); break;
		case '\a': buf_put(&b, "\\a", 2); break;
		case '\b': buf_put(&b, "\\b", 2); break;
		default:
			if (isprint(c)) {
				buf_putc(&b, (char)c);
			} else {
				snprintf(tmp, sizeof(tmp), "\\x%02x", c);
				buf_put(&b, tmp, 4);
			}
		}
	}
	buf_putc(&b, '"');
	*bufp = b.p;
	*lenp = b.len;
}

unsigned long long config_memtoull(const char *p, int *err)
{
	const char *u = p;
	unsigned long long mul, val;
	char digits[128];

	*err = 0;
	if (*u == '-') {
		*err = 1;
		return 0;
	}
	while (*u && isdigit((unsigned char)*u))
		u++;
	if (!*u || !strcasecmp(u, "b")) mul = 1;
	else if (!strcasecmp(u, "k")) mul = 1000;
	else if (!strcasecmp(u, "kb")) mul = 1024;
	else if (!strcasecmp(u, "m")) mul = 1000 * 1000;
	else if (!strcasecmp(u, "mb")) mul = 1024 * 1024;
	else if (!strcasecmp(u, "g")) mul = 1000ULL * 1000 * 1000;
	else if (!strcasecmp(u, "gb")) mul = 1024ULL * 1024 * 1024;
	else {
		*err = 1;
		return 0;
	}
	size_t nd = (size_t)(u - p);
	if (nd >= sizeof(digits)) {
		*err = 1;
		return 0;
	}
	memcpy(digits, p, nd);
	digits[nd] = '\0';
	/* Like Redis, "" and "kb" read as 0: strtoull of "" is 0 without error. */
	char *end;
	errno = 0;
	val = strtoull(digits, &end, 10);
	if (errno == ERANGE || *end != '\0' || (mul > 1 && val > ULLONG_MAX / mul)) {
		*err = 1;
		return 0;
	}
	return val * mul;
}

int config_glob_match(const char *pat, const char *str, int nocase)
{
	return glob_match(pat, strlen(pat), str, strlen(str), nocase);
}

/* --- command line --------------------------------------------------------
 * redis-server's rules: a first argument not starting with '-' is the config
 * file; "-" first or last reads stdin; "--name" starts a line "name "; other
 * words are values, appended quoted. A "--name" given as one word with its
 * value ("--port 6380") is a complete line. `--save` with no value becomes
 * `save ""`; `--sentinel` takes no value.
 */
void config_parse_argv(int argc, char **argv, struct config_argv *out)
{
	struct buf o = {0};
	int j = 1, handled_last = 1;

	memset(out, 0, sizeof(*out));
	buf_put(&o, "", 0);
	if (argc > 1 && argv[1][0] != '-') {
		out->configfile = pstrdup(argv[1]);
		j = 2;
	}
	for (; j < argc; j++) {
		const char *a = argv[j];
		if (a[0] == '-' && a[1] == '\0' && (j == 1 || j == argc - 1)) {
			out->from_stdin = 1;
		} else if (handled_last && a[0] == '-' && a[1] == '-') {
			if (o.len)
				buf_putc(&o, '\n');
			buf_put(&o, a + 2, strlen(a + 2));
			buf_putc(&o, ' ');
			if (!strcasecmp(a, "--sentinel"))
				out->sentinel = 1;
			int n;
			char **words = config_args_split(a, &n, NULL);
			if (words && n == 1) {
				int next_is_opt = j != argc - 1 && argv[j + 1][0] == '-' && argv[j + 1][1] == '-';
				handled_last = 0;
				if (!strcasecmp(a, "--save") && (next_is_opt || j == argc - 1)) {
					buf_put(&o, "\"\"", 2);
					handled_last = 1;
				} else if (!strcasecmp(a, "--sentinel") && (next_is_opt || j == argc - 1)) {
					handled_last = 1;
				}
			} else {
				handled_last = 1;
			}
			config_args_free(words, n);
		} else {
			config_args_repr(&o.p, &o.len, a, strlen(a));
			o.cap = o.len + 1;
			buf_putc(&o, ' ');
			handled_last = 1;
		}
	}
	out->options = o.p;
}

void config_argv_deinit(struct config_argv *a)
{
	pfree(a->configfile);
	pfree(a->options);
	memset(a, 0, sizeof(*a));
}
