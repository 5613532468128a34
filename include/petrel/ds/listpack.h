/* listpack.h — Redis 7.0 listpack: a compact, byte-compatible serialized list of
 * strings and integers in one heap block.
 *
 * A listpack is a plain `unsigned char *` block (see src/ds/listpack.c for the
 * OFFSET/SIZE/MEANING table). RDB can store and load it byte for byte.
 *
 * Positions: an element is addressed by a pointer `p` to its first byte inside the
 * block. Every function that may grow or shrink the block returns the (possibly
 * moved) new block; pointers into the old block are invalid afterwards unless the
 * function hands a fresh one back through `newp`.
 *
 * Thread: the owner of the listpack (no internal locking). Pure functions of the
 * bytes (lp_get, lp_next, ...) may run on any thread that may read the block.
 */
#ifndef PETREL_DS_LISTPACK_H
#define PETREL_DS_LISTPACK_H

#include <stddef.h>
#include <stdint.h>

#define LP_HDR_SIZE 6
#define LP_EMPTY_SIZE 7                 /* header + 0xFF terminator */
#define LP_HDR_NUMELE_UNKNOWN 65535
#define LP_INTBUF_SIZE 21               /* enough for "-9223372036854775808" */
/* Redis refuses to grow a listpack past 1 GiB (lpSafeToAdd). */
#define LP_SAFETY_SIZE (1ul << 30)

enum lp_where { LP_BEFORE = 0, LP_AFTER = 1, LP_REPLACE = 2 };

/* Create an empty listpack (7 bytes). capacity is a hint for the allocation.
 * Ownership: the caller owns the block; free with lp_destroy. */
unsigned char *lp_create(size_t capacity);
/* Free *lp and set it to NULL. NULL and *lp == NULL are no-ops. */
void lp_destroy(unsigned char **lp);

/* Total bytes of the block (the header's total-bytes field). */
size_t lp_bytes(const unsigned char *lp);
/* Number of elements. O(1) unless the header says 65535 (then counts). */
unsigned long lp_length(const unsigned char *lp);
/* 1 if adding `add` bytes keeps the listpack under LP_SAFETY_SIZE. */
int lp_safe_to_add(const unsigned char *lp, size_t add);

/* Strict decimal int64 test, identical to Redis string2ll / lpStringToInt64:
 * no sign '+', no leading zeros ("0" itself is fine, "-0" is not), no spaces,
 * 1..20 characters, no overflow. Returns 1 and sets *out, else 0. */
int lp_string_to_int64(const char *s, size_t len, int64_t *out);

/* Navigation. All return NULL when there is no such element. */
unsigned char *lp_first(unsigned char *lp);
unsigned char *lp_last(unsigned char *lp);
unsigned char *lp_next(unsigned char *lp, unsigned char *p);
unsigned char *lp_prev(unsigned char *lp, unsigned char *p);
/* Element at index; negative counts from the tail (-1 = last). */
unsigned char *lp_seek(unsigned char *lp, long index);

/* Read the element at p. Returns a pointer to its string bytes and sets *slen,
 * or returns NULL for an integer element and sets *ival.
 * Ownership: the string points into the listpack; valid until it changes. */
const unsigned char *lp_get(const unsigned char *p, uint32_t *slen, int64_t *ival);
/* Like lp_get but always gives bytes: integers are formatted into buf (which must
 * hold LP_INTBUF_SIZE bytes) in decimal. */
const unsigned char *lp_get_str(const unsigned char *p, unsigned char *buf, uint32_t *slen);
/* 1 if the element is an integer, or a string that converts strictly; sets *v. */
int lp_get_int(const unsigned char *p, int64_t *v);
/* 1 if the element at p equals the bytes s[0..slen). */
int lp_compare(const unsigned char *p, const unsigned char *s, uint32_t slen);

/* Insert, replace or delete at p.
 *   s/slen: the string to store (stored as an integer if it converts strictly);
 *   lp_insert_integer stores v directly. where: LP_BEFORE / LP_AFTER p, or LP_REPLACE
 *   the element at p. p may be the 0xFF terminator for LP_BEFORE (= append).
 *   newp (may be NULL): receives the position of the inserted/replaced element.
 * Returns the new listpack, or NULL if the result would pass UINT32_MAX bytes
 * (the old block is then unchanged). s may point into lp. */
unsigned char *lp_insert_string(unsigned char *lp, const unsigned char *s, uint32_t slen,
				unsigned char *p, enum lp_where where, unsigned char **newp);
unsigned char *lp_insert_integer(unsigned char *lp, int64_t v, unsigned char *p,
				 enum lp_where where, unsigned char **newp);
unsigned char *lp_append(unsigned char *lp, const unsigned char *s, uint32_t slen);
unsigned char *lp_prepend(unsigned char *lp, const unsigned char *s, uint32_t slen);
unsigned char *lp_append_integer(unsigned char *lp, int64_t v);
unsigned char *lp_prepend_integer(unsigned char *lp, int64_t v);
/* Replace the element at *p; *p is updated to the replacement. */
unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const unsigned char *s,
			  uint32_t slen);
unsigned char *lp_replace_integer(unsigned char *lp, unsigned char **p, int64_t v);

/* Delete the element at p. newp (may be NULL) receives the element that followed
 * it, or NULL if it was the last. */
unsigned char *lp_delete(unsigned char *lp, unsigned char *p, unsigned char **newp);
/* Delete num elements starting at index (negative allowed). Out-of-range parts are
 * ignored. */
unsigned char *lp_delete_range(unsigned char *lp, long index, unsigned long num);
/* Delete num elements starting at *p; *p becomes the following element or NULL. */
unsigned char *lp_delete_range_with_entry(unsigned char *lp, unsigned char **p,
					  unsigned long num);

/* Find the first element from p on equal to s[0..slen), comparing one element and
 * then skipping `skip` (1 = look only at hash fields / zset members, 0 = every
 * element). Returns its position or NULL. */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const unsigned char *s,
		       uint32_t slen, unsigned skip);

/* Validate untrusted bytes (RDB, RESTORE). Never reads outside [lp, lp+size).
 *   deep = 0: header total == size, size >= 7, last byte 0xFF.
 *   deep = 1: also walk every entry: valid encodings inside bounds, each backlen
 *   encodes its entry size exactly, the walk ends at the terminator, and a known
 *   count equals the number of entries. If cb is given it is called on each entry
 *   (deep only); returning 0 fails the validation.
 * Returns 1 if valid, 0 if not. */
typedef int (*lp_validate_cb)(unsigned char *p, unsigned long index, void *ud);
int lp_validate(unsigned char *lp, size_t size, int deep, lp_validate_cb cb, void *ud);

#endif
