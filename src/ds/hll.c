/* hll.c — HyperLogLog in Redis's exact byte representation: sparse and dense
 * encodings, MurmurHash64A element hashing, Ertl's improved estimator (Redis
 * 5+ hllCount), cached cardinality in the header.
 *
 * Thread: the owner of the buffer.
 *
 * FORMAT (Redis 7.0 HyperLogLog, a string value)
 *
 *   OFFSET  SIZE    MEANING
 *   0       4       magic "HYLL"
 *   4       1       encoding: 0 = dense, 1 = sparse
 *   5       3       unused, zero
 *   8       8       cached cardinality, little-endian; bit 7 of byte 15 set = stale
 *   16      ...     registers (dense) or opcodes (sparse)
 *
 * Dense: 16384 registers of 6 bits, 12288 bytes, register i at bit 6*i counting
 * from the least significant bit of byte 0 (a register may straddle two bytes).
 *
 * Sparse opcodes (runs of registers, in register order, must cover all 16384):
 *
 *   BYTES  PATTERN              MEANING
 *   1      00xxxxxx             ZERO: xxxxxx+1 (1..64) registers set to 0
 *   2      01xxxxxx yyyyyyyy    XZERO: (x<<8|y)+1 (1..16384) registers set to 0
 *   1      1vvvvvxx             VAL: xx+1 (1..4) registers set to vvvvv+1 (1..32)
 *
 * An empty HLL is sparse: header + XZERO(16384) = 18 bytes.
 *
 * Element -> register: h = MurmurHash64A(ele, seed 0xadc83b19); index = h & 16383;
 * the value is 1 + the number of trailing zero bits of (h >> 14) | 1<<50.
 *
 * DESIGN: sparse updates rewrite the one opcode covering the register into at
 * most five (zeros/values before, the new VAL, zeros/values after), then merge
 * neighbouring VALs of equal value on a short window after the opcode before it,
 * as Redis does, so equal inputs give equal bytes.
 */
#include <petrel/ds/hll.h>
#include <petrel/alloc.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HLL_Q (64 - HLL_P)              /* 50 */
#define HLL_P_MASK (HLL_REGISTERS - 1)
#define HLL_REGISTER_MAX ((1 << HLL_BITS) - 1)
#define HLL_ALPHA_INF 0.721347520444481703680
#define HLL_SPARSE_VAL_MAX_VALUE 32
#define HLL_SPARSE_VAL_MAX_LEN 4
#define HLL_SPARSE_ZERO_MAX_LEN 64
#define HLL_SPARSE_XZERO_MAX_LEN 16384
#define HLL_HASH_SEED 0xadc83b19ull

#define IS_ZERO(p) ((*(p) & 0xc0) == 0x00)
#define IS_XZERO(p) ((*(p) & 0xc0) == 0x40)
#define IS_VAL(p) ((*(p) & 0x80) != 0)
#define ZERO_LEN(p) ((*(p) & 0x3f) + 1)
#define XZERO_LEN(p) ((((*(p) & 0x3f) << 8) | *((p) + 1)) + 1)
#define VAL_VALUE(p) (((*(p) >> 2) & 0x1f) + 1)
#define VAL_LEN(p) ((*(p) & 0x3) + 1)

static inline unsigned char op_val(int value, int len)
{
	return (unsigned char)(0x80 | ((value - 1) << 2) | (len - 1));
}

/* Emit a zero run of len (<= 16384) registers; returns bytes written. */
static int emit_zero(unsigned char *out, long len)
{
	if (len > HLL_SPARSE_ZERO_MAX_LEN) {
		long l = len - 1;
		out[0] = (unsigned char)(0x40 | (l >> 8));
		out[1] = (unsigned char)(l & 0xff);
		return 2;
	}
	out[0] = (unsigned char)(len - 1);
	return 1;
}

/* ---- hashing ------------------------------------------------------------------ */

uint64_t hll_murmurhash64a(const void *key, size_t len, uint64_t seed)
{
	const uint64_t m = 0xc6a4a7935bd1e995ull;
	const int r = 47;
	const unsigned char *data = key;
	uint64_t h = seed ^ ((uint64_t)len * m);
	size_t blocks = len / 8;

	for (size_t i = 0; i < blocks; i++, data += 8) {
		uint64_t k = 0;
		for (int b = 7; b >= 0; b--)
			k = (k << 8) | data[b];
		k *= m;
		k ^= k >> r;
		k *= m;
		h ^= k;
		h *= m;
	}
	size_t rest = len & 7;
	if (rest) {
		for (size_t b = rest; b-- > 0;)
			h ^= (uint64_t)data[b] << (8 * b);
		h *= m;
	}
	h ^= h >> r;
	h *= m;
	h ^= h >> r;
	return h;
}

int hll_pat_len(const unsigned char *ele, size_t len, long *index)
{
	uint64_t hash = hll_murmurhash64a(ele, len, HLL_HASH_SEED);
	*index = (long)(hash & HLL_P_MASK);
	hash >>= HLL_P;
	hash |= 1ull << HLL_Q;          /* sentinel: the count stops at Q+1 */
	int count = 1;
	uint64_t bit = 1;
	while ((hash & bit) == 0) {
		count++;
		bit <<= 1;
	}
	return count;
}

/* ---- header ----------------------------------------------------------------------- */

static inline void invalidate_cache(unsigned char *hll)
{
	hll[15] |= 0x80;
}

static inline int cache_valid(const unsigned char *hll)
{
	return (hll[15] & 0x80) == 0;
}

unsigned char *hll_create(size_t *len)
{
	unsigned char *h = pcalloc(1, HLL_HDR_SIZE + 2);
	memcpy(h, "HYLL", 4);
	h[4] = HLL_ENC_SPARSE;
	emit_zero(h + HLL_HDR_SIZE, HLL_REGISTERS);
	*len = HLL_HDR_SIZE + 2;
	return h;
}

int hll_is_sparse(const unsigned char *p)
{
	return p[4] == HLL_ENC_SPARSE;
}

/* Walk sparse opcodes within bounds; returns the register count or -1. */
static long sparse_walk(const unsigned char *p, const unsigned char *end, uint8_t *regs_max,
			uint64_t *histo)
{
	long idx = 0;
	while (p < end) {
		long runlen;
		if (IS_ZERO(p)) {
			runlen = ZERO_LEN(p);
			if (histo)
				histo[0] += (uint64_t)runlen;
			p++;
		} else if (IS_XZERO(p)) {
			if (p + 1 >= end)
				return -1;
			runlen = XZERO_LEN(p);
			if (histo)
				histo[0] += (uint64_t)runlen;
			p += 2;
		} else {
			runlen = VAL_LEN(p);
			int v = VAL_VALUE(p);
			if (idx + runlen > HLL_REGISTERS)
				return -1;
			if (histo)
				histo[v] += (uint64_t)runlen;
			if (regs_max)
				for (long i = 0; i < runlen; i++)
					if (regs_max[idx + i] < v)
						regs_max[idx + i] = (uint8_t)v;
			p++;
		}
		idx += runlen;
		if (idx > HLL_REGISTERS)
			return -1;
	}
	return idx;
}

int hll_validate(const unsigned char *p, size_t len, int deep)
{
	if (!p || len < HLL_HDR_SIZE || memcmp(p, "HYLL", 4) != 0 || p[4] > HLL_ENC_SPARSE)
		return 0;
	if (p[4] == HLL_ENC_DENSE)
		return len == HLL_DENSE_SIZE;
	if (!deep)
		return 1;
	return sparse_walk(p + HLL_HDR_SIZE, p + len, NULL, NULL) == HLL_REGISTERS;
}

/* ---- dense ---------------------------------------------------------------------------- */

static inline unsigned dense_get(const unsigned char *regs, long i)
{
	unsigned long byte = (unsigned long)i * HLL_BITS / 8;
	unsigned fb = (unsigned)((unsigned long)i * HLL_BITS & 7), fb8 = 8 - fb;
	unsigned b0 = regs[byte];
	/* The next byte only when the register spans two: the last register
	 * (bits 2..7 of the last byte) must not read past the buffer. */
	unsigned b1 = fb > 8 - HLL_BITS ? regs[byte + 1] : 0;
	return ((b0 >> fb) | (b1 << fb8)) & HLL_REGISTER_MAX;
}

static inline void dense_set(unsigned char *regs, long i, unsigned val)
{
	unsigned long byte = (unsigned long)i * HLL_BITS / 8;
	unsigned fb = (unsigned)((unsigned long)i * HLL_BITS & 7), fb8 = 8 - fb;
	regs[byte] &= (unsigned char)~(HLL_REGISTER_MAX << fb);
	regs[byte] |= (unsigned char)(val << fb);
	if (fb > 8 - HLL_BITS) {
		regs[byte + 1] &= (unsigned char)~(HLL_REGISTER_MAX >> fb8);
		regs[byte + 1] |= (unsigned char)(val >> fb8);
	}
}

unsigned hll_dense_get(const unsigned char *hll, long index)
{
	return dense_get(hll + HLL_HDR_SIZE, index);
}

int hll_sparse_to_dense(unsigned char **hll, size_t *len)
{
	unsigned char *s = *hll;
	if (s[4] == HLL_ENC_DENSE)
		return 0;
	unsigned char *d = pcalloc(1, HLL_DENSE_SIZE);
	memcpy(d, s, HLL_HDR_SIZE);
	d[4] = HLL_ENC_DENSE;
	const unsigned char *p = s + HLL_HDR_SIZE, *end = s + *len;
	long idx = 0;
	while (p < end) {
		if (IS_ZERO(p)) {
			idx += ZERO_LEN(p);
			p++;
		} else if (IS_XZERO(p)) {
			if (p + 1 >= end)
				break;
			idx += XZERO_LEN(p);
			p += 2;
		} else {
			long rl = VAL_LEN(p);
			if (idx + rl > HLL_REGISTERS)
				break;
			for (long i = 0; i < rl; i++)
				dense_set(d + HLL_HDR_SIZE, idx + i, (unsigned)VAL_VALUE(p));
			idx += rl;
			p++;
		}
		if (idx > HLL_REGISTERS)
			break;
	}
	if (p != end || idx != HLL_REGISTERS) {
		pfree(d);
		return HLL_ERR_INVALID;
	}
	pfree(s);
	*hll = d;
	*len = HLL_DENSE_SIZE;
	return 0;
}

/* ---- sparse set --------------------------------------------------------------------- */

/* Set register index to count (if greater) in a sparse HLL.
 * Returns 1 changed, 0 unchanged, 2 "promote to dense and retry", or error. */
static int sparse_set(unsigned char **hll, size_t *len, long index, int count,
		      size_t sparse_max)
{
	if (count > HLL_SPARSE_VAL_MAX_VALUE)
		return 2;
	unsigned char *s = *hll;
	unsigned char *p = s + HLL_HDR_SIZE, *end = s + *len, *prev = NULL;
	long first = 0, span = 0;
	int oplen = 1;

	/* find the opcode covering index */
	while (p < end) {
		oplen = 1;
		if (IS_ZERO(p)) {
			span = ZERO_LEN(p);
		} else if (IS_VAL(p)) {
			span = VAL_LEN(p);
		} else {
			if (p + 1 >= end)
				return HLL_ERR_INVALID;
			span = XZERO_LEN(p);
			oplen = 2;
		}
		if (index <= first + span - 1)
			break;
		prev = p;
		p += oplen;
		first += span;
	}
	if (p >= end || span == 0)
		return HLL_ERR_INVALID;

	int is_val = IS_VAL(p);
	int oldval = is_val ? VAL_VALUE(p) : 0;
	if (is_val && oldval >= count)
		return 0;

	unsigned char seq[5];
	int n = 0;
	if (is_val && span == 1) {
		seq[n++] = op_val(count, 1);
	} else {
		long before = index - first, after = first + span - 1 - index;
		if (is_val) {
			if (before)
				seq[n++] = op_val(oldval, (int)before);
			seq[n++] = op_val(count, 1);
			if (after)
				seq[n++] = op_val(oldval, (int)after);
		} else {
			if (before)
				n += emit_zero(seq + n, before);
			seq[n++] = op_val(count, 1);
			if (after)
				n += emit_zero(seq + n, after);
		}
	}
	long delta = n - oplen;
	if (delta > 0 && *len + (size_t)delta > sparse_max)
		return 2;
	size_t off = (size_t)(p - s), prev_off = prev ? (size_t)(prev - s) : HLL_HDR_SIZE;
	size_t tail = *len - off - (size_t)oplen;
	if (delta > 0)
		s = prealloc(s, *len + (size_t)delta);
	memmove(s + off + n, s + off + oplen, tail);
	memcpy(s + off, seq, (size_t)n);
	*len = (size_t)((long)*len + delta);
	if (delta < 0)
		s = prealloc(s, *len);
	*hll = s;

	/* merge adjacent equal VALs on a short window starting before the change */
	p = s + prev_off;
	end = s + *len;
	int scan = 5;
	while (p < end && scan--) {
		if (IS_XZERO(p)) {
			p += 2;
			continue;
		}
		if (IS_ZERO(p)) {
			p++;
			continue;
		}
		if (p + 1 < end && IS_VAL(p + 1) && VAL_VALUE(p) == VAL_VALUE(p + 1)) {
			int l = VAL_LEN(p) + VAL_LEN(p + 1);
			if (l <= HLL_SPARSE_VAL_MAX_LEN) {
				p[1] = op_val(VAL_VALUE(p), l);
				memmove(p, p + 1, (size_t)(end - p - 1));
				(*len)--;
				end--;
				continue;       /* try merging the result with its right side */
			}
		}
		p++;
	}
	invalidate_cache(s);
	return 1;
}

int hll_add(unsigned char **hll, size_t *len, const unsigned char *ele, size_t elelen,
	    size_t sparse_max_bytes)
{
	long index;
	int count = hll_pat_len(ele, elelen, &index);
	unsigned char *h = *hll;

	if (h[4] == HLL_ENC_SPARSE) {
		int rc = sparse_set(hll, len, index, count, sparse_max_bytes);
		if (rc != 2)
			return rc;
		if (hll_sparse_to_dense(hll, len) != 0)
			return HLL_ERR_INVALID;
		h = *hll;
	}
	unsigned char *regs = h + HLL_HDR_SIZE;
	if (dense_get(regs, index) >= (unsigned)count)
		return 0;
	dense_set(regs, index, (unsigned)count);
	invalidate_cache(h);
	return 1;
}

/* ---- estimator ------------------------------------------------------------------------- */

static double hll_sigma(double x)
{
	if (x == 1.)
		return INFINITY;
	double z_prime, y = 1, z = x;
	do {
		x *= x;
		z_prime = z;
		z += x * y;
		y += y;
	} while (z_prime != z);
	return z;
}

static double hll_tau(double x)
{
	if (x == 0. || x == 1.)
		return 0.;
	double z_prime, y = 1.0, z = 1 - x;
	do {
		x = sqrt(x);
		z_prime = z;
		y *= 0.5;
		z -= pow(1 - x, 2) * y;
	} while (z_prime != z);
	return z / 3;
}

static uint64_t estimate(const uint64_t *histo)
{
	double m = HLL_REGISTERS;
	double z = m * hll_tau((m - (double)histo[HLL_Q + 1]) / m);
	for (int j = HLL_Q; j >= 1; --j) {
		z += (double)histo[j];
		z *= 0.5;
	}
	z += m * hll_sigma((double)histo[0] / m);
	return (uint64_t)llroundl(HLL_ALPHA_INF * m * m / z);
}

uint64_t hll_count_registers(const uint8_t *regs)
{
	uint64_t histo[64] = { 0 };
	for (long i = 0; i < HLL_REGISTERS; i++)
		histo[regs[i] & 63]++;
	return estimate(histo);
}

int hll_count(unsigned char *hll, size_t len, uint64_t *card)
{
	if (cache_valid(hll)) {
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--)
			v = (v << 8) | hll[8 + i];
		*card = v;
		return 0;
	}
	uint64_t histo[64] = { 0 };
	if (hll[4] == HLL_ENC_DENSE) {
		const unsigned char *regs = hll + HLL_HDR_SIZE;
		for (long i = 0; i < HLL_REGISTERS; i++)
			histo[dense_get(regs, i)]++;
	} else if (sparse_walk(hll + HLL_HDR_SIZE, hll + len, NULL, histo) != HLL_REGISTERS) {
		return HLL_ERR_INVALID;
	}
	uint64_t v = estimate(histo);
	for (int i = 0; i < 8; i++)
		hll[8 + i] = (unsigned char)(v >> (8 * i));
	*card = v;
	return 0;
}

int hll_merge_registers(uint8_t *regs, const unsigned char *hll, size_t len)
{
	if (hll[4] == HLL_ENC_DENSE) {
		for (long i = 0; i < HLL_REGISTERS; i++) {
			unsigned v = dense_get(hll + HLL_HDR_SIZE, i);
			if (v > regs[i])
				regs[i] = (uint8_t)v;
		}
		return 0;
	}
	return sparse_walk(hll + HLL_HDR_SIZE, hll + len, regs, NULL) == HLL_REGISTERS
		       ? 0 : HLL_ERR_INVALID;
}

int hll_store_registers(unsigned char **hll, size_t *len, const uint8_t *regs, int dense,
			size_t sparse_max_bytes)
{
	if (dense && hll_sparse_to_dense(hll, len) != 0)
		return HLL_ERR_INVALID;
	for (long i = 0; i < HLL_REGISTERS; i++) {
		if (!regs[i])
			continue;
		if ((*hll)[4] == HLL_ENC_SPARSE) {
			int rc = sparse_set(hll, len, i, regs[i], sparse_max_bytes);
			if (rc == HLL_ERR_INVALID)
				return rc;
			if (rc != 2)
				continue;
			if (hll_sparse_to_dense(hll, len) != 0)
				return HLL_ERR_INVALID;
		}
		dense_set(*hll + HLL_HDR_SIZE, i, regs[i]);
	}
	invalidate_cache(*hll);
	return 0;
}

/* ---- PFDEBUG / PFSELFTEST ----------------------------------------------------------- */

char *hll_sparse_text(const unsigned char *hll, size_t len, size_t *outlen)
{
	const unsigned char *p = hll + HLL_HDR_SIZE, *end = hll + len;
	size_t cap = (len > HLL_HDR_SIZE ? len - HLL_HDR_SIZE : 0) * 12 + 1, n = 0;
	char *out = pmalloc(cap);
	while (p < end) {
		int w;
		if (IS_ZERO(p)) {
			w = snprintf(out + n, cap - n, "z:%d ", ZERO_LEN(p));
			p++;
		} else if (IS_XZERO(p)) {
			if (p + 1 >= end)
				break;
			w = snprintf(out + n, cap - n, "Z:%d ", XZERO_LEN(p));
			p += 2;
		} else {
			w = snprintf(out + n, cap - n, "v:%d,%d ", VAL_VALUE(p), VAL_LEN(p));
			p++;
		}
		n += (size_t)w;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = 0;
	*outlen = n;
	return out;
}

int hll_selftest(char *err, size_t errlen)
{
	/* 1: every register keeps what was stored, in both encodings' dense
	 * access path */
	uint8_t *regs = pcalloc(1, HLL_REGISTERS);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (long i = 0; i < HLL_REGISTERS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		regs[i] = (uint8_t)(x % (HLL_REGISTER_MAX + 1));
	}
	size_t len;
	unsigned char *h = hll_create(&len);
	int rc = hll_store_registers(&h, &len, regs, 1, 0);
	for (long i = 0; rc == 0 && i < HLL_REGISTERS; i++) {
		if (hll_dense_get(h, i) != regs[i]) {
			snprintf(err, errlen, "TESTFAILED Register error at %ld", i);
			rc = -1;
		}
	}
	pfree(h);
	pfree(regs);
	if (rc)
		return -1;
	/* 2: sparse and dense agree, and the error stays within bounds */
	size_t ls, ld;
	unsigned char *s = hll_create(&ls), *d = hll_create(&ld);
	hll_sparse_to_dense(&d, &ld);
	double relerr = 1.04 / sqrt((double)HLL_REGISTERS);
	uint64_t checkpoint = 1;
	for (uint64_t j = 1; j <= 100000 && rc == 0; j++) {
		char ele[32];
		int n = snprintf(ele, sizeof(ele), "%llu", (unsigned long long)j);
		hll_add(&s, &ls, (unsigned char *)ele, (size_t)n, 3000);
		hll_add(&d, &ld, (unsigned char *)ele, (size_t)n, 3000);
		if (j != checkpoint)
			continue;
		uint64_t cs, cd;
		hll_count(s, ls, &cs);
		hll_count(d, ld, &cd);
		double abserr = fabs((double)cd - (double)j);
		double maxerr = j == 1 ? 1 : j < 10 ? relerr * 6 * (double)j : relerr * 5 * (double)j;
		if (cs != cd) {
			snprintf(err, errlen, "TESTFAILED Sparse and dense cardinality mismatch");
			rc = -1;
		} else if (abserr > maxerr && abserr > 1) {
			snprintf(err, errlen, "TESTFAILED too big error. card:%llu abserr:%f",
				 (unsigned long long)cd, abserr);
			rc = -1;
		}
		checkpoint *= 10;
	}
	pfree(s);
	pfree(d);
	return rc;
}
