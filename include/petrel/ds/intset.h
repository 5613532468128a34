/* intset.h — Redis intset: a sorted array of distinct integers stored in the
 * smallest width (16, 32 or 64 bits) that fits every member; byte-compatible with
 * RDB type 11 (see src/ds/intset.c for the OFFSET/SIZE/MEANING table).
 *
 * An intset is one heap block; functions that change it return the (possibly
 * moved) block.
 *
 * Thread: the owner of the block; no shared state. intset_random uses the calling
 * thread's generator (ds_rand).
 */
#ifndef PETREL_DS_INTSET_H
#define PETREL_DS_INTSET_H

#include <stddef.h>
#include <stdint.h>

struct intset;

#define INTSET_ENC_INT16 2u
#define INTSET_ENC_INT32 4u
#define INTSET_ENC_INT64 8u
#define INTSET_HDR_SIZE 8u

/* Create an empty intset (encoding int16). Ownership: caller; free with
 * intset_destroy. */
struct intset *intset_create(void);
/* Free *is and set it to NULL; NULL-safe. */
void intset_destroy(struct intset **is);

/* Add v. *added (may be NULL) is set to 1 if inserted, 0 if already present.
 * Upgrades the encoding when v does not fit. Returns the new block. */
struct intset *intset_add(struct intset *is, int64_t v, int *added);
/* Remove v. *removed (may be NULL) set to 1 if it was present. Returns the new
 * block (the encoding never shrinks, as in Redis). */
struct intset *intset_remove(struct intset *is, int64_t v, int *removed);
/* 1 if v is a member. O(log n). */
int intset_find(const struct intset *is, int64_t v);
/* Member at pos (ascending order) into *v; returns 1, or 0 if pos is out of range. */
int intset_get(const struct intset *is, uint32_t pos, int64_t *v);
/* A uniformly random member. The set must not be empty. */
int64_t intset_random(const struct intset *is);
int64_t intset_min(const struct intset *is);         /* set must not be empty */
int64_t intset_max(const struct intset *is);         /* set must not be empty */
uint32_t intset_length(const struct intset *is);
uint32_t intset_encoding(const struct intset *is);   /* 2, 4 or 8 */
/* Size of the block in bytes (what RDB stores). */
size_t intset_bytes(const struct intset *is);

/* Validate untrusted bytes (RDB, RESTORE) without reading outside [p, p+size):
 * encoding in {2,4,8}, size == 8 + length*encoding, length > 0 (an empty intset is
 * corrupt in RDB), and with deep: strictly ascending members. Returns 1 / 0. */
int intset_validate(const unsigned char *p, size_t size, int deep);
/* Copy validated bytes into a new intset. Ownership: caller. */
struct intset *intset_from_bytes(const unsigned char *p, size_t size);

#endif
