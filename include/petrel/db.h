/* db.h — key access for command handlers: lazy expiry, hit/miss stats, LRU/LFU
 * touch, type checks, and the "key changed" hook.
 *
 * Every function takes the handler's cmd_ctx (database, time snapshot, the
 * executing shard for stats). Keys may live on any shard the context owns or
 * holds; the slot is computed here.
 *
 * Thread: the handler's (see cmd.h).
 */
#ifndef PETREL_DB_H
#define PETREL_DB_H

#include <petrel/cmd.h>
#include <petrel/keyspace.h>

/* Find a live key (deletes it first if its TTL passed). ref: link for
 * db_overwrite/db_unlink, or on a miss the spot for db_insert_at.
 * No stats, no touch. */
struct kv *db_find(struct cmd_ctx *c, const char *key, size_t klen, struct kv ***ref);
/* For reading commands: db_find + keyspace_hits/misses + LRU/LFU touch. */
struct kv *db_read(struct cmd_ctx *c, const struct resp_arg *key);
/* For writing commands: db_find + touch (no hit/miss stats). */
struct kv *db_write(struct cmd_ctx *c, const struct resp_arg *key, struct kv ***ref);

/* Insert kv at the spot a missing db_find/db_write left in ref (no re-hash).
 * Only if nothing was inserted into the db since that lookup. */
void db_insert_at(struct cmd_ctx *c, struct kv **ref, struct kv *kv);
/* Insert a kv whose key is absent. */
void db_insert(struct cmd_ctx *c, struct kv *kv);
/* Replace the kv at *ref with nkv (same key); frees the old one. */
void db_overwrite(struct cmd_ctx *c, struct kv **ref, struct kv *nkv);
/* Set key to nkv whether or not it exists (SET): frees any old value. */
void db_set(struct cmd_ctx *c, struct kv *nkv);
/* Remove a key; returns 1 if it existed (and was live). */
int db_delete(struct cmd_ctx *c, const char *key, size_t klen);
/* Unlink and free the kv at *ref. */
void db_unlink(struct cmd_ctx *c, struct kv **ref);
/* Change TTL (expire < 0 removes); returns the kv (it may move). */
struct kv *db_set_expire(struct cmd_ctx *c, struct kv **ref, long long expire);

/* Type check: replies WRONGTYPE and returns -1 on mismatch. */
int db_check_type(struct cmd_ctx *c, const struct kv *kv, int type);
/* Bookkeeping after a write to key (dirty counter; WATCH later). */
void db_modified(struct cmd_ctx *c, const char *key, size_t klen);

/* Is kv expired at time now? */
static inline int db_is_expired(const struct kv *kv, long long now)
{
	long long e = kv_expire(kv);
	return e >= 0 && e <= now;
}

/* LRU clock in seconds, 24 bits, and LFU helpers (evict.c). */
unsigned db_lru_clock(void);
void db_touch(struct cmd_ctx *c, struct kv *kv);

/* Common reply texts. */
extern const char *const ERR_WRONGTYPE;
extern const char *const ERR_SYNTAX;
extern const char *const ERR_NOT_INT;
extern const char *const ERR_NOT_FLOAT;
extern const char *const ERR_NO_KEY;
extern const char *const ERR_OVERFLOW;

/* Strict integer / float parsing of arguments (Redis's rules). 0 ok, -1 bad. */
int arg_ll(const struct resp_arg *a, long long *v);
int arg_double(const struct resp_arg *a, double *v);
int arg_ld(const struct resp_arg *a, long double *v);
/* A SCAN-family cursor, as Redis parses it. 0 ok, -1 invalid. */
int arg_scan_cursor(const struct resp_arg *a, unsigned long *cursor);
/* Parse or reply ERR_NOT_INT and return -1. */
int arg_ll_or_reply(struct cmd_ctx *c, const struct resp_arg *a, long long *v);

#endif
