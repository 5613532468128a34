/* t_geo.c — geospatial indexes: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS,
 * GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH, GEOSEARCHSTORE.
 *
 * DESIGN
 *   A geo index is a sorted set whose scores are 52-bit geohashes
 *   (src/ds/geohash.c); TYPE says "zset" and every Z* command works on it.
 *   GEOADD turns each longitude/latitude into its score and runs ZADD with
 *   the rewritten arguments (so NX/XX/CH, the reply and the "zadd" event are
 *   ZADD's, as in Redis).
 *   A search scans the score ranges of at most nine geohash boxes (the centre
 *   box and its neighbours, at a precision chosen from the radius), decodes
 *   every member found there and keeps those inside the circle or box. The
 *   boxes, their order and the order inside each box are Redis's, so even an
 *   unsorted reply lists members in the same order; ASC/DESC sort by
 *   distance, COUNT (without ANY) implies ASC, ANY stops at COUNT matches.
 *   Errors and their order follow Redis's argument parsing.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h. A STORE whose
 * destination lives on another shard runs under a multi-shard hold.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/kv.h>
#include <petrel/types.h>
#include <petrel/ds/geohash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmd_zadd(struct cmd_ctx *c);
size_t format_ld_human(char *buf, long double v);       /* cmd_string.c */
int getkeys_georadius(int argc, const struct resp_arg *argv, int *keys, int max);
int getkeys_georadiusbymember(int argc, const struct resp_arg *argv, int *keys, int max);

#define LD_BUF 5120     /* format_ld_human's buffer */

/* ---- shared parsing and replies ------------------------------------------- */

/* Meters per unit, or -1 after replying. */
static double unit_or_reply(struct cmd_ctx *c, const struct resp_arg *u)
{
	if (arg_is(u, "m"))
		return 1;
	if (arg_is(u, "km"))
		return 1000;
	if (arg_is(u, "ft"))
		return 0.3048;
	if (arg_is(u, "mi"))
		return 1609.34;
	reply_error(c->out, "ERR unsupported unit provided. please use M, KM, FT, MI");
	return -1;
}

/* A float argument, or -1 after replying err (Redis's custom messages). */
static int double_or_reply(struct cmd_ctx *c, const struct resp_arg *a, const char *err, double *v)
{
	if (arg_double(a, v)) {
		reply_error(c->out, err);
		return -1;
	}
	return 0;
}

/* argv[0..1] = longitude, latitude. 0, or -1 after replying. */
static int lonlat_or_reply(struct cmd_ctx *c, const struct resp_arg *a, double xy[2])
{
	for (int i = 0; i < 2; i++)
		if (double_or_reply(c, &a[i], ERR_NOT_FLOAT, &xy[i]))
			return -1;
	if (xy[0] < GEO_LONG_MIN || xy[0] > GEO_LONG_MAX || xy[1] < GEO_LAT_MIN ||
	    xy[1] > GEO_LAT_MAX) {
		reply_errorf(c->out, "ERR invalid longitude,latitude pair %f,%f", xy[0], xy[1]);
		return -1;
	}
	return 0;
}

/* argv[0..1] = radius, unit. 0, or -1 after replying. */
static int radius_or_reply(struct cmd_ctx *c, const struct resp_arg *a, struct geo_shape *s)
{
	double d;
	if (double_or_reply(c, &a[0], "ERR need numeric radius", &d))
		return -1;
	if (d < 0) {
		reply_error(c->out, "ERR radius cannot be negative");
		return -1;
	}
	double conv = unit_or_reply(c, &a[1]);
	if (conv < 0)
		return -1;
	s->type = GEO_CIRCLE;
	s->radius = d;
	s->conversion = conv;
	return 0;
}

/* argv[0..2] = width, height, unit. 0, or -1 after replying. */
static int box_or_reply(struct cmd_ctx *c, const struct resp_arg *a, struct geo_shape *s)
{
	double w, h;
	if (double_or_reply(c, &a[0], "ERR need numeric width", &w) ||
	    double_or_reply(c, &a[1], "ERR need numeric height", &h))
		return -1;
	if (h < 0 || w < 0) {
		reply_error(c->out, "ERR height or width cannot be negative");
		return -1;
	}
	double conv = unit_or_reply(c, &a[2]);
	if (conv < 0)
		return -1;
	s->type = GEO_BOX;
	s->width = w;
	s->height = h;
	s->conversion = conv;
	return 0;
}

/* A coordinate as Redis's addReplyHumanLongDouble: "%.17Lf" trimmed; a bulk
 * string in RESP2, a double in RESP3. */
static void reply_coord(struct cmd_ctx *c, double v)
{
	char buf[LD_BUF];
	size_t n = format_ld_human(buf, (long double)v);
	reply_double_text(c->out, buf, n);
}

/* A distance: four decimals, always a bulk string (as Redis). */
static void reply_distance(struct cmd_ctx *c, double d)
{
	char buf[400];
	int n = snprintf(buf, sizeof(buf), "%.4f", d);
	reply_bulk(c->out, buf, (size_t)n);
}

/* The zset at key for reading: NULL when missing; *bad after WRONGTYPE. */
static struct kv *geo_lookup(struct cmd_ctx *c, const struct resp_arg *key, int *bad)
{
	struct kv *kv = db_read(c, key);
	*bad = kv && db_check_type(c, kv, OBJ_ZSET) != 0;
	return *bad ? NULL : kv;
}

/* ---- GEOADD / GEODIST / GEOHASH / GEOPOS ---------------------------------- */

void cmd_geoadd(struct cmd_ctx *c)
{
	int xx = 0, nx = 0, first = 2;
	for (; first < c->argc; first++) {
		if (ARGIS(c, first, "nx"))
			nx = 1;
		else if (ARGIS(c, first, "xx"))
			xx = 1;
		else if (!ARGIS(c, first, "ch"))
			break;
	}
	if ((c->argc - first) % 3 || (xx && nx)) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	/* ZADD key [options] score member ...: the same options, each triple
	 * becomes score + member. */
	int n = (c->argc - first) / 3, argc = first + n * 2;
	struct resp_arg *argv = pmalloc((size_t)argc * sizeof(*argv) + (size_t)n * 24);
	char *nums = (char *)(argv + argc);
	argv[0].ptr = "zadd";
	argv[0].len = 4;
	for (int i = 1; i < first; i++)
		argv[i] = c->argv[i];
	for (int e = 0; e < n; e++) {
		double xy[2];
		uint64_t score;
		if (lonlat_or_reply(c, &c->argv[first + e * 3], xy)) {
			pfree(argv);
			return;
		}
		geo_score(xy[0], xy[1], &score);
		char *num = nums + e * 24;
		argv[first + e * 2].ptr = num;
		argv[first + e * 2].len = (size_t)snprintf(num, 24, "%llu", (unsigned long long)score);
		argv[first + e * 2 + 1] = c->argv[first + e * 3 + 2];
	}
	struct resp_arg *saved = c->argv;
	int saved_argc = c->argc;
	c->argv = argv;
	c->argc = argc;
	cmd_zadd(c);
	c->argv = saved;
	c->argc = saved_argc;
	pfree(argv);
}

void cmd_geodist(struct cmd_ctx *c)
{
	double to_m = 1;
	if (c->argc == 5) {
		to_m = unit_or_reply(c, &c->argv[4]);
		if (to_m < 0)
			return;
	} else if (c->argc > 5) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	int bad;
	struct kv *kv = geo_lookup(c, &c->argv[1], &bad);
	if (bad)
		return;
	double s1, s2, a[2], b[2];
	if (!kv || !tzset_score(kv, c->argv[2].ptr, c->argv[2].len, &s1) ||
	    !tzset_score(kv, c->argv[3].ptr, c->argv[3].len, &s2)) {
		reply_null(c->out);
		return;
	}
	geo_decode_score(s1, a);
	geo_decode_score(s2, b);
	reply_distance(c, geo_distance(a[0], a[1], b[0], b[1]) / to_m);
}

void cmd_geohash(struct cmd_ctx *c)
{
	int bad;
	struct kv *kv = geo_lookup(c, &c->argv[1], &bad);
	if (bad)
		return;
	reply_array(c->out, c->argc - 2);
	for (int i = 2; i < c->argc; i++) {
		double score;
		if (!kv || !tzset_score(kv, c->argv[i].ptr, c->argv[i].len, &score)) {
			reply_null(c->out);
			continue;
		}
		char h[12];
		geo_hash_string(score, h);
		reply_bulk(c->out, h, 11);
	}
}

void cmd_geopos(struct cmd_ctx *c)
{
	int bad;
	struct kv *kv = geo_lookup(c, &c->argv[1], &bad);
	if (bad)
		return;
	reply_array(c->out, c->argc - 2);
	for (int i = 2; i < c->argc; i++) {
		double score, xy[2];
		if (!kv || !tzset_score(kv, c->argv[i].ptr, c->argv[i].len, &score)) {
			reply_null_array(c->out);
			continue;
		}
		geo_decode_score(score, xy);
		reply_array(c->out, 2);
		reply_coord(c, xy[0]);
		reply_coord(c, xy[1]);
	}
}

/* ---- searches -------------------------------------------------------------- */

enum {
	G_COORDS = 1,           /* GEORADIUS: centre from arguments */
	G_MEMBER = 2,           /* GEORADIUSBYMEMBER: centre from a member */
	G_NOSTORE = 4,          /* the _RO forms */
	G_SEARCH = 8,           /* GEOSEARCH syntax */
	G_SEARCHSTORE = 16,
};

enum { SORT_NONE, SORT_ASC, SORT_DESC };

struct gpoint {
	size_t off, len;        /* the member, in the arena */
	double dist, score, lon, lat;
};

struct gfound {
	const struct geo_shape *shape;
	struct gpoint *v;
	size_t n, cap;
	char *arena;
	size_t used, acap;
	unsigned long limit;    /* ANY: stop after this many; 0 = all */
};

static int collect(void *ud, const char *s, size_t len, double score)
{
	struct gfound *f = ud;
	double xy[2], dist;
	geo_decode_score(score, xy);
	if (geo_within(f->shape, xy, &dist)) {
		if (f->n == f->cap) {
			f->cap = f->cap ? f->cap * 2 : 16;
			f->v = prealloc(f->v, f->cap * sizeof(*f->v));
		}
		if (f->used + len > f->acap) {
			f->acap = (f->acap + len) * 2;
			f->arena = prealloc(f->arena, f->acap);
		}
		memcpy(f->arena + f->used, s, len);
		f->v[f->n++] = (struct gpoint){f->used, len, dist, score, xy[0], xy[1]};
		f->used += len;
	}
	return f->n && f->limit && f->n >= f->limit;
}

/* Members of kv inside the shape, box by box in Redis's order. */
static void search(const struct kv *kv, const struct geo_shape *shape, unsigned long limit,
		   struct gfound *f)
{
	struct geo_hash boxes[9];
	geo_search_boxes(shape, boxes);
	memset(f, 0, sizeof(*f));
	f->shape = shape;
	f->limit = limit;
	int last = 0;
	for (int i = 0; i < 9; i++) {
		if (boxes[i].bits == 0 && boxes[i].step == 0)
			continue;
		/* Huge radii make neighbours coincide: skip a box equal to the one
		 * scanned last (Redis compares only once a neighbour was scanned). */
		if (last && boxes[i].bits == boxes[last].bits && boxes[i].step == boxes[last].step)
			continue;
		if (f->n && limit && f->n >= limit)
			break;
		uint64_t lo, hi;
		geo_box_scores(boxes[i], &lo, &hi);
		tzset_walk_scores(kv, (double)lo, (double)hi, collect, f);
		last = i;
	}
}

static int by_dist_asc(const void *a, const void *b)
{
	const struct gpoint *x = a, *y = b;
	return x->dist == y->dist ? 0 : x->dist > y->dist ? 1 : -1;
}

static int by_dist_desc(const void *a, const void *b)
{
	return -by_dist_asc(a, b);
}

static int member_centre_or_reply(struct cmd_ctx *c, const struct kv *kv, const struct resp_arg *m,
				  double xy[2])
{
	double score;
	if (!tzset_score(kv, m->ptr, m->len, &score)) {
		reply_error(c->out, "ERR could not decode requested zset member");
		return -1;
	}
	geo_decode_score(score, xy);
	return 0;
}

static void georadius_generic(struct cmd_ctx *c, int src, int flags)
{
	int bad;
	struct kv *kv = geo_lookup(c, &c->argv[src], &bad);
	if (bad)
		return;
	const struct resp_arg *store = NULL;
	int storedist = 0, base;
	struct geo_shape shape;
	memset(&shape, 0, sizeof(shape));
	if (flags & G_COORDS) {
		base = 6;
		if (lonlat_or_reply(c, &c->argv[2], shape.xy) ||
		    radius_or_reply(c, &c->argv[base - 2], &shape))
			return;
	} else if (flags & G_MEMBER) {
		base = 5;
		if (kv && (member_centre_or_reply(c, kv, &c->argv[2], shape.xy) ||
			   radius_or_reply(c, &c->argv[base - 2], &shape)))
			return;
	} else {
		base = 2;
		if (flags & G_SEARCHSTORE) {
			base = 3;
			store = &c->argv[1];
		}
	}

	int withdist = 0, withhash = 0, withcoord = 0, any = 0, sort = SORT_NONE;
	int frommember = 0, fromloc = 0, byradius = 0, bybox = 0;
	long long count = 0;
	int left = c->argc - base;
	for (int i = 0; i < left; i++) {
		int a = base + i;
		if (ARGIS(c, a, "withdist")) {
			withdist = 1;
		} else if (ARGIS(c, a, "withhash")) {
			withhash = 1;
		} else if (ARGIS(c, a, "withcoord")) {
			withcoord = 1;
		} else if (ARGIS(c, a, "any")) {
			any = 1;
		} else if (ARGIS(c, a, "asc")) {
			sort = SORT_ASC;
		} else if (ARGIS(c, a, "desc")) {
			sort = SORT_DESC;
		} else if (ARGIS(c, a, "count") && i + 1 < left) {
			if (arg_ll_or_reply(c, &c->argv[a + 1], &count))
				return;
			if (count <= 0) {
				reply_error(c->out, "ERR COUNT must be > 0");
				return;
			}
			i++;
		} else if ((ARGIS(c, a, "store") || ARGIS(c, a, "storedist")) && i + 1 < left &&
			   !(flags & G_NOSTORE) && !(flags & G_SEARCH)) {
			store = &c->argv[a + 1];
			storedist = ARGIS(c, a, "storedist");
			i++;
		} else if (ARGIS(c, a, "storedist") && (flags & G_SEARCH) && (flags & G_SEARCHSTORE)) {
			storedist = 1;
		} else if (ARGIS(c, a, "frommember") && i + 1 < left && (flags & G_SEARCH) && !fromloc) {
			/* no source key: parse on, the reply is empty anyway */
			if (kv && member_centre_or_reply(c, kv, &c->argv[a + 1], shape.xy))
				return;
			frommember = 1;
			i++;
		} else if (ARGIS(c, a, "fromlonlat") && i + 2 < left && (flags & G_SEARCH) &&
			   !frommember) {
			if (lonlat_or_reply(c, &c->argv[a + 1], shape.xy))
				return;
			fromloc = 1;
			i += 2;
		} else if (ARGIS(c, a, "byradius") && i + 2 < left && (flags & G_SEARCH) && !bybox) {
			if (radius_or_reply(c, &c->argv[a + 1], &shape))
				return;
			byradius = 1;
			i += 2;
		} else if (ARGIS(c, a, "bybox") && i + 3 < left && (flags & G_SEARCH) && !byradius) {
			if (box_or_reply(c, &c->argv[a + 1], &shape))
				return;
			bybox = 1;
			i += 3;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	const struct resp_arg *name = &c->argv[0];
	if (store && (withdist || withhash || withcoord)) {
		reply_errorf(c->out, "ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
			     (flags & G_SEARCHSTORE) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS");
		return;
	}
	if ((flags & G_SEARCH) && !(frommember || fromloc)) {
		reply_errorf(c->out, "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %.*s",
			     (int)name->len, name->ptr);
		return;
	}
	if ((flags & G_SEARCH) && !(byradius || bybox)) {
		reply_errorf(c->out, "ERR exactly one of BYRADIUS and BYBOX can be specified for %.*s",
			     (int)name->len, name->ptr);
		return;
	}
	if (any && !count) {
		reply_error(c->out, "ERR the ANY argument requires COUNT argument");
		return;
	}
	if (!kv && !store) {
		reply_array(c->out, 0);
		return;
	}
	struct gfound f;
	memset(&f, 0, sizeof(f));
	if (kv) {
		/* COUNT without ANY wants the nearest ones: sort ascending */
		if (count && sort == SORT_NONE && !any)
			sort = SORT_ASC;
		search(kv, &shape, any ? (unsigned long)count : 0, &f);
	}
	if (f.n == 0 && !store) {
		reply_array(c->out, 0);
		goto out;
	}
	size_t keep = count == 0 || f.n < (size_t)count ? f.n : (size_t)count;
	if (sort != SORT_NONE && f.n > 1)
		qsort(f.v, f.n, sizeof(*f.v), sort == SORT_ASC ? by_dist_asc : by_dist_desc);
	if (!store) {
		int opts = withdist + withhash + withcoord;
		reply_array(c->out, (long)keep);
		for (size_t i = 0; i < keep; i++) {
			struct gpoint *p = &f.v[i];
			if (opts)
				reply_array(c->out, opts + 1);
			reply_bulk(c->out, f.arena + p->off, p->len);
			if (withdist)
				reply_distance(c, p->dist / shape.conversion);
			if (withhash)
				reply_int(c->out, (long long)p->score);
			if (withcoord) {
				reply_array(c->out, 2);
				reply_coord(c, p->lon);
				reply_coord(c, p->lat);
			}
		}
		goto out;
	}
	struct zsink *k = tzset_sink_new(c);
	for (size_t i = 0; i < keep; i++) {
		struct gpoint *p = &f.v[i];
		tzset_sink_add(k, f.arena + p->off, p->len, storedist ? p->dist / shape.conversion : p->score);
	}
	tzset_sink_store(k, store, (flags & G_SEARCH) ? "geosearchstore" : "georadiusstore");
out:
	pfree(f.v);
	pfree(f.arena);
}

void cmd_georadius(struct cmd_ctx *c) { georadius_generic(c, 1, G_COORDS); }
void cmd_georadius_ro(struct cmd_ctx *c) { georadius_generic(c, 1, G_COORDS | G_NOSTORE); }
void cmd_georadiusbymember(struct cmd_ctx *c) { georadius_generic(c, 1, G_MEMBER); }
void cmd_georadiusbymember_ro(struct cmd_ctx *c) { georadius_generic(c, 1, G_MEMBER | G_NOSTORE); }
void cmd_geosearch(struct cmd_ctx *c) { georadius_generic(c, 1, G_SEARCH); }
void cmd_geosearchstore(struct cmd_ctx *c) { georadius_generic(c, 2, G_SEARCH | G_SEARCHSTORE); }

/* The source, then the keys after the first STORE and the first STOREDIST at
 * or after argv[from] (Redis's key specs; the handler uses the last one). */
static int store_keys(int argc, const struct resp_arg *argv, int *keys, int max, int from)
{
	static const char *const words[] = {"store", "storedist"};
	int k = 0;
	if (max < 3 || argc < 2)
		return 0;
	keys[k++] = 1;
	for (int w = 0; w < 2; w++) {
		for (int i = from; i + 1 < argc; i++) {
			if (arg_is(&argv[i], words[w])) {
				keys[k++] = i + 1;
				break;
			}
		}
	}
	return k;
}

int getkeys_georadius(int argc, const struct resp_arg *argv, int *keys, int max)
{
	return store_keys(argc, argv, keys, max, 6);
}

int getkeys_georadiusbymember(int argc, const struct resp_arg *argv, int *keys, int max)
{
	return store_keys(argc, argv, keys, max, 5);
}
