/* multi.h — MULTI/EXEC/DISCARD: queuing on the client's shard, and EXEC as one
 * atomic operation over every shard its commands touch.
 *
 * EXEC is routed like a multi-key command whose keys are the union of the
 * queued commands' keys: all local -> run inline; otherwise a hold of every
 * involved shard (shard/hold.c), so no other client observes part of it.
 *
 * Thread: the client's shard (EXEC also runs there, as the hold coordinator).
 */
#ifndef PETREL_MULTI_H
#define PETREL_MULTI_H

#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/resp.h>

struct multi_cmd {
	const struct cmd_def *def;
	int argc;
	struct resp_arg *argv;  /* one block: array then bytes */
};

struct multi_queue {
	struct multi_cmd *cmds;
	int n, cap;
};

/* Queue a validated command (copies its arguments). */
void multi_queue_add(struct client *cl, const struct cmd_def *d, int argc, const struct resp_arg *argv);
/* Drop the queue and the MULTI flags. */
void multi_discard(struct client *cl);
/* Shards the queued commands touch: fills ids (cap entries), returns the
 * count, or -1 when some command needs every shard. */
int multi_shards(struct client *cl, int *ids, int cap);

#endif
