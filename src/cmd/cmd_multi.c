/* cmd_multi.c — MULTI, EXEC, DISCARD and the transaction queue.
 *
 * Thread: the client's shard. EXEC runs inline when every queued command's
 * keys are local, else as the coordinator of a hold over every involved
 * shard (routing in src/server/exec.c); either way it runs the queue here.
 */
#include <petrel/multi.h>
#include <petrel/alloc.h>
#include <petrel/exec.h>
#include <petrel/shard.h>
#include <petrel/slot.h>
#include <petrel/watch.h>

#include <string.h>

void multi_queue_add(struct client *cl, const struct cmd_def *d, int argc, const struct resp_arg *argv)
{
	struct multi_queue *q = cl->mq;
	if (!q)
		q = cl->mq = pcalloc(1, sizeof(*q));
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 8;
		q->cmds = prealloc(q->cmds, (size_t)q->cap * sizeof(*q->cmds));
	}
	size_t bytes = 0;
	for (int i = 0; i < argc; i++)
		bytes += argv[i].len + 1;
	struct multi_cmd *m = &q->cmds[q->n++];
	m->def = d;
	m->argc = argc;
	m->argv = pmalloc((size_t)argc * sizeof(struct resp_arg) + bytes);
	char *p = (char *)(m->argv + argc);
	for (int i = 0; i < argc; i++) {
		memcpy(p, argv[i].ptr, argv[i].len);
		p[argv[i].len] = 0;
		m->argv[i].ptr = p;
		m->argv[i].len = argv[i].len;
		p += argv[i].len + 1;
	}
}

void multi_discard(struct client *cl)
{
	struct multi_queue *q = cl->mq;
	cl->flags &= ~(CL_MULTI | CL_DIRTY_EXEC);
	if (!q)
		return;
	for (int i = 0; i < q->n; i++)
		pfree(q->cmds[i].argv);
	pfree(q->cmds);
	pfree(q);
	cl->mq = NULL;
}

int multi_shards(struct client *cl, int *ids, int cap)
{
	struct multi_queue *q = cl->mq;
	int n = 0;
	if (!q)
		return 0;
	for (int i = 0; i < q->n; i++) {
		const struct multi_cmd *m = &q->cmds[i];
		const struct cmd_def *d = m->def;
		int rt = d->route ? d->route(m->argc, m->argv) : ROUTE_KEYS;
		if ((d->flags & CMD_ALLSHARDS) || rt == ROUTE_ALL)
			return -1;
		if (rt >= 0) {
			if (n < cap)
				ids[n++] = rt;
			continue;
		}
		int keys[64];
		int nk = cmd_keys(d, m->argc, m->argv, keys, 64);
		if (nk == 64)
			return -1;      /* too many to list: hold everything */
		for (int k = 0; k < nk; k++) {
			const struct resp_arg *a = &m->argv[keys[k]];
			int sh = shard_of_slot(slot_of(a->ptr, a->len));
			int seen = 0;
			for (int j = 0; j < n && !seen; j++)
				seen = ids[j] == sh;
			if (!seen) {
				if (n == cap)
					return -1;
				ids[n++] = sh;
			}
		}
	}
	return n;
}

void cmd_multi(struct cmd_ctx *c)
{
	if (c->cl->flags & CL_MULTI) {
		reply_error(c->out, "ERR MULTI calls can not be nested");
		return;
	}
	c->cl->flags |= CL_MULTI;
	reply_ok(c->out);
}

void cmd_discard(struct cmd_ctx *c)
{
	if (!(c->cl->flags & CL_MULTI)) {
		reply_error(c->out, "ERR DISCARD without MULTI");
		return;
	}
	multi_discard(c->cl);
	watch_release(c->cl);
	reply_ok(c->out);
}

void cmd_watch(struct cmd_ctx *c)
{
	if (c->cl->flags & CL_MULTI) {
		reply_error(c->out, "ERR WATCH inside MULTI is not allowed");
		return;
	}
	/* Runs on the client's shard holding every key's shard (CMD_COORD). */
	for (int i = 1; i < c->argc; i++)
		watch_key(c->cl, c->db, c->argv[i].ptr, c->argv[i].len);
	reply_ok(c->out);
}

void cmd_unwatch(struct cmd_ctx *c)
{
	watch_release(c->cl);
	reply_ok(c->out);
}

void cmd_exec(struct cmd_ctx *c)
{
	struct client *cl = c->cl;
	if (!(cl->flags & CL_MULTI)) {
		reply_error(c->out, "ERR EXEC without MULTI");
		return;
	}
	if (cl->flags & CL_DIRTY_EXEC) {
		multi_discard(cl);
		watch_release(cl);
		reply_error(c->out, "EXECABORT Transaction discarded because of previous errors.");
		return;
	}
	if (watch_is_dirty(cl)) {
		/* A watched key changed: run nothing. */
		multi_discard(cl);
		watch_release(cl);
		reply_null_array(c->out);
		return;
	}
	watch_release(cl);
	struct multi_queue *q = cl->mq;
	cl->mq = NULL;
	cl->flags &= ~CL_MULTI;
	int n = q ? q->n : 0;
	reply_array(c->out, n);
	for (int i = 0; i < n; i++) {
		struct multi_cmd *m = &q->cmds[i];
		struct cmd_ctx sc;
		exec_ctx_init(&sc, cl, m->def, m->argc, m->argv, c->out);
		sc.multi_shard = c->multi_shard;
		sc.in_exec = 1;
		exec_run(&sc);
	}
	if (q) {
		cl->mq = q;
		multi_discard(cl);
	}
}
