/* pubsub.c — subscription tables per shard, subscribe/unsubscribe, delivery.
 *
 * Thread: a shard's tables (ps_tab[id]) belong to that shard; the client's
 * own sets (cl->ps) to the client's shard. A coordinator holding every shard
 * may read and change all of them (PUBLISH, PUBSUB ...); the held shards run
 * nothing meanwhile, and the hold's messages order their memory.
 *
 * DESIGN
 * - Per shard: name -> struct subs (a growable array of clients, in
 *   subscription order, so each channel's subscribers receive in that order),
 *   one dict per kind (channels, patterns, shard channels).
 * - Per client: the three sets of names it subscribed to (dict name -> NULL).
 * - Counters (atomics, any thread reads): ps_total (channels + patterns,
 *   all clients), ps_total_shard (shard channels), ps_key[shard] and
 *   ps_key_total (patterns and "__key..." channels: what keyspace
 *   notifications can reach). They are bumped before the confirmation is
 *   written, so a subscriber that saw its confirmation is counted.
 * - Delivery appends the message to the subscriber's `out` and puts it on its
 *   shard's flush list (loop_want_flush). For another shard's client that is
 *   safe only under an all-shard hold: that shard is spinning in hold.c and
 *   touches neither its clients nor its flush list; it sends the output in
 *   its next loop turn, right after the release.
 * - Slow subscribers: after each append the pubsub class of
 *   client-output-buffer-limit is checked; a client over it is closed after
 *   the delivery loop (closing may free it and edit the tables being walked).
 */
#include <petrel/pubsub.h>
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/ds/dict.h>
#include <petrel/glob.h>
#include <petrel/log.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include "loop.h"

#include <stdio.h>
#include <string.h>


/* A name: lookups use one on the stack pointing at the argument; stored ones
 * are one allocation with the bytes after the header. */
struct ps_name {
	size_t n;
	const char *p;
};

struct subs {
	int n, cap;
	struct client **v;
};

struct ps_shard {
	struct dict *by_kind[3];        /* enum pubsub_kind -> name -> struct subs */
};

struct pubsub_client {
	struct dict *by_kind[3];        /* name -> NULL */
	int close_pending;              /* over the obuf limit; closed after delivery */
};

static struct ps_shard *ps_tab[SHARD_MAX];
static long ps_total, ps_total_shard, ps_key_total;
static long ps_key[SHARD_MAX];

static uint64_t name_hash(const void *k)
{
	const struct ps_name *a = k;
	return dict_hash_bytes(a->p, a->n);
}

static int name_eq(const void *x, const void *y)
{
	const struct ps_name *a = x, *b = y;
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

static void name_free(void *k) { pfree(k); }

static void subs_free(void *v)
{
	struct subs *s = v;
	pfree(s->v);
	pfree(s);
}

static const struct dict_type shard_type = {name_hash, name_eq, NULL, NULL, name_free, subs_free, 0};
static const struct dict_type client_type = {name_hash, name_eq, NULL, NULL, name_free, NULL, 1};

static struct ps_name *name_new(const char *p, size_t n)
{
	struct ps_name *k = pmalloc(sizeof(*k) + n + 1);
	char *d = (char *)(k + 1);
	memcpy(d, p, n);
	d[n] = 0;
	k->n = n;
	k->p = d;
	return k;
}

static struct ps_shard *tab_of(int id, int create)
{
	if (!ps_tab[id] && create) {
		struct ps_shard *t = pcalloc(1, sizeof(*t));
		for (int i = 0; i < 3; i++)
			t->by_kind[i] = dict_create(&shard_type);
		ps_tab[id] = t;
	}
	return ps_tab[id];
}

/* Does a subscription of this kind and name count for keyspace events? */
static int keyspace_relevant(int kind, const char *p, size_t n)
{
	return kind == PUBSUB_PATTERN || (kind == PUBSUB_CHANNEL && n >= 5 && !memcmp(p, "__key", 5));
}

static void count(int shard, int kind, const char *p, size_t n, long d)
{
	if (kind == PUBSUB_SHARD) {
		__atomic_add_fetch(&ps_total_shard, d, __ATOMIC_SEQ_CST);
		return;
	}
	__atomic_add_fetch(&ps_total, d, __ATOMIC_SEQ_CST);
	if (keyspace_relevant(kind, p, n)) {
		__atomic_add_fetch(&ps_key[shard], d, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&ps_key_total, d, __ATOMIC_SEQ_CST);
	}
}

int pubsub_any(void) { return __atomic_load_n(&ps_total, __ATOMIC_ACQUIRE) > 0; }
int pubsub_any_shard(void) { return __atomic_load_n(&ps_total_shard, __ATOMIC_ACQUIRE) > 0; }
int pubsub_keyspace_any(void) { return __atomic_load_n(&ps_key_total, __ATOMIC_ACQUIRE) > 0; }
int pubsub_keyspace_on(int shard) { return __atomic_load_n(&ps_key[shard], __ATOMIC_ACQUIRE) > 0; }

long pubsub_client_subs(const struct client *cl)
{
	if (!cl->ps)
		return 0;
	return (long)(dict_size(cl->ps->by_kind[PUBSUB_CHANNEL]) +
		      dict_size(cl->ps->by_kind[PUBSUB_PATTERN]));
}

long pubsub_client_count(const struct client *cl, int kind)
{
	return cl->ps ? (long)dict_size(cl->ps->by_kind[kind]) : 0;
}

long pubsub_client_ssubs(const struct client *cl)
{
	return cl->ps ? (long)dict_size(cl->ps->by_kind[PUBSUB_SHARD]) : 0;
}

int pubsub_client_active(const struct client *cl)
{
	return cl->ps && (pubsub_client_subs(cl) || pubsub_client_ssubs(cl));
}

int pubsub_all_held(const struct cmd_ctx *c)
{
	if (nshards == 1)
		return 1;
	if (!c->multi_shard)
		return 0;
	/* Every shard's owner is our tx: each held shard stored it before its
	 * GRANT, which we received, so the loads below see it. */
	struct tx *tx = __atomic_load_n(&c->sh->owner, __ATOMIC_RELAXED);
	if (!tx)
		return 0;
	for (int i = 0; i < nshards; i++)
		if (__atomic_load_n(&shards[i].owner, __ATOMIC_RELAXED) != tx)
			return 0;
	return 1;
}

const char *pubsub_deny(const struct client *cl, const struct cmd_def *d, char *buf, size_t n)
{
	static const char *const allowed[] = {"subscribe", "psubscribe", "ssubscribe", "unsubscribe",
					      "punsubscribe", "sunsubscribe", "ping", "quit", "reset"};
	if (cl->resp != 2 || !pubsub_client_active(cl))
		return NULL;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(d->name, allowed[i]))
			return NULL;
	snprintf(buf, n, "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
		 d->name);
	return buf;
}

static const char *const sub_verb[3] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_verb[3] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

static long kind_count(const struct client *cl, int kind)
{
	return kind == PUBSUB_SHARD ? pubsub_client_ssubs(cl) : pubsub_client_subs(cl);
}

static void confirm(struct rbuf *out, const char *verb, const char *name, size_t n, long cnt)
{
	reply_push(out, 3);
	reply_bulk_str(out, verb);
	if (name)
		reply_bulk(out, name, n);
	else
		reply_null(out);
	reply_int(out, cnt);
}

void pubsub_subscribe(struct client *cl, struct rbuf *out, int kind, const char *name, size_t n)
{
	if (!cl->ps) {
		cl->ps = pcalloc(1, sizeof(*cl->ps));
		for (int i = 0; i < 3; i++)
			cl->ps->by_kind[i] = dict_create(&client_type);
	}
	struct ps_name key = {n, name};
	struct dict *mine = cl->ps->by_kind[kind];
	if (!dict_find(mine, &key)) {
		dict_add(mine, name_new(name, n), NULL);
		struct dict *d = tab_of(cl->shard, 1)->by_kind[kind];
		struct subs *s = dict_fetch_value(d, &key);
		if (!s) {
			s = pcalloc(1, sizeof(*s));
			dict_add(d, name_new(name, n), s);
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 4;
			s->v = prealloc(s->v, (size_t)s->cap * sizeof(*s->v));
		}
		s->v[s->n++] = cl;
		count(cl->shard, kind, name, n, 1);
	}
	confirm(out, sub_verb[kind], name, n, kind_count(cl, kind));
}

/* Remove cl from the shard table; the caller removes the client's own entry. */
static void table_remove(struct client *cl, int kind, const struct ps_name *key)
{
	struct ps_shard *t = tab_of(cl->shard, 0);
	struct dict *d = t->by_kind[kind];
	struct subs *s = dict_fetch_value(d, key);
	if (s) {
		for (int i = 0; i < s->n; i++) {
			if (s->v[i] == cl) {
				memmove(s->v + i, s->v + i + 1, (size_t)(s->n - i - 1) * sizeof(*s->v));
				s->n--;
				break;
			}
		}
		if (s->n == 0)
			dict_delete(d, key);
	}
	count(cl->shard, kind, key->p, key->n, -1);
}

static int unsubscribe_one(struct client *cl, int kind, const char *name, size_t n)
{
	struct ps_name key = {n, name};
	if (!cl->ps)
		return 0;
	struct dict_entry *de = dict_unlink(cl->ps->by_kind[kind], &key);
	if (!de)
		return 0;
	table_remove(cl, kind, de->key);
	dict_free_unlinked_entry(cl->ps->by_kind[kind], de);
	return 1;
}

void pubsub_unsubscribe(struct client *cl, struct rbuf *out, int kind, const char *name, size_t n)
{
	if (name) {
		unsubscribe_one(cl, kind, name, n);
		confirm(out, unsub_verb[kind], name, n, kind_count(cl, kind));
		return;
	}
	struct dict *mine = cl->ps ? cl->ps->by_kind[kind] : NULL;
	if (!mine || dict_size(mine) == 0) {
		confirm(out, unsub_verb[kind], NULL, 0, kind_count(cl, kind));
		return;
	}
	while (dict_size(mine)) {
		struct dict_iter it;
		dict_iter_init(&it, mine, 1);
		struct dict_entry *de = dict_iter_next(&it);
		dict_iter_deinit(&it);
		struct ps_name *k = de->key;
		/* Copy: unsubscribe_one frees the stored name. */
		struct ps_name *copy = name_new(k->p, k->n);
		unsubscribe_one(cl, kind, copy->p, copy->n);
		confirm(out, unsub_verb[kind], copy->p, copy->n, kind_count(cl, kind));
		pfree(copy);
	}
}

void pubsub_client_reset(struct shard *s, struct client *cl)
{
	(void)s;
	if (!cl->ps)
		return;
	for (int kind = 0; kind < 3; kind++) {
		struct dict *mine = cl->ps->by_kind[kind];
		struct dict_iter it;
		dict_iter_init(&it, mine, 1);
		struct dict_entry *de;
		while ((de = dict_iter_next(&it)))
			table_remove(cl, kind, de->key);
		dict_iter_deinit(&it);
		dict_destroy(&cl->ps->by_kind[kind]);
	}
	pfree(cl->ps);
	cl->ps = NULL;
}

/* ---- delivery ---------------------------------------------------------- */

struct kill_list {
	int n, cap;
	struct client **v;
};

static size_t unsent(const struct client *cl)
{
	return cl->out.len + (cl->sending.len - cl->sent);
}

/* client-output-buffer-limit pubsub, checked at every append (the owner's
 * check at flush time cannot run while a send to a stalled reader is in
 * flight). */
static int over_limit(struct client *cl, long long now)
{
	long long hard = srv.obuf_hard[2], soft = srv.obuf_soft[2];
	long long used = (long long)unsent(cl);
	if (hard && used > hard)
		return 1;
	if (soft && used > soft) {
		if (!cl->obuf_soft_since)
			cl->obuf_soft_since = now;
		else if (now - cl->obuf_soft_since > srv.obuf_soft_secs[2] * 1000)
			return 1;
	} else {
		cl->obuf_soft_since = 0;
	}
	return 0;
}

static void deliver(int shard, struct client *cl, const char *pat, size_t patn, int kind,
		    const char *ch, size_t chn, const char *msg, size_t msgn, struct kill_list *kl)
{
	if ((cl->flags & (CL_CLOSING | CL_REPLY_OFF)) || cl->ps->close_pending)
		return;
	struct rbuf *b = &cl->out;
	if (pat) {
		reply_push(b, 4);
		reply_bulk(b, "pmessage", 8);
		reply_bulk(b, pat, patn);
	} else {
		reply_push(b, 3);
		if (kind == PUBSUB_SHARD)
			reply_bulk(b, "smessage", 8);
		else
			reply_bulk(b, "message", 7);
	}
	reply_bulk(b, ch, chn);
	reply_bulk(b, msg, msgn);
	loop_want_flush(&shards[shard], cl);
	if (over_limit(cl, shard_self() ? shard_self()->now_ms : 0)) {
		cl->ps->close_pending = 1;
		if (kl->n == kl->cap) {
			kl->cap = kl->cap ? kl->cap * 2 : 4;
			kl->v = prealloc(kl->v, (size_t)kl->cap * sizeof(*kl->v));
		}
		kl->v[kl->n++] = cl;
	}
}

static long deliver_shard(int id, int kind, const char *ch, size_t chn, const char *msg,
			  size_t msgn, struct kill_list *kl)
{
	struct ps_shard *t = tab_of(id, 0);
	long n = 0;
	if (!t)
		return 0;
	struct ps_name key = {chn, ch};
	struct subs *s = dict_fetch_value(t->by_kind[kind], &key);
	if (s) {
		for (int i = 0; i < s->n; i++)
			deliver(id, s->v[i], NULL, 0, kind, ch, chn, msg, msgn, kl);
		n += s->n;
	}
	if (kind != PUBSUB_CHANNEL || dict_size(t->by_kind[PUBSUB_PATTERN]) == 0)
		return n;
	struct dict_iter it;
	dict_iter_init(&it, t->by_kind[PUBSUB_PATTERN], 0);
	struct dict_entry *de;
	while ((de = dict_iter_next(&it))) {
		struct ps_name *p = de->key;
		if (!glob_match(p->p, p->n, ch, chn, 0))
			continue;
		struct subs *ps = de->v.val;
		for (int i = 0; i < ps->n; i++)
			deliver(id, ps->v[i], p->p, p->n, kind, ch, chn, msg, msgn, kl);
		n += ps->n;
	}
	dict_iter_deinit(&it);
	return n;
}

static void kill_slow(struct kill_list *kl)
{
	for (int i = 0; i < kl->n; i++) {
		struct client *cl = kl->v[i];
		log_warning("Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
			    (unsigned long long)cl->id, cl->addr);
		/* The client running this very command (a RESP3 subscriber
		 * publishing or changing keys) must not be freed under its own
		 * feet: close it once its output is out. */
		if (cl->flags & CL_IN_INPUT) {
			cl->flags |= CL_CLOSE_AFTER;
			continue;
		}
		/* Under a hold the owner is quiescent: closing only shuts the
		 * socket down; its ring completes the in-flight ops and frees it. */
		client_close(&shards[cl->shard], cl);
	}
	pfree(kl->v);
}

long pubsub_publish_all(int kind, const char *ch, size_t chn, const char *msg, size_t msgn)
{
	struct kill_list kl = {0, 0, NULL};
	long n = 0;
	for (int i = 0; i < nshards; i++)
		n += deliver_shard(i, kind, ch, chn, msg, msgn, &kl);
	kill_slow(&kl);
	return n;
}

long pubsub_publish_local(struct shard *s, const char *ch, size_t chn, const char *msg, size_t msgn)
{
	struct kill_list kl = {0, 0, NULL};
	long n = deliver_shard(s->id, PUBSUB_CHANNEL, ch, chn, msg, msgn, &kl);
	kill_slow(&kl);
	return n;
}

/* ---- introspection (PUBSUB) -------------------------------------------- */

static const struct dict_type seen_type = {name_hash, name_eq, NULL, NULL, NULL, NULL, 1};

long pubsub_list_channels(int kind, const char *pat, size_t patn, struct rbuf *out)
{
	struct dict *seen = dict_create(&seen_type);
	long n = 0;
	for (int i = 0; i < nshards; i++) {
		struct ps_shard *t = tab_of(i, 0);
		if (!t)
			continue;
		struct dict_iter it;
		dict_iter_init(&it, t->by_kind[kind], 0);
		struct dict_entry *de;
		while ((de = dict_iter_next(&it))) {
			struct ps_name *k = de->key;
			if (pat && !glob_match(pat, patn, k->p, k->n, 0))
				continue;
			if (dict_add(seen, k, NULL) != DICT_OK)
				continue;
			reply_bulk(out, k->p, k->n);
			n++;
		}
		dict_iter_deinit(&it);
	}
	dict_destroy(&seen);
	return n;
}

long pubsub_numsub(int kind, const char *ch, size_t chn)
{
	struct ps_name key = {chn, ch};
	long n = 0;
	for (int i = 0; i < nshards; i++) {
		struct ps_shard *t = tab_of(i, 0);
		struct subs *s = t ? dict_fetch_value(t->by_kind[kind], &key) : NULL;
		if (s)
			n += s->n;
	}
	return n;
}

long pubsub_numpat(void)
{
	struct dict *seen = dict_create(&seen_type);
	for (int i = 0; i < nshards; i++) {
		struct ps_shard *t = tab_of(i, 0);
		if (!t)
			continue;
		struct dict_iter it;
		dict_iter_init(&it, t->by_kind[PUBSUB_PATTERN], 0);
		struct dict_entry *de;
		while ((de = dict_iter_next(&it)))
			dict_add(seen, de->key, NULL);
		dict_iter_deinit(&it);
	}
	long n = (long)dict_size(seen);
	dict_destroy(&seen);
	return n;
}
