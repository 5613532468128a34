/* dbkey.h — a (database, key bytes) pair as a dict key, for the per-shard
 * tables that index keys outside the keyspace (WATCH, blocked clients).
 *
 * Thread: whoever owns the table using it.
 */
#ifndef PETREL_SERVER_DBKEY_H
#define PETREL_SERVER_DBKEY_H

#include <petrel/alloc.h>
#include <petrel/keyspace.h>

#include <stdint.h>
#include <string.h>

struct dbkey {
	int db;
	uint32_t len;
	char data[];
};

static inline struct dbkey *dbkey_new(int db, const char *key, size_t klen)
{
	struct dbkey *k = pmalloc(sizeof(*k) + klen);
	k->db = db;
	k->len = (uint32_t)klen;
	memcpy(k->data, key, klen);
	return k;
}

static inline uint64_t dbkey_hash(const void *k)
{
	const struct dbkey *d = k;
	return ks_hash(d->data, d->len) ^ (uint64_t)d->db;
}

static inline int dbkey_eq(const void *a, const void *b)
{
	const struct dbkey *x = a, *y = b;
	return x->db == y->db && x->len == y->len && !memcmp(x->data, y->data, x->len);
}

#endif
