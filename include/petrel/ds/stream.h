/* stream.h — Redis 7.0 stream: entries in listpack nodes, plus consumer groups.
 *
 * The entries live in a sorted array of nodes, each node a listpack in Redis's
 * stream node format (see src/ds/stream.c) keyed by its master ID, the ID of
 * the first entry ever added to it. Every fact RDB type 19 needs is here: the
 * nodes (key = master ID as 16 bytes big-endian, value = the listpack bytes),
 * length, last_id, first_id, max_deleted_id, entries_added, and the groups with
 * their PEL and consumers.
 *
 *   struct stream
 *     nodes[]:  [master 1-1 | lp] [master 5-0 | lp] ...   sorted by master ID
 *     groups[]: sorted by name (memcmp, then length: rax order)
 *       group: last_id, entries_read, pel[] (nacks sorted by ID)
 *         consumers[] sorted by name, each with its own pel[] (same nack objects)
 *
 * This module knows nothing of the server: no replies, no config. Limits
 * (stream-node-max-bytes/-entries) are passed in.
 *
 * Thread: the owner of the stream (no internal locking).
 */
#ifndef PETREL_DS_STREAM_H
#define PETREL_DS_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct stream_id {
	uint64_t ms, seq;
};

/* -1: "unknown" entries_read (Redis SCG_INVALID_ENTRIES_READ). */
#define STREAM_ENTRIES_READ_INVALID (-1ll)
/* Redis caps a node's listpack at 1 GiB whatever stream-node-max-bytes says. */
#define STREAM_LP_MAX_SIZE (1ul << 30)

/* A pending (delivered, not acknowledged) entry of a group. Owned by the
 * group's PEL; the consumer's PEL points at the same object. */
struct stream_nack {
	struct stream_id id;
	int64_t delivery_time;          /* unix ms of the last delivery */
	uint64_t delivery_count;
	struct stream_consumer *consumer;
};

/* A PEL: nack pointers sorted by ID. */
struct stream_pel {
	struct stream_nack **v;
	size_t n, cap;
};

struct stream_consumer {
	char *name;
	size_t nlen;
	int64_t seen_time;              /* unix ms of the last interaction */
	struct stream_pel pel;
};

struct stream_cg {
	char *name;
	size_t nlen;
	struct stream_id last_id;       /* last ID delivered with '>' */
	int64_t entries_read;           /* logical read counter, or -1 */
	struct stream_pel pel;          /* owns the nacks */
	struct stream_consumer **consumers;
	size_t nconsumers, ccap;
};

struct stream_node {
	struct stream_id master;
	unsigned char *lp;
};

struct stream {
	struct stream_node *nodes;
	size_t nnodes, ncap;
	uint64_t length;                /* live entries */
	struct stream_id last_id;
	struct stream_id first_id;      /* 0-0 when empty */
	struct stream_id max_deleted_id;
	uint64_t entries_added;
	struct stream_cg **groups;
	size_t ngroups, gcap;
};

/* A byte string argument (field or value). */
struct stream_str {
	const void *p;
	size_t len;
};

/* ---- IDs ---------------------------------------------------------------- */
int stream_id_cmp(const struct stream_id *a, const struct stream_id *b);
/* Parse "ms-seq" or "ms" (seq = missing_seq). Strict decimal, no sign.
 * Returns 0, or -1 if malformed. seq_star (may be NULL): "ms-*" accepted and
 * *seq_star set to 1 (seq left 0); when NULL, "ms-*" is malformed. */
int stream_id_parse(const char *s, size_t len, uint64_t missing_seq, struct stream_id *id,
		    int *seq_star);
/* Format "ms-seq" into buf (>= 42 bytes); returns the length. */
int stream_id_format(const struct stream_id *id, char *buf);
/* id + 1 / id - 1 with carry into ms; return -1 on overflow/underflow. */
int stream_id_incr(struct stream_id *id);
int stream_id_decr(struct stream_id *id);
/* Node key: ms then seq, each 8 bytes big-endian (the RDB node key). */
void stream_id_encode(const struct stream_id *id, unsigned char out[16]);

/* ---- the stream --------------------------------------------------------- */
/* Ownership: the caller owns the stream; free with stream_destroy. */
struct stream *stream_create(void);
/* Free *s, its nodes and groups; set *s to NULL. NULL is a no-op. */
void stream_destroy(struct stream **s);
struct stream *stream_dup(const struct stream *s);
/* Approximate bytes used (MEMORY USAGE). */
size_t stream_mem(const struct stream *s);

/* Append an entry with ID id (must be greater than s->last_id: the caller
 * checks) and nfields field/value pairs (kv[2i] field, kv[2i+1] value).
 * max_bytes / max_entries: the node limits (0 = unlimited, bytes capped at
 * STREAM_LP_MAX_SIZE). Updates length, last_id, first_id, entries_added.
 * Returns 0, or -1 if a listpack would overflow (nothing changed). */
int stream_append(struct stream *s, const struct stream_id *id, const struct stream_str *kv,
		  size_t nfields, size_t max_bytes, long long max_entries);

/* Delete the entry id. Returns 1 if it existed (and was live), else 0.
 * Updates length, first_id and max_deleted_id; drops an emptied node. */
int stream_delete(struct stream *s, const struct stream_id *id);

enum stream_trim { STREAM_TRIM_NONE = 0, STREAM_TRIM_MAXLEN, STREAM_TRIM_MINID };
/* Trim by MAXLEN (maxlen) or MINID (minid), Redis 7.0's algorithm: whole nodes
 * first; approx stops at the first node it cannot drop whole; limit (0 = none)
 * caps the entries removed. Returns the number of entries removed. Does not
 * touch max_deleted_id (XTRIM and XADD never do). */
int64_t stream_trim(struct stream *s, enum stream_trim how, uint64_t maxlen,
		    const struct stream_id *minid, int approx, int64_t limit);

/* Recompute s->first_id from the entries (0-0 when empty). */
void stream_update_first_id(struct stream *s);

/* Redis's streamRangeHasTombstones / streamEstimateDistanceFromFirstEverEntry:
 * lag bookkeeping for groups. start/end NULL = unbounded. */
int stream_range_has_tombstones(const struct stream *s, const struct stream_id *start,
				const struct stream_id *end);
int64_t stream_estimate_distance(const struct stream *s, const struct stream_id *id);

/* ---- iteration ---------------------------------------------------------- */
/* Iterates live entries with start <= id <= end, ascending or (rev) descending.
 * The stream must not change while an iterator is in use.
 * Ownership: field/value bytes point into the listpack or into the iterator's
 * buffers; valid until the next call on the iterator. */
struct stream_iter {
	const struct stream *s;
	struct stream_id start, end;
	int rev;
	size_t ni;                      /* node index; (size_t)-1 = done */
	unsigned char *lp;
	struct stream_id master;
	int64_t master_nfields;
	size_t master_fields_off;       /* offset of the first master field */
	size_t first_entry_off;         /* offset of the first entry's flags */
	size_t cur_off;                 /* offset of the current entry's flags; 0 = none yet */
	int64_t flags, nfields;
	unsigned char *fp, *vp;         /* next field / value while reading fields */
	int samefields;
	unsigned char fbuf[24], vbuf[24];
};
void stream_iter_start(struct stream_iter *it, const struct stream *s,
		       const struct stream_id *start, const struct stream_id *end, int rev);
/* Next entry: 1 and *id, *nfields set, or 0 at the end. */
int stream_iter_next(struct stream_iter *it, struct stream_id *id, int64_t *nfields);
/* The next field/value pair of the current entry (call nfields times). */
void stream_iter_field(struct stream_iter *it, const unsigned char **f, uint32_t *flen,
		       const unsigned char **v, uint32_t *vlen);

/* Does a live entry with this ID exist? */
int stream_entry_exists(const struct stream *s, const struct stream_id *id);

/* ---- PEL ---------------------------------------------------------------- */
/* Index of the first nack with id >= the given one (n when none). */
size_t stream_pel_lower_bound(const struct stream_pel *pel, const struct stream_id *id);
struct stream_nack *stream_pel_find(const struct stream_pel *pel, const struct stream_id *id);
/* Insert (id must be absent) / remove (no-op when absent). Neither frees. */
void stream_pel_insert(struct stream_pel *pel, struct stream_nack *nack);
void stream_pel_remove(struct stream_pel *pel, const struct stream_id *id);

/* ---- groups and consumers ----------------------------------------------- */
struct stream_cg *stream_cg_find(const struct stream *s, const void *name, size_t nlen);
/* Create a group; NULL if the name exists. */
struct stream_cg *stream_cg_create(struct stream *s, const void *name, size_t nlen,
				   const struct stream_id *last_id, int64_t entries_read);
/* Destroy the group name (its PEL and consumers). Returns 1 if it existed. */
int stream_cg_destroy(struct stream *s, const void *name, size_t nlen);

struct stream_consumer *stream_consumer_find(const struct stream_cg *cg, const void *name,
					     size_t nlen);
/* Create a consumer (NULL if it exists). */
struct stream_consumer *stream_consumer_create(struct stream_cg *cg, const void *name,
					       size_t nlen, int64_t now);
/* Delete a consumer and drop its pending entries from the group PEL.
 * Returns the number of pending entries it had, or -1 if absent. */
long long stream_consumer_delete(struct stream_cg *cg, const void *name, size_t nlen);

/* Create a nack for id owned by consumer (adds to both PELs). */
struct stream_nack *stream_nack_create(struct stream_cg *cg, struct stream_consumer *consumer,
				       const struct stream_id *id, int64_t now, uint64_t count);
/* Move a nack to another consumer's PEL. */
void stream_nack_move(struct stream_nack *nack, struct stream_consumer *to);
/* Remove the nack id from the group and its consumer, and free it.
 * Returns 1 if it was pending. */
int stream_nack_ack(struct stream_cg *cg, const struct stream_id *id);

#endif
