/* pubsub.h — Pub/Sub subscription tables, delivery, keyspace notifications.
 *
 * A client's subscriptions live on the client's shard. Each shard keeps
 *
 *   channels        name    -> [client, client, ...]   (SUBSCRIBE)
 *   patterns        pattern -> [client, ...]           (PSUBSCRIBE)
 *   shard_channels  name    -> [client, ...]           (SSUBSCRIBE; its own
 *                                                       namespace, as standalone Redis)
 *
 * and each subscribed client has the three sets of what it subscribed to
 * (struct pubsub_client, cl->ps), for counts and UNSUBSCRIBE without arguments.
 * Process-wide atomic counters let PUBLISH and keyspace notifications skip all
 * work when nobody is subscribed.
 *
 * Delivery: PUBLISH/SPUBLISH run under an all-shard hold (route ROUTE_ALL
 * while anyone is subscribed), so the handler walks every shard's tables and
 * appends the message to each subscriber's output directly; the held shards
 * send it when they resume. Keyspace notifications never hold: the emitting
 * thread delivers to its own shard's subscribers and posts the event
 * (shard_call) to every other shard that has a channel or pattern that could
 * match (src/server/notify.c).
 *
 * Thread: pubsub_* functions on a client's own shard, except
 * pubsub_publish_all (a coordinator holding every shard) and the counters
 * (any thread, atomics).
 */
#ifndef PETREL_PUBSUB_H
#define PETREL_PUBSUB_H

#include <petrel/cmd.h>
#include <petrel/config.h>     /* NOTIFY_* class bits */

#include <stddef.h>

struct client;
struct shard;
struct rbuf;

enum pubsub_kind { PUBSUB_CHANNEL = 0, PUBSUB_PATTERN = 1, PUBSUB_SHARD = 2 };

/* Subscribe cl (on its own shard) to one channel/pattern/shard channel and
 * reply the confirmation push to out. */
void pubsub_subscribe(struct client *cl, struct rbuf *out, int kind, const char *name, size_t n);
/* Unsubscribe cl from one name (reply even when it was not subscribed), or
 * from everything of that kind when name is NULL (one reply per name, or one
 * "nil, count" reply when there was none). */
void pubsub_unsubscribe(struct client *cl, struct rbuf *out, int kind, const char *name, size_t n);
/* Drop every subscription of cl without replies (client free, RESET).
 * Thread: the client's shard, or a coordinator holding it. */
void pubsub_client_reset(struct shard *s, struct client *cl);

/* Channels + patterns of cl (the count SUBSCRIBE replies), shard channels,
 * and whether cl is in Pub/Sub mode (any of the three). */
long pubsub_client_subs(const struct client *cl);
long pubsub_client_ssubs(const struct client *cl);
/* Subscriptions of one kind (PUBSUB_CHANNEL/PATTERN/SHARD) of cl. */
long pubsub_client_count(const struct client *cl, int kind);
int pubsub_client_active(const struct client *cl);

/* Admission of d for a client in RESP2 Pub/Sub mode: NULL if allowed,
 * else buf filled with the error text (docs/resp.md 6.2). */
const char *pubsub_deny(const struct client *cl, const struct cmd_def *d, char *buf, size_t n);

/* Any channel or pattern subscription anywhere? (atomic load) */
int pubsub_any(void);
/* Any shard-channel subscription anywhere? (atomic load) */
int pubsub_any_shard(void);
/* Any subscription that keyspace notifications could reach: patterns, and
 * channels whose name starts with "__key"; per shard and total. */
int pubsub_keyspace_any(void);
int pubsub_keyspace_on(int shard);

/* 1 when the running command holds every shard (or there is only one). */
int pubsub_all_held(const struct cmd_ctx *c);

/* Deliver to every subscriber on every shard; returns the receiver count.
 * kind is PUBSUB_CHANNEL (channels and matching patterns) or PUBSUB_SHARD.
 * Thread: a coordinator holding every shard (pubsub_all_held). */
long pubsub_publish_all(int kind, const char *ch, size_t chn, const char *msg, size_t msgn);
/* Deliver to the subscribers (channels and patterns) of shard s only.
 * Thread: s. */
long pubsub_publish_local(struct shard *s, const char *ch, size_t chn, const char *msg, size_t msgn);

/* PUBSUB CHANNELS/SHARDCHANNELS: append to out, as bulk strings, every
 * channel of every shard matching pat (NULL: all), each name once; returns
 * how many. NUMSUB: subscribers of one channel over all shards. NUMPAT:
 * distinct patterns. Thread: a coordinator holding every shard. */
long pubsub_list_channels(int kind, const char *pat, size_t patn, struct rbuf *out);
long pubsub_numsub(int kind, const char *ch, size_t n);
long pubsub_numpat(void);

/* Keyspace notifications (notify.c). type: a NOTIFY_* class bit; event: its
 * name ("set", "del", ...); key: the key (in database c->db).
 * Thread: the handler's (whichever shard or coordinator runs it). */
void notify_keyspace_event(struct cmd_ctx *c, int type, const char *event, const char *key,
			   size_t klen);
/* The key is an argument. */
#define notify_arg(c, type, event, a) notify_keyspace_event((c), (type), (event), (a)->ptr, (a)->len)
/* Would an event of this class reach anyone? (cheap; lets a handler skip
 * an extra lookup it needs only for the event, e.g. "new" before db_set) */
int notify_wants(int type);
/* Same with the database and executing shard given explicitly (cron, evict). */
void notify_keyspace_event_db(struct shard *s, int db, int type, const char *event,
			      const char *key, size_t klen);

#endif
