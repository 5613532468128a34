/* cmd_server.c — COMMAND, TIME, and the MONITOR delivery path.
 *
 * Thread: the client's shard; monitor_deliver posts copies to other shards.
 */
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include "server/loop.h"

#include <string.h>

/* Redis's HELP reply layout (cmd_admin.c). */
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);

void client_set_name(struct client *cl, const struct resp_arg *a);
void client_set_name(struct client *cl, const struct resp_arg *a)
{
	pfree(cl->name);
	cl->name = NULL;
	if (a->len) {
		cl->name = pmalloc(a->len + 1);
		memcpy(cl->name, a->ptr, a->len);
		cl->name[a->len] = 0;
	}
}

void cmd_time(struct cmd_ctx *c)
{
	long long us = shard_ustime();
	reply_array(c->out, 2);
	reply_bulk_ll(c->out, us / 1000000);
	reply_bulk_ll(c->out, us % 1000000);
}

/* ---- COMMAND ------------------------------------------------------------ */

static const struct { uint32_t flag; const char *name; } flag_names[] = {
	{CMD_WRITE, "write"}, {CMD_READONLY, "readonly"}, {CMD_DENYOOM, "denyoom"},
	{CMD_ADMIN, "admin"}, {CMD_PUBSUB, "pubsub"}, {CMD_NOSCRIPT, "noscript"},
	{CMD_BLOCKING, "blocking"}, {CMD_LOADING, "loading"}, {CMD_STALE, "stale"},
	{CMD_SKIP_MONITOR, "skip_monitor"}, {CMD_SKIP_SLOWLOG, "skip_slowlog"},
	{CMD_FAST, "fast"}, {CMD_NO_AUTH, "no_auth"}, {CMD_MAY_REPLICATE, "may_replicate"},
	{CMD_NO_MULTI, "no_multi"}, {CMD_ALLOW_BUSY, "allow_busy"}, {CMD_MOVABLE, "movablekeys"},
};

static void reply_words(struct rbuf *o, const char *words, const char *prefix)
{
	int n = 0;
	for (const char *p = words; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	reply_set(o, n);
	char tmp[64];
	for (const char *p = words; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		size_t pl = strlen(prefix), wl = (size_t)(p - s);
		if (pl + wl >= sizeof(tmp))
			wl = sizeof(tmp) - pl - 1;
		memcpy(tmp, prefix, pl);
		memcpy(tmp + pl, s, wl);
		tmp[pl + wl] = 0;
		reply_simple(o, tmp);
	}
}

static void reply_tips(struct rbuf *o, const char *t)
{
	int n = 0;
	for (const char *p = t; p && *p;) {
		while (*p == ' ')
			p++;
		if (*p)
			n++;
		p += strcspn(p, " ");
	}
	reply_array(o, n);
	for (const char *p = t; p && *p;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (l)
			reply_bulk(o, p, l);
		p += l;
	}
}

static void reply_key_flags(struct rbuf *o, unsigned bits)
{
	const char *names[16];
	int n = keyspec_flag_names(bits, names);
	reply_set(o, n);
	for (int i = 0; i < n; i++)
		reply_simple(o, names[i]);
}

/* One key spec as Redis's COMMAND INFO shows it. */
static void reply_keyspec(struct rbuf *o, const struct keyspec *k)
{
	reply_map(o, k->notes ? 4 : 3);
	if (k->notes) {
		reply_bulk_str(o, "notes");
		reply_bulk_str(o, k->notes);
	}
	reply_bulk_str(o, "flags");
	reply_key_flags(o, keyspec_flag_bits(k->flags));
	reply_bulk_str(o, "begin_search");
	reply_map(o, 2);
	reply_bulk_str(o, "type");
	reply_bulk_str(o, k->bs_type);
	reply_bulk_str(o, "spec");
	if (!strcmp(k->bs_type, "index")) {
		reply_map(o, 1);
		reply_bulk_str(o, "index");
		reply_int(o, k->bs_a);
	} else if (!strcmp(k->bs_type, "keyword")) {
		reply_map(o, 2);
		reply_bulk_str(o, "keyword");
		reply_bulk_str(o, k->keyword);
		reply_bulk_str(o, "startfrom");
		reply_int(o, k->bs_a);
	} else {
		reply_map(o, 0);
	}
	reply_bulk_str(o, "find_keys");
	reply_map(o, 2);
	reply_bulk_str(o, "type");
	reply_bulk_str(o, k->fk_type);
	reply_bulk_str(o, "spec");
	static const char *const range[] = {"lastkey", "keystep", "limit"};
	static const char *const keynum[] = {"keynumidx", "firstkey", "keystep"};
	const char *const *names = !strcmp(k->fk_type, "range") ? range
		: !strcmp(k->fk_type, "keynum") ? keynum : NULL;
	if (!names) {
		reply_map(o, 0);
		return;
	}
	int v[3] = {k->a, k->b, k->c};
	reply_map(o, 3);
	for (int i = 0; i < 3; i++) {
		reply_bulk_str(o, names[i]);
		reply_int(o, v[i]);
	}
}

static void reply_command_info(struct rbuf *o, const struct cmd_def *d);
static void reply_subcommands(struct rbuf *o, const struct cmd_def *d);
static void reply_command_info(struct rbuf *o, const struct cmd_def *d)
{
	reply_array(o, 10);
	reply_bulk_str(o, d->name);
	reply_int(o, d->arity);
	if (cmd_is_container(d)) {
		/* Redis declares no flags on a container, only on its subcommands */
		reply_set(o, 0);
		reply_int(o, 0);
		reply_int(o, 0);
		reply_int(o, 0);
		reply_words(o, "slow", "@");
		reply_array(o, 0);
		reply_array(o, 0);
		reply_subcommands(o, d);
		return;
	}
	int nf = 0;
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (d->flags & flag_names[i].flag)
			nf++;
	reply_set(o, nf);
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (d->flags & flag_names[i].flag)
			reply_simple(o, flag_names[i].name);
	reply_int(o, d->first);
	reply_int(o, d->last);
	reply_int(o, d->step);
	reply_words(o, d->acl, "@");
	reply_tips(o, cmd_tips(d));
	int nks;
	const struct keyspec *ks = cmd_keyspecs(d, &nks);
	if (ks) {
		reply_array(o, nks);
		for (int i = 0; i < nks; i++)
			reply_keyspec(o, &ks[i]);
	} else if (d->first > 0) {
		/* a command Redis 7.0 lacks: one range spec from the table */
		struct keyspec g = {d->name, NULL, "", "index", d->first, NULL, "range",
				    d->last < 0 ? d->last : d->last - d->first, d->step, 0};
		reply_array(o, 1);
		reply_keyspec(o, &g);
	} else {
		reply_array(o, 0);
	}
	reply_array(o, 0);      /* not a container: no subcommands */
}

/* Every "name|sub" entry of container d, in table order (Redis lists them in
 * its dict's order, which changes from one process to the next). */
static void reply_subcommands(struct rbuf *o, const struct cmd_def *d)
{
	size_t pos = reply_defer(o);
	long n = 0;
	size_t pl = strlen(d->name);
	for (int i = 0; i < cmd_count; i++) {
		const struct cmd_def *s = &cmd_table[i];
		if (!strncmp(s->name, d->name, pl) && s->name[pl] == '|') {
			reply_command_info(o, s);
			n++;
		}
	}
	reply_set_deferred(o, pos, '*', n);
}

static int top_level_count(void)
{
	int n = 0;
	for (int i = 0; i < cmd_count; i++)
		n += !cmd_is_subcommand(&cmd_table[i]);
	return n;
}

static void reply_all_info(struct rbuf *o)
{
	reply_array(o, top_level_count());
	for (int i = 0; i < cmd_count; i++)
		if (!cmd_is_subcommand(&cmd_table[i]))
			reply_command_info(o, &cmd_table[i]);
}

static void reply_command_doc(struct rbuf *o, const struct cmd_def *d)
{
	reply_bulk_str(o, d->name);
	reply_map(o, 4);
	reply_bulk_str(o, "summary");
	reply_bulk_str(o, "");
	reply_bulk_str(o, "since");
	reply_bulk_str(o, "1.0.0");
	reply_bulk_str(o, "group");
	const char *g = "generic";
	if (strstr(d->acl, "string"))
		g = "string";
	else if (strstr(d->acl, "bitmap"))
		g = "bitmap";
	else if (strstr(d->acl, "connection"))
		g = "connection";
	else if (strstr(d->acl, "scripting"))
		g = "scripting";
	else if (strstr(d->acl, "keyspace"))
		g = "generic";
	else
		g = "server";
	reply_bulk_str(o, g);
	reply_bulk_str(o, "arguments");
	reply_array(o, 0);
}

/* Redis's scripting commands may name no key at all. */
static int no_mandatory_keys(const struct cmd_def *d)
{
	static const char *const names[] = {"eval", "eval_ro", "evalsha", "evalsha_ro", "fcall", "fcall_ro"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(d->name, names[i]))
			return 1;
	return 0;
}

/* COMMAND GETKEYS / GETKEYSANDFLAGS <full command>: the keys (and their
 * flags) as Redis's key specs and getkeys rules find them, with its errors. */
static void getkeys_reply(struct cmd_ctx *c, int with_flags)
{
	struct rbuf *o = c->out;
	const struct cmd_def *d = cmd_lookup(c->argv[2].ptr, c->argv[2].len);
	int argc = c->argc - 2;
	if (d && cmd_is_container(d) && argc >= 2)
		d = cmd_lookup_sub(d, c->argv[3].ptr, c->argv[3].len);
	if (!d) {
		reply_error(o, "ERR Invalid command specified");
		return;
	}
	int nks;
	if (!cmd_keyspecs(d, &nks) && d->first <= 0 && !d->getkeys) {
		reply_error(o, "ERR The command has no key arguments");
		return;
	}
	if ((d->arity > 0 && argc != d->arity) || argc < -d->arity) {
		reply_error(o, "ERR Invalid number of arguments specified for command");
		return;
	}
	int *pos = pmalloc((size_t)argc * sizeof(int));
	unsigned *fl = pmalloc((size_t)argc * sizeof(unsigned));
	int nk = cmd_keys_with_flags(d, argc, c->argv + 2, pos, fl, argc);
	if (nk <= 0 && no_mandatory_keys(d)) {
		reply_array(o, 0);
	} else if (nk <= 0) {
		reply_error(o, "ERR Invalid arguments specified for command");
	} else {
		reply_array(o, nk);
		for (int i = 0; i < nk; i++) {
			if (with_flags)
				reply_array(o, 2);
			reply_bulk(o, c->argv[2 + pos[i]].ptr, c->argv[2 + pos[i]].len);
			if (with_flags)
				reply_key_flags(o, fl[i]);
		}
	}
	pfree(pos);
	pfree(fl);
}

void cmd_command(struct cmd_ctx *c)
{
	struct rbuf *o = c->out;
	if (c->argc == 1) {
		reply_all_info(o);
		return;
	}
	if (ARGIS(c, 1, "count") && c->argc == 2) {
		reply_int(o, top_level_count());
		return;
	}
	if (ARGIS(c, 1, "info")) {
		if (c->argc == 2) {
			reply_all_info(o);
			return;
		}
		reply_array(o, c->argc - 2);
		for (int i = 2; i < c->argc; i++) {
			const struct cmd_def *d = cmd_lookup(c->argv[i].ptr, c->argv[i].len);
			if (d)
				reply_command_info(o, d);
			else
				reply_null_array(o);
		}
		return;
	}
	if (ARGIS(c, 1, "docs")) {
		int n = 0;
		const struct cmd_def *found[256];
		if (c->argc == 2) {
			for (int i = 0; i < cmd_count && n < 256; i++)
				if (!cmd_is_subcommand(&cmd_table[i]))
					found[n++] = &cmd_table[i];
		} else {
			for (int i = 2; i < c->argc && n < 256; i++) {
				const struct cmd_def *d = cmd_lookup(c->argv[i].ptr, c->argv[i].len);
				if (d)
					found[n++] = d;
			}
		}
		reply_map(o, n);
		for (int i = 0; i < n; i++)
			reply_command_doc(o, found[i]);
		return;
	}
	if (ARGIS(c, 1, "list")) {
		const char *filter = NULL;
		struct resp_arg fv = {0};
		if (c->argc == 5 && ARGIS(c, 2, "filterby")) {
			fv = c->argv[4];
			if (ARGIS(c, 3, "aclcat"))
				filter = "aclcat";
			else if (ARGIS(c, 3, "pattern"))
				filter = "pattern";
			else if (ARGIS(c, 3, "module"))
				filter = "module";
		}
		if (c->argc != 2 && !filter) {
			reply_error(o, ERR_SYNTAX);
			return;
		}
		size_t pos = reply_defer(o);
		long n = 0;
		for (int i = 0; i < cmd_count; i++) {
			const struct cmd_def *d = &cmd_table[i];
			if (filter && !strcmp(filter, "module"))
				continue;
			if (filter && !strcmp(filter, "aclcat")) {
				char cat[64];
				size_t l = fv.len < 63 ? fv.len : 63;
				memcpy(cat, fv.ptr, l);
				cat[l] = 0;
				const char *hit = strstr(d->acl, cat);
				if (!hit || (hit != d->acl && hit[-1] != ' ') || (hit[l] && hit[l] != ' '))
					continue;
			}
			if (filter && !strcmp(filter, "pattern")) {
				extern int config_glob_match(const char *, const char *, int);
				char pat[256];
				size_t l = fv.len < 255 ? fv.len : 255;
				memcpy(pat, fv.ptr, l);
				pat[l] = 0;
				if (!config_glob_match(pat, d->name, 1))
					continue;
			}
			reply_bulk_str(o, d->name);
			n++;
		}
		reply_set_deferred(o, pos, '*', n);
		return;
	}
	if ((ARGIS(c, 1, "getkeys") || ARGIS(c, 1, "getkeysandflags")) && c->argc >= 3) {
		getkeys_reply(c, ARGIS(c, 1, "getkeysandflags"));
		return;
	}
	if (ARGIS(c, 1, "help")) {
		static const char *const lines[] = {
			"(no subcommand)", "    Return details about all Redis commands.",
			"COUNT", "    Return the total number of commands in this Redis server.",
			"LIST", "    Return a list of all commands in this Redis server.",
			"INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
			"    If no command names are given, documentation details for all",
			"    commands are returned.",
			"DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
			"    If no command names are given, documentation details for all",
			"    commands are returned.",
			"GETKEYS <full-command>", "    Return the keys from a full Redis command.",
			"GETKEYSANDFLAGS <full-command>",
			"    Return the keys and the access flags from a full Redis command.",
		};
		subcmd_help(c, "COMMAND", lines, (int)(sizeof(lines) / sizeof(lines[0])));
		return;
	}
	reply_errorf(o, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try COMMAND HELP.",
		     (int)c->argv[1].len, c->argv[1].ptr);
}

/* ---- MONITOR ------------------------------------------------------------- */

extern int stats_monitors;

struct monitor_line {
	struct msg_call call;
	size_t len;
	char data[];
};

static void deliver_local(struct shard *s, const char *line, size_t len)
{
	for (struct client *cl = s->clients; cl; cl = cl->next) {
		if (!(cl->flags & CL_MONITOR) || (cl->flags & CL_CLOSING))
			continue;
		rbuf_append(&cl->out, line, len);
		loop_want_flush(s, cl);
	}
}

static void monitor_remote(void *arg)
{
	struct monitor_line *m = arg;
	deliver_local(shard_self(), m->data, m->len);
}

static void monitor_done(struct msg_call *m)
{
	pfree(m);
}

void monitor_deliver(struct shard *from, const char *line, size_t len);
void monitor_deliver(struct shard *from, const char *line, size_t len)
{
	for (int i = 0; i < nshards; i++) {
		if (i == from->id) {
			deliver_local(from, line, len);
			continue;
		}
		struct monitor_line *m = pmalloc(sizeof(*m) + len);
		m->call.fn = monitor_remote;
		m->call.arg = m;
		m->call.done = monitor_done;
		m->len = len;
		memcpy(m->data, line, len);
		shard_call(i, &m->call);
	}
}
