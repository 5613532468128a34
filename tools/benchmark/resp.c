/* resp.c — see resp.h. */
#include "resp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void resp_init(struct resp_scanner *s)
{
	memset(s, 0, sizeof(*s));
}

/* Parses a signed decimal that must fill [p, end) exactly. */
static bool parse_int(const char *p, const char *end, int64_t *out)
{
	bool neg = false;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end || end - p > 19)
		return false;
	int64_t v = 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return true;
}

static bool valid_double(const char *p, const char *end)
{
	if (p == end)
		return false;
	for (; p < end; p++)
		if (!strchr("0123456789+-.eEinfa", *p))
			return false;
	return true;
}

/* One element finished. Returns true when that completed the top-level reply. */
static bool element_done(struct resp_scanner *s, bool *was_attr)
{
	*was_attr = false;
	while (s->depth > 0) {
		int d = s->depth - 1;
		if (--s->left[d] > 0)
			return false;
		s->depth--;
		if (s->attr[d]) {
			/* An attribute annotates the element that follows it: it does
			 * not count as an element of its parent, nor as a reply. */
			*was_attr = true;
			return false;
		}
	}
	return true;
}

int resp_scan(struct resp_scanner *s, const char *buf, size_t len, size_t *used,
	      struct resp_reply *out)
{
	size_t pos = 0;
	const char *msg = NULL;
	size_t msg_len = 0;
	if (!s->started) {
		s->top = 0;
		s->null = false;
		s->started = true;
	}
	for (;;) {
		if (s->skip > 0) {
			/* Inside a bulk payload: skip it; its last two bytes must be CRLF. */
			size_t avail = len - pos;
			if (s->skip > 2) {
				size_t j = avail < (size_t)(s->skip - 2) ? avail : (size_t)(s->skip - 2);
				pos += j;
				avail -= j;
				s->skip -= (int64_t)j;
			}
			while (avail > 0 && s->skip > 0 && s->skip <= 2) {
				if (buf[pos] != (s->skip == 2 ? '\r' : '\n'))
					return RESP_PROTOCOL_ERROR;
				pos++;
				avail--;
				s->skip--;
			}
			if (s->skip > 0) {
				*used = pos;
				return RESP_INCOMPLETE;
			}
			bool was_attr;
			if (element_done(s, &was_attr))
				goto complete;
			if (was_attr && s->depth == 0)
				s->top = 0;
			continue;
		}
		if (pos >= len) {
			*used = pos;
			return RESP_INCOMPLETE;
		}
		const char *start = buf + pos;
		const char *nl = memchr(start, '\n', len - pos);
		if (!nl) {
			if (len - pos > 64 * 1024 * 1024)
				return RESP_PROTOCOL_ERROR;
			*used = pos;
			return RESP_INCOMPLETE;
		}
		if (nl == start || nl[-1] != '\r')
			return RESP_PROTOCOL_ERROR;
		const char *body = start + 1, *end = nl - 1;
		char type = *start;
		size_t line_len = (size_t)(nl - start) + 1;
		int64_t n = 0;
		bool aggregate = false, is_attr = false, bulk = false;
		if (s->depth == 0 && s->top == 0)
			s->top = type;
		switch (type) {
		case '+':
		case '-':
			if (memchr(body, '\r', (size_t)(end - body)))
				return RESP_PROTOCOL_ERROR;
			if (type == '-' && s->depth == 0) {
				msg = body;
				msg_len = (size_t)(end - body);
			}
			break;
		case ':':
		case '(':
			if (!parse_int(body, end, &n) && type == ':')
				return RESP_PROTOCOL_ERROR;
			if (type == '(' && body == end)
				return RESP_PROTOCOL_ERROR;
			break;
		case '_':
			if (body != end)
				return RESP_PROTOCOL_ERROR;
			break;
		case ',':
			if (!valid_double(body, end))
				return RESP_PROTOCOL_ERROR;
			break;
		case '#':
			if (end - body != 1 || (*body != 't' && *body != 'f'))
				return RESP_PROTOCOL_ERROR;
			break;
		case '$':
		case '!':
		case '=':
			if (!parse_int(body, end, &n) || n < -1)
				return RESP_PROTOCOL_ERROR;
			if (n == -1 && type != '$')
				return RESP_PROTOCOL_ERROR;
			bulk = n >= 0;
			break;
		case '*':
		case '~':
		case '>':
		case '%':
		case '|':
			if (!parse_int(body, end, &n) || n < -1)
				return RESP_PROTOCOL_ERROR;
			if (n == -1 && type != '*')
				return RESP_PROTOCOL_ERROR;
			if (type == '%' || type == '|')
				n *= 2;
			aggregate = n > 0;
			is_attr = type == '|';
			break;
		default:
			return RESP_PROTOCOL_ERROR;
		}
		pos += line_len;
		if (s->depth == 0 && s->top == type)
			s->null = (type == '$' || type == '*') ? n == -1 : type == '_';
		if (bulk) {
			if (type == '!' && s->depth == 0 && len - pos >= (size_t)n) {
				msg = buf + pos;
				msg_len = (size_t)n;
			}
			s->skip = n + 2;
			continue;
		}
		if (aggregate) {
			if (s->depth >= RESP_MAX_DEPTH)
				return RESP_PROTOCOL_ERROR;
			s->left[s->depth] = n;
			s->attr[s->depth] = is_attr;
			s->depth++;
			continue;
		}
		if (is_attr) {
			/* empty attribute: annotates the next element */
			if (s->depth == 0)
				s->top = 0;
			continue;
		}
		bool was_attr;
		if (element_done(s, &was_attr))
			goto complete;
		if (was_attr && s->depth == 0)
			s->top = 0;
	}
complete:
	out->type = s->top;
	out->error = s->top == '-' || s->top == '!';
	out->push = s->top == '>';
	out->null = s->null;
	out->msg = out->error ? msg : NULL;
	out->msg_len = out->error ? msg_len : 0;
	s->started = false;
	s->top = 0;
	*used = pos;
	return RESP_COMPLETE;
}

char *resp_format(int argc, const char *const *argv, const size_t *lens, size_t *out_len)
{
	size_t total = 16;
	for (int i = 0; i < argc; i++)
		total += lens[i] + 32;
	char *buf = malloc(total);
	if (!buf)
		return NULL;
	size_t off = (size_t)sprintf(buf, "*%d\r\n", argc);
	for (int i = 0; i < argc; i++) {
		off += (size_t)sprintf(buf + off, "$%zu\r\n", lens[i]);
		memcpy(buf + off, argv[i], lens[i]);
		off += lens[i];
		buf[off++] = '\r';
		buf[off++] = '\n';
	}
	buf[off] = 0;
	*out_len = off;
	return buf;
}
