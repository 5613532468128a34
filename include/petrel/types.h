/* types.h — read-only access to collection values from outside their type's
 * file (SORT reads lists, sets, sorted sets and hash fields).
 *
 * Each function is implemented in its type's file (src/cmd/t_<type>.c), which
 * alone knows the encodings. kv must hold a value of the named type (check
 * kv_type first). Lists need no accessor: their value is a plain quicklist
 * (include/petrel/ds/quicklist.h), kv_ptr(kv).
 *
 * Thread: the owner (or holder) of kv's shard; see cmd.h.
 * Ownership: strings handed out point into the value (or into the caller's
 * numbuf) and are valid until the next write on that shard; do not free.
 */
#ifndef PETREL_TYPES_H
#define PETREL_TYPES_H

#include <stddef.h>

struct kv;

/* ---- sets (t_set.c) ------------------------------------------------------ */

/* Number of members. */
unsigned long tset_size(const struct kv *kv);
/* 1 if s[0..len) is a member. */
int tset_has(const struct kv *kv, const char *s, size_t len);
/* Call fn(ud, member, len) for every member, in the encoding's order
 * (ascending for an intset, table order for a hash table). */
void tset_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len), void *ud);

/* ---- lists (t_list.c) ---------------------------------------------------- */

/* Call fn(ud, element, len) head to tail (integers formatted in decimal). */
void tlist_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len), void *ud);

/* ---- sorted sets (t_zset.c) ---------------------------------------------- */

/* Call fn(ud, member, len, score) for every member in (score, member) order. */
void tzset_foreach(const struct kv *kv, void (*fn)(void *ud, const char *s, size_t len, double score),
		   void *ud);

/* Number of members. */
unsigned long tzset_size(const struct kv *kv);
/* Call fn(ud, member, len) for at most count members in (score, member) order
 * starting at 0-based position start; rev: positions count from the highest
 * score and the walk goes downwards. start past the end calls nothing. */
void tzset_range(const struct kv *kv, unsigned long start, unsigned long count, int rev,
		 void (*fn)(void *ud, const char *s, size_t len), void *ud);
/* Convert a listpack sorted set to the skiplist encoding (SORT does). */
void tzset_to_skiplist(struct kv *kv);
/* Score of member s[0..len): 1 and *score, or 0 when absent. */
int tzset_score(const struct kv *kv, const char *s, size_t len, double *score);
/* Call fn(ud, member, len, score) for the members with min <= score < max, in
 * order, until fn returns nonzero. */
void tzset_walk_scores(const struct kv *kv, double min, double max,
		       int (*fn)(void *ud, const char *s, size_t len, double score), void *ud);
/* A sorted set built member by member, then stored at dst like ZRANGESTORE
 * does (deleted when empty; keyspace event `event`), replying the count.
 * tzset_sink_store frees the sink. */
struct cmd_ctx;
struct resp_arg;
struct zsink;
struct zsink *tzset_sink_new(struct cmd_ctx *c);
void tzset_sink_add(struct zsink *k, const char *s, size_t len, double score);
void tzset_sink_store(struct zsink *k, const struct resp_arg *dst, const char *event);

/* ---- hashes (t_hash.c) --------------------------------------------------- */

/* Call fn(ud, field, flen, value, vlen) for every pair, in the encoding's order. */
void thash_foreach(struct kv *kv, void (*fn)(void *ud, const char *f, size_t flen, const char *v,
					     size_t vlen), void *ud);

/* Value of field f[0..flen): returns 1 and sets *val and *vlen (formatted into
 * numbuf, which holds at least 24 bytes, when stored as an integer), or 0
 * when the field is absent. */
int thash_get(struct kv *kv, const char *f, size_t flen, const char **val, size_t *vlen,
	      char *numbuf);

#endif
