/* cmd_info.c — INFO with Redis's sections and field names.
 *
 * Thread: the client's shard. Counters of other shards are read racily
 * (plain loads of words they update): INFO is a snapshot, not a cut.
 */
#include <petrel/alloc.h>
#include <petrel/client.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/keyspace.h>
#include <petrel/block.h>
#include <petrel/pubsub.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

uint64_t stats_total_errors(void);
void stats_errors_foreach(void (*fn)(void *arg, const char *code, uint64_t count), void *arg);

static void add(struct rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct rbuf *b, const char *fmt, ...)
{
	/* Format straight into the buffer; grow and retry if it did not fit. */
	for (size_t room = 512;;) {
		rbuf_reserve(b, room);
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		room = (size_t)n + 1;
	}
}

static void human(char *buf, size_t n, double bytes)
{
	const char *u = "B";
	if (bytes >= 1024.0 * 1024 * 1024) {
		bytes /= 1024.0 * 1024 * 1024;
		u = "G";
	} else if (bytes >= 1024.0 * 1024) {
		bytes /= 1024.0 * 1024;
		u = "M";
	} else if (bytes >= 1024) {
		bytes /= 1024;
		u = "K";
	}
	if (*u == 'B')
		snprintf(buf, n, "%.0fB", bytes);
	else
		snprintf(buf, n, "%.2f%s", bytes, u);
}

static uint64_t sum_stat(size_t off)
{
	uint64_t t = 0;
	for (int i = 0; i < nshards; i++)
		t += *(const uint64_t *)((const char *)&shards[i].stats + off);
	return t;
}
#define SUM(field) sum_stat(offsetof(struct shard_stats, field))

static void sec_server(struct rbuf *b)
{
	struct utsname u;
	uname(&u);
	long long up = (shard_mstime() - srv.start_ms) / 1000;
	add(b, "# Server\r\nredis_version:%s\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
	       "redis_build_id:petrel-%s\r\nredis_mode:standalone\r\nos:%s %s %s\r\narch_bits:64\r\n"
	       "monotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:io_uring\r\n"
	       "atomicvar_api:c11-builtin\r\ngcc_version:%d.%d.%d\r\nprocess_id:%d\r\n"
	       "process_supervised:no\r\nrun_id:%040d\r\ntcp_port:%d\r\n",
	    PETREL_VERSION, PETREL_OWN_VERSION, u.sysname, u.release, u.machine,
	    __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__, (int)getpid(), 0, srv.port);
	add(b, "server_time_usec:%lld\r\nuptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\n"
	       "configured_hz:%d\r\nlru_clock:%u\r\nexecutable:%s\r\nconfig_file:%s\r\nio_threads_active:0\r\n"
	       "petrel_version:%s\r\npetrel_threads:%d\r\n\r\n",
	    shard_ustime(), up, up / 86400, srv.hz, srv.hz, srv.lru_clock, "petrel-server",
	    cfg.configfile ? cfg.configfile : "", PETREL_OWN_VERSION, nshards);
}

static void sec_clients(struct rbuf *b)
{
	add(b, "# Clients\r\nconnected_clients:%lld\r\ncluster_connections:0\r\nmaxclients:%lld\r\n"
	       "client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\n"
	       "blocked_clients:%ld\r\ntracking_clients:0\r\nclients_in_timeout_table:%ld\r\n\r\n",
	    __atomic_load_n(&srv.nclients, __ATOMIC_RELAXED), srv.maxclients, block_count(), block_count());
}

static void sec_memory(struct rbuf *b)
{
	size_t used = alloc_used_memory(), rss = alloc_rss();
	char hu[32], hr[32], hm[32];
	human(hu, sizeof(hu), (double)used);
	human(hr, sizeof(hr), (double)rss);
	human(hm, sizeof(hm), (double)srv.maxmemory);
	static const char *const policies[] = {"noeviction", "allkeys-lru", "volatile-lru",
		"allkeys-lfu", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"};
	add(b, "# Memory\r\nused_memory:%zu\r\nused_memory_human:%s\r\nused_memory_rss:%zu\r\n"
	       "used_memory_rss_human:%s\r\nused_memory_peak:%zu\r\nused_memory_peak_human:%s\r\n"
	       "used_memory_dataset:%zu\r\nused_memory_lua:31744\r\nused_memory_scripts:0\r\n"
	       "maxmemory:%lld\r\nmaxmemory_human:%s\r\nmaxmemory_policy:%s\r\n"
	       "mem_fragmentation_ratio:%.2f\r\nmem_allocator:mimalloc\r\nlazyfree_pending_objects:0\r\n\r\n",
	    used, hu, rss, hr, used, hu, used, srv.maxmemory, hm, policies[srv.maxmemory_policy],
	    used ? (double)rss / (double)used : 0.0);
}

static void sec_persistence(struct rbuf *b)
{
	add(b, "# Persistence\r\nloading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\n"
	       "current_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n"
	       "current_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n"
	       "rdb_changes_since_last_save:%llu\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:%lld\r\n"
	       "rdb_last_bgsave_status:ok\r\nrdb_last_bgsave_time_sec:-1\r\nrdb_current_bgsave_time_sec:-1\r\n"
	       "rdb_saves:0\r\nrdb_last_cow_size:0\r\nrdb_last_load_keys_expired:0\r\n"
	       "rdb_last_load_keys_loaded:0\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\n"
	       "aof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\n"
	       "aof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\naof_rewrites_consecutive_failures:0\r\n"
	       "aof_last_write_status:ok\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n"
	       "module_fork_last_cow_size:0\r\n\r\n",
	    (unsigned long long)srv.dirty, srv.lastsave);
}

/* Pub/Sub counts for the stats section: exact under the all-shard hold that
 * route_info asks for whenever anyone subscribes; zero otherwise. */
static long info_channels, info_patterns;

int route_info(int argc, const struct resp_arg *argv);
int route_info(int argc, const struct resp_arg *argv)
{
	(void)argc;
	(void)argv;
	return pubsub_any() ? ROUTE_ALL : ROUTE_LOCAL;
}

static void sec_stats(struct rbuf *b)
{
	uint64_t cmds = SUM(commands);
	double secs = (double)(shard_mstime() - srv.stat_reset_ms) / 1000.0;
	add(b, "# Stats\r\ntotal_connections_received:%llu\r\ntotal_commands_processed:%llu\r\n"
	       "instantaneous_ops_per_sec:%.0f\r\ntotal_net_input_bytes:%llu\r\ntotal_net_output_bytes:%llu\r\n"
	       "total_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\n"
	       "instantaneous_input_kbps:0.00\r\ninstantaneous_output_kbps:0.00\r\n"
	       "instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n"
	       "rejected_connections:%llu\r\nsync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\n"
	       "expired_keys:%llu\r\nexpired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\n"
	       "expire_cycle_cpu_milliseconds:%llu\r\nevicted_keys:%llu\r\nevicted_clients:0\r\n"
	       "total_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\n"
	       "keyspace_hits:%llu\r\nkeyspace_misses:%llu\r\npubsub_channels:%ld\r\npubsub_patterns:%ld\r\n"
	       "pubsubshard_channels:0\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\n"
	       "slave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\nactive_defrag_misses:0\r\n"
	       "active_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\n"
	       "current_active_defrag_time:0\r\ntracking_total_keys:0\r\ntracking_total_items:0\r\n"
	       "tracking_total_prefixes:0\r\nunexpected_error_replies:0\r\ntotal_error_replies:%llu\r\n"
	       "dump_payload_sanitizations:0\r\ntotal_reads_processed:0\r\ntotal_writes_processed:0\r\n"
	       "io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n"
	       "reply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n"
	       "petrel_cross_shard_messages:%llu\r\npetrel_multi_shard_ops:%llu\r\n\r\n",
	    (unsigned long long)srv.stat_numconnections, (unsigned long long)cmds,
	    secs > 0 ? (double)cmds / secs : 0.0,
	    (unsigned long long)SUM(net_in), (unsigned long long)SUM(net_out),
	    (unsigned long long)srv.stat_rejected, (unsigned long long)SUM(expired_keys),
	    (unsigned long long)(SUM(expire_cycle_us) / 1000), (unsigned long long)SUM(evicted_keys),
	    (unsigned long long)SUM(hits), (unsigned long long)SUM(misses), info_channels, info_patterns,
	    (unsigned long long)stats_total_errors(), (unsigned long long)SUM(cross_msgs),
	    (unsigned long long)SUM(multi_shard));
}

static void sec_replication(struct rbuf *b)
{
	add(b, "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n"
	       "master_replid:%040d\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n"
	       "master_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n"
	       "repl_backlog_size:1048576\r\nrepl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n\r\n",
	    0);
}

static void sec_cpu(struct rbuf *b)
{
	struct rusage self, ch;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &ch);
	add(b, "# CPU\r\nused_cpu_sys:%ld.%06ld\r\nused_cpu_user:%ld.%06ld\r\nused_cpu_sys_children:%ld.%06ld\r\n"
	       "used_cpu_user_children:%ld.%06ld\r\nused_cpu_sys_main_thread:%ld.%06ld\r\n"
	       "used_cpu_user_main_thread:%ld.%06ld\r\n\r\n",
	    (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec, (long)self.ru_utime.tv_sec,
	    (long)self.ru_utime.tv_usec, (long)ch.ru_stime.tv_sec, (long)ch.ru_stime.tv_usec,
	    (long)ch.ru_utime.tv_sec, (long)ch.ru_utime.tv_usec, (long)self.ru_stime.tv_sec,
	    (long)self.ru_stime.tv_usec, (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec);
}

static void sec_commandstats(struct rbuf *b)
{
	add(b, "# Commandstats\r\n");
	for (int i = 0; i < cmd_count; i++) {
		struct cmd_stat t = {0};
		for (int s = 0; s < nshards; s++) {
			struct cmd_stat *st = &cmd_stats(s)[i];
			t.calls += st->calls;
			t.usec += st->usec;
			t.rejected += st->rejected;
			t.failed += st->failed;
		}
		if (!t.calls && !t.rejected && !t.failed)
			continue;
		add(b, "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu\r\n",
		    cmd_table[i].name, (unsigned long long)t.calls, (unsigned long long)t.usec,
		    t.calls ? (double)t.usec / (double)t.calls : 0.0, (unsigned long long)t.rejected,
		    (unsigned long long)t.failed);
	}
	add(b, "\r\n");
}

static void errstat_line(void *arg, const char *code, uint64_t count)
{
	add(arg, "errorstat_%s:count=%llu\r\n", code, (unsigned long long)count);
}

static void sec_errorstats(struct rbuf *b)
{
	add(b, "# Errorstats\r\n");
	stats_errors_foreach(errstat_line, b);
	add(b, "\r\n");
}

static void sec_keyspace(struct rbuf *b)
{
	add(b, "# Keyspace\r\n");
	for (int db = 0; db < ks_ndbs; db++) {
		uint64_t keys = ks_db_keys(db);
		if (!keys)
			continue;
		add(b, "db%d:keys=%llu,expires=%llu,avg_ttl=0\r\n", db, (unsigned long long)keys,
		    (unsigned long long)ks_db_expires(db));
	}
	add(b, "\r\n");
}

struct section {
	const char *name;
	void (*fn)(struct rbuf *b);
	int in_default;
};

static const struct section sections[] = {
	{"server", sec_server, 1}, {"clients", sec_clients, 1}, {"memory", sec_memory, 1},
	{"persistence", sec_persistence, 1}, {"stats", sec_stats, 1},
	{"replication", sec_replication, 1}, {"cpu", sec_cpu, 1},
	{"modules", NULL, 1}, {"commandstats", sec_commandstats, 0},
	{"errorstats", sec_errorstats, 1}, {"cluster", NULL, 1}, {"keyspace", sec_keyspace, 1},
};

static void sec_modules(struct rbuf *b) { add(b, "# Modules\r\n\r\n"); }
static void sec_cluster(struct rbuf *b) { add(b, "# Cluster\r\ncluster_enabled:0\r\n\r\n"); }

void cmd_info(struct cmd_ctx *c)
{
	info_channels = info_patterns = 0;
	if (pubsub_any() && (c->multi_shard || nshards == 1)) {
		struct rbuf scratch;
		rbuf_init(&scratch, 2);
		info_channels = pubsub_list_channels(PUBSUB_CHANNEL, NULL, 0, &scratch);
		rbuf_deinit(&scratch);
		info_patterns = pubsub_numpat();
	}
	int nsec = (int)(sizeof(sections) / sizeof(sections[0]));
	int want[16] = {0};
	int any = 0;
	if (c->argc == 1) {
		for (int i = 0; i < nsec; i++)
			want[i] = sections[i].in_default;
		any = 1;
	}
	for (int a = 1; a < c->argc; a++) {
		const struct resp_arg *arg = &c->argv[a];
		int all = arg_is(arg, "all") || arg_is(arg, "everything");
		int def = arg_is(arg, "default");
		for (int i = 0; i < nsec; i++) {
			if (all || (def && sections[i].in_default) || arg_is(arg, sections[i].name)) {
				want[i] = 1;
				any = 1;
			}
		}
	}
	struct rbuf b;
	rbuf_init(&b, 2);
	for (int i = 0; any && i < nsec; i++) {
		if (!want[i])
			continue;
		if (sections[i].fn)
			sections[i].fn(&b);
		else if (!strcmp(sections[i].name, "modules"))
			sec_modules(&b);
		else
			sec_cluster(&b);
	}
	/* Redis trims the last blank line. */
	if (b.len >= 2)
		b.len -= 2;
	reply_verbatim(c->out, b.data ? b.data : "", b.len, "txt");
	rbuf_deinit(&b);
}
