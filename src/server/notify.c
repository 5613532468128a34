/* notify.c — keyspace notifications (notify-keyspace-events).
 *
 * A change to key K in database D with event E publishes, as Redis does,
 *   __keyspace@D__:K  -> E     (class K enabled)
 *   __keyevent@D__:E  -> K     (class E enabled)
 * when the event's class bit is enabled too.
 *
 * Thread: the thread that changed the key (a shard running its own or a
 * forwarded command, a coordinator under a hold, cron, eviction). It never
 * holds anything: it delivers to its own shard's subscribers at once and
 * posts the event (shard_call) to every other shard that has a pattern or a
 * "__key..." channel subscription (pubsub_keyspace_on); that shard delivers it
 * to its subscribers when it runs the message. Events from one thread reach
 * each shard in the order they happened (one FIFO ring per pair of shards).
 * With nobody subscribed the cost is one atomic load.
 */
#include <petrel/pubsub.h>
#include <petrel/alloc.h>
#include <petrel/config.h>
#include <petrel/shard.h>

#include <stdio.h>
#include <string.h>

/* One event for one shard: the two channel/message pairs it publishes. */
struct notify_msg {
	struct msg_call call;
	int classes;                    /* NOTIFY_KEYSPACE / NOTIFY_KEYEVENT enabled */
	size_t ks_len, ev_len, ke_len, key_len;
	char data[];                    /* keyspace channel, event, keyevent channel, key */
};

static void publish_pair(struct shard *s, int classes, const char *ks, size_t ksl, const char *ev,
			 size_t evl, const char *ke, size_t kel, const char *key, size_t keyl)
{
	if (classes & NOTIFY_KEYSPACE)
		pubsub_publish_local(s, ks, ksl, ev, evl);
	if (classes & NOTIFY_KEYEVENT)
		pubsub_publish_local(s, ke, kel, key, keyl);
}

/* Runs on the target shard. */
static void notify_deliver(void *arg)
{
	struct notify_msg *m = arg;
	const char *ks = m->data, *ev = ks + m->ks_len, *ke = ev + m->ev_len, *key = ke + m->ke_len;
	publish_pair(shard_self(), m->classes, ks, m->ks_len, ev, m->ev_len, ke, m->ke_len, key,
		     m->key_len);
}

/* Back on the sender. */
static void notify_done(struct msg_call *m)
{
	pfree(m);
}

void notify_keyspace_event_db(struct shard *s, int db, int type, const char *event,
			      const char *key, size_t klen)
{
	int flags = cfg.notify_keyspace_events;
	int classes = flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT);
	if (!(flags & type) || !classes || !pubsub_keyspace_any())
		return;
	char ks_head[48], ke_head[48];
	int ksh = snprintf(ks_head, sizeof(ks_head), "__keyspace@%d__:", db);
	int keh = snprintf(ke_head, sizeof(ke_head), "__keyevent@%d__:", db);
	size_t evl = strlen(event);
	size_t ksl = (size_t)ksh + klen, kel = (size_t)keh + evl;
	char small[512];
	char *buf = ksl + kel <= sizeof(small) ? small : pmalloc(ksl + kel);
	char *ks = buf, *ke = buf + ksl;
	memcpy(ks, ks_head, (size_t)ksh);
	memcpy(ks + ksh, key, klen);
	memcpy(ke, ke_head, (size_t)keh);
	memcpy(ke + keh, event, evl);
	for (int i = 0; i < nshards; i++) {
		if (!pubsub_keyspace_on(i))
			continue;
		if (s && i == s->id) {
			publish_pair(s, classes, ks, ksl, event, evl, ke, kel, key, klen);
			continue;
		}
		size_t total = ksl + evl + kel + klen;
		struct notify_msg *m = pmalloc(sizeof(*m) + total);
		m->call.fn = notify_deliver;
		m->call.arg = m;
		m->call.done = notify_done;
		m->classes = classes;
		m->ks_len = ksl;
		m->ev_len = evl;
		m->ke_len = kel;
		m->key_len = klen;
		char *p = m->data;
		memcpy(p, ks, ksl);
		memcpy(p + ksl, event, evl);
		memcpy(p + ksl + evl, ke, kel);
		memcpy(p + ksl + evl + kel, key, klen);
		shard_call(i, &m->call);
	}
	if (buf != small)
		pfree(buf);
}

int notify_wants(int type)
{
	int flags = cfg.notify_keyspace_events;
	return (flags & type) && (flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) &&
	       pubsub_keyspace_any();
}

void notify_keyspace_event(struct cmd_ctx *c, int type, const char *event, const char *key,
			   size_t klen)
{
	notify_keyspace_event_db(c->sh, c->db, type, event, key, klen);
}
