/* cmd_memory.c — MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP.
 *
 * Thread: MEMORY USAGE runs on the key's shard (key position 2); the others
 * read process-wide counters on the client's shard.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/db.h>
#include <petrel/keyspace.h>
#include <petrel/kv.h>
#include <petrel/server.h>

#include <mimalloc.h>
#include <string.h>

/* Redis's HELP reply layout (cmd_admin.c). */
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);

/* Bytes a key takes: its cell (key, TTL, embedded value), the bucket slot
 * pointing at it, and what its value owns. */
static size_t key_usage(const struct kv *kv)
{
	size_t n = palloc_size(kv) + sizeof(struct kv *);
	int t = kv_type(kv);
	if (t == OBJ_STRING) {
		if (kv_enc(kv) == ENC_RAW)
			n += palloc_size(kv_ptr(kv));
		return n;
	}
	const struct kv_type_ops *ops = kv_type_ops_of(t);
	if (ops && ops->mem)
		n += ops->mem(kv_ptr(kv), kv_enc(kv));
	return n;
}

static void memory_usage(struct cmd_ctx *c)
{
	if (c->argc != 3 && c->argc != 5) {
		reply_error(c->out, ERR_SYNTAX);
		return;
	}
	if (c->argc == 5) {
		long long samples;
		if (!ARGIS(c, 3, "samples")) {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
		if (arg_ll_or_reply(c, &c->argv[4], &samples))
			return;
		if (samples < 0) {
			reply_error(c->out, ERR_SYNTAX);
			return;
		}
	}
	struct kv *kv = db_find(c, c->argv[2].ptr, c->argv[2].len, NULL);
	if (!kv) {
		reply_null(c->out);
		return;
	}
	reply_int(c->out, (long long)key_usage(kv));
}

static void memory_stats(struct cmd_ctx *c)
{
	size_t used = alloc_used_memory(), rss = alloc_rss();
	uint64_t keys = 0;
	for (int db = 0; db < ks_ndbs; db++)
		keys += ks_db_keys(db);
	reply_map(c->out, 8);
	reply_bulk_str(c->out, "peak.allocated");
	reply_int(c->out, (long long)used);
	reply_bulk_str(c->out, "total.allocated");
	reply_int(c->out, (long long)used);
	reply_bulk_str(c->out, "startup.allocated");
	reply_int(c->out, 0);
	reply_bulk_str(c->out, "keys.count");
	reply_int(c->out, (long long)keys);
	reply_bulk_str(c->out, "keys.bytes-per-key");
	reply_int(c->out, keys ? (long long)(used / keys) : 0);
	reply_bulk_str(c->out, "dataset.bytes");
	reply_int(c->out, (long long)used);
	reply_bulk_str(c->out, "allocator.resident");
	reply_int(c->out, (long long)rss);
	reply_bulk_str(c->out, "rss-overhead.ratio");
	reply_double(c->out, used ? (double)rss / (double)used : 0.0);
}

void cmd_memory(struct cmd_ctx *c)
{
	if (ARGIS(c, 1, "usage")) {
		memory_usage(c);
	} else if (ARGIS(c, 1, "stats")) {
		memory_stats(c);
	} else if (ARGIS(c, 1, "doctor")) {
		static const char ok[] = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";
		reply_verbatim(c->out, ok, sizeof(ok) - 1, "txt");
	} else if (ARGIS(c, 1, "purge")) {
		mi_collect(1);
		reply_ok(c->out);
	} else if (ARGIS(c, 1, "malloc-stats")) {
		static const char txt[] = "Stats not supported for the current allocator";
		reply_verbatim(c->out, txt, sizeof(txt) - 1, "txt");
	} else {
		static const char *const lines[] = {
			"DOCTOR", "    Return memory problems reports.",
			"MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
			"PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
			"STATS", "    Return information about the memory usage of the server.",
			"USAGE <key> [SAMPLES <count>]",
			"    Return memory in bytes used by <key> and its value. Nested values are",
			"    sampled up to <count> times (default: 5, 0 means sample all).",
		};
		subcmd_help(c, "MEMORY", lines, (int)(sizeof(lines) / sizeof(lines[0])));
	}
}
