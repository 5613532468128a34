/* loop.c — shard threads: ring setup, the event loop, accept hand-off.
 *
 * Thread: shard_setup/start/stop on the main thread; shard_main and the
 * loop_* helpers on each shard's own thread.
 *
 * DESIGN: one turn of a shard's loop
 *   1. run messages from other shards (and any stashed during a hold)
 *   2. begin the multi-shard commands queued this turn (hold_kick), retry
 *      spilled sends, send every client's pending output
 *   3. publish `sleeping`, re-check rings, io_uring_submit_and_wait(1)
 *   4. handle completions: recv -> parse/execute, send, accept, wake, timer
 * Only shard 0 accepts; each accepted socket goes to the shard with the fewest
 * clients (MSG_NEWCONN), so connections spread evenly whatever the kernel's
 * hashing would do.
 */
#include "loop.h"

#include <petrel/alloc.h>
#include <petrel/exec.h>
#include <petrel/block.h>
#include <petrel/hold.h>
#include <petrel/log.h>
#include <petrel/server.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct shard *shards;
int nshards;
uint16_t slot_map[SLOT_COUNT];
__thread struct shard *shard_current;

int shard_rings_pending(struct shard *s);
void shard_flush_overflow(struct shard *self);


long long shard_mstime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long shard_ustime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double us_per_tick = 1.0;

void shard_clock_setup(void)
{
#if defined(__x86_64__)
	/* Calibrate the TSC against the monotonic clock over ~20 ms. */
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long long t0 = shard_ticks();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) < 20000000LL);
	long long t1 = shard_ticks();
	double ns = (double)((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
	if (t1 > t0)
		us_per_tick = ns / 1000.0 / (double)(t1 - t0);
#endif
}

long long shard_ticks_to_us(long long ticks)
{
	return (long long)((double)ticks * us_per_tick);
}

struct io_uring_sqe *loop_sqe(struct shard *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);
	while (!sqe) {
		io_uring_submit(&s->ring);
		sqe = io_uring_get_sqe(&s->ring);
	}
	return sqe;
}

void loop_want_flush(struct shard *s, struct client *cl)
{
	if (cl->in_flush)
		return;
	cl->in_flush = 1;
	cl->flush_next = s->flush_head;
	s->flush_head = cl;
}

void loop_forget_client(struct shard *s, struct client *cl)
{
	if (!cl->in_flush)
		return;
	for (struct client **pp = &s->flush_head; *pp; pp = &(*pp)->flush_next) {
		if (*pp == cl) {
			*pp = cl->flush_next;
			break;
		}
	}
	cl->in_flush = 0;
}

void loop_return_buffer(struct shard *s, unsigned bid)
{
	io_uring_buf_ring_add(s->bufring, s->bufs + (size_t)bid * s->bufsize, s->bufsize,
			      (unsigned short)bid, io_uring_buf_ring_mask(s->nbufs), 0);
	io_uring_buf_ring_advance(s->bufring, 1);
}

/* PETREL_URING_FALLBACK=1 in the environment makes every shard take the
 * paths used on kernels without the newer io_uring features (plain ring,
 * one-shot recv into the query buffer, one-shot accept): the tests run the
 * server that way too, so the fallbacks stay correct. */
static int force_fallback(void)
{
	const char *e = getenv("PETREL_URING_FALLBACK");
	return e && *e && strcmp(e, "0") != 0;
}

static int ring_init(struct shard *s)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	if (force_fallback())
		return io_uring_queue_init_params(1024, &s->ring, &p);
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	int e = io_uring_queue_init_params(1024, &s->ring, &p);
	if (e == 0) {
		s->fast_ring = 1;
		return 0;
	}
	memset(&p, 0, sizeof(p));
	return io_uring_queue_init_params(1024, &s->ring, &p);
}

static void bufring_init(struct shard *s)
{
	if (force_fallback()) {
		s->accept_single = 1;
		return;
	}
	s->nbufs = 256;
	s->bufsize = 16384;
	size_t rsize = s->nbufs * sizeof(struct io_uring_buf);
	void *mem = NULL;
	if (posix_memalign(&mem, 4096, rsize))
		return;
	struct io_uring_buf_reg reg = {0};
	reg.ring_addr = (unsigned long)mem;
	reg.ring_entries = s->nbufs;
	reg.bgid = 0;
	if (io_uring_register_buf_ring(&s->ring, &reg, 0) < 0) {
		free(mem);
		return;
	}
	s->bufring = mem;
	s->bufs = pmalloc((size_t)s->nbufs * s->bufsize);
	io_uring_buf_ring_init(s->bufring);
	for (unsigned i = 0; i < s->nbufs; i++)
		io_uring_buf_ring_add(s->bufring, s->bufs + (size_t)i * s->bufsize, s->bufsize,
				      (unsigned short)i, io_uring_buf_ring_mask(s->nbufs), (int)i);
	io_uring_buf_ring_advance(s->bufring, (int)s->nbufs);
	s->use_bufring = 1;
}

int shard_setup(int n)
{
	nshards = n;
	shards = pcalloc((size_t)n, sizeof(struct shard));
	for (unsigned i = 0; i < SLOT_COUNT; i++)
		slot_map[i] = (uint16_t)(i % (unsigned)n);
	for (int i = 0; i < n; i++) {
		struct shard *s = &shards[i];
		s->id = i;
		s->efd = eventfd(0, EFD_CLOEXEC);
		if (s->efd < 0)
			return -errno;
		s->in = pcalloc((size_t)n, sizeof(ck_ring_t));
		s->in_buf = pcalloc((size_t)n, sizeof(ck_ring_buffer_t *));
		for (int j = 0; j < n; j++) {
			s->in_buf[j] = pcalloc(SHARD_RING_SIZE, sizeof(ck_ring_buffer_t));
			ck_ring_init(&s->in[j], SHARD_RING_SIZE);
		}
	}
	return 0;
}

static void arm_accept(struct shard *s, int li)
{
	struct io_uring_sqe *sqe = loop_sqe(s);
	if (s->accept_single)
		io_uring_prep_accept(sqe, srv.listeners[li].fd, NULL, NULL, SOCK_CLOEXEC);
	else
		io_uring_prep_multishot_accept(sqe, srv.listeners[li].fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, ((uint64_t)li << 3) | TAG_ACCEPT);
}

static void arm_wake(struct shard *s)
{
	struct io_uring_sqe *sqe = loop_sqe(s);
	io_uring_prep_read(sqe, s->efd, &s->efd_buf, sizeof(s->efd_buf), 0);
	io_uring_sqe_set_data64(sqe, TAG_WAKE);
}

static void arm_timer(struct shard *s)
{
	int hz = srv.hz > 0 ? srv.hz : 10;
	s->timer_ts.tv_sec = 0;
	s->timer_ts.tv_nsec = 1000000000LL / hz;
	if (hz == 1) {
		s->timer_ts.tv_sec = 1;
		s->timer_ts.tv_nsec = 0;
	}
	struct io_uring_sqe *sqe = loop_sqe(s);
	io_uring_prep_timeout(sqe, &s->timer_ts, 0, 0);
	io_uring_sqe_set_data64(sqe, TAG_TIMER);
}

static int pick_shard(void)
{
	int best = 0;
	for (int i = 1; i < nshards; i++)
		if (__atomic_load_n(&shards[i].nclients, __ATOMIC_RELAXED) <
		    __atomic_load_n(&shards[best].nclients, __ATOMIC_RELAXED))
			best = i;
	return best;
}

static void on_accept(struct shard *s, int li, struct io_uring_cqe *cqe)
{
	int rearm = !(cqe->flags & IORING_CQE_F_MORE) && !s->stopping;
	if (cqe->res == -EINVAL && !s->accept_single) {
		/* Kernel without multishot accept: fall back to one-shot. */
		log_notice("io_uring: multishot accept unavailable, using one-shot accept");
		s->accept_single = 1;
	} else if (cqe->res == -EMFILE || cqe->res == -ENFILE || cqe->res == -ENOBUFS ||
		   cqe->res == -ENOMEM) {
		/* Out of descriptors or memory: retry from cron, not in a tight loop. */
		log_warning("Accepting client connection: %s", strerror(-cqe->res));
		if (rearm)
			s->accept_paused = 1;
		return;
	}
	if (rearm)
		arm_accept(s, li);
	if (cqe->res < 0) {
		if (cqe->res != -ECANCELED && cqe->res != -EINVAL)
			log_warning("Accepting client connection: %s", strerror(-cqe->res));
		return;
	}
	int fd = cqe->res;
	long long n = __atomic_add_fetch(&srv.nclients, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&srv.stat_numconnections, 1, __ATOMIC_RELAXED);
	if (n > srv.maxclients) {
		static const char err[] = "-ERR max number of clients reached\r\n";
		ssize_t w = write(fd, err, sizeof(err) - 1);
		(void)w;
		close(fd);
		__atomic_sub_fetch(&srv.nclients, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&srv.stat_rejected, 1, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&srv.stat_numconnections, 1, __ATOMIC_RELAXED);
		return;
	}
	int to = pick_shard();
	int is_unix = srv.listeners[li].is_unix;
	if (to == s->id) {
		client_create(s, fd, is_unix);
		return;
	}
	/* Count it now so the next accept sees the choice. */
	__atomic_add_fetch(&shards[to].nclients, 1, __ATOMIC_RELAXED);
	struct msg_newconn *m = pmalloc(sizeof(*m));
	m->hdr.type = MSG_NEWCONN;
	m->fd = fd;
	m->is_unix = is_unix;
	shard_send(to, &m->hdr);
}

void shard_handle_message(struct shard *s, struct msg *m)
{
	switch (m->type) {
	case MSG_EXEC:
		exec_run_batch(s, (struct msg_exec *)m);
		break;
	case MSG_EXEC_DONE:
		exec_batch_done(s, (struct msg_exec *)m);
		break;
	case MSG_NEWCONN: {
		struct msg_newconn *nc = (struct msg_newconn *)m;
		s->nclients--;  /* pre-counted by the acceptor; client_create counts again */
		client_create(s, nc->fd, nc->is_unix);
		pfree(nc);
		break;
	}
	case MSG_CALL: {
		struct msg_call *c = (struct msg_call *)m;
		c->fn(c->arg);
		c->hdr.type = MSG_CALL_DONE;
		shard_send(c->hdr.from, &c->hdr);
		break;
	}
	case MSG_CALL_DONE: {
		struct msg_call *c = (struct msg_call *)m;
		if (c->done)
			c->done(c);
		break;
	}
	default:
		hold_on_message(s, m);
		break;
	}
}

static void handle_cqe(struct shard *s, struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	int tag = (int)(ud & 7);
	void *p = (void *)(uintptr_t)(ud & ~7ULL);
	switch (tag) {
	case TAG_RECV:
		client_on_recv(s, p, cqe);
		break;
	case TAG_SEND:
		client_on_send(s, p, cqe);
		break;
	case TAG_ACCEPT:
		on_accept(s, (int)(ud >> 3), cqe);
		break;
	case TAG_WAKE:
		if (!s->stopping)
			arm_wake(s);
		break;
	case TAG_TIMER:
		if (!s->stopping) {
			cron_run(s);
			arm_timer(s);
			if (s->accept_paused) {
				s->accept_paused = 0;
				for (int i = 0; i < srv.nlisteners; i++)
					arm_accept(s, i);
			}
		}
		break;
	default:
		break;
	}
}

static void flush_clients(struct shard *s)
{
	while (s->flush_head) {
		struct client *cl = s->flush_head;
		s->flush_head = cl->flush_next;
		cl->in_flush = 0;
		client_flush(s, cl);
	}
}

static void *shard_main(void *arg)
{
	struct shard *s = arg;
	shard_current = s;
	alloc_thread_register();
	/* The ring is created here: with SINGLE_ISSUER the creating thread is
	 * the only one allowed to submit. */
	int e = ring_init(s);
	if (e == 0)
		bufring_init(s);
	__atomic_store_n(&s->init_err, e == 0 ? 1 : e, __ATOMIC_RELEASE);
	if (e < 0)
		return NULL;
	arm_wake(s);
	arm_timer(s);
	if (s->id == 0)
		for (int i = 0; i < srv.nlisteners; i++)
			arm_accept(s, i);
	while (!__atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST) || hold_busy()) {
		long long wait_ms;
		s->now_ms = shard_mstime();
		shard_poll_messages(s);
		if (block_has_ready(s))
			block_serve(s);         /* keys filled while we were held */
		hold_kick(s);           /* multi-shard commands of the last turn */
		shard_flush_overflow(s);
		flush_clients(s);

		__atomic_store_n(&s->sleeping, 1, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (shard_rings_pending(s) || s->overflow_head || s->flush_head) {
			__atomic_store_n(&s->sleeping, 0, __ATOMIC_RELAXED);
			io_uring_submit(&s->ring);
		} else if ((wait_ms = block_timeouts(s)) >= 0) {
			/* A blocked client's deadline comes before the next cron. */
			struct __kernel_timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000 + 500000};
			struct io_uring_cqe *dummy;
			io_uring_submit_and_wait_timeout(&s->ring, &dummy, 1, &ts, NULL);
			__atomic_store_n(&s->sleeping, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&s->wake_pending, 0, __ATOMIC_RELEASE);
		} else {
			io_uring_submit_and_wait(&s->ring, 1);
			__atomic_store_n(&s->sleeping, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&s->wake_pending, 0, __ATOMIC_RELEASE);
		}
		s->now_ms = shard_mstime();
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		io_uring_for_each_cqe(&s->ring, head, cqe) {
			handle_cqe(s, cqe);
			n++;
		}
		io_uring_cq_advance(&s->ring, n);
	}
	/* Stopping: close every client. */
	while (s->clients) {
		struct client *cl = s->clients;
		close(cl->fd);
		cl->fd = -1;
		s->clients = cl->next;
	}
	return NULL;
}

int shard_start(void)
{
	for (int i = 0; i < nshards; i++) {
		int e = pthread_create(&shards[i].thread, NULL, shard_main, &shards[i]);
		if (e)
			return -e;
	}
	for (int i = 0; i < nshards; i++) {
		int r;
		while (!(r = __atomic_load_n(&shards[i].init_err, __ATOMIC_ACQUIRE)))
			usleep(1000);
		if (r < 0) {
			log_warning("io_uring_queue_init failed on shard %d: %s", i, strerror(-r));
			return r;
		}
	}
	log_notice("io_uring: SINGLE_ISSUER+DEFER_TASKRUN %s, multishot recv with provided buffers %s, multishot accept %s",
		   shards[0].fast_ring ? "on" : "unavailable (fallback: default ring setup)",
		   shards[0].use_bufring ? "on" : "unavailable (fallback: one-shot recv)",
		   shards[0].accept_single ? "off (fallback: one-shot accept)" : "on");
	return 0;
}

void shard_wake_all(void)
{
	for (int i = 0; i < nshards; i++) {
		uint64_t one = 1;
		ssize_t w = write(shards[i].efd, &one, sizeof(one));
		(void)w;
	}
}

void shard_stop(void)
{
	for (int i = 0; i < nshards; i++)
		__atomic_store_n(&shards[i].stopping, 1, __ATOMIC_SEQ_CST);
	shard_wake_all();
	for (int i = 0; i < nshards; i++)
		pthread_join(shards[i].thread, NULL);
}

void shard_teardown(void)
{
	for (int i = 0; i < nshards; i++) {
		struct shard *s = &shards[i];
		io_uring_queue_exit(&s->ring);
		close(s->efd);
		free(s->bufring);       /* posix_memalign'ed: plain free */
		pfree(s->bufs);
		for (int j = 0; j < nshards; j++)
			pfree(s->in_buf[j]);
		pfree(s->in_buf);
		pfree(s->in);
	}
	pfree(shards);
	shards = NULL;
	nshards = 0;
}
