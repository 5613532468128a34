/* report.h — everything petrel-benchmark prints: redis-benchmark's three
 * output shapes (-q one-liners, the full report, --csv), the progress line,
 * and the --json file. */
#ifndef PETREL_BENCH_REPORT_H
#define PETREL_BENCH_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "hist.h"
#include "workload.h"

struct server_conf {
	char *name;            /* "host:port" */
	char *save;            /* NULL when CONFIG GET failed */
	char *appendonly;
};

struct result {
	char *title;
	uint64_t requests;     /* replies counted (errors included, redirects not) */
	uint64_t errors, redirects, nulls;
	double seconds;
	double rps;
	struct hist hist;
	int nkinds;
	const char *kind_name[KIND_MAX];
	struct hist khist[KIND_MAX];
	uint64_t kind_done[KIND_MAX], kind_err[KIND_MAX];
	char first_err[256];
	int clients;
	long long datasize;
};

struct report_ctx {
	const struct bench_config *cfg;
	FILE *out;
	int last_progress_len;     /* bytes of the last progress line, to blank it */
	bool cluster;
	int nservers;
	struct server_conf *servers;
};

void report_csv_header(struct report_ctx *rc);
void report_test(struct report_ctx *rc, const struct result *r);
void report_progress(struct report_ctx *rc, const char *title, double rps_now, double rps_all,
		     double avg_now_ms, double avg_all_ms);
/* Writes all results so far to cfg->json_path. 0 or -1. */
int report_json(const struct report_ctx *rc, const struct result *res, int n);
/* Whether the extension lines (HDR percentiles, kinds) go in full reports. */
bool report_extras(const struct bench_config *cfg);

#endif
