/* sync_config.c — copies config values into `srv` (the hot path's view) and
 * registers the CONFIG SET hooks that keep it current.
 *
 * Thread: main at start-up; afterwards CONFIG SET runs under an all-shard
 * hold, so plain stores are safe.
 */
#include <petrel/alloc.h>
#include <petrel/config.h>
#include <petrel/log.h>
#include <petrel/server.h>

#include <string.h>

static int map_policy(int p)
{
	switch (p) {
	case MAXMEMORY_VOLATILE_LRU: return MAXMEM_VOLATILE_LRU;
	case MAXMEMORY_VOLATILE_LFU: return MAXMEM_VOLATILE_LFU;
	case MAXMEMORY_VOLATILE_RANDOM: return MAXMEM_VOLATILE_RANDOM;
	case MAXMEMORY_VOLATILE_TTL: return MAXMEM_VOLATILE_TTL;
	case MAXMEMORY_ALLKEYS_LRU: return MAXMEM_ALLKEYS_LRU;
	case MAXMEMORY_ALLKEYS_LFU: return MAXMEM_ALLKEYS_LFU;
	case MAXMEMORY_ALLKEYS_RANDOM: return MAXMEM_ALLKEYS_RANDOM;
	default: return MAXMEM_NOEVICTION;
	}
}

void server_sync_config(void);
void server_sync_config(void)
{
	srv.port = cfg.port;
	srv.databases = cfg.databases;
	srv.maxclients = cfg.maxclients;
	srv.proto_max_bulk = cfg.proto_max_bulk_len;
	srv.qbuf_limit = (long long)cfg.client_query_buffer_limit;
	for (int i = 0; i < 3; i++) {
		srv.obuf_hard[i] = (long long)cfg.obuf_limits[i].hard_bytes;
		srv.obuf_soft[i] = (long long)cfg.obuf_limits[i].soft_bytes;
		srv.obuf_soft_secs[i] = cfg.obuf_limits[i].soft_seconds;
	}
	srv.timeout = cfg.timeout;
	srv.tcp_keepalive = cfg.tcp_keepalive;
	char *old = srv.requirepass;
	srv.requirepass = cfg.requirepass && *cfg.requirepass ? pstrdup(cfg.requirepass) : NULL;
	pfree(old);
	srv.protected_mode = cfg.protected_mode;
	srv.hz = cfg.hz;
	srv.active_expire_effort = cfg.active_expire_effort;
	srv.maxmemory = (long long)cfg.maxmemory;
	srv.maxmemory_policy = map_policy(cfg.maxmemory_policy);
	srv.maxmemory_samples = cfg.maxmemory_samples;
	srv.lfu_log_factor = cfg.lfu_log_factor;
	srv.lfu_decay_time = cfg.lfu_decay_time;
	srv.enable_debug = cfg.enable_debug_command == PROTECTED_ACTION_YES ? 1 :
			   cfg.enable_debug_command == PROTECTED_ACTION_LOCAL ? 2 : 0;
	srv.slowlog_slower_than = cfg.slowlog_log_slower_than;
	srv.slowlog_max_len = (long long)cfg.slowlog_max_len;
	srv.latency_threshold = cfg.latency_monitor_threshold;
	log_set_level((enum log_level)cfg.loglevel);
}

static int on_change(const char *name, char **err)
{
	(void)name;
	(void)err;
	server_sync_config();
	return 0;
}

int server_config_hooks(void);
int server_config_hooks(void)
{
	static const char *const hooked[] = {
		"maxclients", "proto-max-bulk-len", "client-query-buffer-limit",
		"client-output-buffer-limit", "timeout", "tcp-keepalive", "requirepass",
		"protected-mode", "hz", "active-expire-effort", "maxmemory", "maxmemory-policy",
		"maxmemory-samples", "lfu-log-factor", "lfu-decay-time", "slowlog-log-slower-than",
		"slowlog-max-len", "latency-monitor-threshold", "loglevel", NULL,
	};
	for (int i = 0; hooked[i]; i++)
		config_on_change(hooked[i], on_change);
	return 0;
}
