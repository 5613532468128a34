/* skiplist.c — sorted-set skiplist (Redis zskiplist semantics) with spans for
 * ranks, backward links, score and lex ranges, range deletions.
 *
 * Thread: the owner of the list; random levels from the thread's ds_rand.
 *
 * DESIGN: the classic search fills update[i] (the last node before the target on
 * level i) and rank[i] (its 1-based rank) top-down; insertion and deletion then
 * fix forward pointers and spans bottom-up from those arrays. Nodes carry their
 * member bytes inline, so one allocation per member.
 */
#include <petrel/ds/skiplist.h>
#include <petrel/alloc.h>
#include "ds_rand.h"

#include <string.h>

static struct zsl_node *node_create(int level, double score, const char *ele, size_t len)
{
	size_t sz = sizeof(struct zsl_node) + (size_t)level * sizeof(struct zsl_level) + len + 1;
	struct zsl_node *n = pmalloc(sz);
	n->score = score;
	n->backward = NULL;
	n->len = (uint32_t)len;
	n->nlevel = (uint8_t)level;
	char *dst = (char *)&n->level[level];
	if (len)
		memcpy(dst, ele, len);
	dst[len] = 0;
	return n;
}

struct zsl *zsl_create(void)
{
	struct zsl *zsl = pmalloc(sizeof(*zsl));
	zsl->level = 1;
	zsl->length = 0;
	zsl->header = node_create(ZSKIPLIST_MAXLEVEL, 0, NULL, 0);
	for (int j = 0; j < ZSKIPLIST_MAXLEVEL; j++) {
		zsl->header->level[j].forward = NULL;
		zsl->header->level[j].span = 0;
	}
	zsl->tail = NULL;
	return zsl;
}

void zsl_destroy(struct zsl **pzsl)
{
	if (!pzsl || !*pzsl)
		return;
	struct zsl *zsl = *pzsl;
	struct zsl_node *n = zsl->header->level[0].forward;
	pfree(zsl->header);
	while (n) {
		struct zsl_node *next = n->level[0].forward;
		pfree(n);
		n = next;
	}
	pfree(zsl);
	*pzsl = NULL;
}

/* P = 0.25 per extra level, capped at 32 (Redis zslRandomLevel). */
static int random_level(void)
{
	int level = 1;
	while ((ds_rand64() & 0xFFFF) < (uint64_t)(ZSKIPLIST_P * 0xFFFF) &&
	       level < ZSKIPLIST_MAXLEVEL)
		level++;
	return level;
}

/* Binary-safe member order (memcmp, then length): <0, 0, >0. */
static int cmp_member(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t m = alen < blen ? alen : blen;
	int c = m ? memcmp(a, b, m) : 0;
	if (c)
		return c;
	return (alen > blen) - (alen < blen);
}

/* 1 if node n sorts before (score, ele). */
static inline int node_before(const struct zsl_node *n, double score, const char *ele,
			      size_t len)
{
	return n->score < score ||
	       (n->score == score && cmp_member(zsl_node_ele(n), n->len, ele, len) < 0);
}

/* Link x (score, member and nlevel set; not in the list) at its place. */
static void link_node(struct zsl *zsl, struct zsl_node *x)
{
	struct zsl_node *update[ZSKIPLIST_MAXLEVEL], *p = zsl->header;
	unsigned long rank[ZSKIPLIST_MAXLEVEL];
	const char *ele = zsl_node_ele(x);
	size_t len = x->len;
	double score = x->score;

	for (int i = zsl->level - 1; i >= 0; i--) {
		rank[i] = i == zsl->level - 1 ? 0 : rank[i + 1];
		while (p->level[i].forward && node_before(p->level[i].forward, score, ele, len)) {
			rank[i] += p->level[i].span;
			p = p->level[i].forward;
		}
		update[i] = p;
	}
	int level = x->nlevel;
	if (level > zsl->level) {
		for (int i = zsl->level; i < level; i++) {
			rank[i] = 0;
			update[i] = zsl->header;
			update[i]->level[i].span = zsl->length;
		}
		zsl->level = level;
	}
	for (int i = 0; i < level; i++) {
		x->level[i].forward = update[i]->level[i].forward;
		update[i]->level[i].forward = x;
		/* update[i] now spans to x; x takes over the rest of the old span */
		x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
		update[i]->level[i].span = (rank[0] - rank[i]) + 1;
	}
	for (int i = level; i < zsl->level; i++)
		update[i]->level[i].span++;
	x->backward = update[0] == zsl->header ? NULL : update[0];
	if (x->level[0].forward)
		x->level[0].forward->backward = x;
	else
		zsl->tail = x;
	zsl->length++;
}

struct zsl_node *zsl_insert(struct zsl *zsl, double score, const char *ele, size_t len)
{
	struct zsl_node *x = node_create(random_level(), score, ele, len);
	link_node(zsl, x);
	return x;
}

/* Unlink x given its update[] array. Does not free. */
static void delete_node(struct zsl *zsl, struct zsl_node *x, struct zsl_node **update)
{
	for (int i = 0; i < zsl->level; i++) {
		if (update[i]->level[i].forward == x) {
			update[i]->level[i].span += x->level[i].span - 1;
			update[i]->level[i].forward = x->level[i].forward;
		} else {
			update[i]->level[i].span -= 1;
		}
	}
	if (x->level[0].forward)
		x->level[0].forward->backward = x->backward;
	else
		zsl->tail = x->backward;
	while (zsl->level > 1 && zsl->header->level[zsl->level - 1].forward == NULL)
		zsl->level--;
	zsl->length--;
}

/* Fill update[] for (score, ele); return the node that follows on level 0. */
static struct zsl_node *find_update(struct zsl *zsl, double score, const char *ele, size_t len,
				    struct zsl_node **update)
{
	struct zsl_node *x = zsl->header;
	for (int i = zsl->level - 1; i >= 0; i--) {
		while (x->level[i].forward && node_before(x->level[i].forward, score, ele, len))
			x = x->level[i].forward;
		update[i] = x;
	}
	return x->level[0].forward;
}

static inline int node_is(const struct zsl_node *x, double score, const char *ele, size_t len)
{
	return x && x->score == score && cmp_member(zsl_node_ele(x), x->len, ele, len) == 0;
}

int zsl_delete(struct zsl *zsl, double score, const char *ele, size_t len)
{
	struct zsl_node *update[ZSKIPLIST_MAXLEVEL];
	struct zsl_node *x = find_update(zsl, score, ele, len, update);
	if (!node_is(x, score, ele, len))
		return 0;
	delete_node(zsl, x, update);
	pfree(x);
	return 1;
}

struct zsl_node *zsl_update_score(struct zsl *zsl, double curscore, const char *ele,
				  size_t len, double newscore)
{
	struct zsl_node *update[ZSKIPLIST_MAXLEVEL];
	struct zsl_node *x = find_update(zsl, curscore, ele, len, update);
	if (!node_is(x, curscore, ele, len))
		return NULL;
	/* Same place in the order: change the score in place. */
	if ((x->backward == NULL || x->backward->score < newscore ||
	     (x->backward->score == newscore &&
	      cmp_member(zsl_node_ele(x->backward), x->backward->len, ele, len) < 0)) &&
	    (x->level[0].forward == NULL || x->level[0].forward->score > newscore ||
	     (x->level[0].forward->score == newscore &&
	      cmp_member(zsl_node_ele(x->level[0].forward), x->level[0].forward->len, ele, len) > 0))) {
		x->score = newscore;
		return x;
	}
	/* Moves: relink the same node (its level was drawn independently of its
	 * score, so the level distribution stays right; no allocation). */
	delete_node(zsl, x, update);
	x->score = newscore;
	link_node(zsl, x);
	return x;
}

unsigned long zsl_get_rank(const struct zsl *zsl, double score, const char *ele, size_t len)
{
	const struct zsl_node *x = zsl->header;
	unsigned long rank = 0;
	for (int i = zsl->level - 1; i >= 0; i--) {
		while (x->level[i].forward &&
		       (x->level[i].forward->score < score ||
			(x->level[i].forward->score == score &&
			 cmp_member(zsl_node_ele(x->level[i].forward), x->level[i].forward->len,
				    ele, len) <= 0))) {
			rank += x->level[i].span;
			x = x->level[i].forward;
		}
		if (x != zsl->header && node_is(x, score, ele, len))
			return rank;
	}
	return 0;
}

struct zsl_node *zsl_get_by_rank(const struct zsl *zsl, unsigned long rank)
{
	struct zsl_node *x = zsl->header;
	unsigned long traversed = 0;
	if (rank == 0 || rank > zsl->length)
		return NULL;
	for (int i = zsl->level - 1; i >= 0; i--) {
		while (x->level[i].forward && traversed + x->level[i].span <= rank) {
			traversed += x->level[i].span;
			x = x->level[i].forward;
		}
		if (traversed == rank)
			return x;
	}
	return NULL;
}

/* ---- score ranges ------------------------------------------------------------ */

int zsl_value_gte_min(double value, const struct zsl_range *r)
{
	return r->minex ? value > r->min : value >= r->min;
}

int zsl_value_lte_max(double value, const struct zsl_range *r)
{
	return r->maxex ? value < r->max : value <= r->max;
}

int zsl_is_in_range(const struct zsl *zsl, const struct zsl_range *r)
{
	if (r->min > r->max || (r->min == r->max && (r->minex || r->maxex)))
		return 0;
	const struct zsl_node *x = zsl->tail;
	if (!x || !zsl_value_gte_min(x->score, r))
		return 0;
	x = zsl->header->level[0].forward;
	return zsl_value_lte_max(x->score, r);
}

struct zsl_node *zsl_first_in_range(const struct zsl *zsl, const struct zsl_range *r)
{
	if (!zsl_is_in_range(zsl, r))
		return NULL;
	struct zsl_node *x = zsl->header;
	for (int i = zsl->level - 1; i >= 0; i--)
		while (x->level[i].forward && !zsl_value_gte_min(x->level[i].forward->score, r))
			x = x->level[i].forward;
	x = x->level[0].forward;
	return x && zsl_value_lte_max(x->score, r) ? x : NULL;
}

struct zsl_node *zsl_last_in_range(const struct zsl *zsl, const struct zsl_range *r)
{
	if (!zsl_is_in_range(zsl, r))
		return NULL;
	struct zsl_node *x = zsl->header;
	for (int i = zsl->level - 1; i >= 0; i--)
		while (x->level[i].forward && zsl_value_lte_max(x->level[i].forward->score, r))
			x = x->level[i].forward;
	return x != zsl->header && zsl_value_gte_min(x->score, r) ? x : NULL;
}

/* ---- lex ranges ------------------------------------------------------------------ */

int zsl_parse_lex_bound(const char *s, size_t len, struct zsl_lex_bound *out)
{
	if (len == 0)
		return -1;
	switch (s[0]) {
	case '+':
		if (len != 1)
			return -1;
		out->kind = ZSL_LEX_POS_INF;
		out->s = NULL;
		out->len = 0;
		return 0;
	case '-':
		if (len != 1)
			return -1;
		out->kind = ZSL_LEX_NEG_INF;
		out->s = NULL;
		out->len = 0;
		return 0;
	case '[':
	case '(':
		out->kind = s[0] == '[' ? ZSL_LEX_INCL : ZSL_LEX_EXCL;
		out->s = s + 1;
		out->len = len - 1;
		return 0;
	default:
		return -1;
	}
}

/* Compare a member with a bound: <0, 0, >0 (the infinities sort outside all). */
static int cmp_bound(const char *s, size_t len, const struct zsl_lex_bound *b)
{
	if (b->kind == ZSL_LEX_NEG_INF)
		return 1;
	if (b->kind == ZSL_LEX_POS_INF)
		return -1;
	return cmp_member(s, len, b->s, b->len);
}

int zsl_lex_gte_min(const char *s, size_t len, const struct zsl_lex_range *r)
{
	int c = cmp_bound(s, len, &r->min);
	return r->min.kind == ZSL_LEX_EXCL ? c > 0 : c >= 0;
}

int zsl_lex_lte_max(const char *s, size_t len, const struct zsl_lex_range *r)
{
	int c = cmp_bound(s, len, &r->max);
	return r->max.kind == ZSL_LEX_EXCL ? c < 0 : c <= 0;
}

/* 1 if the range itself is empty regardless of content. */
static int lex_range_empty(const struct zsl_lex_range *r)
{
	if (r->min.kind == ZSL_LEX_POS_INF || r->max.kind == ZSL_LEX_NEG_INF)
		return 1;
	if (r->min.kind == ZSL_LEX_NEG_INF || r->max.kind == ZSL_LEX_POS_INF)
		return 0;
	int c = cmp_member(r->min.s, r->min.len, r->max.s, r->max.len);
	return c > 0 || (c == 0 && (r->min.kind == ZSL_LEX_EXCL || r->max.kind == ZSL_LEX_EXCL));
}

int zsl_is_in_lex_range(const struct zsl *zsl, const struct zsl_lex_range *r)
{
	if (lex_range_empty(r))
		return 0;
	const struct zsl_node *x = zsl->tail;
	if (!x || !zsl_lex_gte_min(zsl_node_ele(x), x->len, r))
		return 0;
	x = zsl->header->level[0].forward;
	return zsl_lex_lte_max(zsl_node_ele(x), x->len, r);
}

struct zsl_node *zsl_first_in_lex_range(const struct zsl *zsl, const struct zsl_lex_range *r)
{
	if (!zsl_is_in_lex_range(zsl, r))
		return NULL;
	struct zsl_node *x = zsl->header;
	for (int i = zsl->level - 1; i >= 0; i--)
		while (x->level[i].forward &&
		       !zsl_lex_gte_min(zsl_node_ele(x->level[i].forward), x->level[i].forward->len, r))
			x = x->level[i].forward;
	x = x->level[0].forward;
	return x && zsl_lex_lte_max(zsl_node_ele(x), x->len, r) ? x : NULL;
}

struct zsl_node *zsl_last_in_lex_range(const struct zsl *zsl, const struct zsl_lex_range *r)
{
	if (!zsl_is_in_lex_range(zsl, r))
		return NULL;
	struct zsl_node *x = zsl->header;
	for (int i = zsl->level - 1; i >= 0; i--)
		while (x->level[i].forward &&
		       zsl_lex_lte_max(zsl_node_ele(x->level[i].forward), x->level[i].forward->len, r))
			x = x->level[i].forward;
	return x != zsl->header && zsl_lex_gte_min(zsl_node_ele(x), x->len, r) ? x : NULL;
}

/* ---- range deletion ------------------------------------------------------------ */

/* Delete nodes from x on while keep(x) holds; update[] is x's predecessor set. */
static unsigned long delete_run(struct zsl *zsl, struct zsl_node *x, struct zsl_node **update,
				int (*in)(const struct zsl_node *, const void *), const void *arg,
				zsl_delete_cb cb, void *ud)
{
	unsigned long removed = 0;
	while (x && in(x, arg)) {
		struct zsl_node *next = x->level[0].forward;
		delete_node(zsl, x, update);
		if (cb)
			cb(x, ud);
		pfree(x);
		removed++;
		x = next;
	}
	return removed;
}

static int in_score_max(const struct zsl_node *x, const void *arg)
{
	return zsl_value_lte_max(x->score, arg);
}

static int in_lex_max(const struct zsl_node *x, const void *arg)
{
	return zsl_lex_lte_max(zsl_node_ele(x), x->len, arg);
}

unsigned long zsl_delete_range_by_score(struct zsl *zsl, const struct zsl_range *r,
					zsl_delete_cb cb, void *ud)
{
	struct zsl_node *update[ZSKIPLIST_MAXLEVEL], *x = zsl->header;
	for (int i = zsl->level - 1; i >= 0; i--) {
		while (x->level[i].forward && !zsl_value_gte_min(x->level[i].forward->score, r))
			x = x->level[i].forward;
		update[i] = x;
	}
	return delete_run(zsl, x->level[0].forward, update, in_score_max, r, cb, ud);
}

unsigned long zsl_delete_range_by_lex(struct zsl *zsl, const struct zsl_lex_range *r,
				      zsl_delete_cb cb, void *ud)
{
	struct zsl_node *update[ZSKIPLIST_MAXLEVEL], *x = zsl->header;
	if (lex_range_empty(r))
		return 0;
	for (int i = zsl->level - 1; i >= 0; i--) {
		while (x->level[i].forward &&
		       !zsl_lex_gte_min(zsl_node_ele(x->level[i].forward), x->level[i].forward->len, r))
			x = x->level[i].forward;
		update[i] = x;
	}
	return delete_run(zsl, x->level[0].forward, update, in_lex_max, r, cb, ud);
}

unsigned long zsl_delete_range_by_rank(struct zsl *zsl, unsigned long start, unsigned long end,
				       zsl_delete_cb cb, void *ud)
{
	struct zsl_node *update[ZSKIPLIST_MAXLEVEL], *x = zsl->header;
	unsigned long traversed = 0, removed = 0;
	if (start == 0 || start > end)
		return 0;
	for (int i = zsl->level - 1; i >= 0; i--) {
		while (x->level[i].forward && traversed + x->level[i].span < start) {
			traversed += x->level[i].span;
			x = x->level[i].forward;
		}
		update[i] = x;
	}
	traversed++;
	x = x->level[0].forward;
	while (x && traversed <= end) {
		struct zsl_node *next = x->level[0].forward;
		delete_node(zsl, x, update);
		if (cb)
			cb(x, ud);
		pfree(x);
		removed++;
		traversed++;
		x = next;
	}
	return removed;
}
