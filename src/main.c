/* main.c — petrel-server entry: command line, config, listeners, shards,
 * signals, shutdown.
 *
 * Thread: main. After start-up the main thread only waits for a signal
 * (SIGTERM, SIGINT, or the internal shutdown signal raised by SHUTDOWN) and
 * then stops the shards.
 */
#include <petrel/alloc.h>
#include <petrel/cmd.h>
#include <petrel/config.h>
#include <petrel/keyspace.h>
#include <petrel/log.h>
#include <petrel/server.h>
#include <petrel/shard.h>

#include "server/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct server_state srv;

void stats_setup(int n);
void hold_setup(int nshards, int ncpus);
void server_sync_config(void);
int server_config_hooks(void);
int listen_tcp(const char *addr, int port, int backlog);
int listen_unix(const char *path, unsigned perm, int backlog);

#define SIG_SHUTDOWN (SIGRTMIN + 1)

static void usage(void)
{
	fprintf(stderr,
		"Usage: ./petrel-server [/path/to/redis.conf] [options] [-]\n"
		"       ./petrel-server - (read config from stdin)\n"
		"       ./petrel-server -v or --version\n"
		"       ./petrel-server -h or --help\n"
		"       ./petrel-server --threads <n> (shard threads; default: online CPUs)\n\n"
		"Examples:\n"
		"       ./petrel-server (run the server with default conf)\n"
		"       echo 'maxmemory 128mb' | ./petrel-server -\n"
		"       ./petrel-server /etc/redis/6379.conf\n"
		"       ./petrel-server --port 7777\n"
		"       ./petrel-server --port 7777 --replicaof 127.0.0.1 8888\n"
		"       ./petrel-server /etc/myredis.conf --loglevel verbose -\n"
		"       ./petrel-server /etc/myredis.conf --loglevel verbose\n\n"
		"Sentinel mode:\n"
		"       ./petrel-server /etc/sentinel.conf --sentinel\n");
}

static void version(void)
{
	printf("Redis server v=%s sha=00000000:0 malloc=mimalloc bits=64 build=petrel-%s\n",
	       PETREL_VERSION, PETREL_OWN_VERSION);
}

static void daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		exit(1);
	if (pid > 0)
		exit(0);
	setsid();
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void write_pidfile(void)
{
	if (!cfg.pidfile || !*cfg.pidfile)
		return;
	FILE *f = fopen(cfg.pidfile, "w");
	if (!f) {
		log_warning("Failed to write PID file: %s", strerror(errno));
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

static int open_listeners(void)
{
	int backlog = cfg.tcp_backlog > 0 ? cfg.tcp_backlog : 511;
	if (cfg.port != 0) {
		if (cfg.bind_count == 0) {
			/* Redis's default: "* -::*" */
			if (listen_tcp("*", cfg.port, backlog) < 0)
				return -1;
			listen_tcp("-::", cfg.port, backlog);
		}
		for (int i = 0; i < cfg.bind_count; i++)
			if (listen_tcp(cfg.bind[i], cfg.port, backlog) < 0)
				return -1;
	}
	if (cfg.unixsocket && *cfg.unixsocket)
		if (listen_unix(cfg.unixsocket, cfg.unixsocketperm, backlog) < 0)
			return -1;
	if (srv.nlisteners == 0) {
		log_warning("Configured to not listen anywhere, exiting.");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	alloc_setup();
	/* As Redis: SORT ... ALPHA collates with the environment's LC_COLLATE. */
	setlocale(LC_COLLATE, "");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--version")) {
			version();
			return 0;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			return 0;
		}
	}
	config_setup();
	struct config_argv ca;
	config_parse_argv(argc, argv, &ca);
	if (ca.sentinel) {
		fprintf(stderr, "Sentinel mode is not supported by this petrel build yet.\n");
		return 1;
	}
	server_config_hooks();  /* before loading: marks implemented directives */
	config_load_or_die(ca.configfile, ca.from_stdin, ca.options);
	if (cfg.daemonize)
		daemonize();
	log_setup(cfg.logfile, (enum log_level)cfg.loglevel);
	if (cfg.syslog_enabled)
		log_set_syslog(1, cfg.syslog_ident, NULL);

	server_sync_config();
	int threads = cfg.threads > 0 ? cfg.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	if (threads > SHARD_MAX)
		threads = SHARD_MAX;
	srv.threads = threads;

	log_notice("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
	log_notice("Redis version=%s, bits=64, commit=00000000, modified=0, pid=%d, just started",
		   PETREL_VERSION, (int)getpid());
	log_notice("petrel %s: %d shard thread%s", PETREL_OWN_VERSION, threads, threads == 1 ? "" : "s");
	if (ca.configfile)
		log_notice("Configuration loaded");
	else
		log_warning("Warning: no config file specified, using the default config. In order to specify a config file use %s /path/to/redis.conf", argv[0]);
	config_argv_deinit(&ca);

	/* Signals: the main thread waits for them; shards never see them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIG_SHUTDOWN);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	shard_clock_setup();
	srv.start_ms = shard_mstime();
	srv.lastsave = srv.start_ms / 1000;
	srv.stat_reset_ms = srv.start_ms;
	ks_setup(cfg.databases);
	if (shard_setup(threads) < 0) {
		log_warning("Failed creating the shards: %s", strerror(errno));
		return 1;
	}
	cmd_setup();
	stats_setup(threads);
	{
		cpu_set_t cpus;
		int ncpus = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : threads;
		hold_setup(threads, ncpus);
		if (threads > ncpus)
			log_warning("%d shard threads on %d usable CPU%s: multi-shard commands will be slow",
				    threads, ncpus, ncpus == 1 ? "" : "s");
	}
	if (open_listeners() < 0)
		return 1;
	write_pidfile();
	log_notice("Running mode=standalone, port=%d.", cfg.port);
	if (shard_start() < 0)
		return 1;
	log_notice("Server initialized");
	log_notice("Ready to accept connections %s", cfg.port ? "tcp" : "unix");

	int sig = 0;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGTERM || sig == SIGINT) {
			log_warning("Received %s scheduling shutdown...", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
		if (sig == SIG_SHUTDOWN)
			break;
	}
	log_warning("User requested shutdown...");
	shard_stop();
	shard_teardown();
	listen_teardown();
	if (cfg.pidfile && *cfg.pidfile)
		unlink(cfg.pidfile);
	log_warning("Redis is now ready to exit, bye bye...");
	return 0;
}
