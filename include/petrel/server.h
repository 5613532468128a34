/* server.h — process-wide runtime state and the settings the hot path reads.
 *
 * `srv` holds copies of config values in the form the hot path wants (plain
 * ints), refreshed by config apply hooks while every shard is held, plus
 * process-wide counters. Per-shard state lives in struct shard.
 *
 * Thread: fields marked (atomic) are updated with atomics from any shard;
 * the rest change only under an all-shard hold or before threads start.
 */
#ifndef PETREL_SERVER_H
#define PETREL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#define PETREL_VERSION "7.0.15"         /* the Redis version we are compatible with */
#define PETREL_OWN_VERSION "0.1.0"

#define MAX_LISTENERS 16

struct listener {
	int fd;
	int is_unix;
	char addr[80];
};

struct server_state {
	/* settings */
	int port;
	int threads;
	int databases;
	long long maxclients;
	long long proto_max_bulk;
	long long qbuf_limit;
	long long obuf_hard[3], obuf_soft[3], obuf_soft_secs[3]; /* normal, replica, pubsub */
	int timeout;                    /* seconds, 0 = never */
	int tcp_keepalive;
	char *requirepass;              /* NULL: no password */
	int protected_mode;
	int hz;
	int active_expire_effort;
	long long maxmemory;
	int maxmemory_policy;
	int maxmemory_samples;
	int lfu_log_factor, lfu_decay_time;
	int enable_debug;               /* 0 no, 1 yes, 2 local */
	long long slowlog_slower_than;
	long long slowlog_max_len;
	long long latency_threshold;
	char *config_file;              /* absolute path or NULL */

	/* runtime */
	struct listener listeners[MAX_LISTENERS];
	int nlisteners;
	long long start_ms;
	uint64_t next_client_id;        /* (atomic) */
	long long nclients;             /* (atomic) */
	long long lastsave;
	int shutdown_asap;              /* (atomic) set by signals / SHUTDOWN */
	long long paused_until;         /* CLIENT PAUSE deadline, ms (atomic) */
	int pause_write_only;
	uint64_t stat_numconnections;   /* (atomic) */
	uint64_t stat_rejected;         /* (atomic) */
	long long stat_reset_ms;
	uint64_t dirty;                 /* (atomic) changes since last save */
	unsigned lru_clock;             /* seconds resolution, 24 bits (atomic) */
};

extern struct server_state srv;

enum { MAXMEM_NOEVICTION = 0, MAXMEM_ALLKEYS_LRU, MAXMEM_VOLATILE_LRU, MAXMEM_ALLKEYS_LFU,
       MAXMEM_VOLATILE_LFU, MAXMEM_ALLKEYS_RANDOM, MAXMEM_VOLATILE_RANDOM,
       MAXMEM_VOLATILE_TTL };

#endif
