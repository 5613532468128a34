/* config_table.c — the directive table: every Redis 7.0 directive (plus
 * petrel's own), its type, flags, bounds and default, and the handlers of the
 * directives that fit no plain type (save, bind, replicaof, dir,
 * client-output-buffer-limit, notify-keyspace-events, oom-score-adj-values,
 * latency-tracking-info-percentiles).
 *
 * Adding a directive = a field in struct config (config.h) + one row here.
 * When petrel starts acting on a directive, add `I` to its flags so the
 * "accepted but not implemented" warning stops.
 *
 * Row macros (the field's C type is checked at compile time):
 *   BOOL(name, alias, flags, field, default)
 *   STR(name, alias, flags, field, default, validator)  default NULL = unset
 *   ENUM(name, alias, flags, field, table, default)
 *   NUM(name, alias, flags, ctype, store, field, min, max, default, numflags)
 *   SPECIAL(name, alias, flags, set, get, rewrite)
 * flags: I implemented, IMM immutable, PROT protected, SENS sensitive,
 *        HID hidden, DLOAD deny while loading, MULTI multi-argument,
 *        DBG debug, ENULL empty string stored as NULL.
 *
 * Thread: main (see config.h).
 */
#include "config_int.h"

#include <petrel/alloc.h>
#include <petrel/log.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define I     CONFIG_IMPLEMENTED
#define IMM   CONFIG_IMMUTABLE
#define PROT  CONFIG_PROTECTED
#define SENS  CONFIG_SENSITIVE
#define HID   CONFIG_HIDDEN
#define DLOAD CONFIG_DENY_LOADING
#define MULTI CONFIG_MULTI_ARG
#define DBG   CONFIG_DEBUG
#define ENULL CF_EMPTY_NULL
#define MOD   0u   /* modifiable: no flag */

/* offsetof(struct config, field), refusing to compile if field is not a T */
#define FLD(field, T) \
	(offsetof(struct config, field) + \
	 0 * sizeof(char[1 - 2 * !__builtin_types_compatible_p(__typeof__(((struct config *)0)->field), T)]))

#define BOOL(n, a, fl, field, d) \
	{ .name = n, .alias = a, .flags = (fl), .type = CT_BOOL, .off = FLD(field, int), .dflt = (d) }
#define STR(n, a, fl, field, d, chk) \
	{ .name = n, .alias = a, .flags = (fl), .type = CT_STR, .off = FLD(field, char *), \
	  .dflt_str = (d), .check = (chk) }
#define ENUM(n, a, fl, field, tbl, d) \
	{ .name = n, .alias = a, .flags = (fl), .type = CT_ENUM, .off = FLD(field, int), \
	  .enums = (tbl), .dflt = (d) }
#define NUM(n, a, fl, T, ns, field, lo_, hi_, d, nf) \
	{ .name = n, .alias = a, .flags = (fl), .type = CT_NUM, .off = FLD(field, T), .store = (ns), \
	  .lo = (lo_), .hi = (hi_), .dflt = (d), .numflags = (nf) }
#define INT(n, a, fl, field, lo_, hi_, d) NUM(n, a, fl, int, NS_INT, field, lo_, hi_, d, 0)
#define SPECIAL(n, a, fl, setf, getf, rwf) \
	{ .name = n, .alias = a, .flags = (fl), .type = CT_SPECIAL, .set = (setf), .get = (getf), \
	  .rewrite = (rwf) }

/* ---- enum tables (order = the order Redis lists them in errors) ---------- */

static const struct config_enum e_maxmemory_policy[] = {
	{"volatile-lru", MAXMEMORY_VOLATILE_LRU}, {"volatile-lfu", MAXMEMORY_VOLATILE_LFU},
	{"volatile-random", MAXMEMORY_VOLATILE_RANDOM}, {"volatile-ttl", MAXMEMORY_VOLATILE_TTL},
	{"allkeys-lru", MAXMEMORY_ALLKEYS_LRU}, {"allkeys-lfu", MAXMEMORY_ALLKEYS_LFU},
	{"allkeys-random", MAXMEMORY_ALLKEYS_RANDOM}, {"noeviction", MAXMEMORY_NO_EVICTION},
	{NULL, 0}};
/* syslog(3) facility values, spelled out: <syslog.h> clashes with log.h */
static const struct config_enum e_syslog_facility[] = {
	{"user", 1 << 3}, {"local0", 16 << 3}, {"local1", 17 << 3}, {"local2", 18 << 3},
	{"local3", 19 << 3}, {"local4", 20 << 3}, {"local5", 21 << 3}, {"local6", 22 << 3},
	{"local7", 23 << 3}, {NULL, 0}};
static const struct config_enum e_loglevel[] = {
	{"debug", LOG_DEBUG}, {"verbose", LOG_VERBOSE}, {"notice", LOG_NOTICE},
	{"warning", LOG_WARNING}, {"nothing", LOG_NOTHING}, {NULL, 0}};
static const struct config_enum e_supervised[] = {
	{"upstart", SUPERVISED_UPSTART}, {"systemd", SUPERVISED_SYSTEMD},
	{"auto", SUPERVISED_AUTO}, {"no", SUPERVISED_NONE}, {NULL, 0}};
static const struct config_enum e_appendfsync[] = {
	{"everysec", APPENDFSYNC_EVERYSEC}, {"always", APPENDFSYNC_ALWAYS}, {"no", APPENDFSYNC_NO},
	{NULL, 0}};
static const struct config_enum e_diskless_load[] = {
	{"disabled", DISKLESS_LOAD_DISABLED}, {"on-empty-db", DISKLESS_LOAD_ON_EMPTY_DB},
	{"swapdb", DISKLESS_LOAD_SWAPDB}, {NULL, 0}};
static const struct config_enum e_tls_auth[] = {
	{"no", TLS_AUTH_NO}, {"yes", TLS_AUTH_YES}, {"optional", TLS_AUTH_OPTIONAL}, {NULL, 0}};
/* "yes" and "relative" are one value; GET shows the first name: "yes" */
static const struct config_enum e_oom_score_adj[] = {
	{"no", OOM_SCORE_ADJ_NO}, {"yes", OOM_SCORE_RELATIVE}, {"relative", OOM_SCORE_RELATIVE},
	{"absolute", OOM_SCORE_ABSOLUTE}, {NULL, 0}};
static const struct config_enum e_acl_pubsub[] = {
	{"allchannels", 1}, {"resetchannels", 0}, {NULL, 0}};
static const struct config_enum e_sanitize[] = {
	{"no", SANITIZE_DUMP_NO}, {"yes", SANITIZE_DUMP_YES}, {"clients", SANITIZE_DUMP_CLIENTS},
	{NULL, 0}};
static const struct config_enum e_protected[] = {
	{"no", PROTECTED_ACTION_NO}, {"yes", PROTECTED_ACTION_YES}, {"local", PROTECTED_ACTION_LOCAL},
	{NULL, 0}};
static const struct config_enum e_endpoint[] = {
	{"ip", ENDPOINT_IP}, {"hostname", ENDPOINT_HOSTNAME}, {"unknown-endpoint", ENDPOINT_UNKNOWN},
	{NULL, 0}};

static const struct config_enum e_propagation[] = {
	{"ignore", PROPAGATION_ERR_IGNORE}, {"panic", PROPAGATION_ERR_PANIC},
	{"panic-on-replicas", PROPAGATION_ERR_PANIC_ON_REPLICAS}, {NULL, 0}};

/* ---- string validators ---------------------------------------------------- */

static int is_basename(const char *v) { return strchr(v, '/') == NULL; }

static int check_dbfilename(const char *v, char *errbuf)
{
	if (is_basename(v))
		return 1;
	snprintf(errbuf, CONFIG_ERRBUF, "dbfilename can't be a path, just a filename");
	return 0;
}

static int check_aof_filename(const char *v, char *errbuf)
{
	if (!*v)
		snprintf(errbuf, CONFIG_ERRBUF, "appendfilename can't be empty");
	else if (!is_basename(v))
		snprintf(errbuf, CONFIG_ERRBUF, "appendfilename can't be a path, just a filename");
	else
		return 1;
	return 0;
}

static int check_aof_dirname(const char *v, char *errbuf)
{
	if (!*v)
		snprintf(errbuf, CONFIG_ERRBUF, "appenddirname can't be empty");
	else if (!is_basename(v))
		snprintf(errbuf, CONFIG_ERRBUF, "appenddirname can't be a path, just a dirname");
	else
		return 1;
	return 0;
}

static int check_hostname(const char *v, char *errbuf)
{
	if (strlen(v) >= 256) {
		snprintf(errbuf, CONFIG_ERRBUF, "Hostnames must be less than 256 characters");
		return 0;
	}
	for (const char *p = v; *p; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.')) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 "Hostnames may only contain alphanumeric characters, hyphens or dots");
			return 0;
		}
	}
	return 1;
}

static int check_proc_title(const char *v, char *errbuf)
{
	static const char *const vars[] = {"{title}", "{listen-addr}", "{server-mode}", "{port}",
					   "{tls-port}", "{unixsocket}", "{config-file}"};
	const char *p = v;
	int ok = 1;
	while (ok && (p = strchr(p, '{'))) {
		const char *e = strchr(p, '}');
		ok = 0;
		for (size_t i = 0; e && i < sizeof(vars) / sizeof(vars[0]); i++)
			if ((size_t)(e - p + 1) == strlen(vars[i]) && !strncmp(p, vars[i], strlen(vars[i])))
				ok = 1;
		p = e ? e + 1 : p + 1;
	}
	/* a template must still say which process it is */
	if (ok && !strstr(v, "{title}"))
		ok = 0;
	if (!ok)
		snprintf(errbuf, CONFIG_ERRBUF, "template format is invalid or contains unknown variables");
	return ok;
}

/* ---- special directives ---------------------------------------------------- */

static int wrong_args(char *errbuf)
{
	snprintf(errbuf, CONFIG_ERRBUF, "wrong number of arguments");
	return 0;
}

/* dir: chdir now; GET reads the cwd back. */
static int set_dir(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	if (argc != 1)
		return wrong_args(errbuf);
	if (chdir(argv[0]) == -1) {
		snprintf(errbuf, CONFIG_ERRBUF, "%s", strerror(errno));
		return 0;
	}
	return 1;
}

static char *get_dir(struct config_def *d)
{
	(void)d;
	char buf[4096];
	if (!getcwd(buf, sizeof(buf)))
		buf[0] = '\0';
	return pstrdup(buf);
}

static void rewrite_dir(struct config_def *d, struct config_rewrite_state *st)
{
	char buf[4096];
	if (!getcwd(buf, sizeof(buf))) {
		config_rewrite_mark(st, d->name);
		return;
	}
	char *line = pstrdup("dir ");
	size_t len = strlen(line);
	config_args_repr(&line, &len, buf, strlen(buf));
	config_rewrite_line(st, d->name, line, 1);
}

/* save: pairs of <seconds >= 1> <changes >= 0>; "" = none. In a file, the
 * first save line replaces the defaults and later ones add to it. */
int config_loading_file;
int config_save_loaded;

static int set_save(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	if (argc == 1 && !argv[0][0])
		argc = 0;
	if (argc & 1)
		goto bad;
	for (int j = 0; j < argc; j++) {
		char *end;
		long long v = strtoll(argv[j], &end, 10);
		if (*end || ((j & 1) == 0 && v < 1) || ((j & 1) == 1 && v < 0))
			goto bad;
	}
	if (!config_loading_file || !config_save_loaded) {
		config_save_loaded = config_loading_file;
		pfree(cfg.save);
		cfg.save = NULL;
		cfg.save_count = 0;
	}
	if (argc) {
		cfg.save = prealloc(cfg.save, sizeof(*cfg.save) * (size_t)(cfg.save_count + argc / 2));
		for (int j = 0; j < argc; j += 2) {
			cfg.save[cfg.save_count].seconds = strtoll(argv[j], NULL, 10);
			cfg.save[cfg.save_count].changes = (int)strtoll(argv[j + 1], NULL, 10);
			cfg.save_count++;
		}
	}
	return 1;
bad:
	snprintf(errbuf, CONFIG_ERRBUF, "Invalid save parameters");
	return 0;
}

static char *get_save(struct config_def *d)
{
	(void)d;
	char *out = pstrdup("");
	for (int j = 0; j < cfg.save_count; j++) {
		char *n = config_strfmt("%s%s%lld %d", out, j ? " " : "", cfg.save[j].seconds,
					cfg.save[j].changes);
		pfree(out);
		out = n;
	}
	return out;
}

static void rewrite_save(struct config_def *d, struct config_rewrite_state *st)
{
	if (cfg.sentinel_mode) {
		config_rewrite_mark(st, d->name);
		return;
	}
	if (!cfg.save_count)
		config_rewrite_line(st, d->name, pstrdup("save \"\""), 1);
	for (int j = 0; j < cfg.save_count; j++)
		config_rewrite_line(st, d->name,
				    config_strfmt("save %lld %d", cfg.save[j].seconds, cfg.save[j].changes), 1);
	config_rewrite_mark(st, d->name);
}

/* client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [...] */
static const struct config_obuf_limit obuf_defaults[OBUF_COUNT] = {
	{0, 0, 0},
	{256ULL * 1024 * 1024, 64ULL * 1024 * 1024, 60},
	{32ULL * 1024 * 1024, 8ULL * 1024 * 1024, 60},
};

static int obuf_class(const char *s)
{
	if (!strcasecmp(s, "normal")) return OBUF_NORMAL;
	if (!strcasecmp(s, "slave") || !strcasecmp(s, "replica")) return OBUF_REPLICA;
	if (!strcasecmp(s, "pubsub")) return OBUF_PUBSUB;
	return -1; /* "master" included: it has no limit */
}

static int set_obuf(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	struct config_obuf_limit v[OBUF_COUNT];
	int seen[OBUF_COUNT] = {0};

	if (argc % 4) {
		snprintf(errbuf, CONFIG_ERRBUF, "Wrong number of arguments in buffer limit configuration.");
		return 0;
	}
	for (int j = 0; j < argc; j += 4) {
		int c = obuf_class(argv[j]), e1, e2;
		if (c < 0) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 "Invalid client class specified in buffer limit configuration.");
			return 0;
		}
		unsigned long long hard = config_memtoull(argv[j + 1], &e1);
		unsigned long long soft = config_memtoull(argv[j + 2], &e2);
		char *end;
		long long secs = strtoll(argv[j + 3], &end, 10);
		if (e1 || e2 || secs < 0 || *end) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
			return 0;
		}
		v[c].hard_bytes = hard;
		v[c].soft_bytes = soft;
		v[c].soft_seconds = secs;
		seen[c] = 1;
	}
	for (int c = 0; c < OBUF_COUNT; c++)
		if (seen[c])
			cfg.obuf_limits[c] = v[c];
	return 1;
}

static const char *const obuf_names[OBUF_COUNT] = {"normal", "slave", "pubsub"};

static char *get_obuf(struct config_def *d)
{
	(void)d;
	const struct config_obuf_limit *l = cfg.obuf_limits;
	return config_strfmt("%s %llu %llu %lld %s %llu %llu %lld %s %llu %llu %lld",
			     obuf_names[0], l[0].hard_bytes, l[0].soft_bytes, l[0].soft_seconds,
			     obuf_names[1], l[1].hard_bytes, l[1].soft_bytes, l[1].soft_seconds,
			     obuf_names[2], l[2].hard_bytes, l[2].soft_bytes, l[2].soft_seconds);
}

static void rewrite_obuf(struct config_def *d, struct config_rewrite_state *st)
{
	/* Changed classes first, so they take over the old lines and a class at
	 * its default is not written into a line another class used (Redis
	 * goes in class order, which makes a second rewrite differ). */
	for (int pass = 1; pass >= 0; pass--) {
		for (int c = 0; c < OBUF_COUNT; c++) {
			const struct config_obuf_limit *l = &cfg.obuf_limits[c], *df = &obuf_defaults[c];
			int force = l->hard_bytes != df->hard_bytes || l->soft_bytes != df->soft_bytes ||
				    l->soft_seconds != df->soft_seconds;
			if (force != pass)
				continue;
			char hard[64], soft[64];
			config_format_memory(hard, sizeof(hard), (long long)l->hard_bytes);
			config_format_memory(soft, sizeof(soft), (long long)l->soft_bytes);
			config_rewrite_line(st, d->name,
					    config_strfmt("%s %s %s %s %lld", d->name,
							  c == OBUF_REPLICA ? "replica" : obuf_names[c], hard, soft,
							  l->soft_seconds),
					    force);
		}
	}
}

/* oom-score-adj-values <master> <replica> <bgchild> */
static const int oom_defaults[3] = {0, 200, 800};

static int set_oom_values(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	int v[3], change = 0;
	if (argc != 3)
		return wrong_args(errbuf);
	for (int i = 0; i < 3; i++) {
		char *end;
		long long x = strtoll(argv[i], &end, 10);
		if (*end || x < -2000 || x > 2000) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
			return 0;
		}
		v[i] = (int)x;
	}
	if (v[1] < v[0] || v[2] < v[1])
		log_warning("The oom-score-adj-values configuration may not work for non-privileged "
			    "processes! Please consult the documentation.");
	for (int i = 0; i < 3; i++) {
		change |= cfg.oom_score_adj_values[i] != v[i];
		cfg.oom_score_adj_values[i] = v[i];
	}
	return change ? 1 : 2;
}

static char *get_oom_values(struct config_def *d)
{
	(void)d;
	return config_strfmt("%d %d %d", cfg.oom_score_adj_values[0], cfg.oom_score_adj_values[1],
			     cfg.oom_score_adj_values[2]);
}

static void rewrite_oom_values(struct config_def *d, struct config_rewrite_state *st)
{
	int force = memcmp(cfg.oom_score_adj_values, oom_defaults, sizeof(oom_defaults)) != 0;
	char *v = get_oom_values(d);
	config_rewrite_line(st, d->name, config_strfmt("%s %s", d->name, v), force);
	pfree(v);
}

/* notify-keyspace-events: class characters; stored as bits and as the
 * canonical string CONFIG GET shows ("A" for all of g$lshzxetd). */
static int notify_flags(const char *s)
{
	int f = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'A': f |= NOTIFY_ALL; break;
		case 'g': f |= NOTIFY_GENERIC; break;
		case '$': f |= NOTIFY_STRING; break;
		case 'l': f |= NOTIFY_LIST; break;
		case 's': f |= NOTIFY_SET; break;
		case 'h': f |= NOTIFY_HASH; break;
		case 'z': f |= NOTIFY_ZSET; break;
		case 'x': f |= NOTIFY_EXPIRED; break;
		case 'e': f |= NOTIFY_EVICTED; break;
		case 'K': f |= NOTIFY_KEYSPACE; break;
		case 'E': f |= NOTIFY_KEYEVENT; break;
		case 't': f |= NOTIFY_STREAM; break;
		case 'm': f |= NOTIFY_KEY_MISS; break;
		case 'd': f |= NOTIFY_MODULE; break;
		case 'n': f |= NOTIFY_NEW; break;
		default: return -1;
		}
	}
	return f;
}

static char *notify_string(int f)
{
	static const struct { int bit; char c; } order[] = {
		{NOTIFY_GENERIC, 'g'}, {NOTIFY_STRING, '$'}, {NOTIFY_LIST, 'l'}, {NOTIFY_SET, 's'},
		{NOTIFY_HASH, 'h'}, {NOTIFY_ZSET, 'z'}, {NOTIFY_EXPIRED, 'x'}, {NOTIFY_EVICTED, 'e'},
		{NOTIFY_STREAM, 't'}, {NOTIFY_MODULE, 'd'}, {NOTIFY_NEW, 'n'}};
	char buf[32];
	size_t n = 0;
	if ((f & NOTIFY_ALL) == NOTIFY_ALL) {
		buf[n++] = 'A';
		if (f & NOTIFY_NEW) /* 'n' is not part of 'A' */
			buf[n++] = 'n';
	} else {
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (f & order[i].bit)
				buf[n++] = order[i].c;
	}
	if (f & NOTIFY_KEYSPACE) buf[n++] = 'K';
	if (f & NOTIFY_KEYEVENT) buf[n++] = 'E';
	if (f & NOTIFY_KEY_MISS) buf[n++] = 'm';
	buf[n] = '\0';
	return pstrdup(buf);
}

static int set_notify(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	if (argc != 1)
		return wrong_args(errbuf);
	int f = notify_flags(argv[0]);
	if (f < 0) {
		snprintf(errbuf, CONFIG_ERRBUF, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
		return 0;
	}
	cfg.notify_keyspace_events = f;
	pfree(cfg.notify_keyspace_events_str);
	cfg.notify_keyspace_events_str = notify_string(f);
	return 1;
}

static char *get_notify(struct config_def *d)
{
	(void)d;
	return notify_string(cfg.notify_keyspace_events);
}

static void rewrite_notify(struct config_def *d, struct config_rewrite_state *st)
{
	char *flags = notify_string(cfg.notify_keyspace_events);
	char *line = config_strfmt("%s ", d->name);
	size_t len = strlen(line);
	config_args_repr(&line, &len, flags, strlen(flags));
	pfree(flags);
	config_rewrite_line(st, d->name, line, cfg.notify_keyspace_events != 0);
}

/* bind addr [addr ...]; "" = none. */
static const char *const bind_defaults[] = {"*", "-::*"};

static int set_bind(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	if (argc > CONFIG_BINDADDR_MAX) {
		snprintf(errbuf, CONFIG_ERRBUF, "Too many bind addresses specified.");
		return 0;
	}
	if (argc == 1 && !argv[0][0])
		argc = 0;
	for (int j = 0; j < cfg.bind_count; j++) {
		pfree(cfg.bind[j]);
		cfg.bind[j] = NULL;
	}
	for (int j = 0; j < argc; j++)
		cfg.bind[j] = pstrdup(argv[j]);
	cfg.bind_count = argc;
	return 1;
}

static char *get_bind(struct config_def *d)
{
	(void)d;
	size_t len = 1;
	for (int j = 0; j < cfg.bind_count; j++)
		len += strlen(cfg.bind[j]) + 1;
	char *out = pmalloc(len);
	out[0] = '\0';
	for (int j = 0; j < cfg.bind_count; j++) {
		if (j)
			strcat(out, " ");
		strcat(out, cfg.bind[j]);
	}
	return out;
}

static void rewrite_bind(struct config_def *d, struct config_rewrite_state *st)
{
	int is_default = cfg.bind_count == 2;
	for (int j = 0; is_default && j < 2; j++)
		is_default = !strcmp(cfg.bind[j], bind_defaults[j]);
	if (is_default) {
		config_rewrite_mark(st, d->name);
		return;
	}
	char *addrs = cfg.bind_count ? get_bind(d) : pstrdup("\"\"");
	config_rewrite_line(st, d->name, config_strfmt("%s %s", d->name, addrs), 1);
	pfree(addrs);
}

/* replicaof <host> <port> | replicaof no one */
static int set_replicaof(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	if (argc != 2)
		return wrong_args(errbuf);
	pfree(cfg.masterhost);
	cfg.masterhost = NULL;
	if (!strcasecmp(argv[0], "no") && !strcasecmp(argv[1], "one"))
		return 1;
	char *end;
	long port = strtol(argv[1], &end, 10);
	if (port < 0 || port > 65535 || *end) {
		snprintf(errbuf, CONFIG_ERRBUF, "Invalid master port");
		return 0;
	}
	cfg.masterport = (int)port;
	cfg.masterhost = pstrdup(argv[0]);
	return 1;
}

static char *get_replicaof(struct config_def *d)
{
	(void)d;
	if (!cfg.masterhost)
		return pstrdup("");
	return config_strfmt("%s %d", cfg.masterhost, cfg.masterport);
}

static void rewrite_replicaof(struct config_def *d, struct config_rewrite_state *st)
{
	if (cfg.cluster_enabled || !cfg.masterhost) {
		config_rewrite_mark(st, d->name);
		return;
	}
	config_rewrite_line(st, d->name, config_strfmt("%s %s %d", d->name, cfg.masterhost, cfg.masterport), 1);
}

/* latency-tracking-info-percentiles <p> [p ...]; "" = none. */
static void fmt_double(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%f", v);
	if (strchr(buf, '.')) { /* trim "99.900000" to "99.9", "50.000000" to "50" */
		char *e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = '\0';
		if (*e == '.')
			*e = '\0';
	}
}

static int set_percentiles(struct config_def *d, int argc, char **argv, char *errbuf)
{
	(void)d;
	if (argc == 1 && !argv[0][0])
		argc = 0;
	double *v = argc ? pmalloc(sizeof(double) * (size_t)argc) : NULL;
	for (int j = 0; j < argc; j++) {
		char *end;
		errno = 0;
		v[j] = strtod(argv[j], &end);
		if (!argv[j][0] || *end || errno || v[j] != v[j] || isspace((unsigned char)argv[j][0])) {
			snprintf(errbuf, CONFIG_ERRBUF, "Invalid latency-tracking-info-percentiles parameters");
			pfree(v);
			return 0;
		}
		if (v[j] > 100.0 || v[j] < 0.0) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
			pfree(v);
			return 0;
		}
	}
	pfree(cfg.latency_tracking_info_percentiles);
	cfg.latency_tracking_info_percentiles = v;
	cfg.latency_tracking_info_percentiles_len = argc;
	return 1;
}

static char *get_percentiles(struct config_def *d)
{
	(void)d;
	char *out = pstrdup("");
	for (int j = 0; j < cfg.latency_tracking_info_percentiles_len; j++) {
		char num[64];
		fmt_double(num, sizeof(num), cfg.latency_tracking_info_percentiles[j]);
		char *n = config_strfmt("%s%s%s", out, j ? " " : "", num);
		pfree(out);
		out = n;
	}
	return out;
}

static void rewrite_percentiles(struct config_def *d, struct config_rewrite_state *st)
{
	/* Redis 7.0.0 always wrote this line; later 7.0.x only when changed */
	static const double dflt[] = {50, 99, 99.9};
	int force = cfg.latency_tracking_info_percentiles_len != 3 ||
		    memcmp(cfg.latency_tracking_info_percentiles, dflt, sizeof(dflt)) != 0;
	char *v = get_percentiles(d);
	config_rewrite_line(st, d->name, config_strfmt("%s %s", d->name, *v ? v : "\"\""), force);
	pfree(v);
}

/* shutdown-on-sigint / shutdown-on-sigterm: a set of flags, kept as words */
static int set_shutdown_flags(struct config_def *d, int argc, char **argv, char *errbuf)
{
	static const char *const words[] = {"default", "save", "nosave", "now", "force"};
	char buf[64] = "";
	unsigned mask = 0;
	if (argc == 0)
		return wrong_args(errbuf);
	for (int j = 0; j < argc; j++) {
		size_t w = 0;
		while (w < 5 && strcasecmp(argv[j], words[w]))
			w++;
		if (w == 5) {
			snprintf(errbuf, CONFIG_ERRBUF,
				 "argument(s) must be one of the following: default, save, nosave, now, force");
			return 0;
		}
		mask |= 1u << w;
	}
	for (size_t w = 0; w < 5; w++) {
		if (!(mask & (1u << w)))
			continue;
		if (buf[0])
			strcat(buf, " ");
		strcat(buf, words[w]);
	}
	char **slot = (char **)((char *)&cfg + d->off);
	int changed = strcmp(*slot ? *slot : "", buf) != 0;
	config_str_store(slot, buf);
	return changed ? 1 : 2;
}

static char *get_shutdown_flags(struct config_def *d)
{
	char *const *slot = (char *const *)((const char *)&cfg + d->off);
	return pstrdup(*slot ? *slot : "default");
}

static void rewrite_shutdown_flags(struct config_def *d, struct config_rewrite_state *st)
{
	char *v = get_shutdown_flags(d);
	config_rewrite_line(st, d->name, config_strfmt("%s %s", d->name, v), strcmp(v, "default") != 0);
	pfree(v);
}

static void clamp_hz(void)
{
	if (cfg.hz < CONFIG_MIN_HZ) cfg.hz = CONFIG_MIN_HZ;
	if (cfg.hz > CONFIG_MAX_HZ) cfg.hz = CONFIG_MAX_HZ;
}

/* ---- the table -------------------------------------------------------------- */

#define MB (1024LL * 1024)

struct config_def config_table[] = {
	/* network */
	INT("port", NULL, I, port, 0, 65535, 6379),
	SPECIAL("bind", NULL, I | MULTI, set_bind, get_bind, rewrite_bind),
	STR("bind-source-addr", NULL, ENULL, bind_source_addr, NULL, NULL),
	STR("unixsocket", NULL, I | IMM | ENULL, unixsocket, NULL, NULL),
	NUM("unixsocketperm", NULL, I | IMM, unsigned int, NS_UINT, unixsocketperm, 0, 0777, 0, NUM_OCTAL),
	INT("tcp-backlog", NULL, I | IMM, tcp_backlog, 0, INT_MAX, 511),
	INT("tcp-keepalive", NULL, I, tcp_keepalive, 0, INT_MAX, 300),
	INT("timeout", NULL, I, timeout, 0, INT_MAX, 0),
	NUM("maxclients", NULL, I, unsigned int, NS_UINT, maxclients, 1, UINT_MAX, 10000, 0),
	BOOL("protected-mode", NULL, I, protected_mode, 1),
	STR("requirepass", NULL, I | SENS | ENULL, requirepass, NULL, NULL),
	INT("threads", NULL, I | IMM, threads, 0, 1024, 0),
	INT("io-threads", NULL, DBG | IMM, io_threads, 1, 128, 1),
	BOOL("io-threads-do-reads", NULL, DBG | IMM, io_threads_do_reads, 0),
	/* general */
	INT("databases", NULL, I | IMM, databases, 1, INT_MAX, 16),
	BOOL("daemonize", NULL, I | IMM, daemonize, 0),
	ENUM("supervised", NULL, IMM, supervised, e_supervised, SUPERVISED_NONE),
	STR("pidfile", NULL, I | IMM | ENULL, pidfile, NULL, NULL),
	STR("logfile", NULL, I | IMM, logfile, "", NULL),
	ENUM("loglevel", NULL, I, loglevel, e_loglevel, LOG_NOTICE),
	BOOL("syslog-enabled", NULL, I | IMM, syslog_enabled, 0),
	STR("syslog-ident", NULL, I | IMM, syslog_ident, "redis", NULL),
	ENUM("syslog-facility", NULL, I | IMM, syslog_facility, e_syslog_facility, 16 << 3),
	BOOL("always-show-logo", NULL, IMM, always_show_logo, 0),
	BOOL("set-proc-title", NULL, IMM, set_proc_title, 1),
	STR("proc-title-template", NULL, MOD, proc_title_template, "{title} {listen-addr} {server-mode}",
	    check_proc_title),
	BOOL("crash-log-enabled", NULL, MOD, crash_log_enabled, 1),
	BOOL("crash-memcheck-enabled", NULL, MOD, crash_memcheck_enabled, 1),
	BOOL("use-exit-on-panic", NULL, HID, use_exit_on_panic, 0),
	BOOL("disable-thp", NULL, IMM, disable_thp, 1),
	STR("ignore-warnings", NULL, MOD, ignore_warnings, "", NULL),
	INT("shutdown-timeout", NULL, MOD, shutdown_timeout, 0, INT_MAX, 10),
	{ .name = "shutdown-on-sigint", .flags = MULTI, .type = CT_SPECIAL, .off = FLD(shutdown_on_sigint, char *),
	  .set = set_shutdown_flags, .get = get_shutdown_flags, .rewrite = rewrite_shutdown_flags },
	{ .name = "shutdown-on-sigterm", .flags = MULTI, .type = CT_SPECIAL, .off = FLD(shutdown_on_sigterm, char *),
	  .set = set_shutdown_flags, .get = get_shutdown_flags, .rewrite = rewrite_shutdown_flags },
	ENUM("oom-score-adj", NULL, MOD, oom_score_adj, e_oom_score_adj, OOM_SCORE_ADJ_NO),
	SPECIAL("oom-score-adj-values", NULL, MULTI, set_oom_values, get_oom_values, rewrite_oom_values),
	STR("server_cpulist", NULL, IMM | ENULL, server_cpulist, NULL, NULL),
	STR("bio_cpulist", NULL, IMM | ENULL, bio_cpulist, NULL, NULL),
	STR("aof_rewrite_cpulist", NULL, IMM | ENULL, aof_rewrite_cpulist, NULL, NULL),
	STR("bgsave_cpulist", NULL, IMM | ENULL, bgsave_cpulist, NULL, NULL),
	ENUM("enable-protected-configs", NULL, I | IMM, enable_protected_configs, e_protected, PROTECTED_ACTION_NO),
	ENUM("enable-debug-command", NULL, I | IMM, enable_debug_command, e_protected, PROTECTED_ACTION_NO),
	ENUM("enable-module-command", NULL, IMM, enable_module_command, e_protected, PROTECTED_ACTION_NO),
	ENUM("sanitize-dump-payload", NULL, DBG, sanitize_dump_payload, e_sanitize, SANITIZE_DUMP_NO),
	BOOL("jemalloc-bg-thread", NULL, MOD, jemalloc_bg_thread, 1),
	/* snapshotting */
	SPECIAL("save", NULL, MULTI, set_save, get_save, rewrite_save),
	BOOL("stop-writes-on-bgsave-error", NULL, MOD, stop_writes_on_bgsave_error, 1),
	BOOL("rdbcompression", NULL, MOD, rdbcompression, 1),
	BOOL("rdbchecksum", NULL, IMM, rdbchecksum, 1),
	STR("dbfilename", NULL, PROT, dbfilename, "dump.rdb", check_dbfilename),
	BOOL("rdb-del-sync-files", NULL, MOD, rdb_del_sync_files, 0),
	BOOL("rdb-save-incremental-fsync", NULL, MOD, rdb_save_incremental_fsync, 1),
	INT("rdb-key-save-delay", NULL, HID, rdb_key_save_delay, INT_MIN, INT_MAX, 0),
	INT("key-load-delay", NULL, HID, key_load_delay, INT_MIN, INT_MAX, 0),
	NUM("loading-process-events-interval-bytes", NULL, HID, off_t, NS_OFF,
	    loading_process_events_interval_bytes, 1024, INT_MAX, 2 * MB, 0),
	SPECIAL("dir", NULL, I | PROT | DLOAD, set_dir, get_dir, rewrite_dir),
	/* append only file */
	BOOL("appendonly", NULL, DLOAD, appendonly, 0),
	STR("appendfilename", NULL, IMM, appendfilename, "appendonly.aof", check_aof_filename),
	STR("appenddirname", NULL, IMM, appenddirname, "appendonlydir", check_aof_dirname),
	ENUM("appendfsync", NULL, MOD, appendfsync, e_appendfsync, APPENDFSYNC_EVERYSEC),
	BOOL("no-appendfsync-on-rewrite", NULL, MOD, no_appendfsync_on_rewrite, 0),
	INT("auto-aof-rewrite-percentage", NULL, MOD, auto_aof_rewrite_percentage, 0, INT_MAX, 100),
	NUM("auto-aof-rewrite-min-size", NULL, MOD, off_t, NS_OFF, auto_aof_rewrite_min_size, 0, LLONG_MAX,
	    64 * MB, NUM_MEMORY),
	BOOL("aof-load-truncated", NULL, MOD, aof_load_truncated, 1),
	BOOL("aof-use-rdb-preamble", NULL, MOD, aof_use_rdb_preamble, 1),
	BOOL("aof-timestamp-enabled", NULL, MOD, aof_timestamp_enabled, 0),
	BOOL("aof-rewrite-incremental-fsync", NULL, MOD, aof_rewrite_incremental_fsync, 1),
	BOOL("aof-disable-auto-gc", NULL, MOD, aof_disable_auto_gc, 0),
	/* replication */
	SPECIAL("replicaof", "slaveof", IMM | MULTI, set_replicaof, get_replicaof, rewrite_replicaof),
	STR("masterauth", NULL, SENS | ENULL, masterauth, NULL, NULL),
	STR("masteruser", NULL, SENS | ENULL, masteruser, NULL, NULL),
	BOOL("replica-serve-stale-data", "slave-serve-stale-data", MOD, replica_serve_stale_data, 1),
	BOOL("replica-read-only", "slave-read-only", DBG, replica_read_only, 1),
	BOOL("replica-ignore-maxmemory", "slave-ignore-maxmemory", MOD, replica_ignore_maxmemory, 1),
	BOOL("replica-lazy-flush", "slave-lazy-flush", MOD, replica_lazy_flush, 0),
	BOOL("replica-announced", NULL, MOD, replica_announced, 1),
	STR("replica-announce-ip", "slave-announce-ip", ENULL, replica_announce_ip, NULL, NULL),
	INT("replica-announce-port", "slave-announce-port", MOD, replica_announce_port, 0, 65535, 0),
	INT("replica-priority", "slave-priority", MOD, replica_priority, 0, INT_MAX, 100),
	BOOL("repl-diskless-sync", NULL, DBG, repl_diskless_sync, 1),
	INT("repl-diskless-sync-delay", NULL, MOD, repl_diskless_sync_delay, 0, INT_MAX, 5),
	INT("repl-diskless-sync-max-replicas", NULL, MOD, repl_diskless_sync_max_replicas, 0, INT_MAX, 0),
	ENUM("repl-diskless-load", NULL, DBG | DLOAD, repl_diskless_load, e_diskless_load, DISKLESS_LOAD_DISABLED),
	BOOL("repl-disable-tcp-nodelay", NULL, MOD, repl_disable_tcp_nodelay, 0),
	INT("repl-ping-replica-period", "repl-ping-slave-period", MOD, repl_ping_replica_period, 1, INT_MAX, 10),
	INT("repl-timeout", NULL, MOD, repl_timeout, 1, INT_MAX, 60),
	NUM("repl-backlog-size", NULL, MOD, long long, NS_LL, repl_backlog_size, 1, LLONG_MAX, MB, NUM_MEMORY),
	NUM("repl-backlog-ttl", NULL, MOD, long long, NS_LL, repl_backlog_ttl, 0, LONG_MAX, 3600, 0),
	INT("min-replicas-to-write", "min-slaves-to-write", MOD, min_replicas_to_write, 0, INT_MAX, 0),
	INT("min-replicas-max-lag", "min-slaves-max-lag", MOD, min_replicas_max_lag, 0, INT_MAX, 10),
	BOOL("replica-ignore-disk-write-errors", NULL, MOD, replica_ignore_disk_write_errors, 0),
	ENUM("propagation-error-behavior", NULL, MOD, propagation_error_behavior, e_propagation,
	     PROPAGATION_ERR_IGNORE),
	/* security */
	STR("aclfile", NULL, IMM, aclfile, "", NULL),
	NUM("acllog-max-len", NULL, MOD, unsigned long, NS_ULONG, acllog_max_len, 0, LONG_MAX, 128, 0),
	ENUM("acl-pubsub-default", NULL, MOD, acl_pubsub_default, e_acl_pubsub, 0),
	/* clients and memory */
	NUM("maxmemory", NULL, I, unsigned long long, NS_ULL, maxmemory, 0, -1LL /* ULLONG_MAX */, 0, NUM_MEMORY),
	ENUM("maxmemory-policy", NULL, I, maxmemory_policy, e_maxmemory_policy, MAXMEMORY_NO_EVICTION),
	INT("maxmemory-samples", NULL, I, maxmemory_samples, 1, INT_MAX, 5),
	INT("maxmemory-eviction-tenacity", NULL, MOD, maxmemory_eviction_tenacity, 0, 100, 10),
	NUM("maxmemory-clients", NULL, MOD, ssize_t, NS_SSIZE, maxmemory_clients, -100, SSIZE_MAX, 0,
	    NUM_MEMORY | NUM_PERCENT),
	NUM("proto-max-bulk-len", NULL, I | DBG, long long, NS_LL, proto_max_bulk_len, MB, LONG_MAX, 512 * MB,
	    NUM_MEMORY),
	NUM("client-query-buffer-limit", NULL, I | DBG, size_t, NS_SIZE, client_query_buffer_limit, MB,
	    LONG_MAX, 1024 * MB, NUM_MEMORY),
	SPECIAL("client-output-buffer-limit", NULL, I | MULTI, set_obuf, get_obuf, rewrite_obuf),
	INT("lfu-log-factor", NULL, I, lfu_log_factor, 0, INT_MAX, 10),
	INT("lfu-decay-time", NULL, I, lfu_decay_time, 0, INT_MAX, 1),
	BOOL("lazyfree-lazy-eviction", NULL, DBG, lazyfree_lazy_eviction, 0),
	BOOL("lazyfree-lazy-expire", NULL, DBG, lazyfree_lazy_expire, 0),
	BOOL("lazyfree-lazy-server-del", NULL, DBG, lazyfree_lazy_server_del, 0),
	BOOL("lazyfree-lazy-user-del", NULL, DBG, lazyfree_lazy_user_del, 0),
	BOOL("lazyfree-lazy-user-flush", NULL, DBG, lazyfree_lazy_user_flush, 0),
	NUM("tracking-table-max-keys", NULL, MOD, size_t, NS_SIZE, tracking_table_max_keys, 0, LONG_MAX,
	    1000000, 0),
	/* scripting, latency, slowlog */
	NUM("busy-reply-threshold", "lua-time-limit", MOD, long long, NS_LL, busy_reply_threshold, 0, LONG_MAX,
	    5000, 0),
	NUM("slowlog-log-slower-than", NULL, I, long long, NS_LL, slowlog_log_slower_than, -1, LLONG_MAX, 10000, 0),
	NUM("slowlog-max-len", NULL, I, unsigned long, NS_ULONG, slowlog_max_len, 0, LONG_MAX, 128, 0),
	NUM("latency-monitor-threshold", NULL, I, long long, NS_LL, latency_monitor_threshold, 0, LLONG_MAX, 0, 0),
	BOOL("latency-tracking", NULL, MOD, latency_tracking, 1),
	SPECIAL("latency-tracking-info-percentiles", NULL, MULTI, set_percentiles, get_percentiles,
		rewrite_percentiles),
	/* event notification */
	SPECIAL("notify-keyspace-events", NULL, I, set_notify, get_notify, rewrite_notify),
	/* encodings */
	NUM("hash-max-listpack-entries", "hash-max-ziplist-entries", I, size_t, NS_SIZE,
	    hash_max_listpack_entries, 0, LONG_MAX, 512, 0),
	NUM("hash-max-listpack-value", "hash-max-ziplist-value", I, size_t, NS_SIZE, hash_max_listpack_value, 0,
	    LONG_MAX, 64, NUM_MEMORY),
	NUM("set-max-intset-entries", NULL, I, size_t, NS_SIZE, set_max_intset_entries, 0, LONG_MAX, 512, 0),
	NUM("set-max-listpack-entries", NULL, I, size_t, NS_SIZE, set_max_listpack_entries, 0, LONG_MAX, 128, 0),
	NUM("set-max-listpack-value", NULL, I, size_t, NS_SIZE, set_max_listpack_value, 0, LONG_MAX, 64,
	    NUM_MEMORY),
	NUM("zset-max-listpack-entries", "zset-max-ziplist-entries", I, size_t, NS_SIZE,
	    zset_max_listpack_entries, 0, LONG_MAX, 128, 0),
	NUM("zset-max-listpack-value", "zset-max-ziplist-value", I, size_t, NS_SIZE, zset_max_listpack_value, 0,
	    LONG_MAX, 64, NUM_MEMORY),
	INT("list-max-listpack-size", "list-max-ziplist-size", I, list_max_listpack_size, INT_MIN, INT_MAX, -2),
	INT("list-compress-depth", NULL, I | DBG, list_compress_depth, 0, INT_MAX, 0),
	NUM("stream-node-max-bytes", NULL, I, size_t, NS_SIZE, stream_node_max_bytes, 0, LONG_MAX, 4096,
	    NUM_MEMORY),
	NUM("stream-node-max-entries", NULL, I, long long, NS_LL, stream_node_max_entries, 0, LLONG_MAX, 100, 0),
	NUM("hll-sparse-max-bytes", NULL, I, size_t, NS_SIZE, hll_sparse_max_bytes, 0, LONG_MAX, 3000,
	    NUM_MEMORY),
	BOOL("activerehashing", NULL, MOD, activerehashing, 1),
	/* background work */
	{ .name = "hz", .flags = I, .type = CT_NUM, .off = FLD(hz, int), .store = NS_INT, .lo = 0,
	  .hi = INT_MAX, .dflt = 10, .fixup = clamp_hz },
	BOOL("dynamic-hz", NULL, MOD, dynamic_hz, 1),
	INT("active-expire-effort", NULL, I, active_expire_effort, 1, 10, 1),
	BOOL("activedefrag", NULL, DBG, activedefrag, 0),
	NUM("active-defrag-ignore-bytes", NULL, MOD, size_t, NS_SIZE, active_defrag_ignore_bytes, 1, LLONG_MAX,
	    100 * MB, NUM_MEMORY),
	INT("active-defrag-threshold-lower", NULL, MOD, active_defrag_threshold_lower, 0, 1000, 10),
	INT("active-defrag-threshold-upper", NULL, MOD, active_defrag_threshold_upper, 0, 1000, 100),
	INT("active-defrag-cycle-min", NULL, MOD, active_defrag_cycle_min, 1, 99, 1),
	INT("active-defrag-cycle-max", NULL, MOD, active_defrag_cycle_max, 1, 99, 25),
	NUM("active-defrag-max-scan-fields", NULL, MOD, unsigned long, NS_ULONG, active_defrag_max_scan_fields, 1,
	    LONG_MAX, 1000, 0),
	INT("watchdog-period", NULL, HID, watchdog_period, 0, INT_MAX, 0),
	/* cluster */
	BOOL("cluster-enabled", NULL, IMM, cluster_enabled, 0),
	STR("cluster-config-file", NULL, IMM, cluster_config_file, "nodes.conf", NULL),
	NUM("cluster-node-timeout", NULL, MOD, long long, NS_LL, cluster_node_timeout, 0, LLONG_MAX, 15000, 0),
	INT("cluster-port", NULL, IMM, cluster_port, 0, 65535, 0),
	STR("cluster-announce-ip", NULL, ENULL, cluster_announce_ip, NULL, NULL),
	STR("cluster-announce-hostname", NULL, ENULL, cluster_announce_hostname, NULL, check_hostname),
	INT("cluster-announce-port", NULL, MOD, cluster_announce_port, 0, 65535, 0),
	INT("cluster-announce-bus-port", NULL, MOD, cluster_announce_bus_port, 0, 65535, 0),
	INT("cluster-announce-tls-port", NULL, MOD, cluster_announce_tls_port, 0, 65535, 0),
	INT("cluster-replica-validity-factor", "cluster-slave-validity-factor", MOD,
	    cluster_replica_validity_factor, 0, INT_MAX, 10),
	INT("cluster-migration-barrier", NULL, MOD, cluster_migration_barrier, 0, INT_MAX, 1),
	BOOL("cluster-allow-replica-migration", NULL, MOD, cluster_allow_replica_migration, 1),
	BOOL("cluster-require-full-coverage", NULL, MOD, cluster_require_full_coverage, 1),
	BOOL("cluster-replica-no-failover", "cluster-slave-no-failover", MOD, cluster_replica_no_failover, 0),
	BOOL("cluster-allow-reads-when-down", NULL, MOD, cluster_allow_reads_when_down, 0),
	BOOL("cluster-allow-pubsubshard-when-down", NULL, MOD, cluster_allow_pubsubshard_when_down, 1),
	NUM("cluster-link-sendbuf-limit", NULL, MOD, unsigned long long, NS_ULL, cluster_link_sendbuf_limit, 0,
	    -1LL /* ULLONG_MAX */, 0, NUM_MEMORY),
	ENUM("cluster-preferred-endpoint-type", NULL, MOD, cluster_preferred_endpoint_type, e_endpoint, ENDPOINT_IP),
	/* TLS: Redis has these only when built with TLS; petrel accepts them */
	INT("tls-port", NULL, MOD, tls_port, 0, 65535, 0),
	STR("tls-cert-file", NULL, ENULL, tls_cert_file, NULL, NULL),
	STR("tls-key-file", NULL, ENULL, tls_key_file, NULL, NULL),
	STR("tls-key-file-pass", NULL, ENULL, tls_key_file_pass, NULL, NULL),
	STR("tls-client-cert-file", NULL, ENULL, tls_client_cert_file, NULL, NULL),
	STR("tls-client-key-file", NULL, ENULL, tls_client_key_file, NULL, NULL),
	STR("tls-client-key-file-pass", NULL, ENULL, tls_client_key_file_pass, NULL, NULL),
	STR("tls-dh-params-file", NULL, ENULL, tls_dh_params_file, NULL, NULL),
	STR("tls-ca-cert-file", NULL, ENULL, tls_ca_cert_file, NULL, NULL),
	STR("tls-ca-cert-dir", NULL, ENULL, tls_ca_cert_dir, NULL, NULL),
	STR("tls-protocols", NULL, ENULL, tls_protocols, NULL, NULL),
	STR("tls-ciphers", NULL, ENULL, tls_ciphers, NULL, NULL),
	STR("tls-ciphersuites", NULL, ENULL, tls_ciphersuites, NULL, NULL),
	ENUM("tls-auth-clients", NULL, MOD, tls_auth_clients, e_tls_auth, TLS_AUTH_YES),
	BOOL("tls-replication", NULL, MOD, tls_replication, 0),
	BOOL("tls-cluster", NULL, MOD, tls_cluster, 0),
	BOOL("tls-prefer-server-ciphers", NULL, MOD, tls_prefer_server_ciphers, 0),
	BOOL("tls-session-caching", NULL, MOD, tls_session_caching, 1),
	INT("tls-session-cache-size", NULL, MOD, tls_session_cache_size, 0, INT_MAX, 20 * 1024),
	INT("tls-session-cache-timeout", NULL, MOD, tls_session_cache_timeout, 0, INT_MAX, 300),
};

const size_t config_table_len = sizeof(config_table) / sizeof(config_table[0]);

void config_table_defaults(void)
{
	for (size_t i = 0; i < config_table_len; i++) {
		struct config_def *d = &config_table[i];
		void *p = (char *)&cfg + d->off;
		switch (d->type) {
		case CT_BOOL:
		case CT_ENUM:
			*(int *)p = (int)d->dflt;
			break;
		case CT_STR:
			config_str_store((char **)p, d->dflt_str);
			break;
		case CT_NUM: {
			char *argv[1];
			char num[32], errbuf[CONFIG_ERRBUF];
			snprintf(num, sizeof(num), "%lld", d->dflt);
			argv[0] = num;
			/* defaults are in range by construction; set through the one path */
			config_def_set(d, 1, argv, errbuf);
			break;
		}
		case CT_SPECIAL:
			break;
		}
	}
	/* specials */
	char errbuf[CONFIG_ERRBUF];
	for (int j = 0; j < cfg.bind_count; j++) {
		pfree(cfg.bind[j]);
		cfg.bind[j] = NULL;
	}
	cfg.bind_count = 2;
	cfg.bind[0] = pstrdup(bind_defaults[0]);
	cfg.bind[1] = pstrdup(bind_defaults[1]);
	char *save_argv[] = {"3600", "1", "300", "100", "60", "10000"};
	int was_loading = config_loading_file;
	config_loading_file = 0;
	set_save(NULL, 6, save_argv, errbuf);
	config_loading_file = was_loading;
	memcpy(cfg.obuf_limits, obuf_defaults, sizeof(obuf_defaults));
	memcpy(cfg.oom_score_adj_values, oom_defaults, sizeof(oom_defaults));
	pfree(cfg.masterhost);
	cfg.masterhost = NULL;
	cfg.masterport = 0;
	cfg.notify_keyspace_events = 0;
	config_str_store(&cfg.notify_keyspace_events_str, "");
	config_str_store(&cfg.shutdown_on_sigint, "default");
	config_str_store(&cfg.shutdown_on_sigterm, "default");
	char *pct_argv[] = {"50", "99", "99.9"};
	set_percentiles(NULL, 3, pct_argv, errbuf);
}

void config_table_free(void)
{
	for (size_t i = 0; i < config_table_len; i++) {
		struct config_def *d = &config_table[i];
		if (d->type == CT_STR)
			config_str_store((char **)((char *)&cfg + d->off), NULL);
	}
	for (int j = 0; j < cfg.bind_count; j++)
		pfree(cfg.bind[j]);
	pfree(cfg.save);
	pfree(cfg.masterhost);
	pfree(cfg.notify_keyspace_events_str);
	pfree(cfg.latency_tracking_info_percentiles);
	pfree(cfg.shutdown_on_sigint);
	pfree(cfg.shutdown_on_sigterm);
}
