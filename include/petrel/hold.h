/* hold.h — atomic multi-shard operations by ordered shard holds (DESIGN.md 4).
 *
 * A command whose keys live on several shards runs on the client's shard (the
 * coordinator) after it holds every involved shard, its own included. Holds
 * are taken one at a time in ascending shard id; a held shard runs nothing
 * else until released, so the command sees and leaves a consistent cut.
 *
 * Why it cannot deadlock: a tx waits only for the next shard above the ones it
 * holds, so the wait-for graph follows increasing shard ids and has no cycle.
 * The coordinator's own shard is always part of the set, so a thread that is
 * held by someone else never needs to run its own tx to let that one finish
 * (a tx still waiting for its coordinator's shard holds only lower shards).
 *
 * Thread: the coordinator (client's shard) and the held shards.
 */
#ifndef PETREL_HOLD_H
#define PETREL_HOLD_H

#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/shard.h>

/* Queue a multi-shard op for cl. `ids`: involved shards (any order, may repeat;
 * NULL = all shards). Copies argv. The client waits until it completes. */
void hold_start(struct client *cl, const struct cmd_def *d, int argc, const struct resp_arg *argv,
		const int *ids, int nids);

/* Begin the queued ops if none is in progress (the loop, once per turn). */
void hold_kick(struct shard *s);

/* Some op is in progress on some shard (stopping shards keep serving holds). */
int hold_busy(void);

/* Messages MSG_HOLD/GRANT/RELEASE arriving in the normal loop. */
void hold_on_message(struct shard *s, struct msg *m);

#endif
