/* client.h — a client connection: query buffer, reply buffers, state.
 *
 * A client belongs to one shard for its whole life: that shard's ring does its
 * recv/send, and commands are parsed and admitted there (src/server/client.c).
 * Commands on keys of other shards travel as messages; while any is in flight
 * the client is `waiting` and parses nothing more, which keeps each
 * connection's commands executing strictly in order (docs/resp.md §4).
 *
 * Thread: the owning shard; a coordinator holding that shard (CLIENT LIST,
 * CLIENT KILL) may read it.
 */
#ifndef PETREL_CLIENT_H
#define PETREL_CLIENT_H

#include <petrel/resp.h>

#include <stddef.h>
#include <stdint.h>

enum {
	CL_AUTHED        = 1 << 0,
	CL_CLOSE_AFTER   = 1 << 1,  /* close once the output is sent */
	CL_CLOSING       = 1 << 2,  /* socket shut; freed when ops drain */
	CL_UNIX          = 1 << 3,
	CL_MONITOR       = 1 << 4,
	CL_REPLY_OFF     = 1 << 5,
	CL_REPLY_SKIP    = 1 << 6,  /* skip the next command's reply */
	CL_REPLY_SKIP_NEXT = 1 << 7,
	CL_NO_EVICT      = 1 << 8,
	CL_NO_TOUCH      = 1 << 9,
	CL_PAUSED        = 1 << 10, /* postponed by CLIENT PAUSE */
	CL_KILLED        = 1 << 11,
	CL_RECV_STOPPED  = 1 << 12, /* back-pressure: recv not re-armed */
	CL_IN_INPUT      = 1 << 13, /* inside client_process_input (no re-entry) */
	CL_MULTI         = 1 << 14, /* between MULTI and EXEC/DISCARD */
	CL_DIRTY_EXEC    = 1 << 15, /* a command was rejected while queuing */
	CL_BLOCKED       = 1 << 16, /* in a blocking command (block.c) */
};

struct msg_exec;
struct pubsub_client;
struct watch_token;
struct block_token;

struct client {
	uint64_t id;
	int fd;
	int shard;
	uint32_t flags;
	int db;
	uint8_t resp;
	char *name;
	char addr[64];
	char laddr[64];
	long long ctime_ms;
	long long last_ms;              /* last interaction */

	/* Input. */
	char *qbuf;
	size_t qlen, qpos, qcap;
	size_t qneed;                   /* parse again only when qlen-qpos >= this */
	size_t qpeak;
	char *landing;                  /* one-shot recv target (fallback path) */
	struct resp_cmd cmd;

	/* Output: replies append to `out`; `sending` is on the wire. */
	struct rbuf out;
	struct rbuf sending;
	size_t sent;
	long long obuf_soft_since;      /* ms when over the soft limit, 0 if not */

	/* In-flight I/O and messages. */
	uint8_t recv_armed;
	uint8_t send_inflight;
	uint8_t in_flush;
	int waiting;                    /* remote batch or multi-shard op in flight */
	int refs;                       /* messages referring to us */
	struct msg_exec *batch;         /* being built for one foreign shard */
	int batch_to;

	/* MULTI: queued commands (cmd_multi.c). */
	struct multi_queue *mq;

	/* Pub/Sub: what this client subscribed to (src/server/pubsub.c); NULL
	 * until its first subscription. */
	struct pubsub_client *ps;
	struct watch_token *watch;      /* WATCH state (watch.c) */
	struct block_token *block;      /* while CL_BLOCKED (block.c) */

	/* Stats for CLIENT LIST. */
	const char *last_cmd;
	uint64_t commands;

	struct client *next, *prev;     /* shard's list */
	struct client *flush_next;
};

#endif
