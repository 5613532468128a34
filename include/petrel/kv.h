/* kv.h — one key and its value in one allocation.
 *
 * Layout (little-endian, packed, no padding):
 *
 *   OFFSET  SIZE  MEANING
 *   0       8     next: bucket chain link (owned by the slot table)
 *   8       4     lru: LRU clock (seconds, 24 bits) or LFU (16-bit minutes << 8 | counter)
 *   12      1     type (low 4 bits, OBJ_*) | encoding (high 4 bits, ENC_*)
 *   13      1     flags (KV_F_*)
 *   14      8     expire: absolute unix ms, only when KV_F_EXPIRE is set
 *   ..      1-5   key length, LEB128 varint
 *   ..      n     key bytes
 *   ..      ..    value: ENC_EMBSTR: varint length + bytes
 *                        ENC_INT:    int64 (8 bytes)
 *                        otherwise:  pointer (8 bytes) to the value object
 *
 * A 16-byte key with a 32-byte value takes 14+1+16+1+32 = 64 bytes: one
 * mimalloc size class, no separate key, value or dict-entry allocation.
 *
 * Thread: a kv belongs to the shard that owns its slot; only that shard (or a
 * coordinator holding the shard, see shard/hold.c) reads or writes it.
 */
#ifndef PETREL_KV_H
#define PETREL_KV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Types and encodings: Redis's numbers (they appear in RDB and OBJECT). */
enum { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4,
       OBJ_MODULE = 5, OBJ_STREAM = 6 };
enum { ENC_RAW = 0, ENC_INT = 1, ENC_HT = 2, ENC_ZIPMAP = 3, ENC_LINKEDLIST = 4,
       ENC_ZIPLIST = 5, ENC_INTSET = 6, ENC_SKIPLIST = 7, ENC_EMBSTR = 8,
       ENC_QUICKLIST = 9, ENC_STREAM = 10, ENC_LISTPACK = 11 };

#define KV_F_EXPIRE 0x01

/* Redis keeps short strings as "embstr" up to this length. */
#define KV_EMBSTR_MAX 44

struct kv {
	struct kv *next;
	uint32_t lru;
	uint8_t te;
	uint8_t flags;
	unsigned char body[];
};

/* A raw string's heap buffer (ENC_RAW): length, then bytes; capacity is the
 * allocation's usable size (palloc_size), so APPEND grows amortized. */
struct sbuf {
	size_t len;
	char data[];
};

static inline int kv_type(const struct kv *kv) { return kv->te & 0x0f; }
static inline int kv_enc(const struct kv *kv) { return kv->te >> 4; }
static inline int kv_has_expire(const struct kv *kv) { return kv->flags & KV_F_EXPIRE; }

static inline long long kv_expire(const struct kv *kv)
{
	long long e;
	if (!(kv->flags & KV_F_EXPIRE))
		return -1;
	memcpy(&e, kv->body, 8);
	return e;
}

/* Key bytes and length. */
const char *kv_key(const struct kv *kv, size_t *len);
/* Pointer to the value area (after the key). */
unsigned char *kv_value_area(const struct kv *kv);

/* Create a kv with the given key and an uninitialized value area of vsize
 * bytes. expire < 0: none. */
struct kv *kv_alloc(const char *key, size_t klen, int type, int enc, long long expire,
		    size_t vsize);
/* Strings. */
struct kv *kv_create_string(const char *key, size_t klen, const char *val, size_t vlen,
			    long long expire);
struct kv *kv_create_int(const char *key, size_t klen, long long v, long long expire);
/* A kv whose value is a pointer (ENC_RAW strings' sbuf, or a type's object). */
struct kv *kv_create_ptr(const char *key, size_t klen, int type, int enc, void *ptr,
			 long long expire);
void *kv_ptr(const struct kv *kv);
void kv_set_ptr(struct kv *kv, void *ptr);
long long kv_int(const struct kv *kv);
void kv_set_int(struct kv *kv, long long v);

/* A string value's bytes. For ENC_INT, formats into numbuf (>= 24 bytes). */
const char *kv_str(const struct kv *kv, size_t *len, char *numbuf);

/* Copy of kv with a new expire (may move: returns the new block; frees old).
 * expire < 0 removes it. The caller relinks it (keyspace does). */
struct kv *kv_with_expire(struct kv *kv, long long expire);
/* Same key, same expire, fresh string value. Frees nothing. */
struct kv *kv_clone_key(const struct kv *kv, int type, int enc, size_t vsize);

/* Free kv and its value (by type: registered destructors). */
void kv_free(struct kv *kv);
/* Deep copy (COPY command): key may differ. */
struct kv *kv_dup(const struct kv *kv, const char *key, size_t klen, long long expire);

/* Value destructors / duplicators per type (types register theirs). */
struct kv_type_ops {
	void (*free)(void *ptr, int enc);
	void *(*dup)(const void *ptr, int enc);
	size_t (*mem)(const void *ptr, int enc);  /* MEMORY USAGE estimate */
};
void kv_register_type(int type, const struct kv_type_ops *ops);
const struct kv_type_ops *kv_type_ops_of(int type);

#endif
