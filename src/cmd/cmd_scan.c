/* cmd_scan.c — walking the keyspace: KEYS, SCAN, RANDOMKEY.
 *
 * Thread: KEYS and RANDOMKEY hold every shard (CMD_ALLSHARDS) and may read any
 * slot. SCAN runs on the shard that owns the cursor's slot (route_scan) and
 * reads only its own slots, plus the racy key counters of foreign slots.
 *
 * DESIGN — the SCAN cursor spans shards:
 *
 *   cursor = inner << 14 | slot        (slot: 14 bits, 0..16383)
 *
 * `inner` is Redis's reverse-binary bucket cursor inside one slot's table
 * (ks_scan_slot), so a slot resized between calls still yields every key that
 * stayed in it. Slots are visited in shard-major order: every slot of the
 * shard owning slot 0 in ascending order, then every slot of the next shard
 * id (wrapping), and so on. A call runs on the owner of the cursor's slot
 * (route_scan) and walks that shard's slots until COUNT entries were visited
 * or its slots are done; it then names the first non-empty slot of the next
 * shard(s), and route_scan sends the next call there. Empty foreign slots are
 * skipped by their racy key counters: a key present for the whole scan keeps
 * its slot's count above zero, so skipping loses nothing. (Ascending slot
 * order would bounce between shards at every other slot with slot % n
 * ownership: thousands of calls for a few thousand keys.) Cursor 0 comes
 * back when the last shard is done; slot 0 opens the order, so no cursor in
 * the middle of a scan is 0. Lazily expired keys met on the way are deleted
 * after the slot's walk, never during it: a delete may shrink the table, and
 * the reverse-binary cursor tolerates resizes between walks only.
 */
#include <petrel/cmd.h>
#include <petrel/alloc.h>
#include <petrel/db.h>
#include <petrel/glob.h>
#include <petrel/keyspace.h>
#include <petrel/shard.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- shared walking state ------------------------------------------------ */

struct walk {
	struct cmd_ctx *c;
	const char *pat;        /* NULL: every key */
	size_t plen;
	int type;               /* -1: any; -2: no type matches */
	long visited;
	/* matches (SCAN buffers them: the cursor is written before the keys) */
	struct kv **keys;
	size_t nkeys, capkeys;
	long emitted;           /* KEYS writes at once */
	int emit;
	/* expired keys seen, deleted after the slot's walk */
	struct kv **dead;
	size_t ndead, capdead;
};

static void push(struct kv ***arr, size_t *n, size_t *cap, struct kv *kv)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*arr = prealloc(*arr, *cap * sizeof(**arr));
	}
	(*arr)[(*n)++] = kv;
}

static void walk_visit(void *arg, struct kv *kv)
{
	struct walk *w = arg;
	w->visited++;
	size_t klen;
	const char *k = kv_key(kv, &klen);
	if (w->pat && !glob_match(w->pat, w->plen, k, klen, 0))
		return;
	if (db_is_expired(kv, w->c->now)) {
		push(&w->dead, &w->ndead, &w->capdead, kv);
		return;
	}
	if (w->type != -1 && kv_type(kv) != w->type)
		return;
	if (w->emit) {
		reply_bulk(w->c->out, k, klen);
		w->emitted++;
	} else {
		push(&w->keys, &w->nkeys, &w->capkeys, kv);
	}
}

/* Delete the expired keys collected so far (db_find does the lazy delete). */
static void reap(struct walk *w)
{
	for (size_t i = 0; i < w->ndead; i++) {
		size_t klen;
		const char *k = kv_key(w->dead[i], &klen);
		char *copy = pmemdup(k, klen ? klen : 1);   /* the kv dies inside */
		db_find(w->c, copy, klen, NULL);
		pfree(copy);
	}
	w->ndead = 0;
}

static void walk_free(struct walk *w)
{
	pfree(w->keys);
	pfree(w->dead);
}

/* ---- KEYS ------------------------------------------------------------------ */

void cmd_keys_cmd(struct cmd_ctx *c)
{
	struct walk w = {.c = c, .type = -1, .emit = 1};
	const struct resp_arg *pat = &c->argv[1];
	if (!(pat->len == 1 && pat->ptr[0] == '*')) {
		w.pat = pat->ptr;
		w.plen = pat->len;
	}
	size_t pos = reply_defer(c->out);
	for (unsigned slot = 0; slot < SLOT_COUNT; slot++) {
		if (!ks_slot_count(c->db, slot))
			continue;
		ks_scan_slot(c->db, slot, 0, LONG_MAX, walk_visit, &w);
		w.ndead = 0;    /* Redis 7.0's KEYS skips expired keys, deletes none */
	}
	reply_set_deferred(c->out, pos, '*', w.emitted);
	walk_free(&w);
}

/* ---- SCAN ------------------------------------------------------------------ */

/* Redis parses the cursor with strtoul: leading '+'/'-' accepted, no spaces,
 * nothing after the digits, no overflow. */
int route_scan(int argc, const struct resp_arg *argv)
{
	unsigned long cur;
	if (argc < 2 || arg_scan_cursor(&argv[1], &cur))
		return ROUTE_LOCAL;
	return shard_of_slot((unsigned)(cur & SLOT_MASK));
}

static int type_by_name(const struct resp_arg *a)
{
	static const struct { const char *name; int type; } names[] = {
		{"string", OBJ_STRING}, {"list", OBJ_LIST}, {"set", OBJ_SET},
		{"zset", OBJ_ZSET}, {"hash", OBJ_HASH}, {"stream", OBJ_STREAM},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (arg_is(a, names[i].name))
			return names[i].type;
	return -2;  /* Redis 7.0 filters everything out for an unknown name */
}

/* First slot >= from owned by shard sh, or SLOT_COUNT. */
static unsigned next_owned_slot(unsigned from, int sh)
{
	while (from < SLOT_COUNT && shard_of_slot(from) != sh)
		from++;
	return from;
}

/* Cursor that starts the shard after `done` in SCAN's order: the first
 * non-empty slot of the first later shard that has keys; 0 if none. */
static unsigned long next_shard_start(int db, int done)
{
	int first = shard_of_slot(0), n = nshards > 0 ? nshards : 1;
	int rank = (done - first + n) % n;
	for (int r = rank + 1; r < n; r++) {
		int sh = (first + r) % n;
		for (unsigned s = next_owned_slot(0, sh); s < SLOT_COUNT; s = next_owned_slot(s + 1, sh))
			if (ks_slot_count(db, s))
				return s;
	}
	return 0;
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
void cmd_scan(struct cmd_ctx *c)
{
	unsigned long cur;
	if (arg_scan_cursor(&c->argv[1], &cur)) {
		reply_error(c->out, "ERR invalid cursor");
		return;
	}
	struct walk w = {.c = c, .type = -1};
	long count = 10;
	for (int i = 2; i < c->argc; i += 2) {
		int more = i + 1 < c->argc;
		if (ARGIS(c, i, "count") && more) {
			long long v;
			if (arg_ll_or_reply(c, &c->argv[i + 1], &v))
				return;
			if (v < 1) {
				reply_error(c->out, ERR_SYNTAX);
				return;
			}
			count = v > LONG_MAX ? LONG_MAX : (long)v;
		} else if (ARGIS(c, i, "match") && more) {
			const struct resp_arg *p = &c->argv[i + 1];
			w.pat = p->len == 1 && p->ptr[0] == '*' ? NULL : p->ptr;
			w.plen = p->len;
		} else if (ARGIS(c, i, "type") && more) {
			w.type = type_by_name(&c->argv[i + 1]);
		} else {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}

	unsigned slot = (unsigned)(cur & SLOT_MASK);
	unsigned long inner = cur >> 14;
	unsigned long next = 0;
	int owner = shard_of_slot(slot);
	for (;;) {
		inner = ks_scan_slot(c->db, slot, inner, count - w.visited, walk_visit, &w);
		reap(&w);
		if (inner) {
			/* Only an exhausted count leaves a slot unfinished. */
			next = inner << 14 | slot;
			break;
		}
		unsigned s = next_owned_slot(slot + 1, owner);
		if (s == SLOT_COUNT) {
			next = next_shard_start(c->db, owner);
			break;
		}
		slot = s;
		if (w.visited >= count) {
			next = slot;
			break;
		}
	}

	reply_scan_head(c->out, next);
	reply_array(c->out, (long)w.nkeys);
	for (size_t i = 0; i < w.nkeys; i++) {
		size_t klen;
		const char *k = kv_key(w.keys[i], &klen);
		reply_bulk(c->out, k, klen);
	}
	walk_free(&w);
}

/* ---- RANDOMKEY ------------------------------------------------------------- */

static __thread uint64_t rng;

static uint64_t rand64(void)
{
	if (!rng)
		rng = (uint64_t)shard_ustime() ^ (uint64_t)(uintptr_t)&rng;
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniformly chosen key: pick the n-th key over the slots' counters, then a
 * random entry of that slot. Expired picks are deleted and the draw repeated. */
void cmd_randomkey(struct cmd_ctx *c)
{
	for (;;) {
		uint64_t total = ks_db_keys(c->db);
		if (!total) {
			reply_null(c->out);
			return;
		}
		uint64_t n = rand64() % total;
		unsigned slot = 0;
		for (; slot < SLOT_COUNT; slot++) {
			uint64_t k = ks_slot_count(c->db, slot);
			if (n < k)
				break;
			n -= k;
		}
		struct kv *kv = ks_random_in_slot(c->db, slot, rand64());
		if (!kv)
			continue;       /* cannot happen: the slot has keys */
		size_t klen;
		const char *k = kv_key(kv, &klen);
		if (!db_is_expired(kv, c->now)) {
			reply_bulk(c->out, k, klen);
			return;
		}
		char *copy = pmemdup(k, klen ? klen : 1);
		db_find(c, copy, klen, NULL);     /* deletes it */
		pfree(copy);
	}
}
