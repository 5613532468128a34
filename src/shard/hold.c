/* hold.c — multi-shard operations: ordered holds, execute, release.
 *
 * Thread: coordinator = the client's shard; held shards run spin_held().
 *
 * DESIGN (see include/petrel/hold.h for the deadlock argument):
 *   coordinator                       shard j (j in set, j != coordinator)
 *   for j in ascending ids:
 *     j == self: owner = tx
 *     else: HOLD(tx) -> j  ---------> owner = tx; GRANT(tx) -> coord;
 *           wait GRANT                spin: stash everything but RELEASE(tx)
 *   run the command
 *   RELEASE(tx) -> every j  --------> owner = NULL; back to the loop, which
 *                                     runs the stashed messages in order
 * Before the coordinator holds itself it waits for grants inside its normal
 * loop (it may be held by others meanwhile); after, it spins for the rest,
 * because it must not run anything on its own shard from then on.
 * One tx per coordinator at a time; others queue (tx_queue) in arrival order,
 * and the queued ones whose shards are a subset of the held ones run before
 * the release, under the same hold (tx_finish).
 * hold_start only queues: the loop calls hold_kick once per turn, after the
 * turn's completions were parsed, so every multi-shard command that arrived
 * in one turn shares one hold (a hold taken at the first command would
 * round-trip, and switch threads when shards share a CPU, per command).
 */
#include <petrel/hold.h>
#include <petrel/alloc.h>
#include <petrel/exec.h>
#include <petrel/block.h>

#include <ck_pr.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct tx {
	struct client *cl;
	const struct cmd_def *def;
	int argc;
	struct resp_arg *argv;
	int n, idx;
	int *ids;               /* ascending, unique */
	int coord;
	struct tx *next;
};

void shard_flush_overflow(struct shard *self);

/* Most queued txs run under one hold, and for how long at most. */
#define HOLD_BATCH_MAX 256
#define HOLD_BATCH_US 1000

/* Ops begun and not finished, over all shards: a stopping shard keeps its
 * loop running until this is 0, so no hold waits on a thread that left. */
static int inflight;

static void inflight_done(struct shard *s)
{
	if (__atomic_sub_fetch(&inflight, 1, __ATOMIC_SEQ_CST) == 0 &&
	    __atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST)) {
		shard_wake_all();        /* shutting down: the others may wait for this */
	}
}

struct msg_hold {
	struct msg hdr;
	struct tx *tx;
};

static void send_hold_msg(int to, int type, struct tx *tx)
{
	struct msg_hold *m = pmalloc(sizeof(*m));
	m->hdr.type = (uint8_t)type;
	m->tx = tx;
	shard_send(to, &m->hdr);
}

/* Spins before yielding: 256 when every shard thread has a CPU of its own,
 * none when shards outnumber the CPUs we may run on (the holder we wait for
 * can only progress once we give the CPU up). */
static unsigned spin_limit = 256;

void hold_setup(int nshards_, int ncpus);
void hold_setup(int nshards_, int ncpus)
{
	spin_limit = nshards_ > ncpus ? 1 : 256;
}

/* Wait politely: two cores may run more threads than that. */
static void relax(unsigned *spins)
{
	if (++*spins < spin_limit)
		ck_pr_stall();
	else
		sched_yield();
}

/* Held by tx: run nothing until RELEASE(tx). */
static void spin_held(struct shard *s, struct tx *tx)
{
	unsigned spins = 0;
	for (;;) {
		struct msg *m = shard_take_message(s);
		if (!m) {
			shard_flush_overflow(s);  /* our GRANT may have spilled */
			relax(&spins);
			continue;
		}
		spins = 0;
		if (m->type == MSG_RELEASE && ((struct msg_hold *)m)->tx == tx) {
			pfree(m);
			s->owner = NULL;
			return;
		}
		shard_stash(s, m);
	}
}

/* Coordinator holding itself: wait for GRANT(tx) without running anything. */
static void spin_grant(struct shard *s, struct tx *tx)
{
	unsigned spins = 0;
	for (;;) {
		struct msg *m = shard_take_message(s);
		if (!m) {
			shard_flush_overflow(s);  /* our GRANT may have spilled */
			relax(&spins);
			continue;
		}
		spins = 0;
		if (m->type == MSG_GRANT && ((struct msg_hold *)m)->tx == tx) {
			pfree(m);
			return;
		}
		shard_stash(s, m);
	}
}

static void tx_free(struct tx *tx)
{
	pfree(tx->argv);
	pfree(tx->ids);
	pfree(tx);
}


/* Run tx's command (every shard it needs is held). */
static void tx_run(struct shard *s, struct tx *tx)
{
	struct cmd_ctx c;
	struct client *cl = tx->cl;
	struct rbuf scratch;
	struct rbuf *out = exec_out_begin(cl, &scratch);
	exec_ctx_init(&c, cl, tx->def, tx->argc, tx->argv, out);
	c.multi_shard = 1;
	exec_run(&c);
	exec_out_end(cl, out, &scratch);
	if (block_has_ready(s))
		block_serve(s);
	s->stats.multi_shard++;
}

/* Every shard of a is in held (both sorted ascending). */
static int ids_subset(const struct tx *a, const struct tx *held)
{
	int j = 0;
	for (int i = 0; i < a->n; i++) {
		while (j < held->n && held->ids[j] < a->ids[i])
			j++;
		if (j == held->n || held->ids[j] != a->ids[i])
			return 0;
	}
	return 1;
}

static struct tx *queue_pop(struct shard *s)
{
	struct tx *next = s->tx_queue;
	s->tx_queue = next->next;
	if (!s->tx_queue)
		s->tx_queue_tail = NULL;
	return next;
}

static void tx_finish(struct shard *s, struct tx *tx)
{
	long long t0 = shard_ticks();
	tx_run(s, tx);
	client_resume(tx->cl);  /* its next multi-shard command queues behind */
	/* Queued txs whose shards are all held already run under the same hold
	 * (bounded in count and time, so the held shards' own clients wait
	 * little): each hold costs a message round trip, and context switches
	 * when shards share a CPU. */
	for (int batch = 0; batch < HOLD_BATCH_MAX && s->tx_queue && ids_subset(s->tx_queue, tx) &&
	     shard_ticks_to_us(shard_ticks() - t0) < HOLD_BATCH_US; batch++) {
		struct tx *next = queue_pop(s);
		struct client *ncl = next->cl;
		tx_run(s, next);
		tx_free(next);
		client_resume(ncl);
	}
	for (int i = 0; i < tx->n; i++)
		if (tx->ids[i] != s->id)
			send_hold_msg(tx->ids[i], MSG_RELEASE, tx);
	s->owner = NULL;
	s->tx_active = NULL;
	tx_free(tx);
	inflight_done(s);
}

static void tx_advance(struct shard *s, struct tx *tx)
{
	while (tx->idx < tx->n) {
		int id = tx->ids[tx->idx];
		if (id == s->id) {
			s->owner = tx;  /* in the normal loop our shard is never held */
			tx->idx++;
			continue;
		}
		send_hold_msg(id, MSG_HOLD, tx);
		if (s->owner != tx)
			return;         /* GRANT arrives in the normal loop */
		spin_grant(s, tx);
		tx->idx++;
	}
	tx_finish(s, tx);
}

static void tx_begin(struct shard *s, struct tx *tx)
{
	s->tx_active = tx;
	tx->idx = 0;
	tx_advance(s, tx);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void hold_start(struct client *cl, const struct cmd_def *d, int argc, const struct resp_arg *argv,
		const int *ids, int nids)
{
	struct shard *s = shard_self();
	struct tx *tx = pcalloc(1, sizeof(*tx));
	tx->cl = cl;
	tx->def = d;
	tx->coord = s->id;
	tx->argc = argc;
	/* One block: the arg array, then the bytes (the query buffer may move). */
	size_t bytes = 0;
	for (int i = 0; i < argc; i++)
		bytes += argv[i].len + 1;
	tx->argv = pmalloc((size_t)argc * sizeof(struct resp_arg) + bytes);
	char *p = (char *)(tx->argv + argc);
	for (int i = 0; i < argc; i++) {
		memcpy(p, argv[i].ptr, argv[i].len);
		p[argv[i].len] = 0;
		tx->argv[i].ptr = p;
		tx->argv[i].len = argv[i].len;
		p += argv[i].len + 1;
	}
	/* Sorted unique ids, always including the coordinator. */
	int cap = (ids ? nids : nshards) + 1;
	tx->ids = pmalloc((size_t)cap * sizeof(int));
	int n = 0;
	if (ids) {
		for (int i = 0; i < nids; i++)
			tx->ids[n++] = ids[i];
	} else {
		for (int i = 0; i < nshards; i++)
			tx->ids[n++] = i;
	}
	tx->ids[n++] = s->id;
	qsort(tx->ids, (size_t)n, sizeof(int), cmp_int);
	int u = 0;
	for (int i = 0; i < n; i++)
		if (u == 0 || tx->ids[u - 1] != tx->ids[i])
			tx->ids[u++] = tx->ids[i];
	tx->n = u;
	cl->waiting = 1;
	if (s->tx_queue_tail)
		s->tx_queue_tail->next = tx;
	else
		s->tx_queue = tx;
	s->tx_queue_tail = tx;
}

void hold_kick(struct shard *s)
{
	/* A loop, not a recursion from tx_finish: a long pipeline of multi-shard
	 * commands would otherwise nest one frame per hold. */
	while (!s->tx_active && s->tx_queue) {
		/* Count first, then look at `stopping` (shard_stop stores it, then the
		 * loops read `inflight`): either we see the stop, or the others see us. */
		__atomic_add_fetch(&inflight, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST)) {
			while (s->tx_queue)     /* their clients are closed next */
				tx_free(queue_pop(s));
			inflight_done(s);
			return;
		}
		tx_begin(s, queue_pop(s));
	}
}

int hold_busy(void)
{
	return __atomic_load_n(&inflight, __ATOMIC_SEQ_CST) != 0;
}

void hold_on_message(struct shard *s, struct msg *m)
{
	struct tx *tx = ((struct msg_hold *)m)->tx;
	switch (m->type) {
	case MSG_HOLD:
		pfree(m);
		s->owner = tx;
		send_hold_msg(tx->coord, MSG_GRANT, tx);
		spin_held(s, tx);
		break;
	case MSG_GRANT:
		pfree(m);
		tx->idx++;
		tx_advance(s, tx);
		break;
	default:
		pfree(m);       /* a stray RELEASE cannot happen; drop defensively */
		break;
	}
}
