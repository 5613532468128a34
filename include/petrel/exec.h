/* exec.h — admission, routing and execution of parsed commands.
 *
 * Route of one command (DESIGN.md 3):
 *   keys on our shard or no keys  -> run inline
 *   keys on one foreign shard     -> append to the client's batch for it;
 *                                    the batch travels as one MSG_EXEC
 *   keys on several shards        -> multi-shard hold (shard/hold.c), run here
 *
 * Thread: the client's shard, except exec_run_batch (the target shard).
 */
#ifndef PETREL_EXEC_H
#define PETREL_EXEC_H

#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/shard.h>

enum exec_result {
	EXEC_DONE = 0,          /* consumed; reply written or batched */
	EXEC_STALL,             /* not consumed: flush the batch, wait, then retry */
	EXEC_WAIT,              /* consumed; client waits for an async completion */
	EXEC_CLOSE,             /* consumed; close the connection now, no reply */
};

struct msg_exec {
	struct msg hdr;
	struct client *cl;      /* origin client (opaque to the target) */
	int db;
	uint8_t resp;
	uint8_t discard;        /* CLIENT REPLY OFF/SKIP: drop the replies */
	uint64_t client_id;
	int ncmds;
	struct rbuf req;        /* ncmds x { u32 cmd index, u32 argc, argc x { u32 len, bytes } } */
	struct rbuf out;        /* replies, filled by the target */
};

/* Admit and route one parsed command. */
int exec_command(struct client *cl, struct resp_cmd *cmd);
/* Send the client's pending batch, if any; returns 1 if one was sent. */
int exec_flush_batch(struct client *cl);
/* Target side of MSG_EXEC. */
void exec_run_batch(struct shard *s, struct msg_exec *m);
/* Origin side of MSG_EXEC_DONE. */
void exec_batch_done(struct shard *s, struct msg_exec *m);

/* Run a handler with stats/slowlog accounting. */
void exec_run(struct cmd_ctx *c);
/* Fill a ctx for running on the current thread. */
void exec_ctx_init(struct cmd_ctx *c, struct client *cl, const struct cmd_def *d, int argc,
		   struct resp_arg *argv, struct rbuf *out);

/* Where a client's reply goes: cl->out, or scratch while CLIENT REPLY
 * OFF/SKIP suppresses it. exec_out_end releases scratch and advances SKIP. */
struct rbuf *exec_out_begin(struct client *cl, struct rbuf *scratch);
void exec_out_end(struct client *cl, struct rbuf *target, struct rbuf *scratch);

/* Called by client.c when a multi-shard op or batch completes. */
void client_resume(struct client *cl);

#endif
