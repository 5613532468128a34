/* glob.c — Redis's glob dialect (stringmatchlen) on byte ranges: KEYS, SCAN
 * MATCH, HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE patterns, CONFIG GET, COMMAND LIST.
 *
 * Thread: any (pure function).
 */
#include <petrel/glob.h>

#include <ctype.h>
#include <stdint.h>


static inline int fold(int ch, int nocase) { return nocase ? tolower(ch) : ch; }

/* Does pattern element p[*pi] (not '*') match byte ch? Advances *pi past it. */
static int glob_one(const char *p, size_t plen, size_t *pi, char ch, int nocase)
{
	size_t i = *pi;
	switch (p[i]) {
	case '?':
		*pi = i + 1;
		return 1;
	case '[': {
		i++;
		int neg = i < plen && p[i] == '^';
		if (neg)
			i++;
		int match = 0;
		/* An unterminated class runs to the end of the pattern. */
		while (i < plen && p[i] != ']') {
			if (p[i] == '\\' && plen - i >= 2) {
				i++;
				if (p[i] == ch)
					match = 1;
			} else if (plen - i >= 3 && p[i + 1] == '-') {
				/* Signed chars, as Redis compares them; reversed ranges work. */
				int lo = (signed char)p[i], hi = (signed char)p[i + 2], c = (signed char)ch;
				if (lo > hi) {
					int t = lo;
					lo = hi;
					hi = t;
				}
				if (nocase) {
					lo = tolower(lo);
					hi = tolower(hi);
					c = tolower(c);
				}
				i += 2;
				if (c >= lo && c <= hi)
					match = 1;
			} else if (fold((unsigned char)p[i], nocase) == fold((unsigned char)ch, nocase)) {
				match = 1;
			}
			i++;
		}
		*pi = i < plen ? i + 1 : plen;
		return neg ? !match : match;
	}
	case '\\':
		if (plen - i >= 2)
			i++;
		/* fall through */
	default:
		*pi = i + 1;
		return fold((unsigned char)p[i], nocase) == fold((unsigned char)ch, nocase);
	}
}

/* glob_match: glob match of s against p, both with explicit lengths (embedded NULs fine).
 * '*' any run, '?' one byte, '[abc]' '[^a]' '[a-z]' classes, '\' escapes.
 * Iterative with one backtrack point: only the last '*' ever needs retrying,
 * so time is O(plen * slen) and no recursion depth depends on input. */
int glob_match(const char *p, size_t plen, const char *s, size_t slen, int nocase)
{
	if (slen == 0)
		return plen == 0;       /* Redis: an empty string matches only "" */
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
	for (;;) {
		if (si == slen) {
			while (pi < plen && p[pi] == '*')
				pi++;
			if (pi == plen)
				return 1;
		} else if (pi < plen && p[pi] == '*') {
			while (pi < plen && p[pi] == '*')
				pi++;
			if (pi == plen)
				return 1;
			star_p = pi;
			star_s = si;
			continue;
		} else if (pi < plen) {
			size_t np = pi;
			if (glob_one(p, plen, &np, s[si], nocase)) {
				pi = np;
				si++;
				continue;
			}
		}
		/* Mismatch: let the last '*' swallow one more byte; the rest of
		 * the pattern must still meet at least one byte (Redis's loop). */
		if (star_p == SIZE_MAX || star_s + 1 >= slen)
			return 0;
		star_s++;
		pi = star_p;
		si = star_s;
	}
}

