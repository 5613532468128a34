/* cmd_object.c — OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT <key> and OBJECT HELP.
 *
 * Lookups do not touch the key's LRU/LFU field (Redis's LOOKUP_NOTOUCH), so
 * OBJECT IDLETIME does not reset what it measures.
 *
 * Thread: owner/holder of the key's shard (see cmd.h); HELP runs anywhere.
 */
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <limits.h>

/* Redis's encoding names, indexed by ENC_* (the numbers are Redis's too). */
static const char *const enc_names[] = {
	[ENC_RAW] = "raw", [ENC_INT] = "int", [ENC_HT] = "hashtable",
	[ENC_ZIPMAP] = "zipmap", [ENC_LINKEDLIST] = "linkedlist", [ENC_ZIPLIST] = "ziplist",
	[ENC_INTSET] = "intset", [ENC_SKIPLIST] = "skiplist", [ENC_EMBSTR] = "embstr",
	[ENC_QUICKLIST] = "quicklist", [ENC_STREAM] = "stream", [ENC_LISTPACK] = "listpack",
};

static const char *const help_lines[] = {
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Prints this help.",
};

enum { OBJ_SUB_NONE, OBJ_SUB_ENCODING, OBJ_SUB_FREQ, OBJ_SUB_IDLETIME, OBJ_SUB_REFCOUNT,
       OBJ_SUB_HELP };

static int subcommand(const struct resp_arg *a)
{
	if (arg_is(a, "encoding")) return OBJ_SUB_ENCODING;
	if (arg_is(a, "freq")) return OBJ_SUB_FREQ;
	if (arg_is(a, "idletime")) return OBJ_SUB_IDLETIME;
	if (arg_is(a, "refcount")) return OBJ_SUB_REFCOUNT;
	if (arg_is(a, "help")) return OBJ_SUB_HELP;
	return OBJ_SUB_NONE;
}

int getkeys_object(int argc, const struct resp_arg *argv, int *keys, int max)
{
	int sub = argc == 3 ? subcommand(&argv[1]) : OBJ_SUB_NONE;
	if (sub == OBJ_SUB_NONE || sub == OBJ_SUB_HELP || max < 1)
		return 0;
	keys[0] = 2;
	return 1;
}

static int lfu_policy(void)
{
	return srv.maxmemory_policy == MAXMEM_ALLKEYS_LFU ||
	       srv.maxmemory_policy == MAXMEM_VOLATILE_LFU;
}

/* The LFU counter after the time-based decay (what Redis reports; the stored
 * field is not updated by OBJECT FREQ). */
static long long lfu_counter(const struct kv *kv)
{
	unsigned ldt = kv->lru >> 8, counter = kv->lru & 255;
	unsigned now = (unsigned)((shard_mstime() / 60000) & 65535);
	unsigned elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
	unsigned periods = srv.lfu_decay_time ? elapsed / (unsigned)srv.lfu_decay_time : 0;
	return periods > counter ? 0 : counter - periods;
}

/* Seconds since the last access, from the 24-bit seconds LRU clock. */
static long long idle_seconds(const struct kv *kv)
{
	unsigned now = db_lru_clock(), lru = kv->lru & 0xffffff;
	return now >= lru ? now - lru : now + (0xffffff - lru);
}

/* Redis shares the objects for 0..9999 (refcount INT_MAX) unless maxmemory
 * with an LRU/LFU policy forbids sharing. */
static long long refcount(const struct kv *kv)
{
	if (kv_type(kv) != OBJ_STRING || kv_enc(kv) != ENC_INT)
		return 1;
	long long v = kv_int(kv);
	int p = srv.maxmemory_policy;
	int no_share = srv.maxmemory && p != MAXMEM_NOEVICTION && p != MAXMEM_ALLKEYS_RANDOM &&
		       p != MAXMEM_VOLATILE_RANDOM && p != MAXMEM_VOLATILE_TTL;
	return v >= 0 && v < 10000 && !no_share ? INT_MAX : 1;
}

void cmd_object(struct cmd_ctx *c)
{
	int sub = subcommand(&c->argv[1]);
	if (sub == OBJ_SUB_NONE) {
		int n = c->argv[1].len > 128 ? 128 : (int)c->argv[1].len;
		reply_errorf(c->out, "ERR unknown subcommand '%.*s'. Try OBJECT HELP.", n,
			     c->argv[1].ptr);
		return;
	}
	if ((sub == OBJ_SUB_HELP && c->argc != 2) || (sub != OBJ_SUB_HELP && c->argc != 3)) {
		static const char *const names[] = {
			[OBJ_SUB_ENCODING] = "encoding", [OBJ_SUB_FREQ] = "freq",
			[OBJ_SUB_IDLETIME] = "idletime", [OBJ_SUB_REFCOUNT] = "refcount",
			[OBJ_SUB_HELP] = "help",
		};
		reply_errorf(c->out, "ERR wrong number of arguments for 'object|%s' command",
			     names[sub]);
		return;
	}
	if (sub == OBJ_SUB_HELP) {
		long n = (long)(sizeof(help_lines) / sizeof(help_lines[0]));
		reply_array(c->out, n);
		for (long i = 0; i < n; i++)
			reply_simple(c->out, help_lines[i]);
		return;
	}
	struct kv *kv = db_find(c, c->argv[2].ptr, c->argv[2].len, NULL);
	if (!kv) {
		c->sh->stats.misses++;
		reply_null(c->out);
		return;
	}
	c->sh->stats.hits++;
	switch (sub) {
	case OBJ_SUB_ENCODING: {
		unsigned e = (unsigned)kv_enc(kv);
		const char *name = e < sizeof(enc_names) / sizeof(enc_names[0]) && enc_names[e]
			? enc_names[e] : "unknown";
		reply_bulk_str(c->out, name);
		break;
	}
	case OBJ_SUB_FREQ:
		if (!lfu_policy()) {
			reply_error(c->out, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
			return;
		}
		reply_int(c->out, lfu_counter(kv));
		break;
	case OBJ_SUB_IDLETIME:
		if (lfu_policy()) {
			reply_error(c->out, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
			return;
		}
		reply_int(c->out, idle_seconds(kv));
		break;
	case OBJ_SUB_REFCOUNT:
		reply_int(c->out, refcount(kv));
		break;
	}
}
