/* block.c — blocked clients, per-shard waiter FIFOs, serving ready keys
 * (see include/petrel/block.h for the protocol).
 *
 * Thread: waiter tables and ready lists per shard (owner or holder); tokens
 * are shared, their state and refcount atomic; client-side state (the
 * client's blocked list, replies) on the client's shard.
 */
#include <petrel/block.h>
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/db.h>
#include <petrel/ds/dict.h>
#include <petrel/exec.h>
#include <petrel/keyspace.h>
#include <petrel/shard.h>

#include "dbkey.h"
#include "loop.h"

#include <math.h>
#include <string.h>

enum { BLK_WAITING = 0, BLK_SERVED, BLK_TIMEDOUT, BLK_CANCELLED };

struct block_token {
	int state;                      /* BLK_*, atomic */
	int refs;                       /* client's + one per FIFO entry, atomic */
	struct client *cl;              /* kept alive by cl->refs while blocked */
	int shard;                      /* client's shard */
	int db;
	uint8_t resp;
	long long deadline;             /* ms, 0 = none */
	const char *timeout_reply;      /* NULL: the null array */
	const struct cmd_def *def;      /* the blocking command */
	int argc;
	struct resp_arg *argv;          /* one block: array then bytes */
	struct block_token *next;       /* client shard's list of blocked tokens */
};

struct bfifo {
	int head, n, cap;
	struct block_token **t;
};

static struct dict *tables[SHARD_MAX];          /* per shard: bkey -> bfifo */
static struct dbkey **ready[SHARD_MAX];          /* per shard: keys to serve */
static int nready[SHARD_MAX], capready[SHARD_MAX];
static struct block_token *blocked[SHARD_MAX];  /* per client shard */
static long nblocked;                           /* atomic */

static void token_put(struct block_token *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		pfree(t->argv);
		pfree(t);
	}
}

static void fifo_free(void *v)
{
	struct bfifo *f = v;
	for (int i = f->head; i < f->head + f->n; i++)
		token_put(f->t[i]);
	pfree(f->t);
	pfree(f);
}

static const struct dict_type btype = {
	.hash = dbkey_hash, .key_compare = dbkey_eq, .key_destructor = pfree,
	.val_destructor = fifo_free,
};

long block_count(void)
{
	return __atomic_load_n(&nblocked, __ATOMIC_RELAXED);
}

int block_parse_timeout(struct cmd_ctx *c, const struct resp_arg *a, long long *deadline)
{
	long double v;
	if (arg_ld(a, &v) || isnan(v) || isinf(v)) {
		reply_error(c->out, "ERR timeout is not a float or out of range");
		return -1;
	}
	if (v < 0) {
		reply_error(c->out, "ERR timeout is negative");
		return -1;
	}
	long double ms = v * 1000.0L;
	if (ms > 9.2e18L - (long double)c->now) {
		reply_error(c->out, "ERR timeout is out of range");
		return -1;
	}
	*deadline = ms > 0 ? c->now + (long long)ceill(ms) : 0;
	return 0;
}

/* ---- blocking ------------------------------------------------------------ */

void block_client(struct cmd_ctx *c, const int *keys, int nkeys, long long deadline)
{
	struct client *cl = c->cl;
	struct block_token *t = pcalloc(1, sizeof(*t));
	t->refs = 1;
	t->cl = cl;
	t->shard = cl->shard;
	t->db = c->db;
	t->resp = c->resp;
	t->deadline = deadline;
	t->def = c->def;
	t->argc = c->argc;
	size_t bytes = 0;
	for (int i = 0; i < c->argc; i++)
		bytes += c->argv[i].len + 1;
	t->argv = pmalloc((size_t)c->argc * sizeof(struct resp_arg) + bytes);
	char *p = (char *)(t->argv + c->argc);
	for (int i = 0; i < c->argc; i++) {
		memcpy(p, c->argv[i].ptr, c->argv[i].len);
		p[c->argv[i].len] = 0;
		t->argv[i].ptr = p;
		t->argv[i].len = c->argv[i].len;
		p += c->argv[i].len + 1;
	}
	for (int i = 0; i < nkeys; i++) {
		const struct resp_arg *k = &c->argv[keys[i]];
		int sh = shard_of_slot(slot_of(k->ptr, k->len));
		if (!tables[sh])
			tables[sh] = dict_create(&btype);
		struct dbkey *bk = dbkey_new(c->db, k->ptr, k->len);
		struct dict_entry *de = dict_find(tables[sh], bk);
		struct bfifo *f;
		if (de) {
			pfree(bk);
			f = de->v.val;
		} else {
			f = pcalloc(1, sizeof(*f));
			dict_add(tables[sh], bk, f);
		}
		if (f->head + f->n == f->cap) {
			if (f->head > 0 && f->head >= f->n) {
				memmove(f->t, f->t + f->head, (size_t)f->n * sizeof(*f->t));
				f->head = 0;
			} else {
				f->cap = f->cap ? f->cap * 2 : 4;
				f->t = prealloc(f->t, (size_t)f->cap * sizeof(*f->t));
			}
		}
		__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
		f->t[f->head + f->n++] = t;
	}
	cl->flags |= CL_BLOCKED;
	cl->block = t;
	cl->refs++;     /* a serve may be in flight after a disconnect */
	t->next = blocked[cl->shard];
	blocked[cl->shard] = t;
	__atomic_add_fetch(&nblocked, 1, __ATOMIC_RELAXED);
}

/* ---- finishing on the client's shard ------------------------------------ */

struct finish_msg {
	struct msg_call call;
	struct block_token *t;
	int retry;
	size_t len;
	char data[];
};

static void unlist(struct block_token *t)
{
	for (struct block_token **pp = &blocked[t->shard]; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
}

/* Detach a claimed token from its client (client's shard). */
static void detach(struct block_token *t)
{
	struct client *cl = t->cl;
	unlist(t);
	__atomic_sub_fetch(&nblocked, 1, __ATOMIC_RELAXED);
	cl->refs--;
	cl->block = NULL;
	cl->flags &= ~CL_BLOCKED;
}

void block_retry_command(struct client *cl, int argc, struct resp_arg *argv);

/* On the client's shard, at top level: deliver the reply (or, with retry,
 * run the blocked command again) and let the client go on. */
static void finish_local(struct block_token *t, const char *data, size_t len, int retry)
{
	struct client *cl = t->cl;
	struct shard *s = &shards[t->shard];
	detach(t);
	if (!(cl->flags & CL_CLOSING)) {
		if (retry)
			block_retry_command(cl, t->argc, t->argv);
		else if (len)
			rbuf_append(&cl->out, data, len);
		loop_want_flush(s, cl);
	}
	token_put(t);
	/* A retried command may have parked the client again (blocked, or
	 * waiting for a hold): then its own completion resumes it. */
	if (!cl->waiting && !(cl->flags & CL_BLOCKED))
		client_resume(cl);      /* also frees a closing client */
}

static void finish_remote(void *arg)
{
	struct finish_msg *m = arg;
	finish_local(m->t, m->data, m->len, m->retry);
}

static void finish_done(struct msg_call *m)
{
	pfree(m);
}

/* From any shard: the token was claimed; send the reply to its client. Always
 * a message, also to our own shard: the client then resumes from the top of
 * its shard's loop, never inside another command (EXEC, a hold). */
static void finish(struct block_token *t, const char *data, size_t len, int retry)
{
	struct finish_msg *m = pmalloc(sizeof(*m) + len);
	m->retry = retry;
	m->call.fn = finish_remote;
	m->call.arg = m;
	m->call.done = finish_done;
	m->t = t;
	m->len = len;
	if (len)
		memcpy(m->data, data, len);
	shard_call(t->shard, &m->call);
}

static int claim(struct block_token *t, int to)
{
	int expect = BLK_WAITING;
	return __atomic_compare_exchange_n(&t->state, &expect, to, 0, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/* ---- serving ------------------------------------------------------------- */

void block_signal(int db, const char *key, size_t klen)
{
	if (!__atomic_load_n(&nblocked, __ATOMIC_RELAXED))
		return;
	int sh = shard_of_slot(slot_of(key, klen));
	struct dict *d = tables[sh];
	if (!d || !dict_size(d))
		return;
	struct dbkey *bk = dbkey_new(db, key, klen);
	if (!dict_find(d, bk)) {
		pfree(bk);
		return;
	}
	for (int i = 0; i < nready[sh]; i++) {
		if (dbkey_eq(ready[sh][i], bk)) {
			pfree(bk);
			return;
		}
	}
	if (nready[sh] == capready[sh]) {
		capready[sh] = capready[sh] ? capready[sh] * 2 : 8;
		ready[sh] = prealloc(ready[sh], (size_t)capready[sh] * sizeof(*ready[sh]));
	}
	ready[sh][nready[sh]++] = bk;
}

/* Serve a token on the key that became ready (cmd_block.c). dry: only say
 * whether it can be served here: 1 yes, 0 no (no data or wrong type), 2 only
 * by running the command again on the client's shard (BLMOVE to a key of
 * another shard). Not dry: run it, reply into out. */
int block_run(struct shard *s, const struct cmd_def *def, int argc, const struct resp_arg *argv,
	      int db, int resp, const struct resp_arg *key, struct rbuf *out, int dry);

static void serve_key(struct shard *s, struct dbkey *bk)
{
	struct dict *d = tables[s->id];
	struct dict_entry *de = d ? dict_find(d, bk) : NULL;
	if (!de)
		return;
	struct bfifo *f = de->v.val;
	while (f->n) {
		struct block_token *t = f->t[f->head];
		if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != BLK_WAITING) {
			f->head++;
			f->n--;
			token_put(t);
			continue;
		}
		struct resp_arg k = {bk->data, bk->len};
		int how = block_run(s, t->def, t->argc, t->argv, t->db, t->resp, &k, NULL, 1);
		if (how == 0)
			break;          /* no data (any more), or of another type */
		if (!claim(t, BLK_SERVED))
			continue;       /* timed out meanwhile: dropped next round */
		f->head++;
		f->n--;
		if (how == 2) {
			finish(t, NULL, 0, 1);
		} else {
			struct rbuf out;
			rbuf_init(&out, t->resp);
			block_run(s, t->def, t->argc, t->argv, t->db, t->resp, &k, &out, 0);
			finish(t, out.data, out.len, 0);
			rbuf_deinit(&out);
		}
		token_put(t);
		if (how == 2)
			break;          /* the client takes it from here */
	}
	if (!f->n)
		dict_delete(d, bk);
}

void block_serve(struct shard *s)
{
	int sh = s->id;
	while (nready[sh]) {
		struct dbkey *bk = ready[sh][--nready[sh]];
		serve_key(s, bk);
		pfree(bk);
	}
}

void block_client_keyless(struct cmd_ctx *c, long long deadline, const char *timeout_reply)
{
	block_client(c, NULL, 0, deadline);
	c->cl->block->timeout_reply = timeout_reply;
}

long long block_timeouts(struct shard *s)
{
	long long next = -1;
	for (struct block_token *t = blocked[s->id], *n; t; t = n) {
		n = t->next;
		if (!t->deadline)
			continue;
		if (t->deadline <= s->now_ms) {
			if (claim(t, BLK_TIMEDOUT)) {
				static const char null2[] = "*-1\r\n", null3[] = "_\r\n";
				if (t->timeout_reply)
					finish_local(t, t->timeout_reply, strlen(t->timeout_reply), 0);
				else if (t->resp >= 3)
					finish_local(t, null3, 3, 0);
				else
					finish_local(t, null2, 5, 0);
			}
			continue;
		}
		long long left = t->deadline - s->now_ms;
		if (next < 0 || left < next)
			next = left;
	}
	return next;
}

int block_unblock(struct client *cl, int with_error)
{
	struct block_token *t = cl->block;
	if (!t || !claim(t, BLK_CANCELLED))
		return 0;
	const char *msg = with_error ? "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
			: t->timeout_reply ? t->timeout_reply : (t->resp >= 3 ? "_\r\n" : "*-1\r\n");
	finish(t, msg, strlen(msg), 0);
	return 1;
}

void block_cancel(struct client *cl)
{
	struct block_token *t = cl->block;
	if (t && claim(t, BLK_CANCELLED)) {
		detach(t);
		token_put(t);
	}
	/* else a serve or unblock reply is on its way: the client stays until
	 * it arrives (it holds a reference). */
}

int block_has_ready(const struct shard *s)
{
	return nready[s->id] > 0;
}

/* Drop waiters that were served elsewhere, timed out or cancelled. */
void block_cron(struct shard *s)
{
	struct dict *d = tables[s->id];
	if (!d || !dict_size(d))
		return;
	struct dict_iter it;
	dict_iter_init(&it, d, 1);
	struct dict_entry *de;
	while ((de = dict_iter_next(&it))) {
		struct bfifo *f = de->v.val;
		int k = 0;
		for (int i = f->head; i < f->head + f->n; i++) {
			if (__atomic_load_n(&f->t[i]->state, __ATOMIC_ACQUIRE) == BLK_WAITING)
				f->t[k++] = f->t[i];
			else
				token_put(f->t[i]);
		}
		f->head = 0;
		f->n = k;
		if (!k)
			dict_delete(d, de->key);
	}
	dict_iter_deinit(&it);
}
