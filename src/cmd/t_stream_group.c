/* t_stream_group.c — stream consumer groups and introspection: XGROUP (CREATE,
 * SETID, DESTROY, CREATECONSUMER, DELCONSUMER), XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM and XINFO (STREAM [FULL], GROUPS, CONSUMERS).
 *
 * The group structures (PEL, consumers) are in src/ds/stream.c; reading with a
 * group (XREADGROUP) is in t_stream.c.
 *
 * Thread: the owner (or holder) of the key's shard; see cmd.h.
 */
#include "t_stream.h"

#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/kv.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Redis's HELP reply layout (cmd_admin.c). */
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);

static void reply_nogroup_for_key(struct cmd_ctx *c, const struct resp_arg *key,
				  const struct resp_arg *group)
{
	reply_errorf(c->out, "NOGROUP No such consumer group '%.*s' for key name '%.*s'",
		     (int)group->len, group->ptr, (int)key->len, key->ptr);
}

/* ---- XGROUP --------------------------------------------------------------------- */

void cmd_xgroup(struct cmd_ctx *c)
{
	int create = ARGIS(c, 1, "create"), setid = ARGIS(c, 1, "setid");
	if (ARGIS(c, 1, "help")) {
		static const char *const help[] = {
			"CREATE <key> <groupname> <id|$> [option]",
			"    Create a new consumer group. Options are:",
			"    * MKSTREAM",
			"      Create the empty stream if it does not exist.",
			"    * ENTRIESREAD entries_read",
			"      Set the group's entries_read counter (internal use).",
			"CREATECONSUMER <key> <groupname> <consumer>",
			"    Create a new consumer in the specified group.",
			"DELCONSUMER <key> <groupname> <consumer>",
			"    Remove the specified consumer.",
			"DESTROY <key> <groupname>",
			"    Remove the specified group.",
			"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
			"    Set the current group ID and entries_read counter.",
		};
		subcmd_help(c, "XGROUP", help, (int)(sizeof(help) / sizeof(help[0])));
		return;
	}
	const struct resp_arg *key = &c->argv[2], *gname = &c->argv[3];
	int mkstream = 0;
	long long entries_read = STREAM_ENTRIES_READ_INVALID;
	if (create || setid) {
		for (int i = 5; i < c->argc;) {
			if (create && ARGIS(c, i, "mkstream")) {
				mkstream = 1;
				i++;
			} else if (ARGIS(c, i, "entriesread") && i + 1 < c->argc) {
				if (arg_ll_or_reply(c, &c->argv[i + 1], &entries_read))
					return;
				if (entries_read < 0 && entries_read != STREAM_ENTRIES_READ_INVALID) {
					reply_error(c->out, "ERR value for ENTRIESREAD must be positive or -1");
					return;
				}
				i += 2;
			} else {
				reply_errorf(c->out, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try XGROUP HELP.",
					     (int)c->argv[1].len, c->argv[1].ptr);
				return;
			}
		}
	}
	struct kv **ref;
	struct kv *kv = db_write(c, key, &ref);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream *s = kv ? xstream(kv) : NULL;
	struct stream_cg *cg = s ? stream_cg_find(s, gname->ptr, gname->len) : NULL;
	if (!mkstream) {
		if (!s) {
			reply_error(c->out, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
			return;
		}
		if (!cg && !create && !ARGIS(c, 1, "destroy")) {
			reply_nogroup_for_key(c, key, gname);
			return;
		}
	}
	if (create || setid) {
		struct stream_id id;
		const struct resp_arg *ida = &c->argv[4];
		if (ida->len == 1 && ida->ptr[0] == '$')
			id = s ? s->last_id : (struct stream_id){0, 0};
		else if (xid_parse_strict(c, ida, 0, &id))
			return;
		if (setid) {
			cg->last_id = id;
			cg->entries_read = entries_read;
			reply_ok(c->out);
		} else {
			if (!s)
				s = xstream_create_at(c, key, ref);
			if (!stream_cg_create(s, gname->ptr, gname->len, &id, entries_read)) {
				reply_error(c->out, "BUSYGROUP Consumer Group name already exists");
				return;
			}
			reply_ok(c->out);
		}
	} else if (ARGIS(c, 1, "destroy")) {
		if (!cg) {
			reply_int(c->out, 0);
			return;
		}
		stream_cg_destroy(s, gname->ptr, gname->len);
		reply_int(c->out, 1);
	} else if (ARGIS(c, 1, "createconsumer")) {
		const struct resp_arg *cn = &c->argv[4];
		reply_int(c->out, stream_consumer_create(cg, cn->ptr, cn->len, c->now) != NULL);
	} else if (ARGIS(c, 1, "delconsumer")) {
		const struct resp_arg *cn = &c->argv[4];
		long long pending = stream_consumer_delete(cg, cn->ptr, cn->len);
		reply_int(c->out, pending < 0 ? 0 : pending);
	} else {
		reply_errorf(c->out, "ERR unknown subcommand '%.*s'. Try XGROUP HELP.",
			     (int)c->argv[1].len, c->argv[1].ptr);
		return;
	}
	db_modified(c, key->ptr, key->len);
}

/* ---- XACK / XPENDING ------------------------------------------------------------------ */

void cmd_xack(struct cmd_ctx *c)
{
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream_cg *cg = kv ? stream_cg_find(xstream(kv), c->argv[2].ptr, c->argv[2].len)
				  : NULL;
	if (!cg) {
		reply_int(c->out, 0);
		return;
	}
	int n = c->argc - 3;
	struct stream_id *ids = xid_parse_all(c, 3);
	if (!ids)
		return;
	long long acked = 0;
	for (int j = 0; j < n; j++)
		acked += stream_nack_ack(cg, &ids[j]);
	pfree(ids);
	reply_int(c->out, acked);
	if (acked)
		db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

void cmd_xpending(struct cmd_ctx *c)
{
	int justinfo = c->argc == 3;
	struct stream_id start = {0, 0}, end = {0, 0};
	long long count = 0, minidle = 0;
	const struct resp_arg *cname = NULL;
	if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (c->argc >= 6) {
		int si = 3, sx, ex;
		if (ARGIS(c, 3, "idle")) {
			if (arg_ll_or_reply(c, &c->argv[4], &minidle))
				return;
			if (c->argc < 8) {
				reply_error(c->out, ERR_SYNTAX);
				return;
			}
			si += 2;
		}
		if (arg_ll_or_reply(c, &c->argv[si + 2], &count))
			return;
		if (count < 0)
			count = 0;
		if (xid_parse_interval(c, &c->argv[si], 0, &start, &sx))
			return;
		if (sx && stream_id_incr(&start)) {
			reply_error(c->out, "ERR invalid start ID for the interval");
			return;
		}
		if (xid_parse_interval(c, &c->argv[si + 1], UINT64_MAX, &end, &ex))
			return;
		if (ex && stream_id_decr(&end)) {
			reply_error(c->out, "ERR invalid end ID for the interval");
			return;
		}
		if (si + 3 < c->argc)
			cname = &c->argv[si + 3];
	}
	struct kv *kv = db_read(c, &c->argv[1]);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream_cg *cg = kv ? stream_cg_find(xstream(kv), c->argv[2].ptr, c->argv[2].len)
				  : NULL;
	if (!cg) {
		reply_nogroup(c, &c->argv[1], &c->argv[2]);
		return;
	}
	if (justinfo) {
		reply_array(c->out, 4);
		reply_int(c->out, (long long)cg->pel.n);
		if (cg->pel.n == 0) {
			reply_null(c->out);
			reply_null(c->out);
			reply_null_array(c->out);
			return;
		}
		reply_xid(c->out, &cg->pel.v[0]->id);
		reply_xid(c->out, &cg->pel.v[cg->pel.n - 1]->id);
		long n = 0;
		for (size_t i = 0; i < cg->nconsumers; i++)
			n += cg->consumers[i]->pel.n > 0;
		reply_array(c->out, n);
		for (size_t i = 0; i < cg->nconsumers; i++) {
			const struct stream_consumer *co = cg->consumers[i];
			if (!co->pel.n)
				continue;
			reply_array(c->out, 2);
			reply_bulk(c->out, co->name, co->nlen);
			reply_bulk_ll(c->out, (long long)co->pel.n);
		}
		return;
	}
	const struct stream_pel *pel = &cg->pel;
	if (cname) {
		const struct stream_consumer *co = stream_consumer_find(cg, cname->ptr, cname->len);
		if (!co) {
			reply_array(c->out, 0);
			return;
		}
		pel = &co->pel;
	}
	size_t pos = reply_defer(c->out);
	long n = 0;
	for (size_t i = stream_pel_lower_bound(pel, &start); count && i < pel->n; i++) {
		const struct stream_nack *nack = pel->v[i];
		if (stream_id_cmp(&nack->id, &end) > 0)
			break;
		if (minidle && c->now - nack->delivery_time < minidle)
			continue;
		n++;
		count--;
		reply_array(c->out, 4);
		reply_xid(c->out, &nack->id);
		reply_bulk(c->out, nack->consumer->name, nack->consumer->nlen);
		reply_int(c->out, c->now - nack->delivery_time);
		reply_int(c->out, (long long)nack->delivery_count);
	}
	reply_set_deferred(c->out, pos, '*', n);
}

/* ---- XCLAIM / XAUTOCLAIM ---------------------------------------------------------------- */

/* Reply the entry id (raw) or a null when it is gone. */
static void reply_claimed(struct cmd_ctx *c, struct stream *s, const struct stream_id *id,
			  int justid)
{
	if (justid)
		reply_xid(c->out, id);
	else if (!xreply_range(c, s, id, id, 1, 0, NULL, NULL, 0, 1))
		reply_null(c->out);
}

static int ll_or_msg(struct cmd_ctx *c, const struct resp_arg *a, long long *v, const char *msg)
{
	if (arg_ll(a, v)) {
		reply_errorf(c->out, "ERR %s", msg);
		return -1;
	}
	return 0;
}

void cmd_xclaim(struct cmd_ctx *c)
{
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream *s = kv ? xstream(kv) : NULL;
	struct stream_cg *cg = s ? stream_cg_find(s, c->argv[2].ptr, c->argv[2].len) : NULL;
	if (!cg) {
		reply_nogroup(c, &c->argv[1], &c->argv[2]);
		return;
	}
	long long minidle, retrycount = -1, deliverytime = -1;
	int force = 0, justid = 0;
	if (ll_or_msg(c, &c->argv[4], &minidle, "Invalid min-idle-time argument for XCLAIM"))
		return;
	if (minidle < 0)
		minidle = 0;
	int j;
	struct stream_id tmp;
	for (j = 5; j < c->argc; j++)
		if (stream_id_parse(c->argv[j].ptr, c->argv[j].len, 0, &tmp, NULL))
			break;
	int last_id_arg = j - 1;
	struct stream_id last_id = {0, 0};
	for (; j < c->argc; j++) {
		int more = c->argc - 1 - j;
		if (ARGIS(c, j, "force")) {
			force = 1;
		} else if (ARGIS(c, j, "justid")) {
			justid = 1;
		} else if (ARGIS(c, j, "idle") && more) {
			j++;
			if (ll_or_msg(c, &c->argv[j], &deliverytime, "Invalid IDLE option argument for XCLAIM"))
				return;
			deliverytime = c->now - deliverytime;
		} else if (ARGIS(c, j, "time") && more) {
			j++;
			if (ll_or_msg(c, &c->argv[j], &deliverytime, "Invalid TIME option argument for XCLAIM"))
				return;
		} else if (ARGIS(c, j, "retrycount") && more) {
			j++;
			if (ll_or_msg(c, &c->argv[j], &retrycount, "Invalid RETRYCOUNT option argument for XCLAIM"))
				return;
		} else if (ARGIS(c, j, "lastid") && more) {
			j++;
			if (xid_parse_strict(c, &c->argv[j], 0, &last_id))
				return;
		} else {
			reply_errorf(c->out, "ERR Unrecognized XCLAIM option '%.*s'",
				     (int)c->argv[j].len, c->argv[j].ptr);
			return;
		}
	}
	if (stream_id_cmp(&last_id, &cg->last_id) > 0)
		cg->last_id = last_id;
	if (deliverytime != -1) {
		if (deliverytime < 0 || deliverytime > c->now)
			deliverytime = c->now;
	} else {
		deliverytime = c->now;
	}
	struct stream_consumer *co = NULL;
	size_t pos = reply_defer(c->out);
	long n = 0;
	for (j = 5; j <= last_id_arg; j++) {
		struct stream_id id;
		stream_id_parse(c->argv[j].ptr, c->argv[j].len, 0, &id, NULL);
		struct stream_nack *nack = stream_pel_find(&cg->pel, &id);
		if (!stream_entry_exists(s, &id)) {
			if (nack)
				stream_nack_ack(cg, &id);
			continue;
		}
		int forced = 0;
		if (force && !nack)
			forced = 1;
		if (!nack && !forced)
			continue;
		if (!forced && minidle && c->now - nack->delivery_time < minidle)
			continue;
		if (!co)
			co = xconsumer_get(c, cg, &c->argv[3]);
		if (forced)
			nack = stream_nack_create(cg, co, &id, c->now, 1);
		else
			stream_nack_move(nack, co);
		nack->delivery_time = deliverytime;
		if (retrycount >= 0)
			nack->delivery_count = (uint64_t)retrycount;
		else if (!justid)
			nack->delivery_count++;
		reply_claimed(c, s, &id, justid);
		n++;
	}
	reply_set_deferred(c->out, pos, '*', n);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

void cmd_xautoclaim(struct cmd_ctx *c)
{
	long long minidle, count = 100;
	int justid = 0, sx;
	struct stream_id start;
	if (ll_or_msg(c, &c->argv[4], &minidle, "Invalid min-idle-time argument for XAUTOCLAIM"))
		return;
	if (minidle < 0)
		minidle = 0;
	if (xid_parse_interval(c, &c->argv[5], 0, &start, &sx))
		return;
	if (sx && stream_id_incr(&start)) {
		reply_error(c->out, "ERR invalid start ID for the interval");
		return;
	}
	for (int j = 6; j < c->argc; j++) {
		int more = c->argc - 1 - j;
		if (ARGIS(c, j, "count") && more) {
			long long maxc = LONG_MAX / 16;
			if (arg_ll(&c->argv[j + 1], &count) || count < 1 || count > maxc) {
				reply_error(c->out, "ERR COUNT must be > 0");
				return;
			}
			j++;
		} else if (ARGIS(c, j, "justid")) {
			justid = 1;
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	struct kv *kv = db_write(c, &c->argv[1], NULL);
	if (kv && db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream *s = kv ? xstream(kv) : NULL;
	struct stream_cg *cg = s ? stream_cg_find(s, c->argv[2].ptr, c->argv[2].len) : NULL;
	if (!cg) {
		reply_nogroup(c, &c->argv[1], &c->argv[2]);
		return;
	}
	long long attempts = count * 10;
	struct stream_consumer *co = NULL;
	struct stream_id *deleted = pmalloc((size_t)count * sizeof(*deleted));
	long ndeleted = 0, n = 0;
	reply_array(c->out, 3);
	size_t cursor_pos = c->out->len;
	/* The cursor is written after the entries: build the entries aside. */
	struct rbuf body;
	rbuf_init(&body, c->out->resp);
	struct rbuf *saved = c->out;
	c->out = &body;
	size_t i = stream_pel_lower_bound(&cg->pel, &start);
	while (attempts-- && count && i < cg->pel.n) {
		struct stream_nack *nack = cg->pel.v[i];
		struct stream_id id = nack->id;
		if (!stream_entry_exists(s, &id)) {
			stream_nack_ack(cg, &id);
			deleted[ndeleted++] = id;
			count--;
			continue;
		}
		i++;
		if (minidle && c->now - nack->delivery_time < minidle)
			continue;
		if (!co)
			co = xconsumer_get(c, cg, &c->argv[3]);
		stream_nack_move(nack, co);
		nack->delivery_time = c->now;
		if (!justid)
			nack->delivery_count++;
		reply_claimed(c, s, &id, justid);
		n++;
		count--;
	}
	c->out = saved;
	(void)cursor_pos;
	struct stream_id next = i < cg->pel.n ? cg->pel.v[i]->id : (struct stream_id){0, 0};
	reply_xid(c->out, &next);
	reply_array(c->out, n);
	rbuf_append(c->out, body.data, body.len);
	rbuf_deinit(&body);
	reply_array(c->out, ndeleted);
	for (long k = 0; k < ndeleted; k++)
		reply_xid(c->out, &deleted[k]);
	pfree(deleted);
	db_modified(c, c->argv[1].ptr, c->argv[1].len);
}

/* ---- XINFO ------------------------------------------------------------------------------ */

static int64_t group_lag(const struct stream *s, const struct stream_cg *cg, int *valid)
{
	*valid = 1;
	if (!s->entries_added)
		return 0;
	if (cg->entries_read != STREAM_ENTRIES_READ_INVALID &&
	    !stream_range_has_tombstones(s, &cg->last_id, NULL))
		return (int64_t)s->entries_added - cg->entries_read;
	int64_t er = stream_estimate_distance(s, &cg->last_id);
	if (er != STREAM_ENTRIES_READ_INVALID)
		return (int64_t)s->entries_added - er;
	*valid = 0;
	return 0;
}

static void reply_lag_fields(struct cmd_ctx *c, const struct stream *s, const struct stream_cg *cg)
{
	reply_bulk_str(c->out, "entries-read");
	if (cg->entries_read != STREAM_ENTRIES_READ_INVALID)
		reply_int(c->out, cg->entries_read);
	else
		reply_null(c->out);
	reply_bulk_str(c->out, "lag");
	int valid;
	int64_t lag = group_lag(s, cg, &valid);
	if (valid)
		reply_int(c->out, lag);
	else
		reply_null(c->out);
}

static void reply_edge(struct cmd_ctx *c, struct stream *s, int rev)
{
	struct stream_iter it;
	struct stream_id id;
	int64_t nf;
	stream_iter_start(&it, s, NULL, NULL, rev);
	if (!stream_iter_next(&it, &id, &nf)) {
		reply_null(c->out);
		return;
	}
	xreply_range(c, s, &id, &id, 1, 0, NULL, NULL, 0, 1);
}

static void xinfo_stream(struct cmd_ctx *c, struct stream *s, int full, long long count)
{
	reply_map(c->out, full ? 9 : 10);
	reply_bulk_str(c->out, "length");
	reply_int(c->out, (long long)s->length);
	reply_bulk_str(c->out, "radix-tree-keys");
	reply_int(c->out, (long long)s->nnodes);
	/* petrel keeps no radix tree: report one node per key plus the root */
	reply_bulk_str(c->out, "radix-tree-nodes");
	reply_int(c->out, (long long)s->nnodes + 1);
	reply_bulk_str(c->out, "last-generated-id");
	reply_xid(c->out, &s->last_id);
	reply_bulk_str(c->out, "max-deleted-entry-id");
	reply_xid(c->out, &s->max_deleted_id);
	reply_bulk_str(c->out, "entries-added");
	reply_int(c->out, (long long)s->entries_added);
	reply_bulk_str(c->out, "recorded-first-entry-id");
	reply_xid(c->out, &s->first_id);
	if (!full) {
		reply_bulk_str(c->out, "groups");
		reply_int(c->out, (long long)s->ngroups);
		reply_bulk_str(c->out, "first-entry");
		reply_edge(c, s, 0);
		reply_bulk_str(c->out, "last-entry");
		reply_edge(c, s, 1);
		return;
	}
	reply_bulk_str(c->out, "entries");
	xreply_range(c, s, NULL, NULL, (size_t)count, 0, NULL, NULL, 0, 0);
	reply_bulk_str(c->out, "groups");
	reply_array(c->out, (long)s->ngroups);
	for (size_t g = 0; g < s->ngroups; g++) {
		const struct stream_cg *cg = s->groups[g];
		reply_map(c->out, 7);
		reply_bulk_str(c->out, "name");
		reply_bulk(c->out, cg->name, cg->nlen);
		reply_bulk_str(c->out, "last-delivered-id");
		reply_xid(c->out, &cg->last_id);
		reply_lag_fields(c, s, cg);
		reply_bulk_str(c->out, "pel-count");
		reply_int(c->out, (long long)cg->pel.n);
		reply_bulk_str(c->out, "pending");
		size_t pn = count && (size_t)count < cg->pel.n ? (size_t)count : cg->pel.n;
		reply_array(c->out, (long)pn);
		for (size_t i = 0; i < pn; i++) {
			const struct stream_nack *nk = cg->pel.v[i];
			reply_array(c->out, 4);
			reply_xid(c->out, &nk->id);
			reply_bulk(c->out, nk->consumer->name, nk->consumer->nlen);
			reply_int(c->out, nk->delivery_time);
			reply_int(c->out, (long long)nk->delivery_count);
		}
		reply_bulk_str(c->out, "consumers");
		reply_array(c->out, (long)cg->nconsumers);
		for (size_t k = 0; k < cg->nconsumers; k++) {
			const struct stream_consumer *co = cg->consumers[k];
			reply_map(c->out, 4);
			reply_bulk_str(c->out, "name");
			reply_bulk(c->out, co->name, co->nlen);
			reply_bulk_str(c->out, "seen-time");
			reply_int(c->out, co->seen_time);
			reply_bulk_str(c->out, "pel-count");
			reply_int(c->out, (long long)co->pel.n);
			reply_bulk_str(c->out, "pending");
			size_t cn = count && (size_t)count < co->pel.n ? (size_t)count : co->pel.n;
			reply_array(c->out, (long)cn);
			for (size_t i = 0; i < cn; i++) {
				const struct stream_nack *nk = co->pel.v[i];
				reply_array(c->out, 3);
				reply_xid(c->out, &nk->id);
				reply_int(c->out, nk->delivery_time);
				reply_int(c->out, (long long)nk->delivery_count);
			}
		}
	}
}

void cmd_xinfo(struct cmd_ctx *c)
{
	if (ARGIS(c, 1, "help")) {
		static const char *const help[] = {
			"CONSUMERS <key> <groupname>",
			"    Show consumers of <groupname>.",
			"GROUPS <key>",
			"    Show the stream consumer groups.",
			"STREAM <key> [FULL [COUNT <count>]",
			"    Show information about the stream.",
		};
		subcmd_help(c, "XINFO", help, (int)(sizeof(help) / sizeof(help[0])));
		return;
	}
	int full = 0;
	long long count = 10;
	if (ARGIS(c, 1, "stream") && c->argc > 3) {
		if (!ARGIS(c, 3, "full") || (c->argc != 4 && c->argc != 6) ||
		    (c->argc == 6 && !ARGIS(c, 4, "count"))) {
			if (c->argc == 4 || c->argc == 6)
				reply_error(c->out, ERR_SYNTAX);
			else
				reply_error(c->out, "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.");
			return;
		}
		full = 1;
		if (c->argc == 6) {
			if (arg_ll_or_reply(c, &c->argv[5], &count))
				return;
			if (count < 0)
				count = 0;
		}
	}
	struct kv *kv = db_read(c, &c->argv[2]);
	if (!kv) {
		reply_error(c->out, ERR_NO_KEY);
		return;
	}
	if (db_check_type(c, kv, OBJ_STREAM))
		return;
	struct stream *s = xstream(kv);
	if (ARGIS(c, 1, "stream")) {
		xinfo_stream(c, s, full, count);
	} else if (ARGIS(c, 1, "groups")) {
		reply_array(c->out, (long)s->ngroups);
		for (size_t g = 0; g < s->ngroups; g++) {
			const struct stream_cg *cg = s->groups[g];
			reply_map(c->out, 6);
			reply_bulk_str(c->out, "name");
			reply_bulk(c->out, cg->name, cg->nlen);
			reply_bulk_str(c->out, "consumers");
			reply_int(c->out, (long long)cg->nconsumers);
			reply_bulk_str(c->out, "pending");
			reply_int(c->out, (long long)cg->pel.n);
			reply_bulk_str(c->out, "last-delivered-id");
			reply_xid(c->out, &cg->last_id);
			reply_lag_fields(c, s, cg);
		}
	} else if (ARGIS(c, 1, "consumers")) {
		const struct resp_arg *gname = &c->argv[3];
		const struct stream_cg *cg = stream_cg_find(s, gname->ptr, gname->len);
		if (!cg) {
			reply_nogroup_for_key(c, &c->argv[2], gname);
			return;
		}
		reply_array(c->out, (long)cg->nconsumers);
		for (size_t k = 0; k < cg->nconsumers; k++) {
			const struct stream_consumer *co = cg->consumers[k];
			long long idle = c->now - co->seen_time;
			reply_map(c->out, 3);
			reply_bulk_str(c->out, "name");
			reply_bulk(c->out, co->name, co->nlen);
			reply_bulk_str(c->out, "pending");
			reply_int(c->out, (long long)co->pel.n);
			reply_bulk_str(c->out, "idle");
			reply_int(c->out, idle < 0 ? 0 : idle);
		}
	} else {
		reply_errorf(c->out, "ERR unknown subcommand '%.*s'. Try XINFO HELP.",
			     (int)c->argv[1].len, c->argv[1].ptr);
	}
}
