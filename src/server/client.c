/* client.c — client connections on a shard's ring: recv, parse, send, close.
 *
 * Thread: the client's shard.
 *
 * DESIGN:
 * - recv is multishot with a provided-buffer ring (one per shard) when the
 *   kernel has it; bytes are copied once into the client's query buffer.
 *   Fallback: one-shot recv straight into the query buffer.
 * - Replies append to cl->out. At the end of a loop turn every client on the
 *   flush list with no send in flight swaps out <-> sending and sends it, so a
 *   pipeline of N commands costs one send.
 * - Back-pressure: while unsent output exceeds OUT_PAUSE bytes the client's
 *   input is not parsed, and recv is not re-armed once the query buffer holds
 *   more than IN_PAUSE bytes; a slow reader therefore holds a bounded amount
 *   of memory (plus the one reply being built).
 * - Closing: shutdown(2) makes in-flight ops complete; the client is freed
 *   when none remain and no message refers to it (refs == 0).
 */
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/exec.h>
#include <petrel/keyspace.h>
#include <petrel/alloc.h>
#include <petrel/log.h>
#include <petrel/multi.h>
#include <petrel/pubsub.h>
#include <petrel/watch.h>
#include <petrel/block.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include "loop.h"
#include "stats.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern int stats_monitors;      /* stats.c: MONITOR clients */

#define OUT_PAUSE (1u << 20)    /* stop parsing while this much output is unsent */
#define IN_PAUSE (4u << 20)     /* stop reading while parsing is paused and qbuf holds this */
#define RECV_CHUNK 16384

static void format_addr(const struct sockaddr_storage *ss, char *out, size_t n)
{
	char host[INET6_ADDRSTRLEN];
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)ss;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		snprintf(out, n, "%s:%d", host, ntohs(a->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		snprintf(out, n, "%s:%d", host, ntohs(a->sin6_port));
	} else {
		snprintf(out, n, "/unixsocket:0");
	}
}

static size_t unsent(const struct client *cl)
{
	return cl->out.len + (cl->sending.len - cl->sent);
}

static const char protected_msg[] =
	"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. "
	"In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: "
	"1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. "
	"2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. "
	"3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. "
	"4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)ss;
		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;
		static const unsigned char v4mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
		if (!memcmp(a->sin6_addr.s6_addr, v4mapped, 12))
			return a->sin6_addr.s6_addr[12] == 127;
		return IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
	}
	return 1;
}

static void arm_recv(struct shard *s, struct client *cl)
{
	struct io_uring_sqe *sqe = loop_sqe(s);
	if (s->use_bufring) {
		io_uring_prep_recv_multishot(sqe, cl->fd, NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = 0;
	} else {
		/* One-shot recv into the client's own landing buffer, never into
		 * qbuf: qbuf may be compacted or grown while the recv is in flight. */
		if (!cl->landing)
			cl->landing = pmalloc(RECV_CHUNK);
		io_uring_prep_recv(sqe, cl->fd, cl->landing, RECV_CHUNK, 0);
	}
	io_uring_sqe_set_data64(sqe, loop_tag(cl, TAG_RECV));
	cl->recv_armed = 1;
}

struct client *client_create(struct shard *s, int fd, int is_unix)
{
	struct client *cl = pcalloc(1, sizeof(*cl));
	cl->id = __atomic_add_fetch(&srv.next_client_id, 1, __ATOMIC_RELAXED);
	cl->fd = fd;
	cl->shard = s->id;
	cl->resp = 2;
	cl->flags = is_unix ? CL_UNIX : 0;
	if (!srv.requirepass)
		cl->flags |= CL_AUTHED;
	cl->ctime_ms = cl->last_ms = s->now_ms;
	resp_cmd_init(&cl->cmd);
	rbuf_init(&cl->out, 2);
	rbuf_init(&cl->sending, 2);
	cl->out.on_error = stats_on_error;     /* INFO errorstats */
	cl->out.on_error_arg = s;

	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (is_unix) {
		snprintf(cl->addr, sizeof(cl->addr), "/unixsocket:0");
		snprintf(cl->laddr, sizeof(cl->laddr), "/unixsocket:0");
	} else {
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
			format_addr(&ss, cl->addr, sizeof(cl->addr));
			if (srv.protected_mode && !srv.requirepass && !is_loopback(&ss)) {
				ssize_t w = write(fd, protected_msg, sizeof(protected_msg) - 1);
				(void)w;
				cl->flags |= CL_CLOSE_AFTER;
			}
		}
		sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			format_addr(&ss, cl->laddr, sizeof(cl->laddr));
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (srv.tcp_keepalive > 0) {
			int idle = srv.tcp_keepalive, intvl = srv.tcp_keepalive / 3, cnt = 3;
			if (intvl == 0)
				intvl = 1;
			setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
		}
	}
	cl->next = s->clients;
	if (s->clients)
		s->clients->prev = cl;
	s->clients = cl;
	s->nclients++;
	s->stats.connections++;
	if (cl->flags & CL_CLOSE_AFTER) {       /* refused by protected mode */
		client_close(s, cl);
		return NULL;
	}
	arm_recv(s, cl);
	return cl;
}

static void client_free(struct shard *s, struct client *cl)
{
	if (cl->prev)
		cl->prev->next = cl->next;
	else
		s->clients = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	s->nclients--;
	__atomic_sub_fetch(&srv.nclients, 1, __ATOMIC_RELAXED);
	if (cl->flags & CL_MONITOR)     /* MONITOR (cmd_admin.c) counted it */
		__atomic_sub_fetch(&stats_monitors, 1, __ATOMIC_RELAXED);
	close(cl->fd);
	if (cl->batch) {
		rbuf_deinit(&cl->batch->req);
		rbuf_deinit(&cl->batch->out);
		pfree(cl->batch);
	}
	multi_discard(cl);
	/* Pub/Sub: leave every channel, pattern and shard channel. */
	pubsub_client_reset(s, cl);
	watch_release(cl);
	resp_cmd_deinit(&cl->cmd);
	rbuf_deinit(&cl->out);
	rbuf_deinit(&cl->sending);
	pfree(cl->qbuf);
	pfree(cl->landing);
	pfree(cl->name);
	loop_forget_client(s, cl);
	pfree(cl);
}

static void maybe_free(struct shard *s, struct client *cl)
{
	if ((cl->flags & CL_CLOSING) && !cl->recv_armed && !cl->send_inflight && cl->refs == 0 &&
	    !cl->waiting)
		client_free(s, cl);
}

void client_close(struct shard *s, struct client *cl)
{
	if (cl->flags & CL_CLOSING)
		return;
	cl->flags |= CL_CLOSING;
	if (cl->flags & CL_BLOCKED)
		block_cancel(cl);
	shutdown(cl->fd, SHUT_RDWR);
	maybe_free(s, cl);
}

/* Called when a multi-shard op or batch finishes: continue parsing. */
void client_resume(struct client *cl)
{
	struct shard *s = shard_self();
	cl->waiting = 0;
	if (cl->flags & CL_IN_INPUT)
		return;         /* completed synchronously inside exec_command */
	if ((cl->flags & CL_BLOCKED) && !(cl->flags & CL_CLOSING))
		return;         /* a blocking command parked it: block.c wakes it */
	if (cl->flags & CL_CLOSING) {
		maybe_free(s, cl);
		return;
	}
	client_process_input(s, cl);
	if (!cl->waiting && unsent(cl) <= OUT_PAUSE)
		client_unstop(s, cl);
	loop_want_flush(s, cl);
}

/* Enforce client-output-buffer-limit (class normal, or pubsub for a client
 * with subscriptions). Returns 1 if closed. */
static int check_obuf_limit(struct shard *s, struct client *cl)
{
	/* Pub/Sub: a subscribed client is limited by the pubsub class. */
	int cls = pubsub_client_active(cl) ? 2 : 0;
	long long hard = srv.obuf_hard[cls], soft = srv.obuf_soft[cls];
	size_t used = unsent(cl);
	if (hard && (long long)used > hard)
		goto kill;
	if (soft && (long long)used > soft) {
		if (!cl->obuf_soft_since)
			cl->obuf_soft_since = s->now_ms;
		else if (s->now_ms - cl->obuf_soft_since > srv.obuf_soft_secs[cls] * 1000)
			goto kill;
	} else {
		cl->obuf_soft_since = 0;
	}
	return 0;
kill:
	log_warning("Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
		    (unsigned long long)cl->id, cl->addr);
	client_close(s, cl);
	return 1;
}

/* Pipelined input: before executing, walk up to PREFETCH_DEPTH commands
 * ahead and prefetch the hash bucket, then the first entry, of each one's
 * first key (argv[1]) when it lives on this shard. The lookups that follow
 * find their cache lines already on the way instead of stalling on each in
 * turn. Only a hint: a wrong guess costs a few wasted loads. */
#define PREFETCH_DEPTH 16
#define PREFETCH_KEYS 32

/* The buckets found by stages 1-2, by command, for the rolling stage 3. */
static __thread struct kv **pf_bucket[PREFETCH_KEYS];
static __thread int pf_first[PREFETCH_DEPTH + 1];      /* pf_bucket index per command */
static __thread int pf_cmds;

/* Stage 3 for command k of the last prefetch: its keys' first entries. Issued
 * a couple of commands ahead of execution, when the bucket loads of stage 2
 * have long arrived (doing it right after stage 2 stalled on them). */
static inline void prefetch_entries(int k)
{
	if (k >= pf_cmds)
		return;
	for (int i = pf_first[k]; i < pf_first[k + 1]; i++)
		if (pf_bucket[i] && *pf_bucket[i])
			__builtin_prefetch(*pf_bucket[i]);
}

/* Returns how many commands ahead it covered. */
static int prefetch_keys(struct shard *s, struct client *cl, size_t from)
{
	static __thread struct resp_cmd pc;
	static __thread int pc_ready;
	struct ks_table *tab[PREFETCH_KEYS];
	uint64_t hash[PREFETCH_KEYS];
	const struct resp_limits lim = {srv.proto_max_bulk, 1};
	int n = 0;
	if (!pc_ready) {
		resp_cmd_init(&pc);
		pc_ready = 1;
	}
	/* Stage 1: the slots' table headers, for every key of the next
	 * commands (their table positions; MSET/MGET prefetch all keys). */
	size_t pos = from;
	int cmds = 0;
	while (n < PREFETCH_KEYS && cmds < PREFETCH_DEPTH && pos < cl->qlen) {
		size_t used, need;
		const char *err;
		if (resp_parse(&pc, cl->qbuf + pos, cl->qlen - pos, &lim, &used, &need, &err) != RESP_COMMAND)
			break;
		pos += used;
		pf_first[cmds] = n;
		cmds++;
		if (pc.argc < 2 || pc.is_inline)
			continue;
		const struct cmd_def *d = cmd_lookup(pc.argv[0].ptr, pc.argv[0].len);
		if (!d || d->first <= 0 || (d->flags & CMD_MOVABLE))
			continue;
		int last = d->last < 0 ? pc.argc + d->last : d->last;
		if (n && n + (last - d->first) / d->step + 1 > PREFETCH_KEYS) {
			cmds--;         /* does not fit whole: the next round takes it */
			break;
		}
		for (int i = d->first; i <= last && i < pc.argc && n < PREFETCH_KEYS; i += d->step) {
			unsigned slot = slot_of(pc.argv[i].ptr, pc.argv[i].len);
			if (shard_of_slot(slot) != s->id)
				continue;
			tab[n] = &ks_dbs[cl->db]->t[slot];
			hash[n] = ks_hash(pc.argv[i].ptr, pc.argv[i].len);
			__builtin_prefetch(tab[n]);
			n++;
		}
	}
	pf_first[cmds] = n;
	pf_cmds = cmds;
	/* Stage 2: the buckets. Stage 3 (entries) rolls ahead of execution. */
	for (int i = 0; i < n; i++) {
		struct kv **b = tab[i]->b;
		pf_bucket[i] = b ? &b[hash[i] & tab[i]->mask] : NULL;
		if (b)
			__builtin_prefetch(pf_bucket[i]);
	}
	/* Commands 0..2 now; from command k = 1 on, k + 2 is fetched as k runs. */
	prefetch_entries(0);
	prefetch_entries(1);
	prefetch_entries(2);
	return cmds;
}

void client_process_input(struct shard *s, struct client *cl)
{
	struct resp_limits lim = {srv.proto_max_bulk, (cl->flags & CL_AUTHED) != 0};
	if (cl->flags & CL_IN_INPUT)
		return;
	cl->flags |= CL_IN_INPUT;
	int until_prefetch = 0, pf_done = 0;
	while (!cl->waiting && !(cl->flags & (CL_CLOSE_AFTER | CL_CLOSING | CL_BLOCKED))) {
		size_t avail = cl->qlen - cl->qpos;
		if (avail == 0 || avail < cl->qneed)
			break;
		if (unsent(cl) > OUT_PAUSE)
			break;  /* resumed from the send completion */
		if (--until_prefetch <= 0 && avail > 128) {
			pf_done = until_prefetch = prefetch_keys(s, cl, cl->qpos);
		} else if (pf_done > 0) {
			/* Command (pf_done - until_prefetch) runs now: fetch two ahead. */
			prefetch_entries(pf_done - until_prefetch + 2);
		}
		size_t used = 0, need = 0;
		const char *err = NULL;
		lim.authenticated = (cl->flags & CL_AUTHED) != 0;
		int r = resp_parse(&cl->cmd, cl->qbuf + cl->qpos, avail, &lim, &used, &need, &err);
		if (r == RESP_NEED_MORE) {
			cl->qneed = need;
			break;
		}
		cl->qneed = 0;
		if (r == RESP_EMPTY) {
			cl->qpos += used;
			continue;
		}
		if (r == RESP_CLOSE) {
			log_warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.");
			cl->flags &= ~CL_IN_INPUT;
			client_close(s, cl);
			return;
		}
		if (r == RESP_ERROR) {
			if (exec_flush_batch(cl)) {
				break;  /* the error reply must come after the batch's */
			}
			char msg[128];
			snprintf(msg, sizeof(msg), "ERR %s", err);
			reply_error(&cl->out, msg);
			log_verbose("Protocol error (%s) from client: id=%llu addr=%s", err,
				    (unsigned long long)cl->id, cl->addr);
			cl->flags |= CL_CLOSE_AFTER;
			cl->qpos = cl->qlen;
			break;
		}
		cl->last_ms = s->now_ms;
		int e = exec_command(cl, &cl->cmd);
		if (e == EXEC_STALL) {
			exec_flush_batch(cl);
			break;
		}
		cl->qpos += used;
		if (e == EXEC_CLOSE) {
			cl->flags &= ~CL_IN_INPUT;
			client_close(s, cl);
			return;
		}
		if (e == EXEC_WAIT && cl->waiting)
			break;
	}
	cl->flags &= ~CL_IN_INPUT;
	exec_flush_batch(cl);
	if (cl->qpos == cl->qlen) {
		cl->qpos = cl->qlen = 0;
	} else if (cl->qpos > 0 && !cl->waiting && cl->qpos >= cl->qlen / 2) {
		/* Args of a waiting command may point into qbuf: compact only when idle. */
		memmove(cl->qbuf, cl->qbuf + cl->qpos, cl->qlen - cl->qpos);
		cl->qlen -= cl->qpos;
		cl->qpos = 0;
	}
	if (cl->out.len || (cl->flags & CL_CLOSE_AFTER))
		loop_want_flush(s, cl);
}

static void append_input(struct client *cl, const char *p, size_t n)
{
	if (cl->qcap - cl->qlen < n) {
		if (cl->qpos && !cl->waiting) {
			memmove(cl->qbuf, cl->qbuf + cl->qpos, cl->qlen - cl->qpos);
			cl->qlen -= cl->qpos;
			cl->qpos = 0;
		}
		if (cl->qcap - cl->qlen < n) {
			size_t cap = cl->qcap ? cl->qcap : RECV_CHUNK;
			while (cap - cl->qlen < n)
				cap *= 2;
			cl->qbuf = prealloc(cl->qbuf, cap);
			cl->qcap = cap;
		}
	}
	memcpy(cl->qbuf + cl->qlen, p, n);
	cl->qlen += n;
}

void client_on_recv(struct shard *s, struct client *cl, struct io_uring_cqe *cqe)
{
	int more = (cqe->flags & IORING_CQE_F_MORE) != 0;
	int res = cqe->res;
	if (!s->use_bufring || !more)
		cl->recv_armed = 0;
	if (res > 0 && s->use_bufring) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		append_input(cl, s->bufs + (size_t)bid * s->bufsize, (size_t)res);
		loop_return_buffer(s, bid);
	} else if (res > 0) {
		append_input(cl, cl->landing, (size_t)res);
	}
	if (cl->flags & CL_CLOSING) {
		maybe_free(s, cl);
		return;
	}
	if (res == -ECANCELED && (cl->flags & CL_RECV_STOPPED))
		return;         /* back-pressure cancel; re-armed when output drains */
	if (res == 0 || (res < 0 && res != -ENOBUFS)) {
		client_close(s, cl);
		return;
	}
	if (res > 0) {
		s->stats.net_in += (uint64_t)res;
		if ((long long)(cl->qlen - cl->qpos) > srv.qbuf_limit) {
			log_warning("Closing client that reached max query buffer length: id=%llu addr=%s qbuf=%zu",
				    (unsigned long long)cl->id, cl->addr, cl->qlen - cl->qpos);
			client_close(s, cl);
			return;
		}
		client_process_input(s, cl);
		if (cl->flags & CL_CLOSING)
			return;
	}
	int paused = cl->qlen - cl->qpos > IN_PAUSE && (cl->waiting || unsent(cl) > OUT_PAUSE);
	if (!cl->recv_armed) {
		if (paused)
			cl->flags |= CL_RECV_STOPPED;
		else
			arm_recv(s, cl);
	} else if (paused && !(cl->flags & CL_RECV_STOPPED)) {
		/* Multishot recv would keep filling qbuf: cancel it until we catch up. */
		cl->flags |= CL_RECV_STOPPED;
		struct io_uring_sqe *sqe = loop_sqe(s);
		io_uring_prep_cancel64(sqe, loop_tag(cl, TAG_RECV), 0);
		io_uring_sqe_set_data64(sqe, TAG_IGNORE);
	}
}

/* A multi-shard op or batch finished while recv was stopped for it. */
void client_unstop(struct shard *s, struct client *cl)
{
	if ((cl->flags & CL_RECV_STOPPED) && !cl->recv_armed && !(cl->flags & CL_CLOSING)) {
		cl->flags &= ~CL_RECV_STOPPED;
		arm_recv(s, cl);
	}
}

void client_flush(struct shard *s, struct client *cl)
{
	if (cl->send_inflight || (cl->flags & CL_CLOSING))
		return;
	if (check_obuf_limit(s, cl))
		return;
	if (cl->sending.len == cl->sent && cl->out.len) {
		/* Swap only the byte arrays: protocol and error hook stay with out. */
		char *d = cl->sending.data;
		size_t cap = cl->sending.cap;
		cl->sending.data = cl->out.data;
		cl->sending.len = cl->out.len;
		cl->sending.cap = cl->out.cap;
		cl->out.data = d;
		cl->out.cap = cap;
		cl->out.len = 0;
		cl->sent = 0;
	}
	if (cl->sending.len > cl->sent) {
		struct io_uring_sqe *sqe = loop_sqe(s);
		io_uring_prep_send(sqe, cl->fd, cl->sending.data + cl->sent,
				   cl->sending.len - cl->sent, MSG_NOSIGNAL);
		io_uring_sqe_set_data64(sqe, loop_tag(cl, TAG_SEND));
		cl->send_inflight = 1;
	} else if (cl->flags & CL_CLOSE_AFTER) {
		client_close(s, cl);
	}
}

void client_on_send(struct shard *s, struct client *cl, struct io_uring_cqe *cqe)
{
	cl->send_inflight = 0;
	if (cl->flags & CL_CLOSING) {
		maybe_free(s, cl);
		return;
	}
	if (cqe->res < 0) {
		if (cqe->res == -EAGAIN || cqe->res == -EINTR) {
			client_flush(s, cl);
			return;
		}
		client_close(s, cl);
		return;
	}
	s->stats.net_out += (uint64_t)cqe->res;
	cl->sent += (size_t)cqe->res;
	if (cl->sent == cl->sending.len) {
		cl->sending.len = 0;
		cl->sent = 0;
		/* Do not keep a huge buffer around after a big reply. */
		if (cl->sending.cap > (1u << 20))
			rbuf_deinit(&cl->sending);
	}
	client_flush(s, cl);
	/* Output drained below the pause mark: parse what is buffered, re-arm. */
	if (!(cl->flags & CL_CLOSING) && unsent(cl) <= OUT_PAUSE && !cl->waiting) {
		if (cl->qlen > cl->qpos)
			client_process_input(s, cl);
		if ((cl->flags & CL_RECV_STOPPED) && !(cl->flags & CL_CLOSING)) {
			cl->flags &= ~CL_RECV_STOPPED;
			if (!cl->recv_armed)
				arm_recv(s, cl);
		}
	}
}
