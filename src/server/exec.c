/* exec.c — admission checks, routing, forwarded batches, stats around a run.
 *
 * Thread: exec_command/exec_batch_done on the client's shard; exec_run_batch
 * on the target shard; exec_run wherever the handler runs.
 *
 * DESIGN: a client's commands execute strictly in order. Consecutive commands
 * for the same foreign shard join one batch (one message, one wake-up); a
 * command for anywhere else first waits for the batch to come back
 * (EXEC_STALL), so no command overtakes an earlier one of its connection.
 */
#include <petrel/exec.h>
#include <petrel/alloc.h>
#include <petrel/hold.h>
#include <petrel/log.h>
#include <petrel/multi.h>
#include <petrel/block.h>
#include <petrel/pubsub.h>
#include <petrel/server.h>
#include <petrel/slot.h>

#include "loop.h"
#include "stats.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_STACK_KEYS 64
#define BATCH_MAX_CMDS 32
#define BATCH_MAX_BYTES (256 * 1024)

void cmd_exec(struct cmd_ctx *c);
void cmd_discard(struct cmd_ctx *c);
void cmd_multi(struct cmd_ctx *c);
void cmd_quit(struct cmd_ctx *c);
void cmd_reset(struct cmd_ctx *c);
int evict_before_write(struct shard *s);
void latency_add_sample(const char *event, long long ms);

void exec_ctx_init(struct cmd_ctx *c, struct client *cl, const struct cmd_def *d, int argc,
		   struct resp_arg *argv, struct rbuf *out)
{
	struct shard *s = shard_self();
	c->sh = s;
	c->cl = cl;
	c->def = d;
	c->argc = argc;
	c->argv = argv;
	c->out = out;
	c->db = cl ? cl->db : 0;
	c->now = s->now_ms;
	c->client_id = cl ? cl->id : 0;
	c->resp = cl ? cl->resp : 2;
	c->multi_shard = 0;
	c->in_exec = 0;
}

void exec_run(struct cmd_ctx *c)
{
	/* maxmemory is enforced where the command executes: this shard (or, under
	 * a hold, this coordinator) evicts from the keys it owns. */
	if (srv.maxmemory && (c->def->flags & CMD_DENYOOM) && evict_before_write(c->sh) < 0) {
		cmd_stats(c->sh->id)[cmd_index(c->def)].rejected++;
		reply_error(c->out, "OOM command not allowed when used memory > 'maxmemory'.");
		return;
	}
	uint32_t errs = c->out->errors;
	long long t0 = shard_ticks();
	c->def->fn(c);
	long long dur = shard_ticks_to_us(shard_ticks() - t0);
	struct cmd_stat *st = &cmd_stats(c->sh->id)[cmd_index(c->def)];
	st->calls++;
	st->usec += (uint64_t)dur;
	uint64_t ns = dur > 0 ? (uint64_t)dur * 1000 : 1;
	int k = 0;
	while (k < CMD_HIST_BUCKETS - 1 && ns >= (1032ULL << k))
		k++;
	st->hist[k]++;
	if (c->out->errors != errs)
		st->failed++;
	c->sh->stats.commands++;
	if (!(c->def->flags & CMD_SKIP_SLOWLOG))
		stats_slowlog_maybe(c, dur);
	/* LATENCY: Redis files slow fast-flagged commands under "fast-command". */
	if (srv.latency_threshold > 0 && dur / 1000 >= srv.latency_threshold)
		latency_add_sample((c->def->flags & CMD_FAST) ? "fast-command" : "command", dur / 1000);
}

static void unknown_command(struct client *cl, struct resp_cmd *cmd)
{
	char msg[512];
	/* The name may hold NULs; copy at most 128 bytes of it by hand. */
	int n = snprintf(msg, sizeof(msg), "ERR unknown command '");
	size_t nl = cmd->argv[0].len < 128 ? cmd->argv[0].len : 128;
	memcpy(msg + n, cmd->argv[0].ptr, nl);
	n += (int)nl;
	n += snprintf(msg + n, sizeof(msg) - (size_t)n, "', with args beginning with: ");
	/* Redis appends "'<arg>' " while the args text is under 128 bytes,
	 * each arg cut to what is left of those 128. */
	size_t args_len = 0;
	for (int i = 1; i < cmd->argc && args_len < 128; i++) {
		size_t room = 128 - args_len;
		size_t al = cmd->argv[i].len < room ? cmd->argv[i].len : room;
		if ((size_t)n + al + 4 >= sizeof(msg))
			break;
		msg[n++] = '\'';
		memcpy(msg + n, cmd->argv[i].ptr, al);
		n += (int)al;
		msg[n++] = '\'';
		msg[n++] = ' ';
		args_len += al + 3;
	}
	msg[n] = 0;
	/* NULs inside would cut the text: map them to spaces. */
	for (int i = 0; i < n; i++)
		if (!msg[i])
			msg[i] = ' ';
	reply_error(&cl->out, msg);
}

static void reject(struct client *cl, const struct cmd_def *d, const char *msg)
{
	if (cl->flags & CL_MULTI)
		cl->flags |= CL_DIRTY_EXEC;     /* EXEC will reply EXECABORT */
	if (d)
		cmd_stats(cl->shard)[cmd_index(d)].rejected++;
	reply_error(&cl->out, msg);
}

/* Reply suppression (CLIENT REPLY OFF/SKIP): run into a scratch buffer. */
struct rbuf *exec_out_begin(struct client *cl, struct rbuf *scratch)
{
	if (cl->flags & (CL_REPLY_OFF | CL_REPLY_SKIP)) {
		rbuf_init(scratch, cl->resp);
		scratch->on_error = cl->out.on_error;
		scratch->on_error_arg = cl->out.on_error_arg;
		return scratch;
	}
	return &cl->out;
}

void exec_out_end(struct client *cl, struct rbuf *target, struct rbuf *scratch)
{
	if (scratch && target == scratch) {
		/* The command itself lifted OFF (RESET, CLIENT REPLY ON): its
		 * reply goes out after all. */
		if (!(cl->flags & (CL_REPLY_OFF | CL_REPLY_SKIP)) && scratch->len)
			rbuf_append(&cl->out, scratch->data, scratch->len);
		rbuf_deinit(scratch);
	}
	/* SKIP covers exactly the next command: CLIENT REPLY SKIP sets
	 * SKIP_NEXT, which becomes SKIP for the following command. */
	if (cl->flags & CL_REPLY_SKIP)
		cl->flags &= ~CL_REPLY_SKIP;
	if (cl->flags & CL_REPLY_SKIP_NEXT) {
		cl->flags &= ~CL_REPLY_SKIP_NEXT;
		cl->flags |= CL_REPLY_SKIP;
	}
}

static void batch_append(struct client *cl, const struct cmd_def *d, struct resp_cmd *cmd, int to)
{
	struct msg_exec *m = cl->batch;
	if (!m) {
		m = pcalloc(1, sizeof(*m));
		m->hdr.type = MSG_EXEC;
		m->cl = cl;
		m->db = cl->db;
		m->resp = cl->resp;
		m->client_id = cl->id;
		m->discard = (cl->flags & (CL_REPLY_OFF | CL_REPLY_SKIP)) != 0;
		rbuf_init(&m->req, 2);
		rbuf_init(&m->out, cl->resp);
		cl->batch = m;
		cl->batch_to = to;
	}
	uint32_t hdr[2] = {(uint32_t)cmd_index(d), (uint32_t)cmd->argc};
	rbuf_append(&m->req, hdr, sizeof(hdr));
	for (int i = 0; i < cmd->argc; i++) {
		uint32_t len = (uint32_t)cmd->argv[i].len;
		rbuf_append(&m->req, &len, 4);
		rbuf_append(&m->req, cmd->argv[i].ptr, len);
	}
	m->ncmds++;
}

int exec_flush_batch(struct client *cl)
{
	struct msg_exec *m = cl->batch;
	if (!m)
		return 0;
	cl->batch = NULL;
	cl->waiting = 1;
	cl->refs++;
	shard_send(cl->batch_to, &m->hdr);
	return 1;
}

static int debug_allowed(struct client *cl)
{
	if (srv.enable_debug == 1)
		return 1;
	if (srv.enable_debug == 2)
		return (cl->flags & CL_UNIX) || !strncmp(cl->addr, "127.", 4) ||
		       !strncmp(cl->addr, "::1:", 4);
	return 0;
}

int exec_command(struct client *cl, struct resp_cmd *cmd)
{
	struct shard *s = shard_self();
	const struct cmd_def *d = cmd_lookup(cmd->argv[0].ptr, cmd->argv[0].len);
	const struct cmd_def *sub = NULL;
	if (d && cmd->argc >= 2 && cmd_is_container(d))
		sub = cmd_lookup_sub(d, cmd->argv[1].ptr, cmd->argv[1].len);
	int bad_sub = d && cmd->argc >= 2 && cmd_is_container(d) && !sub;
	if (sub)
		d = sub;
	int inline_reply = !d || bad_sub ||
			   (d->arity > 0 ? cmd->argc != d->arity : cmd->argc < -d->arity);
	if (inline_reply && cl->batch)
		return EXEC_STALL;
	if (!d) {
		if (cl->flags & CL_MULTI)
			cl->flags |= CL_DIRTY_EXEC;
		unknown_command(cl, cmd);
		return EXEC_DONE;
	}
	if (bad_sub) {
		char msg[256], up[48];
		size_t n = strlen(d->name);
		for (size_t i = 0; i <= n && i < sizeof(up); i++)
			up[i] = (char)toupper((unsigned char)d->name[i]);
		int sl = cmd->argv[1].len > 128 ? 128 : (int)cmd->argv[1].len;
		snprintf(msg, sizeof(msg), "ERR unknown subcommand '%.*s'. Try %s HELP.", sl,
			 cmd->argv[1].ptr, up);
		reject(cl, NULL, msg);
		return EXEC_DONE;
	}
	if (inline_reply) {
		char msg[160];
		snprintf(msg, sizeof(msg), "ERR wrong number of arguments for '%s' command", d->name);
		reject(cl, d, msg);
		return EXEC_DONE;
	}
	cl->last_cmd = d->name;
	cl->commands++;

	/* MULTI: queue everything but the transaction controls. */
	if ((cl->flags & CL_MULTI) && d->fn != cmd_exec && d->fn != cmd_discard &&
	    d->fn != cmd_multi && d->fn != cmd_quit && d->fn != cmd_reset &&
	    strcmp(d->name, "watch") != 0) {
		if (cl->batch)
			return EXEC_STALL;
		if (d->flags & CMD_NO_MULTI) {
			reject(cl, d, "ERR Command not allowed inside a transaction");
			return EXEC_DONE;
		}
		if (!(cl->flags & CL_AUTHED) && !(d->flags & CMD_NO_AUTH)) {
			reject(cl, d, "NOAUTH Authentication required.");
			return EXEC_DONE;
		}
		multi_queue_add(cl, d, cmd->argc, cmd->argv);
		rbuf_append(&cl->out, "+QUEUED\r\n", 9);
		return EXEC_DONE;
	}
	if (d->fn == cmd_exec && (cl->flags & CL_MULTI) && !(cl->flags & CL_DIRTY_EXEC) &&
	    nshards > 1) {
		int ids[SHARD_MAX];
		int n = multi_shards(cl, ids, SHARD_MAX);
		int local = n == 0 || (n == 1 && ids[0] == s->id);
		if (!local) {
			if (cl->batch)
				return EXEC_STALL;
			hold_start(cl, d, cmd->argc, cmd->argv, n < 0 ? NULL : ids, n < 0 ? 0 : n);
			return EXEC_WAIT;
		}
	}

	/* Route: which shards hold the keys? */
	int keys_stack[MAX_STACK_KEYS];
	int *keys = keys_stack;
	int max = cmd->argc < MAX_STACK_KEYS ? MAX_STACK_KEYS : cmd->argc;
	if (max > MAX_STACK_KEYS)
		keys = pmalloc((size_t)max * sizeof(int));
	/* One shard: everything is local, skip the slot arithmetic. */
	int nkeys = nshards > 1 ? cmd_keys(d, cmd->argc, cmd->argv, keys, max) : 0;
	int target = -1, multi = 0;
	for (int i = 0; i < nkeys; i++) {
		const struct resp_arg *k = &cmd->argv[keys[i]];
		int sh = shard_of_slot(slot_of(k->ptr, k->len));
		if (target < 0)
			target = sh;
		else if (sh != target)
			multi = 1;
	}
	int rt = d->route ? d->route(cmd->argc, cmd->argv) : ROUTE_KEYS;
	if (rt == ROUTE_LOCAL || rt == ROUTE_ALL) {
		target = -1;
		multi = rt == ROUTE_ALL && nshards > 1;
	} else if (rt >= 0) {
		target = rt;
		multi = 0;
	}
	if ((d->flags & CMD_ALLSHARDS) && nshards > 1)
		multi = 1;
	int remote = !multi && target >= 0 && target != s->id;
	if (remote && (d->flags & CMD_COORD)) {
		/* Needs the client (WATCH): hold the key's shard instead of forwarding. */
		remote = 0;
		multi = 1;
	}
	if (cl->batch && (!remote || target != cl->batch_to)) {
		if (keys != keys_stack)
			pfree(keys);
		return EXEC_STALL;
	}

	/* Admission checks that need no shard (docs/resp.md §6.4 order). */
	const char *deny = NULL;
	if (!strcmp(d->name, "debug") && !debug_allowed(cl))
		deny = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";
	else if (!(cl->flags & CL_AUTHED) && !(d->flags & CMD_NO_AUTH))
		deny = "NOAUTH Authentication required.";
	/* Pub/Sub: a RESP2 subscriber may only (un)subscribe, PING, QUIT, RESET. */
	char ps_deny[256];
	if (!deny && cl->ps)
		deny = pubsub_deny(cl, d, ps_deny, sizeof(ps_deny));
	if (deny) {
		if (keys != keys_stack)
			pfree(keys);
		if (cl->batch)
			return EXEC_STALL;
		reject(cl, d, deny);
		return EXEC_DONE;
	}
	/* CLIENT PAUSE: postpone (cron retries). */
	long long pu = __atomic_load_n(&srv.paused_until, __ATOMIC_RELAXED);
	if (pu && s->now_ms < pu && !(d->flags & CMD_CLIENT) &&
	    (!srv.pause_write_only || (d->flags & CMD_WRITE))) {
		if (keys != keys_stack)
			pfree(keys);
		cl->flags |= CL_PAUSED;
		return EXEC_STALL;
	}
	stats_monitor_feed(cl, cmd);

	if (multi) {
		/* Shards of the keys; NULL (all) for all-shard commands. */
		int *ids = NULL;
		int nids = 0;
		if (!(d->flags & CMD_ALLSHARDS) && rt != ROUTE_ALL) {
			ids = keys;  /* reuse the array: key index -> shard id */
			for (int i = 0; i < nkeys; i++) {
				const struct resp_arg *k = &cmd->argv[keys[i]];
				ids[i] = shard_of_slot(slot_of(k->ptr, k->len));
			}
			nids = nkeys;
		}
		hold_start(cl, d, cmd->argc, cmd->argv, ids, nids);
		if (keys != keys_stack)
			pfree(keys);
		return EXEC_WAIT;
	}
	if (keys != keys_stack)
		pfree(keys);
	if (remote) {
		batch_append(cl, d, cmd, target);
		exec_out_end(cl, NULL, NULL);
		struct msg_exec *b = cl->batch;
		/* Send now when replies are suppressed (one command per batch keeps
		 * SKIP exact) or the batch is full: its replies come back whole,
		 * outside the parse loop's per-command output back-pressure. */
		if (b->discard || b->ncmds >= BATCH_MAX_CMDS || b->req.len >= BATCH_MAX_BYTES) {
			exec_flush_batch(cl);
			return EXEC_WAIT;
		}
		return EXEC_DONE;
	}
	struct rbuf scratch;
	struct rbuf *out = exec_out_begin(cl, &scratch);
	struct cmd_ctx c;
	exec_ctx_init(&c, cl, d, cmd->argc, cmd->argv, out);
	exec_run(&c);
	exec_out_end(cl, out, &scratch);
	if (block_has_ready(s))
		block_serve(s);         /* serve clients blocked on keys just written */
	return (cl->flags & CL_BLOCKED) ? EXEC_WAIT : EXEC_DONE;
}

void exec_run_batch(struct shard *s, struct msg_exec *m)
{
	const char *p = m->req.data, *end = m->req.data + m->req.len;
	struct resp_arg small[16];
	struct resp_arg *argv = small;
	size_t cap = 16;
	m->out.on_error = stats_on_error;
	m->out.on_error_arg = s;
	while (p < end) {
		uint32_t hdr[2];
		memcpy(hdr, p, sizeof(hdr));
		p += sizeof(hdr);
		if (hdr[1] > cap) {
			if (argv != small)
				pfree(argv);
			cap = hdr[1];
			argv = pmalloc(cap * sizeof(*argv));
		}
		for (uint32_t i = 0; i < hdr[1]; i++) {
			uint32_t len;
			memcpy(&len, p, 4);
			p += 4;
			argv[i].ptr = p;
			argv[i].len = len;
			p += len;
		}
		struct cmd_ctx c;
		exec_ctx_init(&c, NULL, &cmd_table[hdr[0]], (int)hdr[1], argv, &m->out);
		c.db = m->db;
		c.resp = m->resp;
		c.client_id = m->client_id;
		exec_run(&c);
		if (block_has_ready(s))
			block_serve(s);
	}
	if (argv != small)
		pfree(argv);
	m->hdr.type = MSG_EXEC_DONE;
	shard_send(m->hdr.from, &m->hdr);
}

void exec_batch_done(struct shard *s, struct msg_exec *m)
{
	struct client *cl = m->cl;
	cl->refs--;
	if (!m->discard && !(cl->flags & CL_CLOSING)) {
		if (cl->out.len == 0) {
			/* Adopt the reply bytes instead of copying them. */
			struct rbuf t = cl->out;
			cl->out.data = m->out.data;
			cl->out.len = m->out.len;
			cl->out.cap = m->out.cap;
			m->out.data = t.data;
			m->out.cap = t.cap;
			m->out.len = 0;
		} else {
			rbuf_append(&cl->out, m->out.data, m->out.len);
		}
	}
	rbuf_deinit(&m->req);
	rbuf_deinit(&m->out);
	pfree(m);
	(void)s;
	client_resume(cl);
}
