/* t_stream.c — the STREAM type: value callbacks, ID parsing, range replies, and
 * the commands XADD, XTRIM, XLEN, XRANGE, XREVRANGE, XDEL, XSETID, XREAD,
 * XREADGROUP and XINFO. Group management (XGROUP, XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM) is in t_stream_group.c.
 *
 * DESIGN
 *   The value is a struct stream (include/petrel/ds/stream.h), OBJECT ENCODING
 *   "stream". Unlike other types an empty stream stays in the keyspace (XDEL
 *   of the last entry, XGROUP CREATE ... MKSTREAM), as in Redis.
 *
 *   BLOCK on XREAD/XREADGROUP parks the client (src/server/block.c); an XADD
 *   to one of its streams wakes it and the read runs again, with '$'
 *   replaced by the last ID at the time it blocked.
 *
 * Thread: the owner (or holder) of the keys' shards; see cmd.h.
 */
#include "t_stream.h"

#include <petrel/alloc.h>
#include <petrel/block.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/db.h>
#include <petrel/kv.h>
#include <petrel/ds/listpack.h>

#include <stdio.h>
#include <string.h>

const char *const XERR_INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

/* ---- value callbacks ----------------------------------------------------------- */

static void xfree(void *ptr, int enc)
{
	(void)enc;
	struct stream *s = ptr;
	stream_destroy(&s);
}

static void *xdup(const void *ptr, int enc)
{
	(void)enc;
	return stream_dup(ptr);
}

static size_t xmem(const void *ptr, int enc)
{
	(void)enc;
	return stream_mem(ptr);
}

static const struct kv_type_ops stream_ops = {.free = xfree, .dup = xdup, .mem = xmem};

__attribute__((constructor)) static void stream_register(void)
{
	kv_register_type(OBJ_STREAM, &stream_ops);
}

struct stream *xstream(const struct kv *kv)
{
	return kv_ptr(kv);
}

struct stream *xstream_create_at(struct cmd_ctx *c, const struct resp_arg *key, struct kv **ref)
{
	struct stream *s = stream_create();
	struct kv *kv = kv_create_ptr(key->ptr, key->len, OBJ_STREAM, ENC_STREAM, s, -1);
	if (ref)
		db_insert_at(c, ref, kv);
	else
		db_insert(c, kv);
	return s;
}

/* ---- IDs and replies ----------------------------------------------------------- */

int xid_parse_strict(struct cmd_ctx *c, const struct resp_arg *a, uint64_t missing_seq,
		     struct stream_id *id)
{
	if (stream_id_parse(a->ptr, a->len, missing_seq, id, NULL)) {
		reply_error(c->out, XERR_INVALID_ID);
		return -1;
	}
	return 0;
}

struct stream_id *xid_parse_all(struct cmd_ctx *c, int from)
{
	int n = c->argc - from;
	struct stream_id *ids = pmalloc((size_t)n * sizeof(*ids));
	for (int j = 0; j < n; j++) {
		if (xid_parse_strict(c, &c->argv[from + j], 0, &ids[j])) {
			pfree(ids);
			return NULL;
		}
	}
	return ids;
}

int xid_parse_interval(struct cmd_ctx *c, const struct resp_arg *a, uint64_t missing_seq,
		       struct stream_id *id, int *exclusive)
{
	*exclusive = 0;
	if (a->len > 1 && a->ptr[0] == '(') {
		*exclusive = 1;
		struct resp_arg rest = {a->ptr + 1, a->len - 1};
		return xid_parse_strict(c, &rest, missing_seq, id);
	}
	if (a->len == 1 && a->ptr[0] == '-') {
		*id = (struct stream_id){0, 0};
		return 0;
	}
	if (a->len == 1 && a->ptr[0] == '+') {
		*id = (struct stream_id){UINT64_MAX, UINT64_MAX};
		return 0;
	}
	return xid_parse_strict(c, a, missing_seq, id);
}

void reply_xid(struct rbuf *out, const struct stream_id *id)
{
	char buf[48];
	int n = stream_id_format(id, buf);
	reply_bulk(out, buf, (size_t)n);
}

static void reply_entry(struct rbuf *out, struct stream_iter *it, const struct stream_id *id,
			int64_t nfields)
{
	reply_array(out, 2);
	reply_xid(out, id);
	reply_array(out, nfields * 2);
	for (int64_t i = 0; i < nfields; i++) {
		const unsigned char *f, *v;
		uint32_t fl, vl;
		stream_iter_field(it, &f, &fl, &v, &vl);
		reply_bulk(out, f, fl);
		reply_bulk(out, v, vl);
	}
}

void reply_nogroup(struct cmd_ctx *c, const struct resp_arg *key, const struct resp_arg *group)
{
	reply_errorf(c->out, "NOGROUP No such key '%.*s' or consumer group '%.*s'", (int)key->len,
		     key->ptr, (int)group->len, group->ptr);
}

struct stream_consumer *xconsumer_get(struct cmd_ctx *c, struct stream_cg *cg,
				      const struct resp_arg *name)
{
	struct stream_consumer *co = stream_consumer_find(cg, name->ptr, name->len);
	if (!co)
		co = stream_consumer_create(cg, name->ptr, name->len, c->now);
	co->seen_time = c->now;
	return co;
}

size_t xreply_range(struct cmd_ctx *c, struct stream *s, const struct stream_id *start,
		    const struct stream_id *end, size_t count, int rev, struct stream_cg *cg,
		    struct stream_consumer *consumer, int noack, int raw)
{
	size_t pos = raw ? 0 : reply_defer(c->out);
	size_t n = 0;
	struct stream_iter it;
	struct stream_id id;
	int64_t nf;
	stream_iter_start(&it, s, start, end, rev);
	while (stream_iter_next(&it, &id, &nf)) {
		if (cg && stream_id_cmp(&id, &cg->last_id) > 0) {
			if (cg->entries_read != STREAM_ENTRIES_READ_INVALID &&
			    !stream_range_has_tombstones(s, &id, NULL))
				cg->entries_read++;
			else if (s->entries_added)
				cg->entries_read = stream_estimate_distance(s, &id);
			cg->last_id = id;
		}
		reply_entry(c->out, &it, &id, nf);
		if (cg && !noack) {
			struct stream_nack *nack = stream_pel_find(&cg->pel, &id);
			if (!nack) {
				stream_nack_create(cg, consumer, &id, c->now, 1);
			} else {
				/* Already pending (SETID moved last_id back): reassign. */
				stream_nack_move(nack, consumer);
				nack->delivery_time = c->now;
				nack->delivery_count = 1;
			}
		}
		n++;
		if (count && n == count)
			break;
	}
	if (!raw)
		reply_set_deferred(c->out, pos, '*', (long)n);
	return n;
}

/* ---- XADD / XTRIM ---------------------------------------------------------------- */

struct trim_args {
	enum stream_trim how;
	int approx;
	long long maxlen, limit;
	struct stream_id minid;
	int nomkstream, id_given, seq_given;
	struct stream_id id;
};

/* Redis's streamParseAddOrTrimArgsOrReply. Returns the index of the ID (XADD)
 * or argc, or -1 after replying an error. */
static int parse_trim(struct cmd_ctx *c, int xadd, struct trim_args *a)
{
	memset(a, 0, sizeof(*a));
	int limit_given = 0, i = 2;
	for (; i < c->argc; i++) {
		int more = c->argc - 1 - i;
		const struct resp_arg *o = &c->argv[i];
		if (xadd && o->len == 1 && o->ptr[0] == '*')
			break;
		if ((ARGIS(c, i, "maxlen") || ARGIS(c, i, "minid")) && more) {
			int maxlen = ARGIS(c, i, "maxlen");
			if (a->how != STREAM_TRIM_NONE) {
				reply_error(c->out, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
				return -1;
			}
			a->approx = 0;
			const struct resp_arg *nx = &c->argv[i + 1];
			if (more >= 2 && nx->len == 1 && nx->ptr[0] == '~') {
				a->approx = 1;
				i++;
			} else if (more >= 2 && nx->len == 1 && nx->ptr[0] == '=') {
				i++;
			}
			if (maxlen) {
				if (arg_ll_or_reply(c, &c->argv[i + 1], &a->maxlen))
					return -1;
				if (a->maxlen < 0) {
					reply_error(c->out, "ERR The MAXLEN argument must be >= 0.");
					return -1;
				}
				a->how = STREAM_TRIM_MAXLEN;
			} else {
				if (xid_parse_strict(c, &c->argv[i + 1], 0, &a->minid))
					return -1;
				a->how = STREAM_TRIM_MINID;
			}
			i++;
		} else if (ARGIS(c, i, "limit") && more) {
			if (arg_ll_or_reply(c, &c->argv[i + 1], &a->limit))
				return -1;
			if (a->limit < 0) {
				reply_error(c->out, "ERR The LIMIT argument must be >= 0.");
				return -1;
			}
			limit_given = 1;
			i++;
		} else if (xadd && ARGIS(c, i, "nomkstream")) {
			a->nomkstream = 1;
		} else if (xadd) {
			int star;
			if (stream_id_parse(o->ptr, o->len, 0, &a->id, &star)) {
				reply_error(c->out, XERR_INVALID_ID);
				return -1;
			}
			a->id_given = 1;
			a->seq_given = !star;
			break;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return -1;
		}
	}
	if (a->limit && a->how == STREAM_TRIM_NONE) {
		reply_error(c->out, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
		return -1;
	}
	if (!xadd && a->how == STREAM_TRIM_NONE) {
		reply_error(c->out, "ERR syntax error, XTRIM must be called with a trimming strategy");
		return -1;
	}
	if (limit_given) {
		if (!a->approx) {
			reply_error(c->out, "ERR syntax error, LIMIT cannot be used without the special ~ option");
			return -1;
		}
	} else if (a->approx) {
		a->limit = 100 * cfg.stream_node_max_entries;
		if (a->limit <= 0 || a->limit > 1000000)
			a->limit = 10000;
	} else {
		a->limit = 0;
	}
	return i;
}

static int64_t do_trim(struct stream *s, const struct trim_args *a)
{
	return stream_trim(s, a->how, (uint64_t)a->maxlen, &a->minid, a->approx, a->limit);
}

void cmd_xadd(struct cmd_ctx *c)
{
	struct trim_args a;
	int i = parse_trim(c, 1, &a);
	if (i < 0)
		return;
	int fpos = i + 1;
	if (c->argc - fpos < 2 || (c->argc - fpos) % 2 == 1) {
		reply_error(c->out, "ERR wrong number of arguments for 'xadd' command");
		return;
	}
	if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0) {
		reply_error(c->out, "ERR The ID specified in XADD must be greater than 0-0");
		return;
	}
	struct kv **ref;
	struct kv *kv = db_write(c, &c->argv[1], &ref);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	if (!kv && a.nomkstream) {
		reply_null(c->out);
		return;
	}
	struct stream *s = kv ? xstream(kv) : NULL;
	struct stream_id last = s ? s->last_id : (struct stream_id){0, 0};
	if (last.ms == UINT64_MAX && last.seq == UINT64_MAX) {
		reply_error(c->out, "ERR The stream has exhausted the last possible ID, unable to add more items");
		return;
	}
	struct stream_id id;
	int bad = 0;
	if (a.id_given) {
		id = a.id;
		if (!a.seq_given && id.ms == last.ms) {
			if (last.seq == UINT64_MAX)
				bad = 1;
			else
				id.seq = last.seq + 1;
		}
	} else {
		id.ms = (uint64_t)c->now;
		id.seq = 0;
		if (id.ms <= last.ms) {
			id = last;
			stream_id_incr(&id);
		}
	}
	if (bad || stream_id_cmp(&id, &last) <= 0) {
		reply_error(c->out, "ERR The ID specified in XADD is equal or smaller than the target stream top item");
		return;
	}
	size_t nf = (size_t)(c->argc - fpos) / 2;
	struct stream_str *kvs = pmalloc(2 * nf * sizeof(*kvs));
	for (size_t j = 0; j < 2 * nf; j++)
		kvs[j] = (struct stream_str){c->argv[fpos + (int)j].ptr, c->argv[fpos + (int)j].len};
	if (!s)
		s = xstream_create_at(c, &c->argv[1], ref);
	int rc = stream_append(s, &id, kvs, nf, cfg.stream_node_max_bytes,
			       cfg.stream_node_max_entries);
	pfree(kvs);
	if (rc) {
		reply_error(c->out, "ERR Elements are too large to be stored");
		return;
	}
	reply_xid(c->out, &id);
	do_trim(s, &a);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

void cmd_xtrim(struct cmd_ctx *c)
{
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	struct trim_args a;
	if (parse_trim(c, 0, &a) < 0)
		return;
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	int64_t n = do_trim(xstream(kv), &a);
	reply_int(c->out, n);
	if (n)
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

/* ---- XLEN / XRANGE / XREVRANGE / XDEL / XSETID --------------------------------------- */

void cmd_xlen(struct cmd_ctx *c)
{
	struct kv *kv = db_read(c, &c->argv[1]);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	reply_int(c->out, kv ? (long long)xstream(kv)->length : 0);
}

static void xrange_generic(struct cmd_ctx *c, int rev)
{
	struct stream_id start, end;
	int sx, ex;
	const struct resp_arg *sa = &c->argv[rev ? 3 : 2], *ea = &c->argv[rev ? 2 : 3];
	if (xid_parse_interval(c, sa, 0, &start, &sx) ||
	    xid_parse_interval(c, ea, UINT64_MAX, &end, &ex))
		return;
	if (sx && stream_id_incr(&start)) {
		reply_error(c->out, "ERR invalid start ID for the interval");
		return;
	}
	if (ex && stream_id_decr(&end)) {
		reply_error(c->out, "ERR invalid end ID for the interval");
		return;
	}
	long long count = -1;
	for (int j = 4; j < c->argc; j++) {
		if (ARGIS(c, j, "count") && j + 1 < c->argc) {
			if (arg_ll_or_reply(c, &c->argv[j + 1], &count))
				return;
			if (count < 0)
				count = 0;
			j++;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	struct kv *kv = db_read(c, &c->argv[1]);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	if (count == 0) {
		reply_null_array(c->out);
		return;
	}
	if (!kv) {
		reply_array(c->out, 0);
		return;
	}
	xreply_range(c, xstream(kv), &start, &end, count < 0 ? 0 : (size_t)count, rev, NULL, NULL,
		     0, 0);
}

void cmd_xrange(struct cmd_ctx *c)
{
	xrange_generic(c, 0);
}

void cmd_xrevrange(struct cmd_ctx *c)
{
	xrange_generic(c, 1);
}

void cmd_xdel(struct cmd_ctx *c)
{
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (!kv) {
		reply_int(c->out, 0);
		return;
	}
	if (db_check_type(c, kv, OBJ_STREAM))
		return;
	int n = c->argc - 2;
	struct stream_id *ids = xid_parse_all(c, 2);
	if (!ids)
		return;
	struct stream *s = xstream(kv);
	long long deleted = 0;
	for (int j = 0; j < n; j++)
		deleted += stream_delete(s, &ids[j]);
	pfree(ids);
	reply_int(c->out, deleted);
	if (deleted)
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

void cmd_xsetid(struct cmd_ctx *c)
{
	struct stream_id id, maxdel = {0, 0};
	long long added = -1;
	if (xid_parse_strict(c, &c->argv[2], 0, &id))
		return;
	for (int i = 3; i < c->argc;) {
		int more = c->argc - 1 - i;
		if (ARGIS(c, i, "entriesadded") && more) {
			if (arg_ll_or_reply(c, &c->argv[i + 1], &added))
				return;
			if (added < 0) {
				reply_error(c->out, "ERR entries_added must be positive");
				return;
			}
			i += 2;
		} else if (ARGIS(c, i, "maxdeletedid") && more) {
			if (xid_parse_strict(c, &c->argv[i + 1], 0, &maxdel))
				return;
			if (stream_id_cmp(&id, &maxdel) < 0) {
				reply_error(c->out, "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
				return;
			}
			i += 2;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (!kv) {
		reply_error(c->out, ERR_NO_KEY);
		return;
	}
	if (db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream *s = xstream(kv);
	if (s->length > 0) {
		struct stream_iter it;
		struct stream_id top;
		int64_t nf;
		stream_iter_start(&it, s, NULL, NULL, 1);
		stream_iter_next(&it, &top, &nf);
		if (stream_id_cmp(&id, &top) < 0) {
			reply_error(c->out, "ERR The ID specified in XSETID is smaller than the target stream top item");
			return;
		}
		if (added != -1 && s->length > (uint64_t)added) {
			reply_error(c->out, "ERR The entries_added specified in XSETID is smaller than the target stream length");
			return;
		}
	}
	s->last_id = id;
	if (added != -1)
		s->entries_added = (uint64_t)added;
	if (maxdel.ms || maxdel.seq)
		s->max_deleted_id = maxdel;
	reply_ok(c->out);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

/* ---- XREAD / XREADGROUP -------------------------------------------------------------- */

/* Keys of XREAD/XREADGROUP: the first half of the arguments after STREAMS. */
int getkeys_xread(int argc, const struct resp_arg *argv, int *keys, int max)
{
	int streams = 0;
	for (int i = 1; i < argc; i++) {
		if (arg_is(&argv[i], "streams")) {
			streams = i + 1;
			break;
		}
		if (arg_is(&argv[i], "block") || arg_is(&argv[i], "count"))
			i++;
		else if (arg_is(&argv[i], "group"))
			i += 2;
	}
	if (!streams || (argc - streams) % 2)
		return 0;
	int n = 0;
	for (int i = 0; i < (argc - streams) / 2 && n < max; i++)
		keys[n++] = streams + i;
	return n;
}

/* History read: entries from the consumer's own PEL with id >= start. */
static void reply_consumer_history(struct cmd_ctx *c, struct stream *s,
				   const struct stream_id *start, size_t count,
				   struct stream_consumer *co)
{
	size_t pos = reply_defer(c->out), n = 0;
	for (size_t i = stream_pel_lower_bound(&co->pel, start); i < co->pel.n; i++) {
		if (count && n >= count)
			break;
		struct stream_nack *nack = co->pel.v[i];
		if (xreply_range(c, s, &nack->id, &nack->id, 1, 0, NULL, NULL, 0, 1) == 0) {
			reply_array(c->out, 2);
			reply_xid(c->out, &nack->id);
			reply_null_array(c->out);
		} else {
			nack->delivery_time = c->now;
			nack->delivery_count++;
		}
		n++;
	}
	reply_set_deferred(c->out, pos, '*', (long)n);
}

/* Nothing to read and BLOCK given: park the client (src/server/block.c).
 * '$' becomes the stream's last ID now, so the read retried on a wake-up
 * returns what was added after the block began. */
static void block_stream_read(struct cmd_ctx *c, int streams, int nstreams,
			      const struct stream_id *ids, long long timeout)
{
	struct resp_arg *argv = pmalloc((size_t)c->argc * sizeof(*argv));
	char *idtext = pmalloc((size_t)nstreams * 48);
	memcpy(argv, c->argv, (size_t)c->argc * sizeof(*argv));
	for (int k = 0; k < nstreams; k++) {
		struct resp_arg *ida = &argv[streams + nstreams + k];
		if (ida->len == 1 && ida->ptr[0] == '$') {
			char *p = idtext + k * 48;
			int n = snprintf(p, 48, "%llu-%llu", (unsigned long long)ids[k].ms,
					 (unsigned long long)ids[k].seq);
			ida->ptr = p;
			ida->len = (size_t)n;
		}
	}
	int keys[256];
	int n = 0;
	for (int k = 0; k < nstreams && n < 256; k++)
		keys[n++] = streams + k;
	struct cmd_ctx bc = *c;
	bc.argv = argv;
	block_client(&bc, keys, n, timeout ? c->now + timeout : 0);
	pfree(idtext);
	pfree(argv);
}

static void xread_generic(struct cmd_ctx *c, int xreadgroup)
{
	long long timeout = -1, count = 0;
	int streams = 0, nstreams = 0, noack = 0;
	const struct resp_arg *group = NULL, *consumer = NULL;
	for (int i = 1; i < c->argc; i++) {
		int more = c->argc - i - 1;
		if (ARGIS(c, i, "block") && more) {
			i++;
			if (arg_ll(&c->argv[i], &timeout)) {
				reply_error(c->out, "ERR timeout is not an integer or out of range");
				return;
			}
			if (timeout < 0) {
				reply_error(c->out, "ERR timeout is negative");
				return;
			}
		} else if (ARGIS(c, i, "count") && more) {
			i++;
			if (arg_ll_or_reply(c, &c->argv[i], &count))
				return;
			if (count < 0)
				count = 0;
		} else if (ARGIS(c, i, "streams") && more) {
			streams = i + 1;
			nstreams = c->argc - streams;
			if (nstreams % 2) {
				reply_errorf(c->out, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '%c' must be specified.",
					     xreadgroup ? '>' : '$');
				return;
			}
			nstreams /= 2;
			break;
		} else if (ARGIS(c, i, "group") && more >= 2) {
			if (!xreadgroup) {
				reply_error(c->out, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
				return;
			}
			group = &c->argv[i + 1];
			consumer = &c->argv[i + 2];
			i += 2;
		} else if (ARGIS(c, i, "noack")) {
			if (!xreadgroup) {
				reply_error(c->out, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
				return;
			}
			noack = 1;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	if (!streams) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (xreadgroup && !group) {
		reply_error(c->out, "ERR Missing GROUP option for XREADGROUP");
		return;
	}
	struct stream_id *ids = pcalloc((size_t)nstreams, sizeof(*ids));
	struct stream_cg **groups = pcalloc((size_t)nstreams, sizeof(*groups));
	for (int k = 0; k < nstreams; k++) {
		const struct resp_arg *key = &c->argv[streams + k], *ida = &c->argv[streams + nstreams + k];
		struct kv *kv = db_read(c, key);
		if (kv && db_check_type(c, kv, OBJ_STREAM))
			goto out;
		if (group) {
			struct stream_cg *cg = kv ? stream_cg_find(xstream(kv), group->ptr, group->len) : NULL;
			if (!cg) {
				reply_errorf(c->out, "NOGROUP No such key '%.*s' or consumer group '%.*s' in XREADGROUP with GROUP option",
					     (int)key->len, key->ptr, (int)group->len, group->ptr);
				goto out;
			}
			groups[k] = cg;
		}
		if (ida->len == 1 && ida->ptr[0] == '$') {
			if (xreadgroup) {
				reply_error(c->out, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
				goto out;
			}
			ids[k] = kv ? xstream(kv)->last_id : (struct stream_id){0, 0};
			continue;
		}
		if (ida->len == 1 && ida->ptr[0] == '>') {
			if (!xreadgroup) {
				reply_error(c->out, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
				goto out;
			}
			ids[k] = (struct stream_id){UINT64_MAX, UINT64_MAX};
			continue;
		}
		if (xid_parse_strict(c, ida, 0, &ids[k]))
			goto out;
	}

	size_t pos = 0;
	long served = 0;
	for (int k = 0; k < nstreams; k++) {
		const struct resp_arg *key = &c->argv[streams + k];
		struct kv *kv = db_find(c, key->ptr, key->len, NULL);
		if (!kv)
			continue;
		struct stream *s = xstream(kv);
		struct stream_id gt = ids[k];
		int serve = 0, history = 0;
		if (group) {
			if (gt.ms != UINT64_MAX || gt.seq != UINT64_MAX) {
				serve = history = 1;
			} else if (s->length) {
				struct stream_iter it;
				struct stream_id top;
				int64_t nf;
				stream_iter_start(&it, s, NULL, NULL, 1);
				stream_iter_next(&it, &top, &nf);
				if (stream_id_cmp(&top, &groups[k]->last_id) > 0) {
					serve = 1;
					gt = groups[k]->last_id;
				}
			}
		} else if (s->length) {
			struct stream_iter it;
			struct stream_id top;
			int64_t nf;
			stream_iter_start(&it, s, NULL, NULL, 1);
			stream_iter_next(&it, &top, &nf);
			serve = stream_id_cmp(&top, &gt) > 0;
		}
		if (!serve)
			continue;
		if (++served == 1)
			pos = reply_defer(c->out);
		struct stream_id start = gt;
		stream_id_incr(&start);
		if (c->resp == 2)
			reply_array(c->out, 2);
		reply_bulk(c->out, key->ptr, key->len);
		struct stream_consumer *co = NULL;
		if (group)
			co = xconsumer_get(c, groups[k], consumer);
		if (group && history)
			reply_consumer_history(c, s, &start, (size_t)count, co);
		else
			xreply_range(c, s, &start, NULL, (size_t)count, 0, groups[k], co, noack, 0);
		if (group)
			db_modified(c, key->ptr, key->len);
	}
	if (served) {
		reply_set_deferred(c->out, pos, c->resp == 2 ? '*' : '%', served);
	} else if (timeout >= 0 && c->cl && !c->in_exec) {
		block_stream_read(c, streams, nstreams, ids, timeout);
	} else {
		reply_null_array(c->out);
	}
out:
	pfree(ids);
	pfree(groups);
}

void cmd_xread(struct cmd_ctx *c)
{
	xread_generic(c, 0);
}

void cmd_xreadgroup(struct cmd_ctx *c)
{
	xread_generic(c, 1);
}
