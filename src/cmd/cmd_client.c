/* cmd_client.c — CLIENT and its subcommands.
 *
 * Thread: the client's shard (CMD_CLIENT). CLIENT LIST and CLIENT KILL run
 * under an all-shard hold (route_client -> ROUTE_ALL), so they may read every
 * shard's client list and flag its clients.
 *
 * DESIGN (killing a client of another shard): under the hold we mark it
 * CL_KILLED and post a MSG_CALL to its shard carrying the client's id; that
 * shard looks the id up in its own list and closes it (the client may have
 * gone meanwhile: then nothing happens). A client of our own shard is closed
 * at once; the caller itself (SKIPME no) closes after its reply is sent.
 */
#include <petrel/alloc.h>
#include <petrel/block.h>
#include <petrel/client.h>
#include <petrel/multi.h>
#include <petrel/pubsub.h>
#include <petrel/watch.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include "server/loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct subcmd {
	const char *name;
	int arity;
	const char *full;
};
int subcmd_find(struct cmd_ctx *c, const char *container, const struct subcmd *tab, int n);
void subcmd_syntax(struct cmd_ctx *c, const char *container);
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);
int subcmd_arg_str(const struct resp_arg *a, char *buf, size_t size);
void client_set_name(struct client *cl, const struct resp_arg *a);
int route_client(int argc, const struct resp_arg *argv);

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum { SUB_LIST, SUB_INFO, SUB_ID, SUB_SETNAME, SUB_GETNAME, SUB_KILL, SUB_PAUSE, SUB_UNPAUSE,
       SUB_REPLY, SUB_NOEVICT, SUB_NOTOUCH, SUB_TRACKING, SUB_GETREDIR, SUB_CACHING,
       SUB_TRACKINGINFO, SUB_UNBLOCK, SUB_HELP };

static const struct subcmd client_subs[] = {
	[SUB_LIST] = {"list", -2, "client|list"},
	[SUB_INFO] = {"info", 2, "client|info"},
	[SUB_ID] = {"id", 2, "client|id"},
	[SUB_SETNAME] = {"setname", 3, "client|setname"},
	[SUB_GETNAME] = {"getname", 2, "client|getname"},
	[SUB_KILL] = {"kill", -3, "client|kill"},
	[SUB_PAUSE] = {"pause", -3, "client|pause"},
	[SUB_UNPAUSE] = {"unpause", 2, "client|unpause"},
	[SUB_REPLY] = {"reply", 3, "client|reply"},
	[SUB_NOEVICT] = {"no-evict", 3, "client|no-evict"},
	[SUB_NOTOUCH] = {"no-touch", 3, "client|no-touch"},
	[SUB_TRACKING] = {"tracking", -3, "client|tracking"},
	[SUB_GETREDIR] = {"getredir", 2, "client|getredir"},
	[SUB_CACHING] = {"caching", 3, "client|caching"},
	[SUB_TRACKINGINFO] = {"trackinginfo", 2, "client|trackinginfo"},
	[SUB_UNBLOCK] = {"unblock", -3, "client|unblock"},
	[SUB_HELP] = {"help", 2, "client|help"},
};

int route_client(int argc, const struct resp_arg *argv)
{
	if (argc >= 2 && (arg_is(&argv[1], "list") || arg_is(&argv[1], "kill") ||
			  arg_is(&argv[1], "unblock")))
		return ROUTE_ALL;
	return ROUTE_LOCAL;
}

/* ---- the CLIENT LIST line -------------------------------------------------- */

/* Unix-socket clients show the socket path, as Redis does ("path:0"). */
static const char *unix_path(void)
{
	for (int i = 0; i < srv.nlisteners; i++)
		if (srv.listeners[i].is_unix)
			return srv.listeners[i].addr;
	return "/unixsocket";
}

static void client_addr(const struct client *cl, int local, char *buf, size_t n)
{
	if (cl->flags & CL_UNIX)
		snprintf(buf, n, "%s:0", unix_path());
	else
		snprintf(buf, n, "%s", local ? cl->laddr : cl->addr);
}

static void client_flags_str(const struct client *cl, char *p)
{
	char *s = p;
	if (cl->flags & CL_MONITOR)
		*p++ = 'O';
	if (pubsub_client_active(cl))
		*p++ = 'P';
	if (cl->flags & CL_MULTI)
		*p++ = 'x';
	if (cl->flags & CL_BLOCKED)
		*p++ = 'b';
	if (watch_is_dirty(cl))
		*p++ = 'd';
	if (cl->flags & CL_CLOSE_AFTER)
		*p++ = 'c';
	if (cl->flags & CL_KILLED)
		*p++ = 'A';
	if (cl->flags & CL_UNIX)
		*p++ = 'U';
	if (cl->flags & CL_NO_EVICT)
		*p++ = 'e';
	if (cl->flags & CL_NO_TOUCH)
		*p++ = 'T';
	if (p == s)
		*p++ = 'N';
	*p = 0;
}

/* Append one "id=... resp=N\n" line. `cur` is the running command's context
 * when cl is the caller (its argv is the one being executed). */
static void client_line(struct rbuf *b, const struct client *cl, const struct cmd_ctx *cur, long long now)
{
	char addr[128], laddr[128], flags[16], line[1024];
	client_addr(cl, 0, addr, sizeof(addr));
	client_addr(cl, 1, laddr, sizeof(laddr));
	client_flags_str(cl, flags);
	size_t argv_mem = 0;
	if (cur)
		for (int i = 0; i < cur->argc; i++)
			argv_mem += cur->argv[i].len;
	size_t qbuf = cl->qlen - cl->qpos;
	size_t qfree = cl->qcap > cl->qlen ? cl->qcap - cl->qlen : 0;
	size_t pend = cl->sending.len - cl->sent;
	size_t tot = sizeof(*cl) + cl->qcap + cl->out.cap + cl->sending.cap + argv_mem;
	char events[3] = {0};
	int ne = 0;
	if (!(cl->flags & CL_CLOSING))
		events[ne++] = 'r';
	if (cl->send_inflight || cl->out.len)
		events[ne++] = 'w';
	int n = snprintf(line, sizeof(line),
		"id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%ld psub=%ld "
		"ssub=%ld multi=%d qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=0 rbs=%zu rbp=%zu obl=%zu "
		"oll=%d omem=%zu tot-mem=%zu events=%s cmd=%s user=default redir=-1 resp=%d\n",
		(unsigned long long)cl->id, addr, laddr, cl->fd, cl->name ? cl->name : "",
		(now - cl->ctime_ms) / 1000, (now - cl->last_ms) / 1000, flags, cl->db,
		pubsub_client_count(cl, PUBSUB_CHANNEL), pubsub_client_count(cl, PUBSUB_PATTERN),
		pubsub_client_count(cl, PUBSUB_SHARD), (cl->flags & CL_MULTI) && cl->mq ? cl->mq->n : -1,
		qbuf, qfree,
		argv_mem, cl->out.cap, cl->out.cap, cl->out.len, pend ? 1 : 0, pend, tot, events,
		cl->last_cmd ? cl->last_cmd : "NULL", cl->resp);
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;
	rbuf_append(b, line, (size_t)n);
}

/* Client types (TYPE filter). */
static int parse_type(struct cmd_ctx *c, const struct resp_arg *a, int *type)
{
	if (arg_is(a, "normal"))
		*type = 0;
	else if (arg_is(a, "slave") || arg_is(a, "replica"))
		*type = 1;
	else if (arg_is(a, "pubsub"))
		*type = 2;
	else if (arg_is(a, "master"))
		*type = 3;
	else {
		char t[129];
		subcmd_arg_str(a, t, sizeof(t));
		reply_errorf(c->out, "ERR Unknown client type '%s'", t);
		return -1;
	}
	return 0;
}

/* 0 normal, 2 pubsub (petrel has no replica or master links yet). */
static int client_type(const struct client *cl)
{
	return pubsub_client_active(cl) ? 2 : 0;
}

static int cmp_client_id(const void *a, const void *b)
{
	uint64_t x = (*(struct client *const *)a)->id, y = (*(struct client *const *)b)->id;
	return x < y ? -1 : x > y;
}

/* Every live client of every shard, sorted by id. Caller holds all shards
 * (or there is one). Returns a pmalloc'ed array; *n its length. */
static struct client **all_clients(int *n)
{
	int total = 0;
	for (int s = 0; s < nshards; s++)
		total += shards[s].nclients;
	struct client **v = pmalloc(((size_t)total + 1) * sizeof(*v));
	int k = 0;
	for (int s = 0; s < nshards; s++)
		for (struct client *cl = shards[s].clients; cl && k < total; cl = cl->next)
			if (!(cl->flags & CL_CLOSING))
				v[k++] = cl;
	qsort(v, (size_t)k, sizeof(*v), cmp_client_id);
	*n = k;
	return v;
}

static void client_list(struct cmd_ctx *c)
{
	int type = -1;
	long long *ids = NULL;
	int nids = 0;
	if (c->argc == 4 && ARGIS(c, 2, "type")) {
		if (parse_type(c, &c->argv[3], &type) < 0)
			return;
	} else if (c->argc > 3 && ARGIS(c, 2, "id")) {
		ids = pmalloc((size_t)(c->argc - 3) * sizeof(*ids));
		for (int i = 3; i < c->argc; i++) {
			if (arg_ll(&c->argv[i], &ids[nids]) < 0) {
				reply_error(c->out, "ERR Invalid client ID");
				pfree(ids);
				return;
			}
			nids++;
		}
	} else if (c->argc != 2) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	int n;
	struct client **v = all_clients(&n);
	struct rbuf text;
	rbuf_init(&text, 2);
	for (int i = 0; i < n; i++) {
		struct client *cl = v[i];
		if (type >= 0 && client_type(cl) != type)
			continue;
		if (ids) {
			int hit = 0;
			for (int k = 0; k < nids && !hit; k++)
				hit = ids[k] > 0 && (uint64_t)ids[k] == cl->id;
			if (!hit)
				continue;
		}
		client_line(&text, cl, cl == c->cl ? c : NULL, c->now);
	}
	reply_verbatim(c->out, text.data ? text.data : "", text.len, "txt");
	rbuf_deinit(&text);
	pfree(v);
	pfree(ids);
}

/* ---- CLIENT KILL ------------------------------------------------------------ */

struct kill_msg {
	struct msg_call call;
	uint64_t id;
};

static void kill_remote(void *arg)
{
	struct kill_msg *m = arg;
	struct shard *s = shard_self();
	for (struct client *cl = s->clients; cl; cl = cl->next) {
		if (cl->id == m->id) {
			client_close(s, cl);
			return;
		}
	}
}

static void kill_done(struct msg_call *m)
{
	pfree(m);
}

/* Close victim (caller holds its shard). */
static void kill_client(struct cmd_ctx *c, struct client *cl)
{
	if (cl == c->cl) {
		cl->flags |= CL_CLOSE_AFTER;
		return;
	}
	cl->flags |= CL_KILLED;
	if (cl->shard == c->sh->id) {
		client_close(c->sh, cl);
		return;
	}
	struct kill_msg *m = pcalloc(1, sizeof(*m));
	m->call.fn = kill_remote;
	m->call.arg = m;
	m->call.done = kill_done;
	m->id = cl->id;
	shard_call(cl->shard, &m->call);
}

static void client_kill(struct cmd_ctx *c)
{
	char addr[128] = "", laddr[128] = "", buf[128];
	long long id = 0;
	int type = -1, skipme = 1, have_addr = 0, have_laddr = 0, old = c->argc == 3;
	if (old) {
		subcmd_arg_str(&c->argv[2], addr, sizeof(addr));
		have_addr = 1;
		skipme = 0;
	} else {
		for (int i = 2; i < c->argc; i += 2) {
			const struct resp_arg *v = &c->argv[i + 1];
			if (i + 1 >= c->argc) {
				reply_error(c->out, ERR_SYNTAX);
				return;
			}
			if (ARGIS(c, i, "id")) {
				if (arg_ll(v, &id) < 0 || id <= 0) {
					reply_error(c->out, "ERR client-id should be greater than 0");
					return;
				}
			} else if (ARGIS(c, i, "type")) {
				if (parse_type(c, v, &type) < 0)
					return;
			} else if (ARGIS(c, i, "addr")) {
				subcmd_arg_str(v, addr, sizeof(addr));
				have_addr = 1;
			} else if (ARGIS(c, i, "laddr")) {
				subcmd_arg_str(v, laddr, sizeof(laddr));
				have_laddr = 1;
			} else if (ARGIS(c, i, "user")) {
				if (!arg_is(v, "default")) {
					subcmd_arg_str(v, buf, sizeof(buf));
					reply_errorf(c->out, "ERR No such user '%s'", buf);
					return;
				}
			} else if (ARGIS(c, i, "skipme")) {
				if (arg_is(v, "yes"))
					skipme = 1;
				else if (arg_is(v, "no"))
					skipme = 0;
				else {
					reply_error(c->out, ERR_SYNTAX);
					return;
				}
			} else {
				reply_error(c->out, ERR_SYNTAX);
				return;
			}
		}
	}
	int n, killed = 0;
	struct client **v = all_clients(&n);
	for (int i = 0; i < n; i++) {
		struct client *cl = v[i];
		if (cl->flags & CL_KILLED)
			continue;
		if (id && cl->id != (uint64_t)id)
			continue;
		if (type >= 0 && client_type(cl) != type)
			continue;
		if (have_addr) {
			client_addr(cl, 0, buf, sizeof(buf));
			if (strcmp(buf, addr))
				continue;
		}
		if (have_laddr) {
			client_addr(cl, 1, buf, sizeof(buf));
			if (strcmp(buf, laddr))
				continue;
		}
		if (cl == c->cl && skipme)
			continue;
		kill_client(c, cl);
		killed++;
	}
	pfree(v);
	if (old) {
		if (killed)
			reply_ok(c->out);
		else
			reply_error(c->out, "ERR No such client");
	} else {
		reply_int(c->out, killed);
	}
}

/* ---- the rest -------------------------------------------------------------- */

static void client_pause(struct cmd_ctx *c)
{
	long long ms;
	int write_only = 0;
	if (c->argc > 4) {
		subcmd_syntax(c, "CLIENT");
		return;
	}
	if (arg_ll(&c->argv[2], &ms) < 0) {
		reply_error(c->out, "ERR timeout is not an integer or out of range");
		return;
	}
	if (ms < 0) {
		reply_error(c->out, "ERR timeout is negative");
		return;
	}
	if (c->argc == 4) {
		if (ARGIS(c, 3, "write"))
			write_only = 1;
		else if (!ARGIS(c, 3, "all")) {
			reply_error(c->out, "ERR CLIENT PAUSE mode must be WRITE or ALL");
			return;
		}
	}
	long long now = shard_mstime();
	long long until = now + ms;
	long long cur = __atomic_load_n(&srv.paused_until, __ATOMIC_RELAXED);
	if (cur && cur > now) {
		/* A pause in force: keep the later end and the stricter mode. */
		if (!__atomic_load_n(&srv.pause_write_only, __ATOMIC_RELAXED))
			write_only = 0;
		if (cur > until)
			until = cur;
	}
	__atomic_store_n(&srv.pause_write_only, write_only, __ATOMIC_RELAXED);
	__atomic_store_n(&srv.paused_until, until, __ATOMIC_RELEASE);
	reply_ok(c->out);
}

static void client_unpause(struct cmd_ctx *c)
{
	__atomic_store_n(&srv.paused_until, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&srv.pause_write_only, 0, __ATOMIC_RELAXED);
	/* Postponed clients resume at their shard's next cron turn. */
	reply_ok(c->out);
}

static void client_reply(struct cmd_ctx *c)
{
	struct client *cl = c->cl;
	if (ARGIS(c, 2, "on")) {
		cl->flags &= ~(CL_REPLY_OFF | CL_REPLY_SKIP | CL_REPLY_SKIP_NEXT);
		/* c->out may be the scratch buffer of a suppressed reply. */
		reply_ok(&cl->out);
	} else if (ARGIS(c, 2, "off")) {
		cl->flags |= CL_REPLY_OFF;
	} else if (ARGIS(c, 2, "skip")) {
		if (!(cl->flags & CL_REPLY_OFF))
			cl->flags |= CL_REPLY_SKIP_NEXT;
	} else {
		reply_error(c->out, ERR_SYNTAX);
	}
}

static void client_onoff_flag(struct cmd_ctx *c, uint32_t flag)
{
	if (ARGIS(c, 2, "on"))
		c->cl->flags |= flag;
	else if (ARGIS(c, 2, "off"))
		c->cl->flags &= ~flag;
	else {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	reply_ok(c->out);
}

static void client_setname(struct cmd_ctx *c)
{
	const struct resp_arg *a = &c->argv[2];
	for (size_t i = 0; i < a->len; i++) {
		unsigned char ch = (unsigned char)a->ptr[i];
		if (ch < '!' || ch > '~') {
			reply_error(c->out, "ERR Client names cannot contain spaces, newlines or special characters.");
			return;
		}
	}
	client_set_name(c->cl, a);
	reply_ok(c->out);
}

static void client_tracking(struct cmd_ctx *c)
{
	if (ARGIS(c, 2, "off") && c->argc == 3) {
		reply_ok(c->out);       /* tracking is never on */
		return;
	}
	if (!ARGIS(c, 2, "on") && !ARGIS(c, 2, "off")) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	reply_error(c->out, "ERR CLIENT TRACKING (client side caching) is not supported yet by petrel");
}

static void client_unblock(struct cmd_ctx *c)
{
	long long id;
	if (c->argc > 4) {
		subcmd_syntax(c, "CLIENT");
		return;
	}
	if (arg_ll(&c->argv[2], &id) < 0) {
		reply_error(c->out, ERR_NOT_INT);
		return;
	}
	if (c->argc == 4 && !ARGIS(c, 3, "timeout") && !ARGIS(c, 3, "error")) {
		reply_error(c->out, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
		return;
	}
	/* Runs with every shard held (route_client): find the client anywhere. */
	int with_error = c->argc == 4 && ARGIS(c, 3, "error");
	for (int i = 0; i < nshards; i++)
		for (struct client *o = shards[i].clients; o; o = o->next)
			if (o->id == (uint64_t)id && (o->flags & CL_BLOCKED)) {
				reply_int(c->out, block_unblock(o, with_error));
				return;
			}
	reply_int(c->out, 0);
}

static const char *const client_help[] = {
	"CACHING (YES|NO)",
	"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
	"GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
	"GETNAME", "    Return the name of the current connection.",
	"ID", "    Return the ID of the current connection.",
	"INFO", "    Return information about the current client connection.",
	"KILL <ip:port>", "    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"UNPAUSE", "    Stop the current client pause, resuming traffic.",
	"PAUSE <timeout> [WRITE|ALL]",
	"    Suspend all, or just write, clients for <timeout> milliseconds.",
	"REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
	"SETNAME <name>", "    Assign the name <name> to the current connection.",
	"UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
	"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
	"         [OPTIN] [OPTOUT] [NOLOOP]",
	"    Control server assisted client side caching.",
	"TRACKINGINFO", "    Report tracking status for the current connection.",
	"NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
	"NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.",
};

void cmd_client(struct cmd_ctx *c)
{
	struct rbuf *o = c->out;
	switch (subcmd_find(c, "CLIENT", client_subs, NELEM(client_subs))) {
	case SUB_LIST: client_list(c); return;
	case SUB_INFO: {
		struct rbuf text;
		rbuf_init(&text, 2);
		client_line(&text, c->cl, c, c->now);
		reply_verbatim(o, text.data, text.len, "txt");
		rbuf_deinit(&text);
		return;
	}
	case SUB_ID: reply_int(o, (long long)c->cl->id); return;
	case SUB_SETNAME: client_setname(c); return;
	case SUB_GETNAME:
		if (c->cl->name)
			reply_bulk_str(o, c->cl->name);
		else
			reply_null(o);
		return;
	case SUB_KILL: client_kill(c); return;
	case SUB_PAUSE: client_pause(c); return;
	case SUB_UNPAUSE: client_unpause(c); return;
	case SUB_REPLY: client_reply(c); return;
	case SUB_NOEVICT: client_onoff_flag(c, CL_NO_EVICT); return;
	case SUB_NOTOUCH: client_onoff_flag(c, CL_NO_TOUCH); return;
	case SUB_TRACKING: client_tracking(c); return;
	case SUB_GETREDIR: reply_int(o, -1); return;
	case SUB_CACHING:
		/* Tracking is never on, so Redis's first check always fails. */
		reply_error(o, "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
		return;
	case SUB_TRACKINGINFO:
		reply_map(o, 3);
		reply_bulk_str(o, "flags");
		reply_set(o, 1);
		reply_bulk_str(o, "off");
		reply_bulk_str(o, "redirect");
		reply_int(o, -1);
		reply_bulk_str(o, "prefixes");
		reply_array(o, 0);
		return;
	case SUB_UNBLOCK: client_unblock(c); return;
	case SUB_HELP: subcmd_help(c, "CLIENT", client_help, NELEM(client_help)); return;
	default: return;
	}
}
