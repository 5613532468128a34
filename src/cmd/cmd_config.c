/* cmd_config.c — CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the config
 * module (include/petrel/config.h).
 *
 * Thread: the client's shard. Every subcommand but HELP runs under an
 * all-shard hold (route_config -> ROUTE_ALL): the config module is not
 * reentrant, CONFIG SET's hooks rewrite `srv` which every shard reads, and
 * RESETSTAT zeroes every shard's counters.
 */
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <string.h>

struct subcmd {
	const char *name;
	int arity;
	const char *full;
};
int subcmd_find(struct cmd_ctx *c, const char *container, const struct subcmd *tab, int n);
void subcmd_help(struct cmd_ctx *c, const char *container, const char *const *lines, int n);
int route_config(int argc, const struct resp_arg *argv);
void stats_reset(void);

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

int route_config(int argc, const struct resp_arg *argv)
{
	if (argc >= 2 && arg_is(&argv[1], "help"))
		return ROUTE_LOCAL;
	return ROUTE_ALL;
}

/* NUL-terminated copies of argv[from..argc) in one block. */
static char **args_copy(struct cmd_ctx *c, int from)
{
	int n = c->argc - from;
	size_t bytes = 0;
	for (int i = from; i < c->argc; i++)
		bytes += c->argv[i].len + 1;
	char **v = pmalloc((size_t)(n + 1) * sizeof(char *) + bytes);
	char *p = (char *)(v + n + 1);
	for (int i = 0; i < n; i++) {
		const struct resp_arg *a = &c->argv[from + i];
		memcpy(p, a->ptr, a->len);
		p[a->len] = 0;
		v[i] = p;
		p += a->len + 1;
	}
	v[n] = NULL;
	return v;
}

static void config_get_cmd(struct cmd_ctx *c)
{
	char **pats = args_copy(c, 2);
	struct config_reply r = {0};
	config_get(c->argc - 2, (const char *const *)pats, &r);
	reply_map(c->out, (long)(r.count / 2));
	for (size_t i = 0; i < r.count; i++)
		reply_bulk_str(c->out, r.items[i] ? r.items[i] : "");
	config_reply_deinit(&r);
	pfree(pats);
}

static int caller_is_local(const struct client *cl)
{
	if (!cl)
		return 1;
	return (cl->flags & CL_UNIX) || !strncmp(cl->addr, "127.", 4) || !strncmp(cl->addr, "::1:", 4) ||
	       !strncmp(cl->addr, "[::1]:", 6);
}

static void config_set_cmd(struct cmd_ctx *c)
{
	if (c->argc % 2) {
		reply_error(c->out, "ERR syntax error");  /* a name without a value */
		return;
	}
	char **pairs = args_copy(c, 2);
	struct config_caller who = {0, caller_is_local(c->cl)};
	char *err = NULL;
	if (config_set(c->argc - 2, (const char *const *)pairs, &who, &err) < 0)
		reply_error(c->out, err ? err : "ERR CONFIG SET failed");
	else
		reply_ok(c->out);
	pfree(err);
	pfree(pairs);
}

/* Zero what INFO's stats/commandstats/errorstats report (not the slowlog,
 * not the latency events: Redis keeps those too). Caller holds every shard. */
static void config_resetstat(struct cmd_ctx *c)
{
	for (int s = 0; s < nshards; s++) {
		memset(&shards[s].stats, 0, sizeof(shards[s].stats));
		memset(cmd_stats(s), 0, (size_t)cmd_count * sizeof(struct cmd_stat));
	}
	stats_reset();
	__atomic_store_n(&srv.stat_numconnections, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&srv.stat_rejected, 0, __ATOMIC_RELAXED);
	srv.stat_reset_ms = shard_mstime();
	reply_ok(c->out);
}

static void config_rewrite_cmd(struct cmd_ctx *c)
{
	char *err = NULL;
	if (config_rewrite(&err) < 0)
		reply_error(c->out, err ? err : "ERR Rewriting config file");
	else
		reply_ok(c->out);
	pfree(err);
}

static const struct subcmd config_subs[] = {
	{"get", -3, "config|get"}, {"set", -4, "config|set"},
	{"resetstat", 2, "config|resetstat"}, {"rewrite", 2, "config|rewrite"},
	{"help", 2, "config|help"},
};

void cmd_config(struct cmd_ctx *c)
{
	static const char *const help[] = {
		"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>", "    Set the configuration <directive> to <value>.",
		"RESETSTAT", "    Reset statistics reported by the INFO command.",
		"REWRITE", "    Rewrite the configuration file.",
	};
	switch (subcmd_find(c, "CONFIG", config_subs, NELEM(config_subs))) {
	case 0: config_get_cmd(c); return;
	case 1: config_set_cmd(c); return;
	case 2: config_resetstat(c); return;
	case 3: config_rewrite_cmd(c); return;
	case 4: subcmd_help(c, "CONFIG", help, NELEM(help)); return;
	default: return;
	}
}
