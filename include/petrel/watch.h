/* watch.h — WATCH: optimistic locking for MULTI/EXEC across shards.
 *
 * A client's WATCH state is one token (dirty flag + refcount) shared with the
 * watch tables of the shards owning its watched keys. Any change to a watched
 * key (a write's db_modified, deletion by expiry or eviction, FLUSHDB/FLUSHALL/
 * SWAPDB of a db where it exists) marks every token watching it dirty; EXEC of
 * a dirty client replies a null array and runs nothing.
 *
 *   client (shard A) --token--> { dirty, refs }  <--entries-- watch table of shard B
 *
 * Thread: a shard's table is touched by that shard, or by a coordinator holding
 * it (WATCH runs on the client's shard holding the keys' shards). The token's
 * fields are atomics, so a shard marks a client of another shard dirty without
 * holding it. UNWATCH only releases the client's reference; stale table entries
 * are pruned when their key is touched or by the owning shard's cron.
 */
#ifndef PETREL_WATCH_H
#define PETREL_WATCH_H

#include <stddef.h>

struct client;
struct shard;

/* WATCH one key for cl (caller owns or holds the key's shard). */
void watch_key(struct client *cl, int db, const char *key, size_t klen);
/* Forget cl's watches (UNWATCH, EXEC, DISCARD, RESET, disconnect). */
void watch_release(struct client *cl);
/* 1 if a watched key changed since WATCH. */
int watch_is_dirty(const struct client *cl);
/* A key changed/was deleted (caller owns or holds its shard). Cheap when no
 * client watches anything. */
void watch_touch(int db, const char *key, size_t klen);
/* FLUSHDB/FLUSHALL/SWAPDB of db: touch every watched key of db that exists
 * (caller holds every shard). */
void watch_touch_db(int db);
/* Prune released entries of shard s's table (cron). */
void watch_cron(struct shard *s);

#endif
