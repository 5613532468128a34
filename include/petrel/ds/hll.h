/* hll.h — HyperLogLog with Redis's exact representation (a string value starting
 * "HYLL", sparse or dense encoding, 16384 6-bit registers, MurmurHash64A with
 * Redis's seed), so PFADD/PFCOUNT/PFMERGE results and DUMP bytes interoperate.
 * See src/ds/hll.c for the OFFSET/SIZE/MEANING tables.
 *
 * An HLL is a heap buffer (pmalloc) plus its length; functions that may grow it
 * take both by pointer.
 *
 * Thread: the owner of the buffer; no shared state.
 */
#ifndef PETREL_DS_HLL_H
#define PETREL_DS_HLL_H

#include <stddef.h>
#include <stdint.h>

#define HLL_P 14
#define HLL_REGISTERS (1 << HLL_P)              /* 16384 */
#define HLL_BITS 6
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS + 7) / 8)   /* 12304 */
#define HLL_ENC_DENSE 0
#define HLL_ENC_SPARSE 1
#define HLL_SPARSE_MAX_BYTES_DEFAULT 3000      /* hll-sparse-max-bytes */

/* Errors */
#define HLL_ERR_INVALID (-1)                    /* "INVALIDOBJ Corrupted HLL object detected" */

/* A new empty HLL (sparse, 18 bytes). Ownership: caller (pfree). */
unsigned char *hll_create(size_t *len);

/* Redis's isHLLObjectOrReply check: header size, "HYLL", known encoding, dense
 * length exact. Returns 1 / 0. With deep, also walk sparse opcodes within bounds
 * and require exactly 16384 registers. */
int hll_validate(const unsigned char *p, size_t len, int deep);
int hll_is_sparse(const unsigned char *p);

/* MurmurHash64A (Austin Appleby), little-endian reads, as Redis uses. */
uint64_t hll_murmurhash64a(const void *key, size_t len, uint64_t seed);
/* Register index and run length (1..51) Redis derives for an element. */
int hll_pat_len(const unsigned char *ele, size_t len, long *index);

/* PFADD one element. Promotes sparse to dense when a register value exceeds 32
 * or the sparse form would pass sparse_max_bytes. Invalidates the cached
 * cardinality when a register changes.
 * Returns 1 if a register changed, 0 if not, HLL_ERR_INVALID on corrupt data. */
int hll_add(unsigned char **hll, size_t *len, const unsigned char *ele, size_t elelen,
	    size_t sparse_max_bytes);

/* PFCOUNT of one HLL: uses and refreshes the cached cardinality in the header (as
 * Redis does, writing bytes 8..15). Returns 0 and sets *card, or HLL_ERR_INVALID. */
int hll_count(unsigned char *hll, size_t len, uint64_t *card);

/* Multi-key PFCOUNT / PFMERGE: max registers into regs[HLL_REGISTERS] (one byte
 * per register; start zeroed). Returns 0 or HLL_ERR_INVALID. */
int hll_merge_registers(uint8_t *regs, const unsigned char *hll, size_t len);
/* Cardinality estimate of raw registers (Redis's estimator). */
uint64_t hll_count_registers(const uint8_t *regs);
/* PFMERGE destination: store the nonzero regs in *hll, in register order, as
 * Redis 7.0 does: converted to dense first when `dense` (some input was
 * dense), else set one by one in the sparse form, which promotes itself like
 * PFADD's. Invalidates the cache. Returns 0 or HLL_ERR_INVALID. */
int hll_store_registers(unsigned char **hll, size_t *len, const uint8_t *regs, int dense,
			size_t sparse_max_bytes);

/* Convert sparse to dense in place (no-op when dense). 0 or HLL_ERR_INVALID. */
int hll_sparse_to_dense(unsigned char **hll, size_t *len);

/* PFDEBUG DECODE: the sparse opcodes as text ("Z:12711 v:2,1 z:3 ..."); a
 * pmalloc'ed NUL-terminated string, its length in *outlen. */
char *hll_sparse_text(const unsigned char *hll, size_t len, size_t *outlen);
/* PFSELFTEST: register access, sparse/dense agreement, error bounds. 0, or -1
 * with Redis's "TESTFAILED ..." text in err. */
int hll_selftest(char *err, size_t errlen);

/* Dense register access (for tests and PFDEBUG). */
unsigned hll_dense_get(const unsigned char *hll, long index);

#endif
