/* quicklist.c — linked list of listpacks with size/entry limits per node and LZF
 * compression of interior nodes (Redis 7.0 quicklist semantics).
 *
 * Thread: the owner of the list.
 *
 * DESIGN
 * - Node limits follow Redis 7.0 _quicklistNodeAllowInsert: the new size is
 *   over-estimated (element + 2..10 bytes of entry overhead); a negative fill caps
 *   bytes at 4/8/16/32/64 KB; a positive fill caps entries, and bytes at 8 KB.
 * - Compression invariant: the `compress` nodes nearest each end are raw, every
 *   other node is LZF unless compressing does not pay. fix_compression() restores it
 *   after each mutation in O(depth): it decompresses both end windows and
 *   compresses the touched node and the two nodes just inside the windows (the
 *   ones a push or pop at an end can move in).
 * - A read of an interior node decompresses it and sets `recompress`; the node is
 *   compressed again when the reader is done (quicklist_entry_done, iterator
 *   moving on) or by the next fix_compression touching it.
 * - Inserting into a full node splits it at the insertion point (Redis splits and
 *   merges; the resulting nodes may differ, RDB accepts any node layout).
 */
#include <petrel/ds/quicklist.h>
#include <petrel/ds/listpack.h>
#include <petrel/alloc.h>

#include <liblzf/lzf.h>
#include <string.h>

#define SIZE_SAFETY_LIMIT 8192
#define MIN_COMPRESS_BYTES 48
#define MIN_COMPRESS_IMPROVE 8

static const size_t optimization_level[] = { 4096, 8192, 16384, 32768, 65536 };

/* ---- nodes ------------------------------------------------------------------- */

static struct quicklist_node *node_create(unsigned char *lp)
{
	struct quicklist_node *n = pcalloc(1, sizeof(*n));
	n->entry = lp;
	n->sz = lp_bytes(lp);
	n->count = (unsigned)lp_length(lp);
	n->encoding = QUICKLIST_NODE_ENCODING_RAW;
	n->container = QUICKLIST_NODE_CONTAINER_PACKED;
	return n;
}

static void node_update(struct quicklist_node *n)
{
	n->sz = lp_bytes(n->entry);
	n->count = (unsigned)lp_length(n->entry);
}

static void node_compress(struct quicklist_node *n)
{
	n->recompress = 0;
	if (n->encoding != QUICKLIST_NODE_ENCODING_RAW || n->sz < MIN_COMPRESS_BYTES)
		return;
	struct quicklist_lzf *lzf = pmalloc(sizeof(*lzf) + n->sz);
	unsigned int csz = lzf_compress(n->entry, (unsigned int)n->sz, lzf->compressed,
					(unsigned int)n->sz);
	if (csz == 0 || csz + MIN_COMPRESS_IMPROVE >= n->sz) {
		pfree(lzf);     /* does not pay: stay raw */
		return;
	}
	lzf->sz = csz;
	lzf = prealloc(lzf, sizeof(*lzf) + csz);
	pfree(n->entry);
	n->entry = (unsigned char *)lzf;
	n->encoding = QUICKLIST_NODE_ENCODING_LZF;
}

static void node_decompress(struct quicklist_node *n)
{
	if (n->encoding != QUICKLIST_NODE_ENCODING_LZF)
		return;
	struct quicklist_lzf *lzf = (struct quicklist_lzf *)n->entry;
	unsigned char *lp = pmalloc(n->sz);
	unsigned int got = lzf_decompress(lzf->compressed, (unsigned int)lzf->sz, lp,
					  (unsigned int)n->sz);
	if (got != n->sz)
		__builtin_trap();       /* our own data: corruption we cannot survive */
	pfree(lzf);
	n->entry = lp;
	n->encoding = QUICKLIST_NODE_ENCODING_RAW;
}

static void node_use(struct quicklist_node *n)
{
	if (n->encoding == QUICKLIST_NODE_ENCODING_LZF) {
		node_decompress(n);
		n->recompress = 1;
	}
}

static void node_done(struct quicklist_node *n)
{
	if (n && n->recompress)
		node_compress(n);
}

static void fix_compression(struct quicklist *ql, struct quicklist_node *node)
{
	unsigned long depth = ql->compress;
	if (depth == 0)
		return;
	struct quicklist_node *f = ql->head, *r = ql->tail;
	int node_in = 0;
	for (unsigned long i = 0; i < depth && f; i++, f = f->next) {
		node_decompress(f);
		f->recompress = 0;
		node_in |= f == node;
	}
	for (unsigned long i = 0; i < depth && r; i++, r = r->prev) {
		node_decompress(r);
		r->recompress = 0;
		node_in |= r == node;
	}
	if (node && !node_in)
		node_compress(node);
	if (ql->len > 2 * depth) {      /* else f and r lie inside the windows */
		if (f)
			node_compress(f);
		if (r)
			node_compress(r);
	}
}

static void link_after(struct quicklist *ql, struct quicklist_node *old, struct quicklist_node *n)
{
	n->prev = old;
	if (old) {
		n->next = old->next;
		if (old->next)
			old->next->prev = n;
		old->next = n;
	} else {
		n->next = ql->head;
		if (ql->head)
			ql->head->prev = n;
		ql->head = n;
	}
	if (ql->tail == old)
		ql->tail = n;
	if (!ql->tail)
		ql->tail = n;
	ql->len++;
}

static void link_before(struct quicklist *ql, struct quicklist_node *old, struct quicklist_node *n)
{
	link_after(ql, old ? old->prev : ql->tail, n);
}

static void node_unlink_free(struct quicklist *ql, struct quicklist_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		ql->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		ql->tail = n->prev;
	ql->len--;
	ql->count -= n->count;
	pfree(n->entry);
	pfree(n);
}

/* ---- limits ---------------------------------------------------------------------- */

static int size_meets_optimization(size_t sz, int fill)
{
	if (fill >= 0)
		return 0;
	size_t off = (size_t)(-fill) - 1;
	return off < sizeof(optimization_level) / sizeof(optimization_level[0]) &&
	       sz <= optimization_level[off];
}

static int allow_insert(const struct quicklist_node *n, int fill, size_t sz)
{
	if (!n)
		return 0;
	/* Redis's over-estimate of the entry overhead (kept from ziplist days) */
	size_t overhead = sz < 254 ? 1 : 5;
	overhead += sz < 64 ? 1 : sz < 16384 ? 2 : 5;
	size_t new_sz = n->sz + sz + overhead;
	if (size_meets_optimization(new_sz, fill))
		return 1;
	if (new_sz > SIZE_SAFETY_LIMIT)
		return 0;
	return (int)n->count < fill;
}

/* ---- lifecycle ------------------------------------------------------------------- */

void quicklist_set_options(struct quicklist *ql, int fill, int compress)
{
	if (fill > QUICKLIST_FILL_MAX)
		fill = QUICKLIST_FILL_MAX;
	else if (fill < -5)
		fill = -5;
	if (compress < 0)
		compress = 0;
	else if (compress > QUICKLIST_COMPRESS_MAX)
		compress = QUICKLIST_COMPRESS_MAX;
	ql->fill = fill;
	ql->compress = (unsigned)compress;
}

struct quicklist *quicklist_create(int fill, int compress)
{
	struct quicklist *ql = pcalloc(1, sizeof(*ql));
	quicklist_set_options(ql, fill, compress);
	return ql;
}

void quicklist_destroy(struct quicklist **pql)
{
	if (!pql || !*pql)
		return;
	struct quicklist *ql = *pql;
	struct quicklist_node *n = ql->head;
	while (n) {
		struct quicklist_node *next = n->next;
		pfree(n->entry);
		pfree(n);
		n = next;
	}
	pfree(ql);
	*pql = NULL;
}

unsigned long quicklist_compressed_nodes(const struct quicklist *ql)
{
	unsigned long c = 0;
	for (const struct quicklist_node *n = ql->head; n; n = n->next)
		c += n->encoding == QUICKLIST_NODE_ENCODING_LZF;
	return c;
}

/* ---- push / pop ------------------------------------------------------------------ */

void quicklist_push_head(struct quicklist *ql, const void *s, size_t len)
{
	struct quicklist_node *h = ql->head;
	if (allow_insert(h, ql->fill, len)) {
		node_decompress(h);
		h->entry = lp_prepend(h->entry, s, (uint32_t)len);
		node_update(h);
	} else {
		link_before(ql, h, node_create(lp_prepend(lp_create(0), s, (uint32_t)len)));
	}
	ql->count++;
	fix_compression(ql, ql->head);
}

void quicklist_push_tail(struct quicklist *ql, const void *s, size_t len)
{
	struct quicklist_node *t = ql->tail;
	if (allow_insert(t, ql->fill, len)) {
		node_decompress(t);
		t->entry = lp_append(t->entry, s, (uint32_t)len);
		node_update(t);
	} else {
		link_after(ql, t, node_create(lp_append(lp_create(0), s, (uint32_t)len)));
	}
	ql->count++;
	fix_compression(ql, ql->tail);
}

void quicklist_push(struct quicklist *ql, const void *s, size_t len, int where)
{
	if (where == QUICKLIST_HEAD)
		quicklist_push_head(ql, s, len);
	else
		quicklist_push_tail(ql, s, len);
}

void quicklist_append_listpack(struct quicklist *ql, unsigned char *lp)
{
	if (lp_length(lp) == 0) {
		lp_destroy(&lp);
		return;
	}
	struct quicklist_node *n = node_create(lp);
	link_after(ql, ql->tail, n);
	ql->count += n->count;
	fix_compression(ql, n);
}

/* Delete the element at p of node n; drops the node when it empties.
 * Returns 1 if the node was freed. */
static int node_delete_at(struct quicklist *ql, struct quicklist_node *n, unsigned char *p)
{
	n->entry = lp_delete(n->entry, p, NULL);
	node_update(n);
	ql->count--;
	if (n->count == 0) {
		node_unlink_free(ql, n);
		return 1;
	}
	return 0;
}

int quicklist_pop(struct quicklist *ql, int where, unsigned char **data, size_t *len,
		  int64_t *ival)
{
	struct quicklist_node *n = where == QUICKLIST_HEAD ? ql->head : ql->tail;
	if (!n)
		return 0;
	node_use(n);
	unsigned char *p = where == QUICKLIST_HEAD ? lp_first(n->entry) : lp_last(n->entry);
	uint32_t sl;
	int64_t v;
	const unsigned char *s = lp_get(p, &sl, &v);
	if (s) {
		*data = pmemdup(s, sl);
		*len = sl;
	} else {
		*data = NULL;
		*ival = v;
	}
	int freed = node_delete_at(ql, n, p);
	fix_compression(ql, freed ? NULL : n);
	return 1;
}

/* ---- index ------------------------------------------------------------------------- */

static void fill_entry(struct quicklist_entry *e, struct quicklist *ql, struct quicklist_node *n,
		       unsigned char *zi, long offset)
{
	e->ql = ql;
	e->node = n;
	e->zi = zi;
	e->offset = offset;
	e->value = lp_get(zi, &e->sz, &e->lval);
	if (!e->value)
		e->sz = 0;
}

/* Locate index: the node and the offset inside it. */
static struct quicklist_node *locate(struct quicklist *ql, long index, long *offset)
{
	unsigned long idx, acc = 0;
	if (index < 0) {
		if ((unsigned long)(-(index + 1)) >= ql->count)
			return NULL;
		idx = (unsigned long)(-(index + 1));        /* from the tail */
		for (struct quicklist_node *n = ql->tail; n; n = n->prev) {
			if (idx < acc + n->count) {
				*offset = (long)(n->count - 1 - (idx - acc));
				return n;
			}
			acc += n->count;
		}
		return NULL;
	}
	idx = (unsigned long)index;
	if (idx >= ql->count)
		return NULL;
	for (struct quicklist_node *n = ql->head; n; n = n->next) {
		if (idx < acc + n->count) {
			*offset = (long)(idx - acc);
			return n;
		}
		acc += n->count;
	}
	return NULL;
}

int quicklist_index(struct quicklist *ql, long index, struct quicklist_entry *e)
{
	long off = 0;
	struct quicklist_node *n = locate(ql, index, &off);
	if (!n)
		return 0;
	node_use(n);
	fill_entry(e, ql, n, lp_seek(n->entry, off), off);
	return 1;
}

void quicklist_entry_done(struct quicklist_entry *e)
{
	node_done(e->node);
}

/* ---- insert / replace / delete --------------------------------------------------- */

static void insert_at(struct quicklist *ql, struct quicklist_entry *e, const void *s, size_t len,
		      int after)
{
	struct quicklist_node *n = e->node;
	int fill = ql->fill;
	uint32_t l = (uint32_t)len;

	node_use(n);
	if (allow_insert(n, fill, len)) {
		n->entry = lp_insert_string(n->entry, s, l, e->zi, after ? LP_AFTER : LP_BEFORE, NULL);
		node_update(n);
		ql->count++;
		fix_compression(ql, n);
		return;
	}
	int at_tail = after && e->offset == (long)n->count - 1;
	int at_head = !after && e->offset == 0;
	struct quicklist_node *touched = NULL;
	if (at_tail && allow_insert(n->next, fill, len)) {
		touched = n->next;
		node_decompress(touched);
		touched->entry = lp_prepend(touched->entry, s, l);
		node_update(touched);
	} else if (at_head && allow_insert(n->prev, fill, len)) {
		touched = n->prev;
		node_decompress(touched);
		touched->entry = lp_append(touched->entry, s, l);
		node_update(touched);
	} else if (at_tail || at_head) {
		touched = node_create(lp_append(lp_create(0), s, l));
		if (at_tail)
			link_after(ql, n, touched);
		else
			link_before(ql, n, touched);
	} else {
		/* split n at the insertion point: n keeps [0, at), b takes [at, count) */
		long at = after ? e->offset + 1 : e->offset;
		size_t bytes = lp_bytes(n->entry);
		unsigned char *blp = pmemdup(n->entry, bytes);
		blp = lp_delete_range(blp, 0, (unsigned long)at);
		n->entry = lp_delete_range(n->entry, at, (unsigned long)n->count - (unsigned long)at);
		node_update(n);
		struct quicklist_node *b = node_create(blp);
		link_after(ql, n, b);
		if (allow_insert(n, fill, len)) {
			n->entry = lp_append(n->entry, s, l);
			node_update(n);
		} else if (allow_insert(b, fill, len)) {
			b->entry = lp_prepend(b->entry, s, l);
			node_update(b);
		} else {
			link_after(ql, n, node_create(lp_append(lp_create(0), s, l)));
		}
		fix_compression(ql, b);
		touched = n->next;
	}
	ql->count++;
	fix_compression(ql, touched);
	fix_compression(ql, n);
}

void quicklist_insert_before(struct quicklist *ql, struct quicklist_entry *e, const void *s,
			     size_t len)
{
	insert_at(ql, e, s, len, 0);
}

void quicklist_insert_after(struct quicklist *ql, struct quicklist_entry *e, const void *s,
			    size_t len)
{
	insert_at(ql, e, s, len, 1);
}

int quicklist_replace_at_index(struct quicklist *ql, long index, const void *s, size_t len)
{
	struct quicklist_entry e;
	if (!quicklist_index(ql, index, &e))
		return 0;
	/* Redis 7.0 replaces in place, whatever the node's fill */
	e.node->entry = lp_replace(e.node->entry, &e.zi, s, (uint32_t)len);
	node_update(e.node);
	fix_compression(ql, e.node);
	return 1;
}

unsigned long quicklist_del_range(struct quicklist *ql, long start, unsigned long count)
{
	if (start < 0)
		start += (long)ql->count;
	if (start < 0 || (unsigned long)start >= ql->count || count == 0)
		return 0;
	unsigned long extent = ql->count - (unsigned long)start;
	if (count < extent)
		extent = count;
	unsigned long deleted = 0;
	long off = 0;
	struct quicklist_node *n = locate(ql, start, &off);
	while (n && extent) {
		struct quicklist_node *next = n->next;
		if (off == 0 && extent >= n->count) {
			extent -= n->count;
			deleted += n->count;
			node_unlink_free(ql, n);
		} else {
			unsigned long del = n->count - (unsigned long)off;
			if (del > extent)
				del = extent;
			node_use(n);
			n->entry = lp_delete_range(n->entry, off, del);
			node_update(n);
			ql->count -= del;
			extent -= del;
			deleted += del;
			fix_compression(ql, n);
		}
		n = next;
		off = 0;
	}
	fix_compression(ql, NULL);
	return deleted;
}

/* ---- iterator ----------------------------------------------------------------------- */

void quicklist_iter_init(struct quicklist_iter *it, struct quicklist *ql, int direction)
{
	it->ql = ql;
	it->direction = direction;
	it->zi = NULL;
	it->current = direction == QUICKLIST_ITER_FORWARD ? ql->head : ql->tail;
	it->offset = direction == QUICKLIST_ITER_FORWARD ? 0 : (it->current ? (long)it->current->count - 1 : 0);
}

int quicklist_iter_init_at(struct quicklist_iter *it, struct quicklist *ql, int direction,
			   long index)
{
	long off = 0;
	struct quicklist_node *n = locate(ql, index, &off);
	it->ql = ql;
	it->direction = direction;
	it->zi = NULL;
	it->current = n;
	it->offset = off;
	return n != NULL;
}

int quicklist_next(struct quicklist_iter *it, struct quicklist_entry *e)
{
	int fwd = it->direction == QUICKLIST_ITER_FORWARD;
	while (it->current) {
		struct quicklist_node *n = it->current;
		if (!it->zi) {
			if (it->offset >= 0 && it->offset < (long)n->count) {
				node_use(n);
				it->zi = lp_seek(n->entry, it->offset);
			}
		} else if (fwd) {
			it->zi = lp_next(n->entry, it->zi);
			it->offset++;
		} else {
			it->zi = lp_prev(n->entry, it->zi);
			it->offset--;
		}
		if (it->zi) {
			fill_entry(e, it->ql, n, it->zi, it->offset);
			return 1;
		}
		node_done(n);
		it->current = fwd ? n->next : n->prev;
		it->offset = fwd ? 0 : (it->current ? (long)it->current->count - 1 : 0);
	}
	return 0;
}

void quicklist_iter_delete(struct quicklist_iter *it, struct quicklist_entry *e)
{
	int fwd = it->direction == QUICKLIST_ITER_FORWARD;
	struct quicklist_node *n = e->node, *prev = n->prev, *next = n->next;
	struct quicklist *ql = it->ql;

	if (node_delete_at(ql, n, e->zi)) {
		it->current = fwd ? next : prev;
		it->offset = fwd ? 0 : (it->current ? (long)it->current->count - 1 : 0);
		fix_compression(ql, NULL);
	} else {
		/* the next element forward now sits at the same offset */
		it->offset = fwd ? e->offset : e->offset - 1;
		/* keep n raw while we iterate it; windows still fixed */
		int was = n->recompress;
		fix_compression(ql, NULL);
		n->recompress = (unsigned)was;
	}
	it->zi = NULL;
}

void quicklist_iter_deinit(struct quicklist_iter *it)
{
	node_done(it->current);
	it->current = NULL;
}
