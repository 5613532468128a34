/* loop.c — one worker thread: its connections and its io_uring ring.
 *
 * DESIGN
 * Each connection always has one RECV posted while connected, and at most one
 * SEND. Requests are appended to the connection's tx buffer while completions
 * are handled; at the end of each loop iteration every connection with new
 * requests gets one SEND, the start time of those requests is stamped, and a
 * single io_uring_submit_and_wait() both pushes all of them out and sleeps
 * until the next completion. So a loop iteration costs one system call
 * however many connections it serves, where an epoll client pays a read, a
 * write and event-mask changes per request.
 *
 * Replies are checked by the RESP scanner as they arrive; a request is
 * counted, and its latency recorded, only when its whole reply has been read.
 * The in-flight queue of each connection holds the start time of every
 * request sent and not yet answered, in order (RESP replies come in order).
 *
 * Closed loop (default): a connection sends its next batch of -P requests
 * when the previous batch is fully answered; start time = when it was sent.
 * Open loop (--rate): request k of a thread is due at start + k/rate; it goes
 * to any connection with room (fewer than -P in flight), and its latency is
 * measured from when it was due, not from when it could be sent, so a slow
 * server is not hidden by the client waiting for it (coordinated omission).
 */
#include "bench.h"

#include <errno.h>
#include <liburing.h>
#include <stdarg.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "resp.h"

enum { OP_RECV = 1, OP_SEND = 2, OP_CONNECT = 3 };
enum { CS_CONNECTING, CS_PREFIX, CS_READY, CS_CLOSED };

#define UD(ci, gen, op) (((uint64_t)(ci) << 32) | ((uint64_t)((gen) & 0xffffff) << 8) | (op))

struct req {
	uint64_t t;              /* start (closed loop) or due (open loop) time, ns */
	uint32_t kind;
};

struct conn {
	int fd;
	uint32_t gen;            /* bumps on reconnect; stale completions are dropped */
	uint8_t state;
	bool recv_posted, send_posted, sending_prefix;
	bool dirty;              /* requests appended, SEND not posted yet */
	bool stamp;              /* closed loop: stamp start times at submit */
	bool recycle;            /* -k 0: reconnect once the SEND completes */
	bool dead;               /* --cluster: its node owns no slot any more */
	int node;                /* cluster node, else 0 */
	uint32_t slot_cursor;
	char *rx;
	uint32_t rx_len, rx_cap;
	struct resp_scanner sc;
	char *tx;
	size_t tx_len, tx_off, tx_cap;
	struct req *q;
	uint32_t qh, qt, qmask;
	uint32_t stamp_from;
	int prefix_left;
};

struct loop {
	struct worker *w;
	struct run *run;
	const struct bench_config *cfg;
	const struct test *test;
	struct io_uring ring;
	struct conn *conns;
	int n;
	int ready;               /* connections in CS_READY */
	bool started;
	bool exhausted;          /* no more requests to claim */
	bool static_tx;          /* one template, nothing to patch: tx prebuilt */
	bool rate_mode;
	uint32_t cap;            /* in-flight requests per connection */
	int cycle, mix_pos;      /* --ratio position */
	uint64_t inflight;       /* requests sent, not answered */
	int live;                /* connections not dead */
	struct rng rng;
	uint64_t seqkey;
	int *dirty;
	int ndirty;
	uint64_t now;
	/* open loop */
	double period_ns;
	uint64_t sched;          /* requests scheduled so far */
	int rr;                  /* round-robin cursor */
	/* progress published once per iteration */
	uint64_t done_local, lat_local;
};

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	exit(1);
}

static const struct endpoint *conn_ep(struct loop *L, struct conn *c)
{
	return L->run->cl ? &L->run->cl->nodes[c->node].ep : L->run->ep;
}

static struct io_uring_sqe *get_sqe(struct loop *L)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&L->ring);
	if (!sqe) {
		io_uring_submit(&L->ring);
		sqe = io_uring_get_sqe(&L->ring);
		if (!sqe)
			fatal("io_uring: submission queue full\n");
	}
	return sqe;
}

static void post_recv(struct loop *L, struct conn *c)
{
	if (c->rx_len == c->rx_cap) {
		c->rx_cap *= 2;
		c->rx = realloc(c->rx, c->rx_cap);
	}
	struct io_uring_sqe *sqe = get_sqe(L);
	io_uring_prep_recv(sqe, c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, 0);
	io_uring_sqe_set_data64(sqe, UD(c - L->conns, c->gen, OP_RECV));
	c->recv_posted = true;
}

static void post_send(struct loop *L, struct conn *c)
{
	const char *base = c->sending_prefix ? L->run->prefix : c->tx;
	size_t len = c->sending_prefix ? L->run->prefix_len : c->tx_len;
	struct io_uring_sqe *sqe = get_sqe(L);
	io_uring_prep_send(sqe, c->fd, base + c->tx_off, len - c->tx_off, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, UD(c - L->conns, c->gen, OP_SEND));
	c->send_posted = true;
}

static void start_connect(struct loop *L, struct conn *c)
{
	const struct endpoint *ep = conn_ep(L, c);
	c->fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		fatal("Could not connect to Redis at %s: %s\n", ep->name, strerror(errno));
	if (ep->addr.ss_family != AF_UNIX) {
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	c->state = CS_CONNECTING;
	c->rx_len = 0;
	resp_init(&c->sc);
	c->qh = c->qt = 0;
	c->tx_len = c->tx_off = 0;
	c->recv_posted = c->send_posted = c->sending_prefix = c->recycle = false;
	struct io_uring_sqe *sqe = get_sqe(L);
	io_uring_prep_connect(sqe, c->fd, (const struct sockaddr *)&ep->addr, ep->addrlen);
	io_uring_sqe_set_data64(sqe, UD(c - L->conns, c->gen, OP_CONNECT));
}

/* -k 0: drop the connection and open a new one. */
static void reconnect(struct loop *L, struct conn *c)
{
	if (c->state == CS_READY)
		L->ready--;
	shutdown(c->fd, SHUT_RDWR);
	close(c->fd);
	c->gen++;
	start_connect(L, c);
}

/* Claims up to `want` requests of the -n budget (never more than is left). */
static int claim(struct loop *L, int want)
{
	struct run *r = L->run;
	if (atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		L->exhausted = true;
		return 0;
	}
	if (r->limit == LLONG_MAX)
		return want;
	long long old = atomic_load_explicit(&r->claimed, memory_order_relaxed);
	long long n;
	do {
		if (old >= r->limit) {
			L->exhausted = true;
			return 0;
		}
		n = r->limit - old < want ? r->limit - old : want;
	} while (!atomic_compare_exchange_weak(&r->claimed, &old, old + n));
	return (int)n;
}

static void unclaim(struct loop *L)
{
	if (L->run->limit != LLONG_MAX)
		atomic_fetch_sub(&L->run->claimed, 1);
	L->exhausted = false;
}

static uint32_t next_kind(struct loop *L)
{
	if (L->test->ntmpl == 1)
		return 0;
	int p = L->mix_pos++;
	if (L->mix_pos == L->cycle)
		L->mix_pos = 0;
	return p < L->test->weight[0] ? 0 : 1;
}

static void mark_dirty(struct loop *L, struct conn *c)
{
	if (!c->dirty) {
		c->dirty = true;
		L->dirty[L->ndirty++] = (int)(c - L->conns);
	}
}

static void append_request(struct loop *L, struct conn *c, uint32_t kind, uint64_t t)
{
	const struct tmpl *m = &L->test->tmpl[kind];
	if (!L->static_tx) {
		if (c->tx_len + m->len > c->tx_cap) {
			c->tx_cap = (c->tx_len + m->len) * 2;
			c->tx = realloc(c->tx, c->tx_cap);
		}
		char *p = c->tx + c->tx_len;
		memcpy(p, m->buf, m->len);
		for (int i = 0; i < m->nrand; i++)
			put_rand12(p + m->rand_off[i], keygen_next(L->run->kg, &L->rng, &L->seqkey));
		if (m->ntag) {
			int slot = cluster_next_slot(L->run->cl, c->node, &c->slot_cursor);
			if (slot < 0) {
				/* Its node lost all its slots: this request will be
				 * MOVED (and sent again elsewhere); the connection
				 * takes no more. */
				slot = 0;
				if (!c->dead) {
					c->dead = true;
					L->live--;
				}
			}
			for (int i = 0; i < m->ntag; i++)
				memcpy(p + m->tag_off[i] + 1, L->run->cl->tags[slot], 3);
		}
	}
	c->tx_len += m->len;
	struct req *rq = &c->q[c->qt++ & c->qmask];
	rq->t = t;
	rq->kind = kind;
	L->inflight++;
	mark_dirty(L, c);
}

/* Closed loop: sends the next batch. False when there is nothing left. */
static bool issue_batch(struct loop *L, struct conn *c)
{
	if (c->send_posted || c->state != CS_READY || c->dead)
		return false;
	int n = claim(L, L->cfg->pipeline);
	if (n == 0)
		return false;
	c->stamp = true;
	c->stamp_from = c->qt;
	for (int i = 0; i < n; i++)
		append_request(L, c, next_kind(L), 0);
	return true;
}

/* The connection has answered everything it was sent. */
static void conn_idle(struct loop *L, struct conn *c)
{
	if (!L->started || L->rate_mode || L->run->idle)
		return;
	if (!L->cfg->keepalive) {
		if (L->exhausted)
			return;
		if (c->send_posted)
			c->recycle = true;
		else
			reconnect(L, c);
		return;
	}
	issue_batch(L, c);
}

static void become_ready(struct loop *L, struct conn *c)
{
	c->state = CS_READY;
	L->ready++;
	if (L->started && !L->rate_mode)
		issue_batch(L, c);
}

static void on_error_reply(struct loop *L, const struct resp_reply *r, uint32_t kind)
{
	struct worker *w = L->w;
	w->errors++;
	w->kind_err[kind]++;
	size_t n = r->msg_len < sizeof(w->first_err) - 1 ? r->msg_len : sizeof(w->first_err) - 1;
	if (!w->first_err[0] && r->msg) {
		memcpy(w->first_err, r->msg, n);
		w->first_err[n] = 0;
	}
	if (L->cfg->showerrors && r->msg) {
		uint64_t sec = L->now / 1000000000ULL;
		uint64_t last = atomic_load(&L->run->last_err_print);
		if (sec != last && atomic_compare_exchange_strong(&L->run->last_err_print, &last, sec)) {
			if (L->run->cl)
				fprintf(stderr, "Error from server %s: %.*s\n", L->run->cl->nodes[0].ep.name,
					(int)n, r->msg);
			else
				fprintf(stderr, "Error from server: %.*s\n", (int)n, r->msg);
		}
	}
}

static void on_recv(struct loop *L, struct conn *c, int res)
{
	c->recv_posted = false;
	if (res <= 0) {
		if (res == -EINTR || res == -EAGAIN || res == -ENOBUFS) {
			post_recv(L, c);
			return;
		}
		if (res == 0)
			fatal("Error: Server closed the connection\n");
		fatal("Error: %s\n", strerror(-res));
	}
	c->rx_len += (uint32_t)res;
	size_t off = 0;
	struct worker *w = L->w;
	bool multi = L->test->ntmpl > 1;
	for (;;) {
		size_t used;
		struct resp_reply r;
		int rc = resp_scan(&c->sc, c->rx + off, c->rx_len - off, &used, &r);
		off += used;
		if (rc == RESP_INCOMPLETE)
			break;
		if (rc == RESP_PROTOCOL_ERROR)
			fatal("Error: Protocol error, got \"%c\" as reply type byte from %s\n",
			      c->rx[off], conn_ep(L, c)->name);
		if (r.push)
			continue;
		if (c->prefix_left > 0) {
			if (r.error)
				fatal("Error from server: %.*s\n", (int)r.msg_len, r.msg ? r.msg : "");
			if (--c->prefix_left == 0 && c->state == CS_PREFIX)
				become_ready(L, c);
			continue;
		}
		if (c->qh == c->qt)
			fatal("Error: reply without a request from %s\n", conn_ep(L, c)->name);
		struct req *rq = &c->q[c->qh++ & c->qmask];
		L->inflight--;
		if (r.error) {
			if (L->run->cl && r.msg && L->test->tmpl[rq->kind].ntag &&
			    cluster_redirect(L->run->cl, r.msg, r.msg_len) == 0) {
				/* MOVED/ASK: not an answer; the request goes again,
				 * aimed by the updated slot map. */
				w->redirects++;
				unclaim(L);
				continue;
			}
			on_error_reply(L, &r, rq->kind);
		} else if (r.null) {
			w->nulls++;
		}
		uint64_t us = L->now > rq->t ? (L->now - rq->t) / 1000 : 0;
		hist_record(&w->hist, (int64_t)us);
		if (multi)
			hist_record(&w->khist[rq->kind], (int64_t)us);
		w->kind_done[rq->kind]++;
		L->done_local++;
		L->lat_local += us;
	}
	if (off < c->rx_len)
		memmove(c->rx, c->rx + off, c->rx_len - off);
	c->rx_len -= (uint32_t)off;
	post_recv(L, c);
	if (c->qh == c->qt && c->state == CS_READY)
		conn_idle(L, c);
}

static void on_send(struct loop *L, struct conn *c, int res)
{
	c->send_posted = false;
	if (res < 0) {
		if (res == -EINTR || res == -EAGAIN) {
			post_send(L, c);
			return;
		}
		fatal("Error writing to the server: %s\n", strerror(-res));
	}
	size_t len = c->sending_prefix ? L->run->prefix_len : c->tx_len;
	c->tx_off += (size_t)res;
	if (c->tx_off < len) {
		post_send(L, c);
		return;
	}
	c->tx_off = 0;
	if (c->sending_prefix) {
		c->sending_prefix = false;
		return;
	}
	c->tx_len = 0;
	if (c->recycle) {
		reconnect(L, c);
		return;
	}
	if (c->qh == c->qt && c->state == CS_READY)
		conn_idle(L, c);
}

static void on_connect(struct loop *L, struct conn *c, int res)
{
	if (res < 0)
		fatal("Could not connect to Redis at %s: %s\n", conn_ep(L, c)->name, strerror(-res));
	post_recv(L, c);
	if (L->run->prefix_count) {
		c->state = CS_PREFIX;
		c->prefix_left = L->run->prefix_count;
		c->sending_prefix = true;
		c->tx_off = 0;
		post_send(L, c);
	} else {
		become_ready(L, c);
	}
}

/* Open loop: hands out every request that is due. Returns ns until the next one. */
static uint64_t schedule(struct loop *L)
{
	if (L->exhausted || atomic_load_explicit(&L->run->stop, memory_order_relaxed))
		return 100000000ULL;
	uint64_t since = L->now > L->run->start_ns ? L->now - L->run->start_ns : 0;
	uint64_t due = (uint64_t)((double)since / L->period_ns) + 1;
	int scanned = 0;
	while (L->sched < due && scanned < L->n) {
		struct conn *c = &L->conns[L->rr];
		if (c->state != CS_READY || c->send_posted || c->dead || c->qt - c->qh >= L->cap) {
			L->rr = (L->rr + 1) % L->n;
			scanned++;
			continue;
		}
		if (claim(L, 1) == 0)
			return 100000000ULL;
		uint64_t t = L->run->start_ns + (uint64_t)((double)L->sched * L->period_ns);
		append_request(L, c, next_kind(L), t);
		L->sched++;
		if (c->qt - c->qh >= L->cap)
			L->rr = (L->rr + 1) % L->n;
	}
	if (L->sched < due)
		return 100000000ULL;    /* backlog: a completion will free a connection */
	uint64_t next = L->run->start_ns + (uint64_t)((double)L->sched * L->period_ns);
	return next > L->now ? next - L->now : 0;
}

static void flush_sends(struct loop *L)
{
	if (!L->ndirty)
		return;
	uint64_t t = now_ns();
	for (int i = 0; i < L->ndirty; i++) {
		struct conn *c = &L->conns[L->dirty[i]];
		c->dirty = false;
		if (c->stamp) {
			for (uint32_t k = c->stamp_from; k != c->qt; k++)
				c->q[k & c->qmask].t = t;
			c->stamp = false;
		}
		if (!c->send_posted && c->state == CS_READY && c->tx_len)
			post_send(L, c);
	}
	L->ndirty = 0;
}

/* Waits (at most timeout_ns) and handles every completion. */
static void step(struct loop *L, uint64_t timeout_ns)
{
	struct io_uring_cqe *cqe;
	int rc;
	flush_sends(L);
	if (timeout_ns == UINT64_MAX) {
		rc = io_uring_submit_and_wait(&L->ring, 1);
	} else {
		struct __kernel_timespec ts = {.tv_sec = (long long)(timeout_ns / 1000000000ULL),
					      .tv_nsec = (long long)(timeout_ns % 1000000000ULL)};
		rc = io_uring_submit_and_wait_timeout(&L->ring, &cqe, 1, &ts, NULL);
	}
	if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY)
		fatal("io_uring_enter: %s\n", strerror(-rc));
	L->now = now_ns();
	unsigned head, seen = 0;
	io_uring_for_each_cqe(&L->ring, head, cqe) {
		seen++;
		uint64_t ud = cqe->user_data;
		uint32_t ci = (uint32_t)(ud >> 32), gen = (uint32_t)(ud >> 8) & 0xffffff;
		int op = (int)(ud & 0xff);
		if (ci >= (uint32_t)L->n)
			continue;
		struct conn *c = &L->conns[ci];
		if (gen != (c->gen & 0xffffff))
			continue;       /* completion for a connection since replaced */
		switch (op) {
		case OP_RECV:
			on_recv(L, c, cqe->res);
			break;
		case OP_SEND:
			on_send(L, c, cqe->res);
			break;
		case OP_CONNECT:
			on_connect(L, c, cqe->res);
			break;
		}
	}
	io_uring_cq_advance(&L->ring, seen);
	if (L->done_local) {
		struct worker *w = L->w;
		atomic_store_explicit(&w->done, atomic_load_explicit(&w->done, memory_order_relaxed) +
				      L->done_local, memory_order_relaxed);
		atomic_store_explicit(&w->lat_sum_us,
				      atomic_load_explicit(&w->lat_sum_us, memory_order_relaxed) +
				      L->lat_local, memory_order_relaxed);
		L->done_local = L->lat_local = 0;
	}
}

static unsigned pow2_at_least(unsigned v)
{
	unsigned p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

static void loop_init(struct loop *L, struct worker *w)
{
	struct run *r = w->run;
	memset(L, 0, sizeof(*L));
	L->w = w;
	L->run = r;
	L->cfg = r->cfg;
	L->test = r->test;
	L->n = w->nclients;
	L->live = L->n;
	L->rate_mode = L->cfg->rate > 0;
	L->cap = (uint32_t)L->cfg->pipeline;
	L->cycle = L->test->ntmpl > 1 ? L->test->weight[0] + L->test->weight[1] : 1;
	const struct tmpl *m0 = &L->test->tmpl[0];
	L->static_tx = L->test->ntmpl == 1 && m0->nrand == 0 && m0->ntag == 0;
	rng_seed(&L->rng, w->seed);
	if (r->kg->n)
		L->seqkey = (uint64_t)((unsigned __int128)r->kg->n * (unsigned)w->idx / (unsigned)r->nthreads);
	if (L->rate_mode)
		L->period_ns = 1e9 / (L->cfg->rate / r->nthreads);

	unsigned sq = pow2_at_least((unsigned)(2 * L->n + 8));
	if (sq > 4096)
		sq = 4096;
	unsigned cq = pow2_at_least((unsigned)(2 * L->n + 64));
	if (cq < 2 * sq)
		cq = 2 * sq;
	struct io_uring_params p;
	static const unsigned flag_sets[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	int rc = -1;
	for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]) && rc < 0; i++) {
		memset(&p, 0, sizeof(p));
		p.flags = flag_sets[i] | IORING_SETUP_CQSIZE;
		p.cq_entries = cq;
		rc = io_uring_queue_init_params(sq, &L->ring, &p);
	}
	if (rc < 0)
		fatal("io_uring_queue_init: %s\n", strerror(-rc));

	L->conns = calloc((size_t)L->n, sizeof(struct conn));
	L->dirty = calloc((size_t)L->n, sizeof(int));
	uint32_t qcap = pow2_at_least(L->cap);
	uint32_t rx = L->n > 1024 ? 4096 : 16384;
	size_t maxlen = m0->len;
	if (L->test->ntmpl > 1 && L->test->tmpl[1].len > maxlen)
		maxlen = L->test->tmpl[1].len;
	for (int i = 0; i < L->n; i++) {
		struct conn *c = &L->conns[i];
		int client = w->first_client + i * r->nthreads;
		c->node = r->cl ? client % r->cl->nnodes : 0;
		c->slot_cursor = (uint32_t)(client * 7919);
		c->rx_cap = rx;
		c->rx = malloc(rx);
		c->q = malloc(qcap * sizeof(struct req));
		c->qmask = qcap - 1;
		c->tx_cap = maxlen * L->cap;
		c->tx = malloc(c->tx_cap ? c->tx_cap : 1);
		if (L->static_tx)
			for (uint32_t k = 0; k < L->cap; k++)
				memcpy(c->tx + k * m0->len, m0->buf, m0->len);
		start_connect(L, c);
	}
}

static void loop_destroy(struct loop *L)
{
	io_uring_queue_exit(&L->ring);
	for (int i = 0; i < L->n; i++) {
		struct conn *c = &L->conns[i];
		if (c->fd >= 0)
			close(c->fd);
		free(c->rx);
		free(c->tx);
		free(c->q);
	}
	free(L->conns);
	free(L->dirty);
}

void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct loop L;
	loop_init(&L, w);
	while (L.ready < L.n)
		step(&L, UINT64_MAX);
	pthread_barrier_wait(&r->ready);
	if (r->idle)
		for (;;)
			step(&L, 1000000000ULL);
	pthread_barrier_wait(&r->go);
	L.started = true;
	L.now = now_ns();
	if (!L.rate_mode)
		for (int i = 0; i < L.n; i++)
			issue_batch(&L, &L.conns[i]);
	for (;;) {
		uint64_t timeout = UINT64_MAX;
		if (L.rate_mode)
			timeout = schedule(&L);
		if (L.inflight == 0 && L.ndirty == 0) {
			bool more = !L.exhausted && L.live > 0 &&
				    !atomic_load_explicit(&r->stop, memory_order_relaxed);
			if (!more)
				break;
			if (!L.rate_mode) {
				/* -k 0 with connections still reconnecting, or all
				 * connections briefly idle: wait for them. */
				if (L.ready == 0)
					timeout = 100000000ULL;
				else {
					bool any = false;
					for (int i = 0; i < L.n && !any; i++)
						any = issue_batch(&L, &L.conns[i]);
					if (!any && L.exhausted)
						break;
					if (!any)
						timeout = 100000000ULL;
				}
			}
		}
		if (timeout != UINT64_MAX && timeout < 20000)
			timeout = 20000;
		step(&L, timeout);
	}
	w->end_ns = now_ns();
	loop_destroy(&L);
	pthread_mutex_lock(&r->mu);
	r->running--;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}
