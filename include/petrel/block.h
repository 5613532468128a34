/* block.h — blocking commands (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH,
 * BZPOPMIN, BZPOPMAX, BZMPOP) across shards.
 *
 * A blocked client owns one token, shared with the FIFO of waiters of every
 * key it waits on, in the tables of the shards owning those keys:
 *
 *   client (shard A) --token{state, cmd copy}--  <--FIFO-- key k1 (shard B)
 *                                                <--FIFO-- key k2 (shard C)
 *
 * When a write makes a watched key non-empty (db_modified -> block_signal),
 * its shard records it as ready and, right after that command (or when it
 * resumes from a hold), serves the key's waiters in FIFO order: it claims a
 * token by CAS (WAITING -> SERVED), runs the non-blocking form of the
 * client's command on the key there and then, and sends the reply to the
 * client's shard. A token is claimed at most once (no double delivery), a
 * ready key keeps being served while it has data and waiters (no lost
 * wake-up), and timeouts and CLIENT UNBLOCK race for the same CAS.
 *
 * Thread: a shard's waiter table and ready list belong to it (or its holder);
 * token state is atomic; the client side runs on the client's shard.
 */
#ifndef PETREL_BLOCK_H
#define PETREL_BLOCK_H

#include <petrel/cmd.h>

struct client;
struct shard;

/* Block c->cl on keys argv[first..last] (step 1) until one is served, with a
 * timeout (ms since epoch, 0 = none). The command's args are kept to serve
 * it later. Caller is the handler, on the client's shard holding the keys'
 * shards. The handler replies nothing when it blocks. */
void block_client(struct cmd_ctx *c, const int *keys, int nkeys, long long deadline);
/* Block c->cl on no key (WAIT): only the deadline (0 = none), CLIENT UNBLOCK
 * or a disconnect end it; the first two reply timeout_reply (static text). */
void block_client_keyless(struct cmd_ctx *c, long long deadline, const char *timeout_reply);
/* A key was written (owner or holder of its shard). */
void block_signal(int db, const char *key, size_t klen);
/* Serve shard s's ready keys (s's thread, not held). */
void block_serve(struct shard *s);
/* Expire timed-out blocked clients of shard s; returns ms to the next
 * deadline or -1. */
long long block_timeouts(struct shard *s);
/* CLIENT UNBLOCK of a blocked client (its shard held or own): 1 if done. */
int block_unblock(struct client *cl, int with_error);
/* Client is going away. */
void block_cancel(struct client *cl);
/* Shard s has keys to serve. */
int block_has_ready(const struct shard *s);
/* Prune served/timed-out waiters of shard s's table (cron). */
void block_cron(struct shard *s);
/* Number of blocked clients (INFO). */
long block_count(void);
/* Parse a timeout argument (seconds, fractional allowed) into a deadline in
 * ms (0 = block forever); replies the error and returns -1 if invalid. */
int block_parse_timeout(struct cmd_ctx *c, const struct resp_arg *a, long long *deadline);

#endif
