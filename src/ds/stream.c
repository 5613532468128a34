/* stream.c — Redis 7.0 streams as a pure structure: listpack nodes kept in a
 * sorted array keyed by master ID, entry append/delete/trim/range, and the
 * consumer-group bookkeeping (PELs, consumers) that RDB type 19 stores.
 *
 * DESIGN
 *   Redis keys its nodes in a radix tree; petrel uses an array sorted by master
 *   ID (binary search to find a node, append at the end since IDs only grow).
 *   The node bytes are exactly Redis's, so RDB can write them as they are.
 *
 *   Node listpack (all numbers are listpack integers):
 *
 *     ELEMENT            MEANING
 *     count              live entries in this node
 *     deleted            entries flagged deleted (still in the bytes)
 *     nmaster            number of master fields
 *     f1 .. fN           master fields (those of the first entry added)
 *     0                  master terminator
 *     then per entry:
 *     flags              1 = DELETED, 2 = SAMEFIELDS
 *     ms-delta           id.ms  - master.ms   (signed)
 *     seq-delta          id.seq - master.seq  (signed, may be negative)
 *     [nfields f v ...]  without SAMEFIELDS
 *     [v1 .. vN]         with SAMEFIELDS (fields are the master's)
 *     lp-count           elements of this entry before lp-count: 3+N or 4+2N
 *
 *   lp-count lets a reverse walk hop from one entry's end to its flags. A node
 *   whose live count drops to 0 is removed (Redis does the same on XDEL).
 *
 *   Groups, consumers and PELs are sorted arrays; nacks are owned by the group
 *   PEL and shared with the consumer PEL.
 *
 * Thread: the stream's owner (see stream.h).
 */
#include <petrel/ds/stream.h>
#include <petrel/ds/listpack.h>
#include <petrel/alloc.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FLAG_DELETED 1
#define FLAG_SAMEFIELDS 2

/* ---- IDs ------------------------------------------------------------------ */

int stream_id_cmp(const struct stream_id *a, const struct stream_id *b)
{
	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* Redis's string2ull: strict int64 first, then strtoull (which tolerates
 * leading zeros and a '+'). */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	char buf[128];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	int64_t ll;
	if (lp_string_to_int64(buf, len, &ll)) {
		if (ll < 0)
			return -1;
		*out = (uint64_t)ll;
		return 0;
	}
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno == EINVAL || errno == ERANGE || *end != 0 || buf[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int stream_id_parse(const char *s, size_t len, uint64_t missing_seq, struct stream_id *id,
		    int *seq_star)
{
	if (len == 0 || len > 127)
		return -1;
	const char *dash = memchr(s, '-', len);
	if (seq_star)
		*seq_star = 0;
	if (!dash) {
		if (parse_u64(s, len, &id->ms))
			return -1;
		id->seq = missing_seq;
		return 0;
	}
	size_t mlen = (size_t)(dash - s), slen = len - mlen - 1;
	if (parse_u64(s, mlen, &id->ms))
		return -1;
	if (seq_star && slen == 1 && dash[1] == '*') {
		*seq_star = 1;
		id->seq = 0;
		return 0;
	}
	return parse_u64(dash + 1, slen, &id->seq);
}

int stream_id_format(const struct stream_id *id, char *buf)
{
	char *p = buf;
	char tmp[24];
	for (int k = 0; k < 2; k++) {
		uint64_t v = k ? id->seq : id->ms;
		int n = 0;
		do {
			tmp[n++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		while (n)
			*p++ = tmp[--n];
		if (!k)
			*p++ = '-';
	}
	*p = 0;
	return (int)(p - buf);
}

int stream_id_incr(struct stream_id *id)
{
	if (id->seq == UINT64_MAX) {
		if (id->ms == UINT64_MAX)
			return -1;
		id->ms++;
		id->seq = 0;
	} else {
		id->seq++;
	}
	return 0;
}

int stream_id_decr(struct stream_id *id)
{
	if (id->seq == 0) {
		if (id->ms == 0)
			return -1;
		id->ms--;
		id->seq = UINT64_MAX;
	} else {
		id->seq--;
	}
	return 0;
}

void stream_id_encode(const struct stream_id *id, unsigned char out[16])
{
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(id->ms >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(id->seq >> (56 - 8 * i));
	}
}

/* ---- small listpack helpers ------------------------------------------------ */

static int64_t lpi(const unsigned char *p)
{
	int64_t v = 0;
	lp_get_int(p, &v);
	return v;
}

static unsigned char *skip(unsigned char *lp, unsigned char *p, int64_t n)
{
	while (n-- > 0 && p)
		p = lp_next(lp, p);
	return p;
}

/* ---- create / destroy -------------------------------------------------------- */

struct stream *stream_create(void)
{
	return pcalloc(1, sizeof(struct stream));
}

static void pel_deinit(struct stream_pel *pel)
{
	pfree(pel->v);
	pel->v = NULL;
	pel->n = pel->cap = 0;
}

static void consumer_free(struct stream_consumer *c)
{
	pel_deinit(&c->pel);
	pfree(c->name);
	pfree(c);
}

static void cg_free(struct stream_cg *cg)
{
	for (size_t i = 0; i < cg->pel.n; i++)
		pfree(cg->pel.v[i]);
	pel_deinit(&cg->pel);
	for (size_t i = 0; i < cg->nconsumers; i++)
		consumer_free(cg->consumers[i]);
	pfree(cg->consumers);
	pfree(cg->name);
	pfree(cg);
}

void stream_destroy(struct stream **sp)
{
	if (!sp || !*sp)
		return;
	struct stream *s = *sp;
	for (size_t i = 0; i < s->nnodes; i++)
		lp_destroy(&s->nodes[i].lp);
	pfree(s->nodes);
	for (size_t i = 0; i < s->ngroups; i++)
		cg_free(s->groups[i]);
	pfree(s->groups);
	pfree(s);
	*sp = NULL;
}

struct stream *stream_dup(const struct stream *s)
{
	struct stream *d = stream_create();
	d->length = s->length;
	d->last_id = s->last_id;
	d->first_id = s->first_id;
	d->max_deleted_id = s->max_deleted_id;
	d->entries_added = s->entries_added;
	d->ncap = d->nnodes = s->nnodes;
	d->nodes = pcalloc(d->ncap ? d->ncap : 1, sizeof(*d->nodes));
	for (size_t i = 0; i < s->nnodes; i++) {
		d->nodes[i].master = s->nodes[i].master;
		d->nodes[i].lp = pmemdup(s->nodes[i].lp, lp_bytes(s->nodes[i].lp));
	}
	for (size_t g = 0; g < s->ngroups; g++) {
		const struct stream_cg *src = s->groups[g];
		struct stream_cg *cg = stream_cg_create(d, src->name, src->nlen, &src->last_id,
							src->entries_read);
		for (size_t i = 0; i < src->nconsumers; i++) {
			const struct stream_consumer *sc = src->consumers[i];
			struct stream_consumer *c =
				stream_consumer_create(cg, sc->name, sc->nlen, sc->seen_time);
			for (size_t j = 0; j < sc->pel.n; j++) {
				const struct stream_nack *n = sc->pel.v[j];
				stream_nack_create(cg, c, &n->id, n->delivery_time, n->delivery_count);
			}
		}
	}
	return d;
}

size_t stream_mem(const struct stream *s)
{
	size_t m = sizeof(*s) + s->ncap * sizeof(*s->nodes);
	for (size_t i = 0; i < s->nnodes; i++)
		m += lp_bytes(s->nodes[i].lp);
	for (size_t g = 0; g < s->ngroups; g++) {
		const struct stream_cg *cg = s->groups[g];
		m += sizeof(*cg) + cg->nlen + cg->pel.n * (sizeof(struct stream_nack) + 16);
		for (size_t i = 0; i < cg->nconsumers; i++)
			m += sizeof(struct stream_consumer) + cg->consumers[i]->nlen +
			     cg->consumers[i]->pel.n * 8;
	}
	return m;
}

/* ---- append ------------------------------------------------------------------ */

/* Does the entry's field list equal the node's master fields? */
static int same_fields(unsigned char *lp, const struct stream_str *kv, size_t nfields)
{
	unsigned char *p = lp_first(lp);
	p = skip(lp, p, 2);
	if ((uint64_t)lpi(p) != nfields)
		return 0;
	for (size_t i = 0; i < nfields; i++) {
		p = lp_next(lp, p);
		if (!lp_compare(p, kv[2 * i].p, (uint32_t)kv[2 * i].len))
			return 0;
	}
	return 1;
}

static unsigned char *lp_add_str(unsigned char *lp, const struct stream_str *x)
{
	return lp ? lp_append(lp, x->p, (uint32_t)x->len) : NULL;
}

static unsigned char *lp_add_int(unsigned char *lp, int64_t v)
{
	return lp ? lp_append_integer(lp, v) : NULL;
}

int stream_append(struct stream *s, const struct stream_id *id, const struct stream_str *kv,
		  size_t nfields, size_t max_bytes, long long max_entries)
{
	size_t tot = 0;
	for (size_t i = 0; i < 2 * nfields; i++)
		tot += kv[i].len;
	if (max_bytes == 0 || max_bytes > STREAM_LP_MAX_SIZE)
		max_bytes = STREAM_LP_MAX_SIZE;

	struct stream_node *node = s->nnodes ? &s->nodes[s->nnodes - 1] : NULL;
	if (node) {
		if (lp_bytes(node->lp) + tot >= max_bytes) {
			node = NULL;
		} else if (max_entries) {
			unsigned char *p = lp_first(node->lp);
			int64_t count = lpi(p) + lpi(lp_next(node->lp, p));
			if (count >= max_entries)
				node = NULL;
		}
	}

	unsigned char *lp;
	int fresh = 0;
	if (!node) {
		/* New node: master entry = this entry's fields. */
		lp = lp_create(tot + 64);
		lp = lp_add_int(lp, 1);
		lp = lp_add_int(lp, 0);
		lp = lp_add_int(lp, (int64_t)nfields);
		for (size_t i = 0; i < nfields; i++)
			lp = lp_add_str(lp, &kv[2 * i]);
		lp = lp_add_int(lp, 0);
		if (!lp)
			return -1;
		fresh = 1;
	} else {
		lp = node->lp;
	}
	struct stream_id master = fresh ? *id : node->master;
	int same = same_fields(lp, kv, nfields);

	/* Build the entry on a copy when appending to an existing node so that a
	 * failure leaves the node untouched. */
	unsigned char *w = fresh ? lp : pmemdup(lp, lp_bytes(lp));
	if (!fresh) {
		unsigned char *p = lp_first(w);
		w = lp_replace_integer(w, &p, lpi(p) + 1);
	}
	w = lp_add_int(w, same ? FLAG_SAMEFIELDS : 0);
	w = lp_add_int(w, (int64_t)(id->ms - master.ms));
	w = lp_add_int(w, (int64_t)(id->seq - master.seq));
	if (!same)
		w = lp_add_int(w, (int64_t)nfields);
	for (size_t i = 0; i < nfields; i++) {
		if (!same)
			w = lp_add_str(w, &kv[2 * i]);
		w = lp_add_str(w, &kv[2 * i + 1]);
	}
	w = lp_add_int(w, same ? 3 + (int64_t)nfields : 4 + 2 * (int64_t)nfields);
	if (!w) {
		if (fresh)
			lp_destroy(&lp);
		return -1;
	}
	if (fresh) {
		if (s->nnodes == s->ncap) {
			s->ncap = s->ncap ? s->ncap * 2 : 4;
			s->nodes = prealloc(s->nodes, s->ncap * sizeof(*s->nodes));
		}
		s->nodes[s->nnodes].master = *id;
		s->nodes[s->nnodes].lp = w;
		s->nnodes++;
	} else {
		lp_destroy(&node->lp);
		node->lp = w;
	}
	if (s->length == 0)
		s->first_id = *id;
	s->length++;
	s->entries_added++;
	s->last_id = *id;
	return 0;
}

/* ---- iteration ---------------------------------------------------------------- */

/* Last node whose master ID is <= id, or (size_t)-1 when none. */
static size_t node_floor(const struct stream *s, const struct stream_id *id)
{
	size_t lo = 0, hi = s->nnodes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (stream_id_cmp(&s->nodes[mid].master, id) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : (size_t)-1;
}

/* Point the iterator at node ni: parse the master entry. */
static void iter_load_node(struct stream_iter *it, size_t ni)
{
	it->ni = ni;
	it->cur_off = 0;
	if (ni >= it->s->nnodes) {
		it->ni = (size_t)-1;
		return;
	}
	it->lp = it->s->nodes[ni].lp;
	it->master = it->s->nodes[ni].master;
	unsigned char *p = skip(it->lp, lp_first(it->lp), 2);
	it->master_nfields = lpi(p);
	p = lp_next(it->lp, p);
	it->master_fields_off = (size_t)(p - it->lp);
	p = skip(it->lp, p, it->master_nfields);    /* now at the master terminator */
	p = lp_next(it->lp, p);
	it->first_entry_off = p ? (size_t)(p - it->lp) : 0;
}

void stream_iter_start(struct stream_iter *it, const struct stream *s,
		       const struct stream_id *start, const struct stream_id *end, int rev)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	it->rev = rev;
	if (start)
		it->start = *start;
	if (end)
		it->end = *end;
	else
		it->end.ms = it->end.seq = UINT64_MAX;
	if (s->nnodes == 0) {
		it->ni = (size_t)-1;
		return;
	}
	size_t ni = node_floor(s, rev ? &it->end : &it->start);
	if (ni == (size_t)-1) {
		if (rev) {
			it->ni = (size_t)-1;
			return;
		}
		ni = 0;
	}
	iter_load_node(it, ni);
}

/* Parse the entry whose flags are at offset off; sets id and the field cursor. */
static void iter_parse(struct stream_iter *it, size_t off, struct stream_id *id)
{
	unsigned char *p = it->lp + off;
	it->cur_off = off;
	it->flags = lpi(p);
	p = lp_next(it->lp, p);
	id->ms = it->master.ms + (uint64_t)lpi(p);
	p = lp_next(it->lp, p);
	id->seq = it->master.seq + (uint64_t)lpi(p);
	p = lp_next(it->lp, p);
	it->samefields = (it->flags & FLAG_SAMEFIELDS) != 0;
	if (it->samefields) {
		it->nfields = it->master_nfields;
		it->fp = it->lp + it->master_fields_off;
		it->vp = p;
	} else {
		it->nfields = lpi(p);
		it->fp = lp_next(it->lp, p);
		it->vp = NULL;
	}
}

/* Offset of the entry after / before the one at off (0 = none). */
static size_t entry_next_off(struct stream_iter *it, size_t off)
{
	unsigned char *p = it->lp + off;
	int64_t flags = lpi(p);
	p = skip(it->lp, p, 3);
	int64_t n;
	if (flags & FLAG_SAMEFIELDS) {
		n = it->master_nfields;
	} else {
		n = 2 * lpi(p);
		p = lp_next(it->lp, p);
	}
	p = skip(it->lp, p, n + 1);     /* values (and fields), then lp-count */
	return p ? (size_t)(p - it->lp) : 0;
}

static size_t entry_prev_off(struct stream_iter *it, size_t off)
{
	if (off <= it->first_entry_off)
		return 0;
	unsigned char *p = lp_prev(it->lp, it->lp + off);   /* previous lp-count */
	int64_t n = lpi(p);
	while (n-- > 0)
		p = lp_prev(it->lp, p);
	return (size_t)(p - it->lp);
}

int stream_iter_next(struct stream_iter *it, struct stream_id *id, int64_t *nfields)
{
	while (it->ni != (size_t)-1) {
		size_t off;
		if (!it->rev) {
			off = it->cur_off ? entry_next_off(it, it->cur_off) : it->first_entry_off;
		} else if (it->cur_off) {
			off = entry_prev_off(it, it->cur_off);
		} else {
			/* last entry: lp-count is the last element */
			unsigned char *p = lp_last(it->lp);
			off = 0;
			if (it->first_entry_off && p && (size_t)(p - it->lp) >= it->first_entry_off) {
				int64_t n = lpi(p);
				while (n-- > 0)
					p = lp_prev(it->lp, p);
				off = (size_t)(p - it->lp);
			}
		}
		if (!off) {
			if (!it->rev) {
				iter_load_node(it, it->ni + 1);
			} else if (it->ni == 0) {
				it->ni = (size_t)-1;
			} else {
				iter_load_node(it, it->ni - 1);
			}
			continue;
		}
		iter_parse(it, off, id);
		if (!it->rev) {
			if (stream_id_cmp(id, &it->end) > 0) {
				it->ni = (size_t)-1;
				return 0;
			}
			if (stream_id_cmp(id, &it->start) < 0)
				continue;
		} else {
			if (stream_id_cmp(id, &it->start) < 0) {
				it->ni = (size_t)-1;
				return 0;
			}
			if (stream_id_cmp(id, &it->end) > 0)
				continue;
		}
		if (it->flags & FLAG_DELETED)
			continue;
		*nfields = it->nfields;
		return 1;
	}
	return 0;
}

void stream_iter_field(struct stream_iter *it, const unsigned char **f, uint32_t *flen,
		       const unsigned char **v, uint32_t *vlen)
{
	*f = lp_get_str(it->fp, it->fbuf, flen);
	if (it->samefields) {
		it->fp = lp_next(it->lp, it->fp);
		*v = lp_get_str(it->vp, it->vbuf, vlen);
		it->vp = lp_next(it->lp, it->vp);
	} else {
		unsigned char *vp = lp_next(it->lp, it->fp);
		*v = lp_get_str(vp, it->vbuf, vlen);
		it->fp = lp_next(it->lp, vp);
	}
}

int stream_entry_exists(const struct stream *s, const struct stream_id *id)
{
	struct stream_iter it;
	struct stream_id got;
	int64_t n;
	stream_iter_start(&it, s, id, id, 0);
	return stream_iter_next(&it, &got, &n);
}

void stream_update_first_id(struct stream *s)
{
	struct stream_iter it;
	int64_t n;
	stream_iter_start(&it, s, NULL, NULL, 0);
	if (!stream_iter_next(&it, &s->first_id, &n))
		s->first_id = (struct stream_id){0, 0};
}

/* ---- delete / trim ---------------------------------------------------------------- */

static void node_remove(struct stream *s, size_t ni)
{
	lp_destroy(&s->nodes[ni].lp);
	memmove(&s->nodes[ni], &s->nodes[ni + 1], (s->nnodes - ni - 1) * sizeof(*s->nodes));
	s->nnodes--;
}

/* Adjust the node header: count += dcount, deleted += ddel. */
static unsigned char *node_counts(unsigned char *lp, int64_t dcount, int64_t ddel)
{
	unsigned char *p = lp_first(lp);
	lp = lp_replace_integer(lp, &p, lpi(p) + dcount);
	p = lp_next(lp, p);
	lp = lp_replace_integer(lp, &p, lpi(p) + ddel);
	return lp;
}

int stream_delete(struct stream *s, const struct stream_id *id)
{
	struct stream_iter it;
	struct stream_id got;
	int64_t n;
	stream_iter_start(&it, s, id, id, 0);
	if (!stream_iter_next(&it, &got, &n))
		return 0;
	size_t ni = it.ni;
	unsigned char *lp = s->nodes[ni].lp;
	unsigned char *p = lp + it.cur_off;
	lp = lp_replace_integer(lp, &p, it.flags | FLAG_DELETED);
	lp = node_counts(lp, -1, 1);
	s->nodes[ni].lp = lp;
	if (lpi(lp_first(lp)) == 0)
		node_remove(s, ni);
	s->length--;
	if (stream_id_cmp(id, &s->max_deleted_id) > 0)
		s->max_deleted_id = *id;
	if (s->length == 0)
		s->first_id = (struct stream_id){0, 0};
	else if (stream_id_cmp(id, &s->first_id) == 0)
		stream_update_first_id(s);
	return 1;
}

/* The last entry ID (deleted or not) in node ni. */
static void node_last_id(const struct stream *s, size_t ni, struct stream_id *id)
{
	struct stream_iter it;
	memset(&it, 0, sizeof(it));
	it.s = s;
	iter_load_node(&it, ni);
	unsigned char *p = lp_last(it.lp);
	int64_t n = lpi(p);
	while (n-- > 0)
		p = lp_prev(it.lp, p);
	iter_parse(&it, (size_t)(p - it.lp), id);
}

int64_t stream_trim(struct stream *s, enum stream_trim how, uint64_t maxlen,
		    const struct stream_id *minid, int approx, int64_t limit)
{
	if (how == STREAM_TRIM_NONE)
		return 0;
	int64_t deleted = 0;
	while (s->nnodes) {
		if (how == STREAM_TRIM_MAXLEN && s->length <= maxlen)
			break;
		unsigned char *lp = s->nodes[0].lp;
		int64_t entries = lpi(lp_first(lp));
		if (limit && deleted + entries > limit)
			break;
		int remove_node;
		if (how == STREAM_TRIM_MAXLEN) {
			remove_node = s->length - (uint64_t)entries >= maxlen;
		} else {
			struct stream_id last;
			node_last_id(s, 0, &last);
			remove_node = stream_id_cmp(&last, minid) < 0;
		}
		if (remove_node) {
			node_remove(s, 0);
			s->length -= (uint64_t)entries;
			deleted += entries;
			continue;
		}
		if (approx)
			break;
		/* Flag entries inside this node until the target is met. */
		struct stream_iter it;
		memset(&it, 0, sizeof(it));
		it.s = s;
		iter_load_node(&it, 0);
		size_t off = it.first_entry_off;
		int64_t removed = 0;
		while (off) {
			struct stream_id cur;
			iter_parse(&it, off, &cur);
			int stop = how == STREAM_TRIM_MAXLEN ? s->length <= maxlen
							     : stream_id_cmp(&cur, minid) >= 0;
			if (stop)
				break;
			size_t next = entry_next_off(&it, off);
			if (!(it.flags & FLAG_DELETED)) {
				/* flags 0/2 -> 1/3: same one-byte encoding, offsets stay valid */
				unsigned char *p = it.lp + off;
				it.lp = lp_replace_integer(it.lp, &p, it.flags | FLAG_DELETED);
				s->nodes[0].lp = it.lp;
				removed++;
				s->length--;
			}
			off = next;
		}
		if (removed)
			s->nodes[0].lp = node_counts(s->nodes[0].lp, -removed, removed);
		deleted += removed;
		break;
	}
	if (s->length == 0)
		s->first_id = (struct stream_id){0, 0};
	else
		stream_update_first_id(s);
	return deleted;
}

/* ---- lag bookkeeping ---------------------------------------------------------------- */

static int id_zero(const struct stream_id *id)
{
	return id->ms == 0 && id->seq == 0;
}

int stream_range_has_tombstones(const struct stream *s, const struct stream_id *start,
				const struct stream_id *end)
{
	if (s->length == 0 || id_zero(&s->max_deleted_id))
		return 0;
	struct stream_id a = start ? *start : (struct stream_id){0, 0};
	struct stream_id b = end ? *end : (struct stream_id){UINT64_MAX, UINT64_MAX};
	return stream_id_cmp(&a, &s->max_deleted_id) <= 0 &&
	       stream_id_cmp(&s->max_deleted_id, &b) <= 0;
}

int64_t stream_estimate_distance(const struct stream *s, const struct stream_id *id)
{
	if (!s->entries_added)
		return 0;
	if (!s->length && stream_id_cmp(id, &s->last_id) < 1)
		return (int64_t)s->entries_added;
	int cmp_last = stream_id_cmp(id, &s->last_id);
	if (cmp_last == 0)
		return (int64_t)s->entries_added;
	if (cmp_last > 0)
		return STREAM_ENTRIES_READ_INVALID;
	int cmp_first = stream_id_cmp(id, &s->first_id);
	if (id_zero(&s->max_deleted_id) || stream_id_cmp(&s->max_deleted_id, &s->first_id) < 0) {
		if (cmp_first < 0)
			return (int64_t)(s->entries_added - s->length);
		if (cmp_first == 0)
			return (int64_t)(s->entries_added - s->length + 1);
	}
	return STREAM_ENTRIES_READ_INVALID;
}

/* ---- PEL ------------------------------------------------------------------------------ */

size_t stream_pel_lower_bound(const struct stream_pel *pel, const struct stream_id *id)
{
	size_t lo = 0, hi = pel->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (stream_id_cmp(&pel->v[mid]->id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct stream_nack *stream_pel_find(const struct stream_pel *pel, const struct stream_id *id)
{
	size_t i = stream_pel_lower_bound(pel, id);
	return i < pel->n && stream_id_cmp(&pel->v[i]->id, id) == 0 ? pel->v[i] : NULL;
}

void stream_pel_insert(struct stream_pel *pel, struct stream_nack *nack)
{
	size_t i = stream_pel_lower_bound(pel, &nack->id);
	if (pel->n == pel->cap) {
		pel->cap = pel->cap ? pel->cap * 2 : 8;
		pel->v = prealloc(pel->v, pel->cap * sizeof(*pel->v));
	}
	memmove(&pel->v[i + 1], &pel->v[i], (pel->n - i) * sizeof(*pel->v));
	pel->v[i] = nack;
	pel->n++;
}

void stream_pel_remove(struct stream_pel *pel, const struct stream_id *id)
{
	size_t i = stream_pel_lower_bound(pel, id);
	if (i >= pel->n || stream_id_cmp(&pel->v[i]->id, id) != 0)
		return;
	memmove(&pel->v[i], &pel->v[i + 1], (pel->n - i - 1) * sizeof(*pel->v));
	pel->n--;
}

/* ---- groups and consumers -------------------------------------------------------------- */

/* rax order: bytewise, a prefix first. */
static int name_cmp(const char *a, size_t al, const void *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);
	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

/* Binary search over an array of objects with (name, nlen) at known offsets. */
#define NAME_SEARCH(arr, n, name, nlen, found)                                     \
	({                                                                         \
		size_t lo_ = 0, hi_ = (n);                                         \
		*(found) = 0;                                                      \
		while (lo_ < hi_) {                                                \
			size_t mid_ = (lo_ + hi_) / 2;                             \
			int r_ = name_cmp((arr)[mid_]->name, (arr)[mid_]->nlen,    \
					  (name), (nlen));                         \
			if (r_ == 0) {                                             \
				*(found) = 1;                                      \
				lo_ = mid_;                                        \
				break;                                             \
			}                                                          \
			if (r_ < 0)                                                \
				lo_ = mid_ + 1;                                    \
			else                                                       \
				hi_ = mid_;                                        \
		}                                                                  \
		lo_;                                                               \
	})

struct stream_cg *stream_cg_find(const struct stream *s, const void *name, size_t nlen)
{
	int found;
	size_t i = NAME_SEARCH(s->groups, s->ngroups, name, nlen, &found);
	return found ? s->groups[i] : NULL;
}

struct stream_cg *stream_cg_create(struct stream *s, const void *name, size_t nlen,
				   const struct stream_id *last_id, int64_t entries_read)
{
	int found;
	size_t i = NAME_SEARCH(s->groups, s->ngroups, name, nlen, &found);
	if (found)
		return NULL;
	struct stream_cg *cg = pcalloc(1, sizeof(*cg));
	cg->name = pmemdup(name, nlen ? nlen : 1);
	cg->nlen = nlen;
	cg->last_id = *last_id;
	cg->entries_read = entries_read;
	if (s->ngroups == s->gcap) {
		s->gcap = s->gcap ? s->gcap * 2 : 4;
		s->groups = prealloc(s->groups, s->gcap * sizeof(*s->groups));
	}
	memmove(&s->groups[i + 1], &s->groups[i], (s->ngroups - i) * sizeof(*s->groups));
	s->groups[i] = cg;
	s->ngroups++;
	return cg;
}

int stream_cg_destroy(struct stream *s, const void *name, size_t nlen)
{
	int found;
	size_t i = NAME_SEARCH(s->groups, s->ngroups, name, nlen, &found);
	if (!found)
		return 0;
	cg_free(s->groups[i]);
	memmove(&s->groups[i], &s->groups[i + 1], (s->ngroups - i - 1) * sizeof(*s->groups));
	s->ngroups--;
	return 1;
}

struct stream_consumer *stream_consumer_find(const struct stream_cg *cg, const void *name,
					     size_t nlen)
{
	int found;
	size_t i = NAME_SEARCH(cg->consumers, cg->nconsumers, name, nlen, &found);
	return found ? cg->consumers[i] : NULL;
}

struct stream_consumer *stream_consumer_create(struct stream_cg *cg, const void *name,
					       size_t nlen, int64_t now)
{
	int found;
	size_t i = NAME_SEARCH(cg->consumers, cg->nconsumers, name, nlen, &found);
	if (found)
		return NULL;
	struct stream_consumer *c = pcalloc(1, sizeof(*c));
	c->name = pmemdup(name, nlen ? nlen : 1);
	c->nlen = nlen;
	c->seen_time = now;
	if (cg->nconsumers == cg->ccap) {
		cg->ccap = cg->ccap ? cg->ccap * 2 : 4;
		cg->consumers = prealloc(cg->consumers, cg->ccap * sizeof(*cg->consumers));
	}
	memmove(&cg->consumers[i + 1], &cg->consumers[i],
		(cg->nconsumers - i) * sizeof(*cg->consumers));
	cg->consumers[i] = c;
	cg->nconsumers++;
	return c;
}

long long stream_consumer_delete(struct stream_cg *cg, const void *name, size_t nlen)
{
	int found;
	size_t i = NAME_SEARCH(cg->consumers, cg->nconsumers, name, nlen, &found);
	if (!found)
		return -1;
	struct stream_consumer *c = cg->consumers[i];
	long long pending = (long long)c->pel.n;
	for (size_t j = 0; j < c->pel.n; j++) {
		struct stream_nack *n = c->pel.v[j];
		stream_pel_remove(&cg->pel, &n->id);
		pfree(n);
	}
	consumer_free(c);
	memmove(&cg->consumers[i], &cg->consumers[i + 1],
		(cg->nconsumers - i - 1) * sizeof(*cg->consumers));
	cg->nconsumers--;
	return pending;
}

struct stream_nack *stream_nack_create(struct stream_cg *cg, struct stream_consumer *consumer,
				       const struct stream_id *id, int64_t now, uint64_t count)
{
	struct stream_nack *n = pmalloc(sizeof(*n));
	n->id = *id;
	n->delivery_time = now;
	n->delivery_count = count;
	n->consumer = consumer;
	stream_pel_insert(&cg->pel, n);
	stream_pel_insert(&consumer->pel, n);
	return n;
}

void stream_nack_move(struct stream_nack *nack, struct stream_consumer *to)
{
	if (nack->consumer == to)
		return;
	stream_pel_remove(&nack->consumer->pel, &nack->id);
	nack->consumer = to;
	stream_pel_insert(&to->pel, nack);
}

int stream_nack_ack(struct stream_cg *cg, const struct stream_id *id)
{
	struct stream_nack *n = stream_pel_find(&cg->pel, id);
	if (!n)
		return 0;
	stream_pel_remove(&n->consumer->pel, id);
	stream_pel_remove(&cg->pel, id);
	pfree(n);
	return 1;
}
