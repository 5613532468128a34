/* intset.c — Redis intset: sorted distinct integers in the narrowest width that
 * fits them all, byte-compatible with RDB type 11.
 *
 * Thread: the owner of the block; intset_random uses the thread's ds_rand.
 *
 * FORMAT (all numbers little-endian; Redis 7.0 intset)
 *
 *   OFFSET  SIZE          MEANING
 *   0       4             encoding: bytes per member, 2 (int16), 4 (int32), 8 (int64)
 *   4       4             length: number of members
 *   8       length*enc    members, two's complement, strictly ascending
 *
 * DESIGN: adding a value wider than the encoding upgrades the whole array in place,
 * back to front, after one realloc; such a value is either below every member or
 * above every member, so it goes at one end without a search.
 */
#include <petrel/ds/intset.h>
#include <petrel/alloc.h>
#include "ds_rand.h"

#include <endian.h>
#include <string.h>

struct intset {
	uint32_t encoding;      /* little-endian on disk and in memory */
	uint32_t length;
	unsigned char contents[];
};

static inline uint32_t enc_of(const struct intset *is)
{
	return le32toh(is->encoding);
}

uint32_t intset_length(const struct intset *is)
{
	return le32toh(is->length);
}

uint32_t intset_encoding(const struct intset *is)
{
	return enc_of(is);
}

size_t intset_bytes(const struct intset *is)
{
	return INTSET_HDR_SIZE + (size_t)intset_length(is) * enc_of(is);
}

static inline uint32_t value_encoding(int64_t v)
{
	if (v < INT32_MIN || v > INT32_MAX)
		return INTSET_ENC_INT64;
	if (v < INT16_MIN || v > INT16_MAX)
		return INTSET_ENC_INT32;
	return INTSET_ENC_INT16;
}

static inline int64_t get_raw(const unsigned char *contents, uint32_t pos, uint32_t enc)
{
	const unsigned char *p = contents + (size_t)pos * enc;
	if (enc == INTSET_ENC_INT64) {
		uint64_t v;
		memcpy(&v, p, 8);
		return (int64_t)le64toh(v);
	}
	if (enc == INTSET_ENC_INT32) {
		uint32_t v;
		memcpy(&v, p, 4);
		return (int32_t)le32toh(v);
	}
	uint16_t v;
	memcpy(&v, p, 2);
	return (int16_t)le16toh(v);
}

static inline int64_t get_enc(const struct intset *is, uint32_t pos, uint32_t enc)
{
	return get_raw(is->contents, pos, enc);
}

static inline void set_enc(struct intset *is, uint32_t pos, int64_t value, uint32_t enc)
{
	unsigned char *p = is->contents + (size_t)pos * enc;
	if (enc == INTSET_ENC_INT64) {
		uint64_t v = htole64((uint64_t)value);
		memcpy(p, &v, 8);
	} else if (enc == INTSET_ENC_INT32) {
		uint32_t v = htole32((uint32_t)(int32_t)value);
		memcpy(p, &v, 4);
	} else {
		uint16_t v = htole16((uint16_t)(int16_t)value);
		memcpy(p, &v, 2);
	}
}

struct intset *intset_create(void)
{
	struct intset *is = pmalloc(sizeof(*is));
	is->encoding = htole32(INTSET_ENC_INT16);
	is->length = 0;
	return is;
}

void intset_destroy(struct intset **is)
{
	if (!is || !*is)
		return;
	pfree(*is);
	*is = NULL;
}

static struct intset *resize(struct intset *is, uint32_t len)
{
	return prealloc(is, INTSET_HDR_SIZE + (size_t)len * enc_of(is));
}

/* Binary search. Returns 1 and the position if found, else 0 and the insertion
 * position. */
static int search(const struct intset *is, int64_t v, uint32_t *pos)
{
	uint32_t n = intset_length(is), enc = enc_of(is);
	if (n == 0) {
		*pos = 0;
		return 0;
	}
	/* fast paths for appends and prepends, the common case when loading */
	if (v > get_enc(is, n - 1, enc)) {
		*pos = n;
		return 0;
	}
	if (v < get_enc(is, 0, enc)) {
		*pos = 0;
		return 0;
	}
	uint32_t lo = 0, hi = n;      /* answer in [lo, hi) */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int64_t m = get_enc(is, mid, enc);
		if (m == v) {
			*pos = mid;
			return 1;
		}
		if (m < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return 0;
}

static struct intset *upgrade_and_add(struct intset *is, int64_t v)
{
	uint32_t oldenc = enc_of(is), newenc = value_encoding(v);
	uint32_t n = intset_length(is);
	int prepend = v < 0;    /* wider than every member: below all or above all */

	is->encoding = htole32(newenc);
	is = resize(is, n + 1);
	for (uint32_t i = n; i-- > 0;)
		set_enc(is, i + (uint32_t)prepend, get_enc(is, i, oldenc), newenc);
	set_enc(is, prepend ? 0 : n, v, newenc);
	is->length = htole32(n + 1);
	return is;
}

struct intset *intset_add(struct intset *is, int64_t v, int *added)
{
	uint32_t pos, enc = enc_of(is), n = intset_length(is);

	if (added)
		*added = 1;
	if (value_encoding(v) > enc)
		return upgrade_and_add(is, v);
	if (search(is, v, &pos)) {
		if (added)
			*added = 0;
		return is;
	}
	is = resize(is, n + 1);
	if (pos < n)
		memmove(is->contents + (size_t)(pos + 1) * enc, is->contents + (size_t)pos * enc,
			(size_t)(n - pos) * enc);
	set_enc(is, pos, v, enc);
	is->length = htole32(n + 1);
	return is;
}

struct intset *intset_remove(struct intset *is, int64_t v, int *removed)
{
	uint32_t pos, enc = enc_of(is), n = intset_length(is);

	if (removed)
		*removed = 0;
	if (value_encoding(v) > enc || !search(is, v, &pos))
		return is;
	if (removed)
		*removed = 1;
	memmove(is->contents + (size_t)pos * enc, is->contents + (size_t)(pos + 1) * enc,
		(size_t)(n - pos - 1) * enc);
	is->length = htole32(n - 1);
	return resize(is, n - 1);
}

int intset_find(const struct intset *is, int64_t v)
{
	uint32_t pos;
	return value_encoding(v) <= enc_of(is) && search(is, v, &pos);
}

int intset_get(const struct intset *is, uint32_t pos, int64_t *v)
{
	if (pos >= intset_length(is))
		return 0;
	*v = get_enc(is, pos, enc_of(is));
	return 1;
}

int64_t intset_random(const struct intset *is)
{
	uint32_t n = intset_length(is);
	return get_enc(is, (uint32_t)ds_rand_below(n), enc_of(is));
}

int64_t intset_min(const struct intset *is)
{
	return get_enc(is, 0, enc_of(is));
}

int64_t intset_max(const struct intset *is)
{
	return get_enc(is, intset_length(is) - 1, enc_of(is));
}

int intset_validate(const unsigned char *p, size_t size, int deep)
{
	uint32_t enc, len;

	if (!p || size < INTSET_HDR_SIZE)
		return 0;
	memcpy(&enc, p, 4);
	memcpy(&len, p + 4, 4);
	enc = le32toh(enc);
	len = le32toh(len);
	if (enc != INTSET_ENC_INT16 && enc != INTSET_ENC_INT32 && enc != INTSET_ENC_INT64)
		return 0;
	if (len == 0 || (uint64_t)len * enc + INTSET_HDR_SIZE != size)
		return 0;
	if (!deep)
		return 1;
	int64_t prev = get_raw(p + INTSET_HDR_SIZE, 0, enc);
	for (uint32_t i = 1; i < len; i++) {
		int64_t cur = get_raw(p + INTSET_HDR_SIZE, i, enc);
		if (cur <= prev)
			return 0;
		prev = cur;
	}
	return 1;
}

struct intset *intset_from_bytes(const unsigned char *p, size_t size)
{
	return pmemdup(p, size);
}
