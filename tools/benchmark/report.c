/* report.c — output; see report.h.
 *
 * The tables are printed exactly as redis-benchmark 7.0 prints them (same
 * headings, widths, iterators and histogram buckets), so a script that reads
 * its output reads ours. Only the full report gains lines, after its Summary,
 * and only when a petrel extension asks for them.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double ms(int64_t us)
{
	return (double)us / 1000.0;
}

bool report_extras(const struct bench_config *cfg)
{
	return cfg->hdr || cfg->rate > 0 || cfg->duration > 0 || cfg->ratio_set + cfg->ratio_get > 0;
}

void report_csv_header(struct report_ctx *rc)
{
	fprintf(rc->out, "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
			 "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n");
}

void report_progress(struct report_ctx *rc, const char *title, double rps_now, double rps_all,
		     double avg_now_ms, double avg_all_ms)
{
	rc->last_progress_len = fprintf(rc->out, "%s: rps=%.1f (overall: %.1f) avg_msec=%.3f (overall: %.3f)\r",
					title, rps_now, rps_all, avg_now_ms, avg_all_ms);
	fflush(rc->out);
}

static void clear_line(struct report_ctx *rc)
{
	fprintf(rc->out, "%*s\r", rc->last_progress_len, " ");
	rc->last_progress_len = 0;
}

static void distribution(FILE *out, const struct hist *h)
{
	struct hist_iter it;
	int64_t prev = -1;
	const int64_t total = h->total;
	fprintf(out, "Latency by percentile distribution:\n");
	hist_iter_percentile(&it, h, 1);
	while (hist_iter_next(&it)) {
		if (prev != it.cumulative || it.cumulative == total)
			fprintf(out, "%3.3f%% <= %.3f milliseconds (cumulative count %lld)\n", it.pct,
				ms(it.highest_equiv), (long long)it.cumulative);
		prev = it.cumulative;
	}
	fprintf(out, "\n");
	fprintf(out, "Cumulative distribution of latencies:\n");
	prev = -1;
	hist_iter_linear(&it, h, 100);
	while (hist_iter_next(&it)) {
		double pct = (double)it.cumulative / (double)total * 100.0;
		if (prev != it.cumulative || it.cumulative == total)
			fprintf(out, "%3.3f%% <= %.3f milliseconds (cumulative count %lld)\n", pct,
				ms(it.highest_equiv), (long long)it.cumulative);
		/* past 2 ms, 0.1 ms steps would only add noise */
		if (it.highest_equiv > 2000)
			hist_iter_linear_set_step(&it, 1000);
		prev = it.cumulative;
	}
	fprintf(out, "\n");
}

static void extras(struct report_ctx *rc, const struct result *r)
{
	FILE *out = rc->out;
	const struct hist *h = &r->hist;
	fprintf(out, "  latency distribution (msec, HDR):\n");
	fprintf(out, "    %9s %9s %9s %9s %9s\n", "p50", "p99", "p99.9", "p99.99", "max");
	fprintf(out, "    %9.3f %9.3f %9.3f %9.3f %9.3f\n", ms(hist_percentile(h, 50.0)),
		ms(hist_percentile(h, 99.0)), ms(hist_percentile(h, 99.9)),
		ms(hist_percentile(h, 99.99)), ms(hist_max(h)));
	fprintf(out, "  error replies: %llu\n", (unsigned long long)r->errors);
	if (r->redirects)
		fprintf(out, "  cluster redirects: %llu\n", (unsigned long long)r->redirects);
	if (rc->cfg->rate > 0)
		fprintf(out, "  open loop: %.2f requests per second scheduled\n", rc->cfg->rate);
	for (int k = 0; r->nkinds > 1 && k < r->nkinds; k++) {
		const struct hist *kh = &r->khist[k];
		fprintf(out, "  %s: %llu requests, %.2f requests per second, %llu errors, "
			"p50=%.3f p99=%.3f max=%.3f msec\n",
			r->kind_name[k], (unsigned long long)r->kind_done[k],
			r->seconds > 0 ? (double)r->kind_done[k] / r->seconds : 0.0,
			(unsigned long long)r->kind_err[k], ms(hist_percentile(kh, 50.0)),
			ms(hist_percentile(kh, 99.0)), ms(hist_max(kh)));
	}
	fprintf(out, "\n");
}

void report_test(struct report_ctx *rc, const struct result *r)
{
	const struct bench_config *cfg = rc->cfg;
	FILE *out = rc->out;
	const struct hist *h = &r->hist;
	const double p0 = h->total ? ms(hist_min(h)) : 0.0;
	const double p50 = ms(hist_percentile(h, 50.0));
	const double p95 = ms(hist_percentile(h, 95.0));
	const double p99 = ms(hist_percentile(h, 99.0));
	const double p100 = ms(hist_max(h));
	const double avg = h->total ? hist_mean(h) / 1000.0 : 0.0;

	if (!cfg->quiet && !cfg->csv) {
		clear_line(rc);
		fprintf(out, "====== %s ======\n", r->title);
		fprintf(out, "  %llu requests completed in %.2f seconds\n",
			(unsigned long long)r->requests, r->seconds);
		fprintf(out, "  %d parallel clients\n", r->clients);
		fprintf(out, "  %lld bytes payload\n", r->datasize);
		fprintf(out, "  keep alive: %d\n", cfg->keepalive);
		if (rc->cluster) {
			fprintf(out, "  cluster mode: yes (%d masters)\n", rc->nservers);
			for (int m = 0; m < rc->nservers; m++) {
				const struct server_conf *s = &rc->servers[m];
				if (!s->save)
					continue;
				fprintf(out, "  node [%d] configuration:\n", m);
				fprintf(out, "    save: %s\n", s->save[0] ? s->save : "NONE");
				fprintf(out, "    appendonly: %s\n", s->appendonly);
			}
		} else if (rc->nservers && rc->servers[0].save) {
			fprintf(out, "  host configuration \"save\": %s\n", rc->servers[0].save);
			fprintf(out, "  host configuration \"appendonly\": %s\n", rc->servers[0].appendonly);
		}
		fprintf(out, "  multi-thread: %s\n", cfg->threads ? "yes" : "no");
		if (cfg->threads)
			fprintf(out, "  threads: %d\n", cfg->threads);
		fprintf(out, "\n");
		if (h->total)
			distribution(out, h);
		else
			fprintf(out, "Latency by percentile distribution:\n\nCumulative distribution of latencies:\n\n");
		fprintf(out, "Summary:\n");
		fprintf(out, "  throughput summary: %.2f requests per second\n", r->rps);
		fprintf(out, "  latency summary (msec):\n");
		fprintf(out, "    %9s %9s %9s %9s %9s %9s\n", "avg", "min", "p50", "p95", "p99", "max");
		fprintf(out, "    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", avg, p0, p50, p95, p99, p100);
		if (report_extras(cfg))
			extras(rc, r);
	} else if (cfg->csv) {
		fprintf(out, "\"%s\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"\n",
			r->title, r->rps, avg, p0, p50, p95, p99, p100);
	} else {
		clear_line(rc);
		fprintf(out, "%s: %.2f requests per second, p50=%.3f msec\n", r->title, r->rps, p50);
	}
	fflush(out);
	if (r->errors) {
		fprintf(stderr, "petrel-benchmark: %s: %llu error replies (first: %s)\n", r->title,
			(unsigned long long)r->errors, r->first_err[0] ? r->first_err : "?");
	}
}

/* --- JSON ------------------------------------------------------------------ */

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void jnum(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

static void jlatency(FILE *f, const struct hist *h)
{
	static const struct { const char *name; double p; } pcts[] = {
		{"p50", 50.0}, {"p75", 75.0}, {"p90", 90.0}, {"p95", 95.0}, {"p99", 99.0},
		{"p99_9", 99.9}, {"p99_99", 99.99}, {"p99_999", 99.999},
	};
	fprintf(f, "{\"avg\": ");
	jnum(f, h->total ? hist_mean(h) / 1000.0 : NAN);
	fprintf(f, ", \"min\": ");
	jnum(f, h->total ? ms(hist_min(h)) : NAN);
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		fprintf(f, ", \"%s\": ", pcts[i].name);
		jnum(f, h->total ? ms(hist_percentile(h, pcts[i].p)) : NAN);
	}
	fprintf(f, ", \"max\": ");
	jnum(f, h->total ? ms(hist_max(h)) : NAN);
	fprintf(f, "}");
}

static void jhist(FILE *f, const struct hist *h)
{
	/* Every non-empty bucket: [highest equivalent value in ms, count]. */
	fputc('[', f);
	bool first = true;
	for (int32_t i = 0; i < h->counts_len; i++) {
		if (!h->counts[i])
			continue;
		int64_t v = hist_value_at_index(h, i);
		fprintf(f, "%s[%.3f, %lld]", first ? "" : ", ", ms(hist_highest_equiv(h, v)),
			(long long)h->counts[i]);
		first = false;
	}
	fputc(']', f);
}

int report_json(const struct report_ctx *rc, const struct result *res, int n)
{
	const struct bench_config *cfg = rc->cfg;
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", cfg->json_path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	static const char *dists[] = {"uniform", "zipfian", "sequential"};
	fprintf(f, "{\n  \"tool\": \"petrel-benchmark\",\n  \"config\": {\"host\": ");
	jstr(f, cfg->socket ? NULL : cfg->host);
	fprintf(f, ", \"port\": %d, \"socket\": ", cfg->port);
	if (cfg->socket)
		jstr(f, cfg->socket);
	else
		fputs("null", f);
	fprintf(f, ", \"clients\": %d, \"requests\": %lld, \"duration\": ", cfg->clients,
		cfg->duration > 0 ? -1LL : cfg->requests);
	jnum(f, cfg->duration);
	fprintf(f, ", \"rate\": ");
	jnum(f, cfg->rate);
	fprintf(f, ", \"pipeline\": %d, \"datasize\": %d, \"keepalive\": %d, \"threads\": %d, "
		   "\"keyspacelen\": %lld, \"distribution\": \"%s\", \"zipf_theta\": ",
		cfg->pipeline, cfg->datasize, cfg->keepalive, cfg->threads ? cfg->threads : 1,
		cfg->randomkeys ? cfg->keyspacelen : 0LL, dists[cfg->dist]);
	jnum(f, cfg->zipf_theta);
	fprintf(f, ", \"ratio\": ");
	if (cfg->ratio_set + cfg->ratio_get)
		fprintf(f, "\"%d:%d\"", cfg->ratio_set, cfg->ratio_get);
	else
		fputs("null", f);
	fprintf(f, ", \"seed\": %llu, \"cluster\": %s, \"resp3\": %s},\n  \"tests\": [",
		(unsigned long long)cfg->seed, cfg->cluster ? "true" : "false",
		cfg->resp3 ? "true" : "false");
	for (int i = 0; i < n; i++) {
		const struct result *r = &res[i];
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		jstr(f, r->title);
		fprintf(f, ", \"requests\": %llu, \"errors\": %llu, \"redirects\": %llu, \"nulls\": %llu, "
			   "\"seconds\": ",
			(unsigned long long)r->requests, (unsigned long long)r->errors,
			(unsigned long long)r->redirects, (unsigned long long)r->nulls);
		jnum(f, r->seconds);
		fprintf(f, ", \"rps\": ");
		jnum(f, r->rps);
		fprintf(f, ", \"clients\": %d, \"datasize\": %lld, \"first_error\": ", r->clients,
			r->datasize);
		if (r->first_err[0])
			jstr(f, r->first_err);
		else
			fputs("null", f);
		fprintf(f, ",\n     \"latency_ms\": ");
		jlatency(f, &r->hist);
		fprintf(f, ",\n     \"kinds\": [");
		for (int k = 0; r->nkinds > 1 && k < r->nkinds; k++) {
			fprintf(f, "%s{\"name\": ", k ? ", " : "");
			jstr(f, r->kind_name[k]);
			fprintf(f, ", \"requests\": %llu, \"errors\": %llu, \"rps\": ",
				(unsigned long long)r->kind_done[k], (unsigned long long)r->kind_err[k]);
			jnum(f, r->seconds > 0 ? (double)r->kind_done[k] / r->seconds : 0.0);
			fprintf(f, ", \"latency_ms\": ");
			jlatency(f, &r->khist[k]);
			fprintf(f, "}");
		}
		fprintf(f, "],\n     \"histogram_ms\": ");
		jhist(f, &r->hist);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ]\n}\n");
	if (fclose(f))
		return -1;
	return rename(tmp, cfg->json_path);
}
