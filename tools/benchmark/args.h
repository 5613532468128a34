/* args.h — petrel-benchmark command line: redis-benchmark 7.0's flags plus
 * petrel's extensions (see docs/benchmark.md). */
#ifndef PETREL_BENCH_ARGS_H
#define PETREL_BENCH_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_MAX_THREADS 500
#define BENCH_DEFAULT_PRECISION 3
#define BENCH_MAX_PRECISION 4

enum key_dist { DIST_UNIFORM = 0, DIST_ZIPFIAN, DIST_SEQUENTIAL };

struct bench_config {
	/* connection */
	char *host;
	int port;
	char *socket;
	char *auth;
	char *user;
	int dbnum;
	bool resp3;
	bool tracking;
	bool cluster;
	/* load */
	int clients;
	long long requests;
	int datasize;
	int keepalive;
	int pipeline;
	bool randomkeys;
	long long keyspacelen;
	int threads;              /* rings; 0 = not given (one ring, reported as no multi-thread) */
	bool idle;
	bool loop;
	bool stdinarg;
	/* output */
	bool quiet;
	bool csv;
	bool showerrors;
	int precision;
	char *tests;              /* ",a,b," lower case, NULL = all */
	/* petrel extensions */
	bool seed_set;
	uint64_t seed;
	enum key_dist dist;
	double zipf_theta;
	int ratio_set;            /* --ratio SET:GET, both 0 when not given */
	int ratio_get;
	double duration;          /* seconds, 0 = use -n */
	double rate;              /* requests/s overall, 0 = closed loop */
	char *json_path;
	bool hdr;                 /* print the p50..p99.99 line in full reports */
	int progress;             /* -1 auto (terminal), 0 never, 1 always */
	/* command given after the options */
	int cmd_argc;
	char **cmd_argv;
};

void args_defaults(struct bench_config *cfg);

/* Parses argv. Returns 0 when the benchmark should run (cfg filled, the
 * command, if any, in cfg->cmd_argc/argv); otherwise the process should exit
 * with *exit_code after what was printed to `out` (usage, version, error).
 * Warnings go to `err`. */
int args_parse(struct bench_config *cfg, int argc, char **argv, FILE *out, FILE *err,
	       int *exit_code);

void args_usage(FILE *out);

/* "redis://[[user]:pass@]host[:port][/db]": 0 or -1. */
int args_parse_uri(struct bench_config *cfg, const char *uri);

void args_free(struct bench_config *cfg);

#endif
