/* cmd.h — the command table and the execution context handlers see.
 *
 * A handler `cmd_<name>(struct cmd_ctx *c)` runs on some thread that owns (or
 * holds) every shard its keys live on: inline on the client's shard, on a
 * foreign shard for a forwarded batch (c->cl == NULL there), or on a
 * coordinator holding several shards. It reads c->argv, touches keys through
 * db.h, and writes exactly one reply to c->out.
 *
 * Thread: see above; the table itself is immutable after cmd_setup().
 */
#ifndef PETREL_CMD_H
#define PETREL_CMD_H

#include <petrel/resp.h>

#include <stdint.h>
#include <strings.h>

struct client;
struct shard;
struct cmd_ctx;

typedef void (*cmd_fn)(struct cmd_ctx *c);

/* Flags (Redis's names where Redis has them). */
enum {
	CMD_WRITE       = 1 << 0,
	CMD_READONLY    = 1 << 1,
	CMD_DENYOOM     = 1 << 2,
	CMD_ADMIN       = 1 << 3,
	CMD_PUBSUB      = 1 << 4,
	CMD_NOSCRIPT    = 1 << 5,
	CMD_BLOCKING    = 1 << 6,
	CMD_LOADING     = 1 << 7,
	CMD_STALE       = 1 << 8,
	CMD_SKIP_MONITOR = 1 << 9,
	CMD_SKIP_SLOWLOG = 1 << 10,
	CMD_FAST        = 1 << 11,
	CMD_NO_AUTH     = 1 << 12,
	CMD_MAY_REPLICATE = 1 << 13,
	CMD_NO_MULTI    = 1 << 14,
	CMD_ALLOW_BUSY  = 1 << 15,
	CMD_SENTINEL    = 1 << 16,
	/* petrel routing flags */
	CMD_ALLSHARDS   = 1 << 24,  /* needs every shard held (KEYS, FLUSHALL, ...) */
	CMD_CLIENT      = 1 << 25,  /* needs the client struct: always inline */
	CMD_MOVABLE     = 1 << 26,  /* key positions computed by getkeys */
	CMD_COORD       = 1 << 27,  /* runs on the client's shard, holding its keys' shards */
};

struct cmd_def {
	const char *name;
	cmd_fn fn;
	int arity;              /* >0 exact, <0 at least -arity */
	uint32_t flags;
	int first, last, step;  /* key positions; last -1 = up to the end */
	const char *acl;        /* ACL categories, space separated, without '@' */
	/* For CMD_MOVABLE: fill keys[] with argv indexes, return count. */
	int (*getkeys)(int argc, const struct resp_arg *argv, int *keys, int max);
	/* Optional routing override: ROUTE_KEYS (use keys), ROUTE_LOCAL,
	 * ROUTE_ALL, or a shard id (>= 0). */
	int (*route)(int argc, const struct resp_arg *argv);
};

enum { ROUTE_KEYS = -1, ROUTE_LOCAL = -2, ROUTE_ALL = -3 };

/* Latency buckets as Redis's LATENCY HISTOGRAM reports them: bucket k holds
 * the calls that took under 1032 * 2^k ns (hdr_histogram's 2-digit bucket
 * bounds over 1 us, 2 us, 4 us, ...), durations measured in whole us. */
#define CMD_HIST_BUCKETS 32

struct cmd_stat {
	uint64_t calls, usec, rejected, failed;
	uint32_t hist[CMD_HIST_BUCKETS];
};

struct cmd_ctx {
	struct shard *sh;       /* the executing thread's shard */
	struct client *cl;      /* only when executing on the client's shard */
	const struct cmd_def *def;
	int argc;
	struct resp_arg *argv;
	struct rbuf *out;
	int db;
	long long now;          /* command time snapshot, unix ms */
	uint64_t client_id;
	uint8_t resp;
	uint8_t multi_shard;    /* running under a multi-shard hold */
	uint8_t in_exec;        /* queued command run by EXEC (never blocks) */
};

extern const struct cmd_def cmd_table[];
extern const int cmd_count;

static inline int cmd_index(const struct cmd_def *d) { return (int)(d - cmd_table); }

void cmd_setup(void);
const struct cmd_def *cmd_lookup(const char *name, size_t len);
/* Containers (CONFIG, CLIENT, ...) have one table entry per subcommand,
 * named "parent|sub", sharing the parent's handler. */
int cmd_is_container(const struct cmd_def *d);
int cmd_is_subcommand(const struct cmd_def *d);
const struct cmd_def *cmd_lookup_sub(const struct cmd_def *parent, const char *sub, size_t len);
/* Key argv indexes of a command (honours first/last/step or getkeys). */
int cmd_keys(const struct cmd_def *d, int argc, const struct resp_arg *argv, int *keys, int max);

/* Redis 7.0's key specifications of a command (src/cmd/keyspecs.def). */
struct keyspec {
	const char *cmd, *notes;
	const char *flags;              /* space-separated, Redis's order */
	const char *bs_type;            /* "index", "keyword", "unknown" */
	int bs_a;                       /* index, or the keyword's startfrom */
	const char *keyword;
	const char *fk_type;            /* "range", "keynum", "unknown" */
	int a, b, c;                    /* range: lastkey keystep limit; keynum: keynumidx firstkey keystep */
};
/* The specs of d (n in *n; NULL when Redis 7.0 has none for it). */
const struct keyspec *cmd_keyspecs(const struct cmd_def *d, int *n);
/* d's command tips, space-separated, or NULL. */
const char *cmd_tips(const struct cmd_def *d);
/* Key positions and their flags (bit i = the i-th name keyspec_flag_names
 * lists) as Redis's COMMAND GETKEYSANDFLAGS finds them; at most max. */
int cmd_keys_with_flags(const struct cmd_def *d, int argc, const struct resp_arg *argv, int *pos,
			unsigned *flags, int max);
unsigned keyspec_flag_bits(const char *words);
int keyspec_flag_names(unsigned bits, const char **out);

/* Per-shard command stats array (cmd_count entries). */
struct cmd_stat *cmd_stats(int shard);

/* Helpers for handlers. */
static inline int arg_is(const struct resp_arg *a, const char *lit)
{
	size_t n = __builtin_strlen(lit);
	return a->len == n && strncasecmp(a->ptr, lit, n) == 0;
}
#define ARGIS(c, i, lit) arg_is(&(c)->argv[i], lit)

#endif
