/* shard.h — shard threads, their message queues and the slot -> shard map.
 *
 * One shard per core. A shard owns an io_uring ring, its client connections and
 * every key whose slot maps to it (DESIGN.md 1-2). Shards talk only through
 * messages on lock-free SPSC rings (Concurrency Kit ck_ring), one ring per
 * ordered pair, and wake a sleeping peer through its eventfd.
 *
 *   shard i                                   shard j
 *   -------                                   -------
 *   shard_send(j, msg) --> ring[i->j] ------> drain: handle(msg)
 *                     \-> eventfd(j) if j sleeps
 *
 * Ownership: a message on a ring belongs to the consumer until it sends it back
 * or frees it (the message's `type` says which).
 *
 * Thread: shard_setup/shard_start/shard_stop on the main thread; the rest on
 * the calling shard's own thread (shard_self()).
 */
#ifndef PETREL_SHARD_H
#define PETREL_SHARD_H

#include <petrel/slot.h>

#include <ck_ring.h>
#include <liburing.h>
#include <pthread.h>
#include <stdint.h>

#define SHARD_MAX 256
#define SHARD_RING_SIZE 4096    /* entries per pair ring, power of two */

enum msg_type {
	MSG_EXEC = 1,           /* run a batch of commands; comes back as MSG_EXEC_DONE */
	MSG_EXEC_DONE,
	MSG_HOLD,               /* multi-shard: hold your shard for tx (hold.c) */
	MSG_GRANT,
	MSG_RELEASE,
	MSG_NEWCONN,            /* adopt an accepted socket */
	MSG_CALL,               /* run fn(arg) on the target; comes back as MSG_CALL_DONE */
	MSG_CALL_DONE,
};

struct msg {
	uint8_t type;
	uint16_t from;          /* sender shard id */
	struct msg *next;       /* local FIFO link (stash) */
};

struct msg_newconn {
	struct msg hdr;
	int fd;
	int is_unix;
};

struct msg_call {
	struct msg hdr;
	void (*fn)(void *arg);
	void *arg;
	void (*done)(struct msg_call *m);  /* run on the sender when it comes back */
};

struct shard_stats {
	uint64_t commands;
	uint64_t connections;
	uint64_t rejected_conn;
	uint64_t net_in, net_out;
	uint64_t expired_keys, evicted_keys;
	uint64_t hits, misses;
	uint64_t cross_msgs;    /* messages sent to other shards */
	uint64_t multi_shard;   /* multi-shard operations coordinated */
	uint64_t expire_cycle_us;
};

struct client;
struct tx;

struct shard {
	int id;
	pthread_t thread;
	struct io_uring ring;
	int efd;                        /* eventfd others write to wake us */
	uint64_t efd_buf;
	int sleeping;                   /* set before blocking; peers read it */
	int wake_pending;               /* coalesces eventfd writes */
	ck_ring_t *in;                  /* in[from]: ring from shard `from` to us */
	ck_ring_buffer_t **in_buf;
	struct msg *stash_head, *stash_tail;   /* messages set aside during a hold */
	struct msg *overflow_head;      /* our sends that found a ring full */

	/* Clients. */
	struct client *clients;         /* doubly linked, owned */
	int nclients;
	struct client *flush_head;      /* clients with output to send */

	/* Multi-shard state (hold.c). */
	struct tx *owner;               /* tx holding this shard, or NULL */
	struct tx *tx_queue, *tx_queue_tail;   /* our txs waiting to start */
	struct tx *tx_active;           /* the tx we coordinate */
	struct msg *hold_waiters, *hold_waiters_tail;

	/* Buffers for multishot recv. */
	struct io_uring_buf_ring *bufring;
	char *bufs;
	unsigned nbufs, bufsize;
	int use_bufring;
	int fast_ring;                  /* SINGLE_ISSUER+DEFER_TASKRUN in effect */
	int accept_single;              /* multishot accept unavailable: one-shot */
	int accept_paused;              /* out of fds: re-arm accept from cron */
	struct __kernel_timespec timer_ts;

	long long now_ms;               /* cached per loop turn */
	long long next_cron_ms;
	unsigned expire_slot;           /* active-expire cursor: slot, bucket */
	unsigned long expire_cursor;
	int expire_db;

	struct shard_stats stats;
	int stopping;
	int init_err;                   /* 1 ok, <0 -errno (startup handshake) */
	char pad[64];
};

extern struct shard *shards;
extern int nshards;
extern uint16_t slot_map[SLOT_COUNT];

extern __thread struct shard *shard_current;
static inline struct shard *shard_self(void) { return shard_current; }

static inline int shard_of_slot(unsigned slot) { return slot_map[slot]; }

/* Create n shards (rings, queues); slots map slot % n. */
int shard_setup(int n);
/* Start threads; returns 0 or -errno. */
int shard_start(void);
/* Ask every shard to stop and join them. */
void shard_stop(void);
/* Wake every shard's loop (eventfd), sleeping or not; any thread. */
void shard_wake_all(void);
void shard_teardown(void);

/* Enqueue msg for shard `to` (from the calling shard). Wakes it if needed.
 * Ownership passes to the receiver. Never fails: a full ring spills to a
 * local overflow list retried every loop turn. */
void shard_send(int to, struct msg *m);
/* Run fn(arg) on shard `to`, then done(m) back on the caller's shard. */
void shard_call(int to, struct msg_call *m);

/* Drain inbound rings into `fn` (or into the stash while held). */
void shard_poll_messages(struct shard *s);
/* Take one inbound message (from any ring) or NULL; used by hold spin loops. */
struct msg *shard_take_message(struct shard *s);
void shard_stash(struct shard *s, struct msg *m);

/* Handle one message in the normal loop (shard/loop.c). */
void shard_handle_message(struct shard *s, struct msg *m);

/* Monotonic and wall clock helpers. */
long long shard_mstime(void);
long long shard_ustime(void);

/* A cheap duration clock for per-command timing: the CPU's invariant TSC on
 * x86-64 (calibrated once by shard_clock_setup), clock_gettime elsewhere.
 * shard_ticks() values are only for shard_ticks_to_us() of a difference. */
void shard_clock_setup(void);
long long shard_ticks_to_us(long long ticks);
static inline long long shard_ticks(void)
{
#if defined(__x86_64__)
	unsigned lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (long long)(((unsigned long long)hi << 32) | lo);
#else
	return shard_ustime();
#endif
}

#endif
