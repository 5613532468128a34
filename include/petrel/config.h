/* config.h — the server's settings: redis.conf parsing, the command line,
 * CONFIG GET / SET / REWRITE, and change hooks.
 *
 * petrel accepts every directive Redis 7.0 accepts, with the same syntax, the
 * same defaults and the same error texts, so a redis.conf runs unchanged.
 * Each directive is a row in one table (src/config/config_table.c) giving its
 * type (bool, string, enum, number, or special), its flags, its default and
 * whether petrel implements it yet. A directive petrel does not implement is
 * still parsed, validated, stored and returned by CONFIG GET; the first time
 * it is read from a file or CONFIG SET, one warning line names it.
 *
 * All values live in one global struct, `cfg`, with typed fields.
 *
 * Thread: cfg is written by the main thread only — while loading the config at
 * start-up, and by CONFIG SET, which the server runs only while every shard
 * thread is paused. Any thread may read plain fields at any other time. The
 * functions below are not reentrant: call them from one thread.
 *
 * Errors: functions return 0 on success and a negative value on failure; the
 * client-visible text (with its "ERR " prefix, as Redis writes it after '-')
 * is returned through an `err` out-parameter the caller frees with pfree().
 */
#ifndef PETREL_CONFIG_MODULE_H
#define PETREL_CONFIG_MODULE_H

#include <stddef.h>
#include <sys/types.h>

/* The version named in the fatal config-error banner:
 * "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***". */
#define CONFIG_FATAL_VERSION "Redis 7.0.15"

#define CONFIG_BINDADDR_MAX 16
#define CONFIG_MIN_HZ 1
#define CONFIG_MAX_HZ 500

/* Directive flags (as Redis's config flags). */
#define CONFIG_IMMUTABLE    (1u << 0)  /* CONFIG SET refuses it */
#define CONFIG_PROTECTED    (1u << 1)  /* CONFIG SET only if enable-protected-configs allows */
#define CONFIG_SENSITIVE    (1u << 2)  /* value must be redacted from slowlog/MONITOR */
#define CONFIG_HIDDEN       (1u << 3)  /* CONFIG GET only by exact name */
#define CONFIG_DENY_LOADING (1u << 4)  /* CONFIG SET refused while loading data */
#define CONFIG_MULTI_ARG    (1u << 5)  /* takes several arguments on one line */
#define CONFIG_DEBUG        (1u << 6)  /* listed by DEBUG CONFIG-like dumps */
#define CONFIG_IMPLEMENTED  (1u << 7)  /* petrel acts on it (else: warn once) */

/* enum values */
enum config_maxmemory_policy {
	MAXMEMORY_VOLATILE_LRU, MAXMEMORY_VOLATILE_LFU, MAXMEMORY_VOLATILE_RANDOM,
	MAXMEMORY_VOLATILE_TTL, MAXMEMORY_ALLKEYS_LRU, MAXMEMORY_ALLKEYS_LFU,
	MAXMEMORY_ALLKEYS_RANDOM, MAXMEMORY_NO_EVICTION,
};
enum config_appendfsync { APPENDFSYNC_NO, APPENDFSYNC_ALWAYS, APPENDFSYNC_EVERYSEC };
/* enable-debug-command, enable-protected-configs, enable-module-command */
enum config_protected_action { PROTECTED_ACTION_NO, PROTECTED_ACTION_YES, PROTECTED_ACTION_LOCAL };
enum config_supervised { SUPERVISED_NONE, SUPERVISED_AUTO, SUPERVISED_SYSTEMD, SUPERVISED_UPSTART };
enum config_repl_diskless_load { DISKLESS_LOAD_DISABLED, DISKLESS_LOAD_ON_EMPTY_DB, DISKLESS_LOAD_SWAPDB };
enum config_oom_score_adj { OOM_SCORE_ADJ_NO, OOM_SCORE_RELATIVE, OOM_SCORE_ABSOLUTE };
enum config_sanitize_dump { SANITIZE_DUMP_NO, SANITIZE_DUMP_YES, SANITIZE_DUMP_CLIENTS };
enum config_endpoint_type { ENDPOINT_IP, ENDPOINT_HOSTNAME, ENDPOINT_UNKNOWN };
enum config_tls_auth { TLS_AUTH_NO, TLS_AUTH_YES, TLS_AUTH_OPTIONAL };
enum config_propagation_error { PROPAGATION_ERR_IGNORE, PROPAGATION_ERR_PANIC, PROPAGATION_ERR_PANIC_ON_REPLICAS };

/* notify-keyspace-events class bits (Redis's values). */
#define NOTIFY_KEYSPACE  (1 << 0)  /* K */
#define NOTIFY_KEYEVENT  (1 << 1)  /* E */
#define NOTIFY_GENERIC   (1 << 2)  /* g */
#define NOTIFY_STRING    (1 << 3)  /* $ */
#define NOTIFY_LIST      (1 << 4)  /* l */
#define NOTIFY_SET       (1 << 5)  /* s */
#define NOTIFY_HASH      (1 << 6)  /* h */
#define NOTIFY_ZSET      (1 << 7)  /* z */
#define NOTIFY_EXPIRED   (1 << 8)  /* x */
#define NOTIFY_EVICTED   (1 << 9)  /* e */
#define NOTIFY_STREAM    (1 << 10) /* t */
#define NOTIFY_KEY_MISS  (1 << 11) /* m */
#define NOTIFY_LOADED    (1 << 12) /* module only */
#define NOTIFY_MODULE    (1 << 13) /* d */
#define NOTIFY_NEW       (1 << 14) /* n */
#define NOTIFY_ALL (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | \
		    NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE) /* A */

/* client-output-buffer-limit classes */
enum config_obuf_class { OBUF_NORMAL, OBUF_REPLICA, OBUF_PUBSUB, OBUF_COUNT };
struct config_obuf_limit {
	unsigned long long hard_bytes;
	unsigned long long soft_bytes;
	long long soft_seconds;
};

/* One `save <seconds> <changes>` point. */
struct config_save_point {
	long long seconds;
	int changes;
};

/* A directive that may appear on many lines and is kept verbatim for another
 * module: rename-command, user, loadmodule, sentinel, module configs. */
struct config_line {
	int linenum;     /* in the file it came from */
	int argc;
	char **argv;     /* argv[0] is the directive, lower-cased */
};
struct config_lines {
	int count;
	struct config_line *items;
};

struct config {
	/* --- network --- */
	int port;
	char *bind[CONFIG_BINDADDR_MAX];   /* "-" prefix = optional address */
	int bind_count;
	char *bind_source_addr;            /* NULL = unset */
	char *unixsocket;                  /* NULL = none */
	unsigned int unixsocketperm;
	int tcp_backlog;
	int tcp_keepalive;
	int timeout;
	unsigned int maxclients;
	int protected_mode;
	char *requirepass;                 /* NULL = no password */
	int threads;                       /* petrel: shard threads; 0 = online CPUs */
	int io_threads;
	int io_threads_do_reads;
	/* --- general --- */
	int databases;
	int daemonize;
	int supervised;
	char *pidfile;
	char *logfile;                     /* "" = stdout */
	int loglevel;                      /* enum log_level */
	int syslog_enabled;
	char *syslog_ident;
	int syslog_facility;               /* syslog(3) LOG_* facility value */
	int always_show_logo;
	int set_proc_title;
	char *proc_title_template;
	int crash_log_enabled;
	int crash_memcheck_enabled;
	int use_exit_on_panic;
	int disable_thp;
	char *ignore_warnings;
	int shutdown_timeout;
	char *shutdown_on_sigint;          /* words of default|save|nosave|now|force */
	char *shutdown_on_sigterm;
	int oom_score_adj;
	int oom_score_adj_values[3];
	char *server_cpulist, *bio_cpulist, *aof_rewrite_cpulist, *bgsave_cpulist;
	int enable_protected_configs;
	int enable_debug_command;
	int enable_module_command;
	int sanitize_dump_payload;
	int jemalloc_bg_thread;
	/* --- snapshotting --- */
	struct config_save_point *save;
	int save_count;
	int stop_writes_on_bgsave_error;
	int rdbcompression;
	int rdbchecksum;
	char *dbfilename;
	int rdb_del_sync_files;
	int rdb_save_incremental_fsync;
	int rdb_key_save_delay;
	int key_load_delay;
	off_t loading_process_events_interval_bytes;
	/* --- append only file --- */
	int appendonly;
	char *appendfilename;
	char *appenddirname;
	int appendfsync;
	int no_appendfsync_on_rewrite;
	int auto_aof_rewrite_percentage;
	off_t auto_aof_rewrite_min_size;
	int aof_load_truncated;
	int aof_use_rdb_preamble;
	int aof_timestamp_enabled;
	int aof_rewrite_incremental_fsync;
	int aof_disable_auto_gc;
	/* --- replication --- */
	char *masterhost;                  /* replicaof/slaveof; NULL = master */
	int masterport;
	char *masterauth;
	char *masteruser;
	int replica_serve_stale_data;
	int replica_read_only;
	int replica_ignore_maxmemory;
	int replica_lazy_flush;
	int replica_announced;
	char *replica_announce_ip;
	int replica_announce_port;
	int replica_priority;
	int repl_diskless_sync;
	int repl_diskless_sync_delay;
	int repl_diskless_sync_max_replicas;
	int repl_diskless_load;
	int repl_disable_tcp_nodelay;
	int repl_ping_replica_period;
	int repl_timeout;
	long long repl_backlog_size;
	long long repl_backlog_ttl;
	int min_replicas_to_write;
	int min_replicas_max_lag;
	int replica_ignore_disk_write_errors;
	int propagation_error_behavior;
	/* --- security --- */
	char *aclfile;
	unsigned long acllog_max_len;
	int acl_pubsub_default;            /* 0 = resetchannels, 1 = allchannels */
	/* --- clients and memory --- */
	unsigned long long maxmemory;
	int maxmemory_policy;
	int maxmemory_samples;
	int maxmemory_eviction_tenacity;
	ssize_t maxmemory_clients;         /* < 0: percent of maxmemory (-N = N%) */
	long long proto_max_bulk_len;
	size_t client_query_buffer_limit;
	struct config_obuf_limit obuf_limits[OBUF_COUNT];
	int lfu_log_factor;
	int lfu_decay_time;
	int lazyfree_lazy_eviction;
	int lazyfree_lazy_expire;
	int lazyfree_lazy_server_del;
	int lazyfree_lazy_user_del;
	int lazyfree_lazy_user_flush;
	size_t tracking_table_max_keys;
	/* --- scripting, latency, slowlog --- */
	long long busy_reply_threshold;    /* alias lua-time-limit */
	long long slowlog_log_slower_than;
	unsigned long slowlog_max_len;
	long long latency_monitor_threshold;
	int latency_tracking;
	double *latency_tracking_info_percentiles;
	int latency_tracking_info_percentiles_len;
	/* --- event notification --- */
	int notify_keyspace_events;        /* NOTIFY_* bits */
	char *notify_keyspace_events_str;  /* canonical string, as CONFIG GET shows */
	/* --- encodings --- */
	size_t hash_max_listpack_entries;
	size_t hash_max_listpack_value;
	size_t set_max_intset_entries;
	size_t set_max_listpack_entries;   /* Redis 7.2 name, accepted */
	size_t set_max_listpack_value;     /* Redis 7.2 name, accepted */
	size_t zset_max_listpack_entries;
	size_t zset_max_listpack_value;
	int list_max_listpack_size;
	int list_compress_depth;
	size_t stream_node_max_bytes;
	long long stream_node_max_entries;
	size_t hll_sparse_max_bytes;
	int activerehashing;
	/* --- background work --- */
	int hz;                            /* clamped to [CONFIG_MIN_HZ, CONFIG_MAX_HZ] */
	int dynamic_hz;
	int active_expire_effort;
	int activedefrag;
	size_t active_defrag_ignore_bytes;
	int active_defrag_threshold_lower;
	int active_defrag_threshold_upper;
	int active_defrag_cycle_min;
	int active_defrag_cycle_max;
	unsigned long active_defrag_max_scan_fields;
	int watchdog_period;
	/* --- cluster --- */
	int cluster_enabled;
	char *cluster_config_file;
	long long cluster_node_timeout;
	int cluster_port;
	char *cluster_announce_ip;
	char *cluster_announce_hostname;
	int cluster_announce_port;
	int cluster_announce_bus_port;
	int cluster_announce_tls_port;
	int cluster_replica_validity_factor;
	int cluster_migration_barrier;
	int cluster_allow_replica_migration;
	int cluster_require_full_coverage;
	int cluster_replica_no_failover;
	int cluster_allow_reads_when_down;
	int cluster_allow_pubsubshard_when_down;
	unsigned long long cluster_link_sendbuf_limit;
	int cluster_preferred_endpoint_type;
	/* --- TLS (accepted; petrel has no TLS yet) --- */
	int tls_port;
	char *tls_cert_file, *tls_key_file, *tls_key_file_pass;
	char *tls_client_cert_file, *tls_client_key_file, *tls_client_key_file_pass;
	char *tls_dh_params_file, *tls_ca_cert_file, *tls_ca_cert_dir;
	char *tls_protocols, *tls_ciphers, *tls_ciphersuites;
	int tls_auth_clients;
	int tls_replication;
	int tls_cluster;
	int tls_prefer_server_ciphers;
	int tls_session_caching;
	int tls_session_cache_size;
	int tls_session_cache_timeout;
	/* --- multi-line directives kept for other modules, in file order --- */
	struct config_lines rename_commands;  /* rename-command <old> <new> */
	struct config_lines users;            /* user <name> <rules...> */
	struct config_lines loadmodules;      /* loadmodule <path> [args] */
	struct config_lines sentinel_lines;   /* sentinel <...> (sentinel mode only) */
	struct config_lines module_configs;   /* <module>.<name> <value> */
	/* --- where we came from --- */
	char *configfile;                  /* absolute path, NULL when none */
	int sentinel_mode;                 /* set by config_set_sentinel_mode() */
};

extern struct config cfg;

/* ---- lifecycle ---------------------------------------------------------- */

/* Reset cfg to Redis 7.0's defaults (freeing what a previous load held).
 * Thread: main, before any other thread starts. Idempotent. */
void config_setup(void);
/* Free everything cfg owns; cfg is zeroed. Registered hooks are dropped. */
void config_teardown(void);
/* Sentinel mode allows `sentinel ...` lines (else they are an error). Call
 * before loading. */
void config_set_sentinel_mode(int on);

/* ---- start-up: command line and files ---------------------------------- */

/* What the command line asked for, as redis-server reads it:
 *   petrel-server [configfile|-] [--directive arg ...] [-]
 * `options` is config text built from the --directive arguments, one line per
 * directive, values quoted so they parse back to what was given. */
struct config_argv {
	char *configfile;   /* as given (not absolute); NULL when none */
	int from_stdin;     /* "-" as first or last argument */
	int sentinel;       /* --sentinel seen */
	char *options;      /* never NULL; "" when no --options */
};
/* Parse argv[1..argc-1]. Never fails (unknown directives are found when the
 * options are loaded). --version/--help/-v/-h are not handled here.
 * Ownership: release with config_argv_deinit(). */
void config_parse_argv(int argc, char **argv, struct config_argv *out);
void config_argv_deinit(struct config_argv *a);

/* A loading failure, enough to print Redis's fatal banner. */
enum config_error_kind {
	CONFIG_ERROR_NONE,
	CONFIG_ERROR_LINE,    /* a line is wrong: line/text/msg set */
	CONFIG_ERROR_GLOBAL,  /* a check after reading all lines: msg set */
	CONFIG_ERROR_OPEN,    /* a file could not be read: msg set (a log line) */
};
struct config_error {
	enum config_error_kind kind;
	int line;           /* 1-based, in the file (or text) that holds it */
	char *text;         /* the offending line, trimmed */
	char *msg;          /* e.g. "argument couldn't be parsed into an integer" */
};
void config_error_deinit(struct config_error *e);
/* Redis's stderr text for e, e.g.
 *   "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
 *   "Reading the configuration file, at line 3\n>>> 'port \"abc\"'\n"
 *   "argument couldn't be parsed into an integer\n"
 * For CONFIG_ERROR_OPEN: "Fatal error, can't open config file 'x': No such
 * file or directory\n" (Redis logs that one as a warning). Caller pfree()s. */
char *config_error_format(const struct config_error *e);

/* Load configuration: the file (if any), then stdin (if from_stdin), then the
 * options text, as one text, as redis-server does. Remembers the file's
 * absolute path for CONFIG REWRITE. Directives override earlier ones; `save`
 * lines accumulate (the first one read drops the defaults).
 * Returns 0, or -1 with *err filled (release with config_error_deinit).
 * On error cfg may be partly updated: the server must exit. */
int config_load(const char *file, int from_stdin, const char *options, struct config_error *err);
/* Same, from a string (tests, and `options` alone). */
int config_load_string(const char *text, struct config_error *err);
/* config_load(); on error writes config_error_format() to stderr and exit(1). */
void config_load_or_die(const char *file, int from_stdin, const char *options);

/* ---- CONFIG GET / SET / REWRITE ---------------------------------------- */

/* Name/value pairs for a CONFIG GET reply: items[2i] name, items[2i+1] value. */
struct config_reply {
	size_t count;   /* number of strings (2 x pairs) */
	char **items;
};
/* CONFIG GET pattern [pattern ...]: glob patterns (case-insensitive) over all
 * names, aliases included; a pattern without glob characters matches one name
 * exactly (hidden ones too) and is echoed as the client spelled it. Values
 * are formatted as Redis does. Ownership: config_reply_deinit(). */
void config_get(int npatterns, const char *const *patterns, struct config_reply *out);
void config_reply_deinit(struct config_reply *r);
/* The CONFIG GET value of one directive, or NULL if no such name. Caller pfree()s. */
char *config_get_value(const char *name);

/* Who runs CONFIG SET (for protected configs and DENY_LOADING). */
struct config_caller {
	int loading;        /* the server is loading a dataset */
	int is_local;       /* the client connected over loopback or unix socket */
};
#define CONFIG_SET_ELOADING (-2)  /* reply with err as is ("LOADING ...") */
/* CONFIG SET name value [name value ...] — argv holds the pairs only.
 * All-or-nothing: every name is checked first, then all values are set; if
 * one fails, or a change hook fails, every value set so far is restored.
 * Returns 0, or -1 (or CONFIG_SET_ELOADING) with *err the full error text,
 * e.g. "ERR CONFIG SET failed (possibly related to argument 'maxmemory') -
 * argument must be a memory value". who may be NULL (= not loading, local). */
int config_set(int argc, const char *const *argv, const struct config_caller *who, char **err);

/* CONFIG REWRITE: rewrite the file the server started from, keeping comments
 * and unknown lines, changing directives in place, blanking superseded lines,
 * appending new ones after "# Generated by CONFIG REWRITE"; written to a
 * temporary file, fsync'ed and renamed over the old one.
 * Returns 0, or -1 with *err: "ERR The server is running without a config
 * file" or "ERR Rewriting config file: <strerror>". */
int config_rewrite(char **err);
/* Same, to an explicit path (tests; force_all writes every directive). */
int config_rewrite_file(const char *path, int force_all, char **err);

/* ---- hooks and table queries ------------------------------------------- */

/* Called after a CONFIG SET changed `name` (its primary name is passed).
 * Return 0 to accept; nonzero to refuse, optionally setting *err to a
 * message allocated with pmalloc/pstrdup (config frees it): all values of
 * that CONFIG SET are then restored. Not called while loading the file. */
typedef int (*config_apply_fn)(const char *name, char **err);
/* Register fn for a directive (alias accepted). Up to 4 per directive.
 * Returns 0, or -1 if the name is unknown or the slots are full. */
int config_on_change(const char *name, config_apply_fn fn);

/* Flags of a directive (CONFIG_*), or -1 if unknown (alias accepted). */
int config_flags(const char *name);
/* Mark a directive implemented at run time (no more warnings). 0 or -1. */
int config_mark_implemented(const char *name);

/* ---- helpers shared with other modules --------------------------------- */

/* Split a line as Redis's sdssplitargs: whitespace-separated words, "..."
 * with \n \r \t \b \a \\ \" \xHH escapes, '...' with \' only; a closing quote
 * must be followed by a space or the end. Returns argv (NULL-terminated) and
 * *argc, and each length in *lens if lens is not NULL (args may hold NUL
 * bytes); NULL on unbalanced quotes. Free with config_args_free(argv, argc). */
char **config_args_split(const char *line, int *argc, size_t **lens);
void config_args_free(char **argv, int argc);
/* Append s quoted as Redis's sdscatrepr ("..." with escapes) to a growing
 * pmalloc'ed string *buf of length *len. */
void config_args_repr(char **buf, size_t *len, const char *s, size_t n);
/* "1gb" -> 1073741824, as Redis's memtoull: k=1000, kb=1024, m, mb, g, gb,
 * b, case-insensitive, no sign. Sets *err nonzero on a bad value. */
unsigned long long config_memtoull(const char *s, int *err);
/* Glob match as Redis's stringmatch: * ? [a-z] [^x] \x. */
int config_glob_match(const char *pattern, const char *string, int nocase);

#endif
