/* watch.c — per-shard watch tables and the clients' WATCH tokens
 * (see include/petrel/watch.h).
 *
 * Thread: each shard's table belongs to that shard (or its holder); tokens are
 * shared and use atomics.
 */
#include <petrel/watch.h>
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/ds/dict.h>
#include <petrel/keyspace.h>
#include <petrel/shard.h>

#include "dbkey.h"

#include <string.h>

struct watch_token {
	int dirty;
	int refs;       /* client's + one per table entry */
	int released;   /* the client let go: entries may be dropped */
};

struct wlist {
	int n, cap;
	struct watch_token **t;
};

static struct dict *tables[SHARD_MAX];
static long live_tokens;        /* tokens with at least one watched key (atomic) */

static void token_put(struct watch_token *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		pfree(t);
}

static void wlist_free(void *v)
{
	struct wlist *l = v;
	for (int i = 0; i < l->n; i++)
		token_put(l->t[i]);
	pfree(l->t);
	pfree(l);
}

static const struct dict_type wtype = {
	.hash = dbkey_hash, .key_compare = dbkey_eq, .key_destructor = pfree,
	.val_destructor = wlist_free,
};

static struct dict *table_of(int db, const char *key, size_t klen)
{
	int sh = shard_of_slot(slot_of(key, klen));
	if (!tables[sh])
		tables[sh] = dict_create(&wtype);
	(void)db;
	return tables[sh];
}

void watch_key(struct client *cl, int db, const char *key, size_t klen)
{
	struct watch_token *t = cl->watch;
	if (!t) {
		t = cl->watch = pcalloc(1, sizeof(*t));
		t->refs = 1;
		__atomic_add_fetch(&live_tokens, 1, __ATOMIC_RELAXED);
	}
	struct dict *d = table_of(db, key, klen);
	struct dbkey *k = dbkey_new(db, key, klen);
	struct dict_entry *de = dict_find(d, k);
	struct wlist *l;
	if (de) {
		pfree(k);
		l = de->v.val;
	} else {
		l = pcalloc(1, sizeof(*l));
		dict_add(d, k, l);
	}
	for (int i = 0; i < l->n; i++)
		if (l->t[i] == t)
			return;         /* already watched by this client */
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->t = prealloc(l->t, (size_t)l->cap * sizeof(*l->t));
	}
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	l->t[l->n++] = t;
}

void watch_release(struct client *cl)
{
	struct watch_token *t = cl->watch;
	if (!t)
		return;
	cl->watch = NULL;
	__atomic_store_n(&t->released, 1, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&live_tokens, 1, __ATOMIC_RELAXED);
	token_put(t);
}

int watch_is_dirty(const struct client *cl)
{
	return cl->watch && __atomic_load_n(&cl->watch->dirty, __ATOMIC_ACQUIRE);
}

/* Drop released tokens from l; returns the entries left. */
static int prune(struct wlist *l)
{
	int k = 0;
	for (int i = 0; i < l->n; i++) {
		if (__atomic_load_n(&l->t[i]->released, __ATOMIC_ACQUIRE))
			token_put(l->t[i]);
		else
			l->t[k++] = l->t[i];
	}
	l->n = k;
	return k;
}

void watch_touch(int db, const char *key, size_t klen)
{
	if (!__atomic_load_n(&live_tokens, __ATOMIC_RELAXED))
		return;
	struct dict *d = tables[shard_of_slot(slot_of(key, klen))];
	if (!d || !dict_size(d))
		return;
	struct dbkey *k = dbkey_new(db, key, klen);
	struct dict_entry *de = dict_find(d, k);
	if (de) {
		struct wlist *l = de->v.val;
		for (int i = 0; i < l->n; i++)
			__atomic_store_n(&l->t[i]->dirty, 1, __ATOMIC_RELEASE);
		/* Every watcher is dirty now: the entry has done its job. */
		dict_delete(d, k);
	}
	pfree(k);
}

void watch_touch_db(int db)
{
	if (!__atomic_load_n(&live_tokens, __ATOMIC_RELAXED))
		return;
	for (int sh = 0; sh < nshards; sh++) {
		struct dict *d = tables[sh];
		if (!d || !dict_size(d))
			continue;
		struct dict_iter it;
		dict_iter_init(&it, d, 1);
		struct dict_entry *de;
		while ((de = dict_iter_next(&it))) {
			struct dbkey *k = de->key;
			if (k->db != db || !ks_find(db, slot_of(k->data, k->len), k->data, k->len, NULL))
				continue;
			struct wlist *l = de->v.val;
			for (int i = 0; i < l->n; i++)
				__atomic_store_n(&l->t[i]->dirty, 1, __ATOMIC_RELEASE);
		}
		dict_iter_deinit(&it);
	}
}

void watch_cron(struct shard *s)
{
	struct dict *d = tables[s->id];
	if (!d || !dict_size(d))
		return;
	struct dict_iter it;
	dict_iter_init(&it, d, 1);
	struct dict_entry *de;
	while ((de = dict_iter_next(&it)))
		if (!prune(de->v.val))
			dict_delete(d, de->key);
	dict_iter_deinit(&it);
}
