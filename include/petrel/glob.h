/* glob.h — glob matching with Redis's rules (stringmatchlen).
 *
 * '*' any run, '?' one byte, '[abc]' '[^a]' '[a-z]' classes (signed bytes,
 * reversed ranges allowed), '\\' escapes. Length-aware: embedded NULs are
 * fine. Like Redis, an empty string matches only an empty pattern.
 *
 * Thread: any (pure).
 */
#ifndef PETREL_GLOB_H
#define PETREL_GLOB_H

#include <stddef.h>

/* 1 if s[0..slen) matches p[0..plen), else 0. nocase: ASCII case folding. */
int glob_match(const char *p, size_t plen, const char *s, size_t slen, int nocase);

#endif
