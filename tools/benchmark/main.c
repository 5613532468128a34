/* main.c — petrel-benchmark: a drop-in replacement for redis-benchmark 7.0
 * built on io_uring and threads. Runs the tests one after another; for each,
 * starts the worker threads (loop.c), prints progress while they run, merges
 * their histograms and prints the report (report.c).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "bench.h"
#include "cluster.h"
#include "report.h"
#include "resp.h"
#include "sync.h"
#include "workload.h"

struct app {
	struct bench_config cfg;
	struct endpoint ep;
	struct cluster *cl;
	struct keygen kg;
	struct report_ctx rc;
	char *prefix;
	size_t prefix_len;
	int prefix_count;
	struct result *results;
	int nresults;
	bool progress;
};

/* Same generator as redis-benchmark, so the payload bytes are the same. */
static void gen_data(char *data, int count)
{
	static uint32_t state = 1234;
	for (int i = 0; i < count; i++) {
		state = state * 1103515245 + 12345;
		data[i] = (char)('0' + ((state >> 16) & 63));
	}
}

static bool selected(const struct bench_config *cfg, const char *name)
{
	char buf[256];
	if (!cfg->tests)
		return true;
	snprintf(buf, sizeof(buf), ",%s,", name);
	return strstr(cfg->tests, buf) != NULL;
}

static void append_prefix(struct app *a, int argc, const char **argv)
{
	size_t lens[4], len;
	for (int i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	char *cmd = resp_format(argc, argv, lens, &len);
	a->prefix = realloc(a->prefix, a->prefix_len + len);
	memcpy(a->prefix + a->prefix_len, cmd, len);
	a->prefix_len += len;
	a->prefix_count++;
	free(cmd);
}

static void build_prefix(struct app *a)
{
	const struct bench_config *cfg = &a->cfg;
	if (cfg->auth) {
		if (cfg->user) {
			const char *av[] = {"AUTH", cfg->user, cfg->auth};
			append_prefix(a, 3, av);
		} else {
			const char *av[] = {"AUTH", cfg->auth};
			append_prefix(a, 2, av);
		}
	}
	if (cfg->resp3) {
		const char *av[] = {"HELLO", "3"};
		append_prefix(a, 2, av);
	}
	if (cfg->tracking) {
		const char *av[] = {"CLIENT", "TRACKING", "on"};
		append_prefix(a, 3, av);
	}
	if (cfg->dbnum != 0 && !cfg->cluster) {
		char db[16];
		snprintf(db, sizeof(db), "%d", cfg->dbnum);
		const char *av[] = {"SELECT", db};
		append_prefix(a, 2, av);
	}
}

static void fetch_conf(struct app *a, struct server_conf *s, const struct endpoint *ep)
{
	s->name = strdup(ep->name);
	int fd = sync_open(ep, &a->cfg);
	if (fd < 0)
		return;
	const char *q1[] = {"CONFIG", "GET", "save"};
	const char *q2[] = {"CONFIG", "GET", "appendonly"};
	char *r1 = NULL, *r2 = NULL;
	size_t l1, l2;
	if (sync_command(fd, 3, q1, &r1, &l1) == 0 && sync_command(fd, 3, q2, &r2, &l2) == 0) {
		if (r1[0] == '-' || r2[0] == '-') {
			char *err = NULL;
			free(reply_bulk(r1[0] == '-' ? r1 : r2, r1[0] == '-' ? l1 : l2, &err));
			fprintf(stderr, "ERROR: %s\n", err ? err : "");
			free(err);
		} else {
			s->save = reply_array_item(r1, l1, 1);
			s->appendonly = reply_array_item(r2, l2, 1);
			if (!s->save || !s->appendonly) {
				free(s->save);
				free(s->appendonly);
				s->save = s->appendonly = NULL;
			}
		}
	}
	if (!s->save)
		fprintf(stderr, "ERROR: failed to fetch CONFIG from %s\n", ep->name);
	free(r1);
	free(r2);
	close(fd);
}

static double mono_s(void)
{
	return (double)now_ns() / 1e9;
}

/* Runs one test with every worker; fills *res. */
static void run_test(struct app *a, const struct test *t, struct result *res)
{
	const struct bench_config *cfg = &a->cfg;
	struct run run;
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.test = t;
	run.kg = &a->kg;
	run.cl = a->cl;
	run.ep = &a->ep;
	run.prefix = a->prefix;
	run.prefix_len = a->prefix_len;
	run.prefix_count = a->prefix_count;
	run.limit = cfg->duration > 0 ? LLONG_MAX : cfg->requests;
	run.idle = cfg->idle;
	int nthreads = cfg->threads > 0 ? cfg->threads : 1;
	if (nthreads > cfg->clients)
		nthreads = cfg->clients;
	run.nthreads = nthreads;
	run.running = nthreads;
	pthread_mutex_init(&run.mu, NULL);
	pthread_cond_init(&run.cv, NULL);
	pthread_barrier_init(&run.ready, NULL, (unsigned)nthreads + 1);
	pthread_barrier_init(&run.go, NULL, (unsigned)nthreads + 1);
	run.workers = calloc((size_t)nthreads, sizeof(struct worker));
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &run.workers[i];
		w->idx = i;
		w->run = &run;
		w->first_client = i;
		w->nclients = (cfg->clients - i + nthreads - 1) / nthreads;
		w->seed = cfg->seed + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
		hist_init(&w->hist, LAT_LOWEST, LAT_HIGHEST, cfg->precision);
		for (int k = 0; k < t->ntmpl && t->ntmpl > 1; k++)
			hist_init(&w->khist[k], LAT_LOWEST, LAT_HIGHEST, cfg->precision);
		if (pthread_create(&w->th, NULL, worker_main, w)) {
			fprintf(stderr, "FATAL: Failed to start thread %d.\n", i);
			exit(1);
		}
	}
	pthread_barrier_wait(&run.ready);
	if (cfg->idle) {
		for (;;)
			pause();
	}
	run.start_ns = now_ns();
	pthread_barrier_wait(&run.go);

	/* Progress, --duration, and waiting for the workers. */
	double start = (double)run.start_ns / 1e9, last_tick = start;
	double deadline = cfg->duration > 0 ? start + cfg->duration : 0;
	uint64_t last_done = 0, last_lat = 0;
	pthread_mutex_lock(&run.mu);
	while (run.running > 0) {
		double now = mono_s();
		double wake = last_tick + 1.0;
		if (deadline && !atomic_load(&run.stop) && deadline < wake)
			wake = deadline;
		if (now < wake) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			double dt = wake - now;
			ts.tv_sec += (time_t)dt;
			ts.tv_nsec += (long)((dt - (double)(time_t)dt) * 1e9);
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&run.cv, &run.mu, &ts);
			continue;
		}
		if (deadline && now >= deadline)
			atomic_store(&run.stop, 1);
		if (now >= last_tick + 1.0) {
			uint64_t done = 0, lat = 0;
			for (int i = 0; i < nthreads; i++) {
				done += atomic_load_explicit(&run.workers[i].done, memory_order_relaxed);
				lat += atomic_load_explicit(&run.workers[i].lat_sum_us, memory_order_relaxed);
			}
			if (a->progress && !cfg->csv) {
				double dt = now - last_tick, all = now - start;
				double avg_now = done > last_done ? (double)(lat - last_lat) / (double)(done - last_done) / 1000.0 : NAN;
				double avg_all = done ? (double)lat / (double)done / 1000.0 : NAN;
				report_progress(&a->rc, t->title, (double)(done - last_done) / dt,
						(double)done / all, avg_now, avg_all);
			}
			last_done = done;
			last_lat = lat;
			last_tick = now;
		}
	}
	pthread_mutex_unlock(&run.mu);

	memset(res, 0, sizeof(*res));
	res->title = strdup(t->title);
	res->clients = cfg->clients;
	res->datasize = t->datasize;
	res->nkinds = t->ntmpl;
	hist_init(&res->hist, LAT_LOWEST, LAT_HIGHEST, cfg->precision);
	for (int k = 0; k < t->ntmpl; k++) {
		res->kind_name[k] = t->kind_name[k];
		if (t->ntmpl > 1)
			hist_init(&res->khist[k], LAT_LOWEST, LAT_HIGHEST, cfg->precision);
	}
	uint64_t end = run.start_ns;
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &run.workers[i];
		pthread_join(w->th, NULL);
		if (w->end_ns > end)
			end = w->end_ns;
		hist_merge(&res->hist, &w->hist);
		res->errors += w->errors;
		res->redirects += w->redirects;
		res->nulls += w->nulls;
		for (int k = 0; k < t->ntmpl; k++) {
			res->kind_done[k] += w->kind_done[k];
			res->kind_err[k] += w->kind_err[k];
			if (t->ntmpl > 1) {
				hist_merge(&res->khist[k], &w->khist[k]);
				hist_free(&w->khist[k]);
			}
		}
		if (!res->first_err[0] && w->first_err[0])
			memcpy(res->first_err, w->first_err, sizeof(res->first_err));
		hist_free(&w->hist);
	}
	res->requests = (uint64_t)res->hist.total;
	res->seconds = (double)(end - run.start_ns) / 1e9;
	res->rps = res->seconds > 0 ? (double)res->requests / res->seconds : 0.0;
	free(run.workers);
	pthread_barrier_destroy(&run.ready);
	pthread_barrier_destroy(&run.go);
	pthread_cond_destroy(&run.cv);
	pthread_mutex_destroy(&run.mu);
}

static void bench(struct app *a, struct test *t)
{
	a->results = realloc(a->results, (size_t)(a->nresults + 1) * sizeof(struct result));
	struct result *r = &a->results[a->nresults++];
	run_test(a, t, r);
	report_test(&a->rc, r);
	if (a->cfg.json_path && report_json(&a->rc, a->results, a->nresults))
		fprintf(stderr, "petrel-benchmark: cannot write %s: %s\n", a->cfg.json_path,
			strerror(errno));
	if (a->cfg.loop) {
		/* -l runs forever: keep only the latest result of each round */
		hist_free(&r->hist);
		for (int k = 0; k < KIND_MAX; k++)
			if (r->khist[k].counts)
				hist_free(&r->khist[k]);
		free(r->title);
		a->nresults--;
	}
}

/* Formats "CMD arg..." with the data / tag substitutions of the suite. */
static void run_argv(struct app *a, const char *title, int argc, const char **argv)
{
	size_t lens[32];
	struct test t;
	for (int i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	wl_init_argv(&t, title, argc, argv, lens, a->cfg.randomkeys, a->cfg.cluster);
	t.datasize = a->cfg.datasize;
	bench(a, &t);
	wl_free(&t);
}

static void run_suite(struct app *a, const char *data)
{
	const struct bench_config *cfg = &a->cfg;
	const char *tag = cfg->cluster ? ":{tag}" : "";
	char key[64], counter[64], list[64], set[64], hash[64], zset[64];
	snprintf(key, sizeof(key), "key%s:__rand_int__", tag);
	snprintf(counter, sizeof(counter), "counter%s:__rand_int__", tag);
	snprintf(list, sizeof(list), "mylist%s", tag);
	snprintf(set, sizeof(set), "myset%s", tag);
	snprintf(hash, sizeof(hash), "myhash%s", tag);
	snprintf(zset, sizeof(zset), "myzset%s", tag);

	if (cfg->ratio_set + cfg->ratio_get > 0) {
		struct test s, g;
		const char *sv[] = {"SET", key, data};
		const char *gv[] = {"GET", key};
		size_t sl[] = {3, strlen(key), strlen(data)}, gl[] = {3, strlen(key)};
		char title[64];
		snprintf(title, sizeof(title), "SET:GET %d:%d", cfg->ratio_set, cfg->ratio_get);
		wl_init_argv(&s, title, 3, sv, sl, cfg->randomkeys, cfg->cluster);
		wl_init_argv(&g, "GET", 2, gv, gl, cfg->randomkeys, cfg->cluster);
		wl_add_kind(&s, &g, cfg->ratio_set, cfg->ratio_get, "SET", "GET");
		s.datasize = cfg->datasize;
		bench(a, &s);
		wl_free(&s);
		wl_free(&g);
		return;
	}
	if (selected(cfg, "ping_inline") || selected(cfg, "ping")) {
		struct test t;
		wl_init_raw(&t, "PING_INLINE", "PING\r\n", 6);
		t.datasize = cfg->datasize;
		bench(a, &t);
		wl_free(&t);
	}
	if (selected(cfg, "ping_mbulk") || selected(cfg, "ping"))
		run_argv(a, "PING_MBULK", 1, (const char *[]){"PING"});
	if (selected(cfg, "set"))
		run_argv(a, "SET", 3, (const char *[]){"SET", key, data});
	if (selected(cfg, "get"))
		run_argv(a, "GET", 2, (const char *[]){"GET", key});
	if (selected(cfg, "incr"))
		run_argv(a, "INCR", 2, (const char *[]){"INCR", counter});
	if (selected(cfg, "lpush"))
		run_argv(a, "LPUSH", 3, (const char *[]){"LPUSH", list, data});
	if (selected(cfg, "rpush"))
		run_argv(a, "RPUSH", 3, (const char *[]){"RPUSH", list, data});
	if (selected(cfg, "lpop"))
		run_argv(a, "LPOP", 2, (const char *[]){"LPOP", list});
	if (selected(cfg, "rpop"))
		run_argv(a, "RPOP", 2, (const char *[]){"RPOP", list});
	if (selected(cfg, "sadd"))
		run_argv(a, "SADD", 3, (const char *[]){"SADD", set, "element:__rand_int__"});
	if (selected(cfg, "hset"))
		run_argv(a, "HSET", 4, (const char *[]){"HSET", hash, "element:__rand_int__", data});
	if (selected(cfg, "spop"))
		run_argv(a, "SPOP", 2, (const char *[]){"SPOP", set});
	if (selected(cfg, "zadd")) {
		const char *score = cfg->randomkeys ? "__rand_int__" : "0";
		run_argv(a, "ZADD", 4, (const char *[]){"ZADD", zset, score, "element:__rand_int__"});
	}
	if (selected(cfg, "zpopmin"))
		run_argv(a, "ZPOPMIN", 2, (const char *[]){"ZPOPMIN", zset});
	bool lr = selected(cfg, "lrange");
	if (lr || selected(cfg, "lrange_100") || selected(cfg, "lrange_300") ||
	    selected(cfg, "lrange_500") || selected(cfg, "lrange_600"))
		run_argv(a, "LPUSH (needed to benchmark LRANGE)", 3, (const char *[]){"LPUSH", list, data});
	if (lr || selected(cfg, "lrange_100"))
		run_argv(a, "LRANGE_100 (first 100 elements)", 4, (const char *[]){"LRANGE", list, "0", "99"});
	if (lr || selected(cfg, "lrange_300"))
		run_argv(a, "LRANGE_300 (first 300 elements)", 4, (const char *[]){"LRANGE", list, "0", "299"});
	if (lr || selected(cfg, "lrange_500"))
		run_argv(a, "LRANGE_500 (first 500 elements)", 4, (const char *[]){"LRANGE", list, "0", "499"});
	if (lr || selected(cfg, "lrange_600"))
		run_argv(a, "LRANGE_600 (first 600 elements)", 4, (const char *[]){"LRANGE", list, "0", "599"});
	if (selected(cfg, "mset")) {
		const char *av[21];
		av[0] = "MSET";
		for (int i = 1; i < 21; i += 2) {
			av[i] = key;
			av[i + 1] = data;
		}
		run_argv(a, "MSET (10 keys)", 21, av);
	}
}

static char *read_stdin(size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		ssize_t r = read(0, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static void run_command(struct app *a)
{
	struct bench_config *cfg = &a->cfg;
	int argc = cfg->cmd_argc + (cfg->stdinarg ? 1 : 0);
	const char **argv = calloc((size_t)argc + 1, sizeof(char *));
	size_t *lens = calloc((size_t)argc + 1, sizeof(size_t));
	size_t tlen = 1;
	for (int i = 0; i < cfg->cmd_argc; i++) {
		argv[i] = cfg->cmd_argv[i];
		lens[i] = strlen(argv[i]);
		tlen += lens[i] + 1;
	}
	char *stdin_data = NULL;
	if (cfg->stdinarg) {
		stdin_data = read_stdin(&lens[argc - 1]);
		argv[argc - 1] = stdin_data;
	}
	/* The title is the command line as given (without the stdin argument). */
	char *title = malloc(tlen);
	title[0] = 0;
	for (int i = 0; i < cfg->cmd_argc; i++) {
		if (i)
			strcat(title, " ");
		strcat(title, cfg->cmd_argv[i]);
	}
	do {
		struct test t;
		wl_init_argv(&t, title, argc, argv, lens, cfg->randomkeys, cfg->cluster);
		t.datasize = (long long)t.tmpl[0].len;
		bench(a, &t);
		wl_free(&t);
	} while (cfg->loop);
	free(title);
	free(stdin_data);
	free(argv);
	free(lens);
}

static void app_free(struct app *a)
{
	for (int i = 0; i < a->nresults; i++) {
		struct result *r = &a->results[i];
		hist_free(&r->hist);
		for (int k = 0; k < KIND_MAX; k++)
			if (r->khist[k].counts)
				hist_free(&r->khist[k]);
		free(r->title);
	}
	free(a->results);
	for (int i = 0; i < a->rc.nservers; i++) {
		free(a->rc.servers[i].name);
		free(a->rc.servers[i].save);
		free(a->rc.servers[i].appendonly);
	}
	free(a->rc.servers);
	if (a->cl) {
		cluster_free(a->cl);
		free(a->cl);
	}
	free(a->prefix);
	endpoint_free(&a->ep);
	args_free(&a->cfg);
}

int main(int argc, char **argv)
{
	struct app a;
	memset(&a, 0, sizeof(a));
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	args_defaults(&a.cfg);
	int code;
	if (args_parse(&a.cfg, argc, argv, stdout, stderr, &code)) {
		args_free(&a.cfg);
		return code;
	}
	struct bench_config *cfg = &a.cfg;
	if (!cfg->seed_set)
		cfg->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ now_ns();
	if (cfg->clients < 1) {
		fprintf(stderr, "Invalid number of clients: %d\n", cfg->clients);
		return 1;
	}
	a.rc.cfg = cfg;
	a.rc.out = stdout;
	a.progress = cfg->progress == 1 || (cfg->progress == -1 && isatty(STDOUT_FILENO));

	if (endpoint_init(&a.ep, cfg->host, cfg->port, cfg->socket))
		return 1;
	if (cfg->cluster) {
		a.cl = calloc(1, sizeof(*a.cl));
		if (cluster_fetch(a.cl, &a.ep, cfg) || a.cl->nnodes == 0) {
			fprintf(stderr, "Failed to fetch cluster configuration from %s\n", a.ep.name);
			return 1;
		}
		if (a.cl->nnodes <= 1) {
			fprintf(stderr, "Invalid cluster: %d node(s).\n", a.cl->nnodes);
			return 1;
		}
		printf("Cluster has %d master nodes:\n\n", a.cl->nnodes);
		a.rc.cluster = true;
		a.rc.nservers = a.cl->nnodes;
		a.rc.servers = calloc((size_t)a.cl->nnodes, sizeof(struct server_conf));
		for (int i = 0; i < a.cl->nnodes; i++) {
			struct cluster_node *n = &a.cl->nodes[i];
			printf("Master %d: %s %s\n", i, n->id, n->ep.name);
			fetch_conf(&a, &a.rc.servers[i], &n->ep);
			if (!a.rc.servers[i].save)
				fprintf(stderr, "WARN: could not fetch node CONFIG %s\n", n->ep.name);
		}
		printf("\n");
		if (cfg->threads == 0 && cfg->clients >= a.cl->nnodes)
			cfg->threads = a.cl->nnodes;
	} else {
		a.rc.nservers = 1;
		a.rc.servers = calloc(1, sizeof(struct server_conf));
		fetch_conf(&a, &a.rc.servers[0], &a.ep);
		if (!a.rc.servers[0].save)
			fprintf(stderr, "WARN: could not fetch server CONFIG\n");
	}
	if (cfg->keepalive == 0)
		printf("WARNING: keepalive disabled, you probably need 'echo 1 > "
		       "/proc/sys/net/ipv4/tcp_tw_reuse' for Linux and 'sudo sysctl -w "
		       "net.inet.tcp.msl=1000' for Mac OS X in order to use a lot of clients/requests\n");
	build_prefix(&a);
	keygen_init(&a.kg, cfg->dist, cfg->randomkeys ? (uint64_t)cfg->keyspacelen : 0,
		    cfg->zipf_theta);
	if (cfg->idle) {
		printf("Creating %d idle connections and waiting forever (Ctrl+C when done)\n",
		       cfg->clients);
		fflush(stdout);
		struct test t;
		wl_init_raw(&t, "IDLE", "", 0);
		struct result r;
		run_test(&a, &t, &r);
		return 0;
	}
	if (cfg->csv)
		report_csv_header(&a.rc);
	if (cfg->cmd_argc > 0) {
		run_command(&a);
	} else {
		char *data = malloc((size_t)cfg->datasize + 1);
		do {
			gen_data(data, cfg->datasize);
			data[cfg->datasize] = 0;
			run_suite(&a, data);
			if (!cfg->csv)
				printf("\n");
		} while (cfg->loop);
		free(data);
	}
	fflush(stdout);
	app_free(&a);
	return 0;
}
