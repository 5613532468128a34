/* skiplist.h — the sorted-set skiplist (Redis zskiplist): nodes ordered by
 * (score, member bytes), with spans for O(log n) ranks and backward pointers for
 * reverse walks. ZSKIPLIST_MAXLEVEL 32, P = 0.25, as Redis.
 *
 *   header -> L3 ------------------------------> n5 -> NULL
 *             L2 ------------> n2 ------------> n5 -> NULL
 *             L1 -> n1 -> n2 -> n3 -> n4 -> n5 -> NULL      (span = hops on L1)
 *   NULL <- n1 <- n2 <- n3 <- n4 <- n5 = tail              (backward)
 *
 * Each node is one allocation: the struct, its levels, then the member bytes
 * (NUL-terminated, so zsl_node_ele() can be used as a C string for text members).
 * The zset type keeps a dict member -> node alongside (Redis's zset); the dict may
 * borrow zsl_node_ele() as its key since the node outlives its dict entry.
 *
 * Ranks are 1-based here (as Redis's zslGetRank); ZRANK's 0-based answer is
 * rank - 1.
 *
 * Thread: the owner of the list; levels come from the thread's ds_rand.
 */
#ifndef PETREL_DS_SKIPLIST_H
#define PETREL_DS_SKIPLIST_H

#include <stddef.h>
#include <stdint.h>

#define ZSKIPLIST_MAXLEVEL 32
#define ZSKIPLIST_P 0.25

struct zsl_node;

struct zsl_level {
	struct zsl_node *forward;
	unsigned long span;
};

struct zsl_node {
	double score;
	struct zsl_node *backward;
	uint32_t len;                   /* member length in bytes */
	uint8_t nlevel;
	struct zsl_level level[];       /* nlevel entries, then len+1 member bytes */
};

struct zsl {
	struct zsl_node *header, *tail;
	unsigned long length;
	int level;
};

static inline const char *zsl_node_ele(const struct zsl_node *n)
{
	return (const char *)&n->level[n->nlevel];
}

/* Score range; minex/maxex = 1 for exclusive bounds ("(1.5"). */
struct zsl_range {
	double min, max;
	int minex, maxex;
};

/* Lex bound for ZRANGEBYLEX: "-" and "+" are the infinities, "[x" inclusive,
 * "(x" exclusive. */
enum zsl_lex_kind { ZSL_LEX_INCL, ZSL_LEX_EXCL, ZSL_LEX_NEG_INF, ZSL_LEX_POS_INF };
struct zsl_lex_bound {
	enum zsl_lex_kind kind;
	const char *s;
	size_t len;
};
struct zsl_lex_range {
	struct zsl_lex_bound min, max;
};

/* Parse a ZRANGEBYLEX bound ("-", "+", "[abc", "(abc"). The bound borrows s.
 * Returns 0, or -1 if the syntax is invalid. */
int zsl_parse_lex_bound(const char *s, size_t len, struct zsl_lex_bound *out);

struct zsl *zsl_create(void);
/* Free every node and *zsl; set *zsl = NULL. NULL-safe. */
void zsl_destroy(struct zsl **zsl);

/* Insert (score, ele). The caller guarantees ele is not present (the zset's dict
 * knows) and score is not NaN. Copies ele. Returns the new node. */
struct zsl_node *zsl_insert(struct zsl *zsl, double score, const char *ele, size_t len);
/* Delete the node with exactly (score, ele). Returns 1 if found. */
int zsl_delete(struct zsl *zsl, double score, const char *ele, size_t len);
/* Change the score of (curscore, ele) to newscore. Returns its node (always
 * the same one: relinked in place when its position changes), or NULL if the
 * element is absent. */
struct zsl_node *zsl_update_score(struct zsl *zsl, double curscore, const char *ele,
				  size_t len, double newscore);

/* 1-based rank of (score, ele), or 0 if absent. */
unsigned long zsl_get_rank(const struct zsl *zsl, double score, const char *ele, size_t len);
/* Node at 1-based rank, or NULL if out of range. */
struct zsl_node *zsl_get_by_rank(const struct zsl *zsl, unsigned long rank);

/* Score ranges. */
int zsl_value_gte_min(double value, const struct zsl_range *r);
int zsl_value_lte_max(double value, const struct zsl_range *r);
/* 1 if some node may fall in the range (and the range is not empty). */
int zsl_is_in_range(const struct zsl *zsl, const struct zsl_range *r);
struct zsl_node *zsl_first_in_range(const struct zsl *zsl, const struct zsl_range *r);
struct zsl_node *zsl_last_in_range(const struct zsl *zsl, const struct zsl_range *r);

/* Lex ranges (meaningful when all scores are equal, as ZRANGEBYLEX requires). */
int zsl_lex_gte_min(const char *s, size_t len, const struct zsl_lex_range *r);
int zsl_lex_lte_max(const char *s, size_t len, const struct zsl_lex_range *r);
int zsl_is_in_lex_range(const struct zsl *zsl, const struct zsl_lex_range *r);
struct zsl_node *zsl_first_in_lex_range(const struct zsl *zsl, const struct zsl_lex_range *r);
struct zsl_node *zsl_last_in_lex_range(const struct zsl *zsl, const struct zsl_lex_range *r);

/* Range deletions. on_delete (may be NULL) sees each node just before it is
 * freed (the zset removes the member from its dict there). Return the number
 * deleted. Ranks are 1-based and inclusive. */
typedef void (*zsl_delete_cb)(struct zsl_node *node, void *ud);
unsigned long zsl_delete_range_by_score(struct zsl *zsl, const struct zsl_range *r,
					zsl_delete_cb cb, void *ud);
unsigned long zsl_delete_range_by_lex(struct zsl *zsl, const struct zsl_lex_range *r,
				      zsl_delete_cb cb, void *ud);
unsigned long zsl_delete_range_by_rank(struct zsl *zsl, unsigned long start, unsigned long end,
				       zsl_delete_cb cb, void *ud);

#endif
