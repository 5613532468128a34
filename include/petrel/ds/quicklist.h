/* quicklist.h — Redis 7.0 quicklist: a doubly linked list of listpack nodes, the
 * encoding of LIST values ("quicklist"), with interior nodes LZF-compressed.
 *
 *   head <-> [lp: a b c] <-> [LZF(lp: d e f g)] <-> [lp: h i] <-> tail
 *             ^ within compress depth of an end: raw     raw ^
 *
 * fill (list-max-listpack-size): > 0 = at most that many entries per node (and
 * never over 8 KB, Redis's SIZE_SAFETY_LIMIT); -1..-5 = at most 4/8/16/32/64 KB per
 * listpack. Values past the range are clamped as Redis does (> 32768, < -5).
 * compress (list-compress-depth): 0 = off; N = keep N nodes raw at each end and
 * LZF-compress the rest (nodes under 48 bytes, or saving < 8 bytes, stay raw).
 *
 * Not supported yet: PLAIN nodes for single elements >= 1 GB (Redis's
 * packed_threshold); every element goes into a listpack.
 *
 * Thread: the owner of the list; no shared state.
 */
#ifndef PETREL_DS_QUICKLIST_H
#define PETREL_DS_QUICKLIST_H

#include <stddef.h>
#include <stdint.h>

#define QUICKLIST_HEAD 0
#define QUICKLIST_TAIL (-1)
#define QUICKLIST_NODE_ENCODING_RAW 1
#define QUICKLIST_NODE_ENCODING_LZF 2
#define QUICKLIST_NODE_CONTAINER_PLAIN 1
#define QUICKLIST_NODE_CONTAINER_PACKED 2
#define QUICKLIST_FILL_MAX (1 << 15)
#define QUICKLIST_COMPRESS_MAX (1 << 16)

/* LZF-compressed listpack: what RDB writes for a compressed node. */
struct quicklist_lzf {
	size_t sz;                      /* compressed bytes */
	unsigned char compressed[];
};

struct quicklist_node {
	struct quicklist_node *prev, *next;
	unsigned char *entry;           /* listpack, or struct quicklist_lzf * when LZF */
	size_t sz;                      /* listpack bytes (uncompressed) */
	unsigned int count : 16;        /* entries in the listpack */
	unsigned int encoding : 2;      /* RAW or LZF */
	unsigned int container : 2;     /* PACKED (PLAIN not supported yet) */
	unsigned int recompress : 1;    /* decompressed for a read; compress again after */
};

struct quicklist {
	struct quicklist_node *head, *tail;
	unsigned long count;            /* total entries */
	unsigned long len;              /* nodes */
	int fill;
	unsigned int compress;
};

/* A position in the list. value/sz describe a string entry, or value == NULL and
 * lval an integer one. Valid until the list changes. */
struct quicklist_entry {
	struct quicklist *ql;
	struct quicklist_node *node;
	unsigned char *zi;              /* element inside node's listpack */
	const unsigned char *value;
	uint32_t sz;
	int64_t lval;
	long offset;                    /* index inside the node */
};

struct quicklist_iter {
	struct quicklist *ql;
	struct quicklist_node *current;
	unsigned char *zi;
	long offset;
	int direction;                  /* QUICKLIST_HEAD: tail-to-head; TAIL: head-to-tail */
};
#define QUICKLIST_ITER_FORWARD QUICKLIST_TAIL  /* head -> tail */
#define QUICKLIST_ITER_BACKWARD QUICKLIST_HEAD /* tail -> head */

struct quicklist *quicklist_create(int fill, int compress);
/* Free every node and *ql; *ql = NULL. NULL-safe. */
void quicklist_destroy(struct quicklist **ql);
void quicklist_set_options(struct quicklist *ql, int fill, int compress);

static inline unsigned long quicklist_count(const struct quicklist *ql)
{
	return ql->count;
}

/* Push a copy of s[0..len) (stored as an integer if it converts strictly). */
void quicklist_push_head(struct quicklist *ql, const void *s, size_t len);
void quicklist_push_tail(struct quicklist *ql, const void *s, size_t len);
void quicklist_push(struct quicklist *ql, const void *s, size_t len, int where);
/* Append a whole listpack as a new tail node (RDB load). Takes ownership of lp;
 * an empty listpack is freed and ignored. */
void quicklist_append_listpack(struct quicklist *ql, unsigned char *lp);

/* Pop from QUICKLIST_HEAD or QUICKLIST_TAIL. Returns 0 if empty. Otherwise 1 and
 * either *data = a pmalloc'd copy of the string (caller frees) with *len, or
 * *data = NULL and *ival = the integer. */
int quicklist_pop(struct quicklist *ql, int where, unsigned char **data, size_t *len,
		  int64_t *ival);

/* Element at index (negative from the tail). Returns 1 and fills *e, or 0. The
 * node may be decompressed for the read: call quicklist_entry_done when finished
 * with e unless it is passed to insert/replace/delete. */
int quicklist_index(struct quicklist *ql, long index, struct quicklist_entry *e);
void quicklist_entry_done(struct quicklist_entry *e);

/* Insert before/after the element e (from quicklist_index or an iterator);
 * e is invalid afterwards. */
void quicklist_insert_before(struct quicklist *ql, struct quicklist_entry *e, const void *s,
			     size_t len);
void quicklist_insert_after(struct quicklist *ql, struct quicklist_entry *e, const void *s,
			    size_t len);
/* Replace the element at index. Returns 1, or 0 if out of range. */
int quicklist_replace_at_index(struct quicklist *ql, long index, const void *s, size_t len);
/* Delete count elements from index start (negative allowed). Returns the number
 * deleted. */
unsigned long quicklist_del_range(struct quicklist *ql, long start, unsigned long count);

/* Iteration: quicklist_iter_init(&it, ql, QUICKLIST_ITER_FORWARD) or
 * quicklist_iter_init_at(&it, ql, dir, index); then quicklist_next until 0; always
 * quicklist_iter_deinit. quicklist_iter_delete removes the entry just returned and
 * keeps the iteration going. */
void quicklist_iter_init(struct quicklist_iter *it, struct quicklist *ql, int direction);
int quicklist_iter_init_at(struct quicklist_iter *it, struct quicklist *ql, int direction,
			   long index);
int quicklist_next(struct quicklist_iter *it, struct quicklist_entry *e);
void quicklist_iter_delete(struct quicklist_iter *it, struct quicklist_entry *e);
void quicklist_iter_deinit(struct quicklist_iter *it);

/* Number of nodes currently LZF-compressed (tests, DEBUG). */
unsigned long quicklist_compressed_nodes(const struct quicklist *ql);

#endif
