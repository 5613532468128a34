/* args.c — command-line parsing; see args.h.
 *
 * redis-benchmark's own flags keep its lenient atoi() semantics and clamps
 * (so existing scripts behave the same); petrel's extensions are validated
 * strictly and rejected with a message.
 */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PETREL_BENCH_VERSION "0.1.0 (redis-benchmark 7.0 compatible)"

void args_defaults(struct bench_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->host = strdup("127.0.0.1");
	cfg->port = 6379;
	cfg->clients = 50;
	cfg->requests = 100000;
	cfg->datasize = 3;
	cfg->keepalive = 1;
	cfg->pipeline = 1;
	cfg->precision = BENCH_DEFAULT_PRECISION;
	cfg->dist = DIST_UNIFORM;
	cfg->zipf_theta = 0.99;
	cfg->progress = -1;
}

void args_free(struct bench_config *cfg)
{
	free(cfg->host);
	free(cfg->socket);
	free(cfg->auth);
	free(cfg->user);
	free(cfg->tests);
	free(cfg->json_path);
	cfg->host = cfg->socket = cfg->auth = cfg->user = cfg->tests = cfg->json_path = NULL;
}

void args_usage(FILE *out)
{
	fputs(
"Usage: petrel-benchmark [OPTIONS] [COMMAND ARGS...]\n"
"\n"
"Options:\n"
" -h <hostname>      Server hostname (default 127.0.0.1)\n"
" -p <port>          Server port (default 6379)\n"
" -s <socket>        Server socket (overrides host and port)\n"
" -a <password>      Password for Redis Auth\n"
" --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
" -u <uri>           Server URI (redis://[[user]:password@]host[:port][/db]).\n"
" -c <clients>       Number of parallel connections (default 50)\n"
" -n <requests>      Total number of requests (default 100000)\n"
" -d <size>          Data size of SET/GET value in bytes (default 3)\n"
" --dbnum <db>       SELECT the specified db number (default 0)\n"
" -3                 Start session in RESP3 protocol mode.\n"
" --threads <num>    Number of threads, each driving its own io_uring ring.\n"
" --cluster          Enable cluster mode (follows MOVED/ASK, spreads\n"
"                    requests over the slots of every master).\n"
"                    If the command is supplied on the command line in cluster\n"
"                    mode, the key must contain \"{tag}\". Otherwise, the\n"
"                    command will not be sent to the right cluster node.\n"
" -x                 Read last argument from STDIN.\n"
" --enable-tracking  Send CLIENT TRACKING on before starting benchmark.\n"
" -k <boolean>       1=keep alive 0=reconnect (default 1)\n"
" -r <keyspacelen>   Use random keys for SET/GET/INCR, random values for SADD,\n"
"                    random members and scores for ZADD.\n"
"                    Using this option the benchmark will expand the string\n"
"                    __rand_int__ inside an argument with a 12 digits number in\n"
"                    the specified range from 0 to keyspacelen-1. The\n"
"                    substitution changes every time a command is executed.\n"
"                    Note: If -r is omitted, all commands in a benchmark will\n"
"                    use the same key.\n"
" -P <numreq>        Pipeline <numreq> requests. Default 1 (no pipeline).\n"
" -e                 Show error replies on stderr (at most one per second).\n"
"                    Errors are always counted and summarised on stderr.\n"
" -q                 Quiet. Just show query/sec values\n"
" --precision        Significant digits of the latency histogram (default 3)\n"
" --csv              Output in CSV format\n"
" -l                 Loop. Run the tests forever\n"
" -t <tests>         Only run the comma separated list of tests. The test\n"
"                    names are the same as the ones produced as output.\n"
"                    The -t option is ignored if a specific command is supplied\n"
"                    on the command line.\n"
" -I                 Idle mode. Just open N idle connections and wait.\n"
"\n"
"petrel extensions:\n"
" --seed <n>         Seed of the key generator (default: time and pid).\n"
" --distribution <d> Key distribution for __rand_int__ (needs -r):\n"
"                    uniform (default), zipfian[:theta] (theta in (0,1),\n"
"                    default 0.99, key 0 hottest) or sequential.\n"
" --ratio <S:G>      Mixed workload of SET and GET in that ratio (like\n"
"                    memtier_benchmark), replacing the test list.\n"
" --duration <sec>   Run each test for this long instead of -n requests.\n"
" --rate <req/s>     Open loop: send at this overall rate; latency is measured\n"
"                    from when each request was due (no coordinated omission).\n"
" --json <file>      Write every figure of every test to <file> as JSON.\n"
" --hdr              Add the p50/p99/p99.9/p99.99/max line to full reports\n"
"                    (on by default with --rate, --duration and --ratio).\n"
" --progress         Per-second progress even when stdout is not a terminal.\n"
" --no-progress      No progress line, even on a terminal.\n"
" --help             Output this help and exit.\n"
" --version          Output version and exit.\n"
"\n"
"Examples:\n"
"\n"
" Run the benchmark with the default configuration against 127.0.0.1:6379:\n"
"   $ petrel-benchmark\n"
"\n"
" Use 20 parallel clients, for a total of 100k requests, against 192.168.1.1:\n"
"   $ petrel-benchmark -h 192.168.1.1 -p 6379 -n 100000 -c 20\n"
"\n"
" Fill 127.0.0.1:6379 with about 1 million keys only using the SET test:\n"
"   $ petrel-benchmark -t set -n 1000000 -r 100000000\n"
"\n"
" Benchmark 127.0.0.1:6379 for a few commands producing CSV output:\n"
"   $ petrel-benchmark -t ping,set,get -n 100000 --csv\n"
"\n"
" Benchmark a specific command line:\n"
"   $ petrel-benchmark -r 10000 -n 10000 eval 'return redis.call(\"ping\")' 0\n"
"\n"
" Fill a list with 10000 random elements:\n"
"   $ petrel-benchmark -r 10000 -n 10000 lpush mylist __rand_int__\n"
"\n"
" 1:10 SET:GET for 30 seconds at 50000 req/s, zipfian keys, JSON figures:\n"
"   $ petrel-benchmark --ratio 1:10 -r 100000 --distribution zipfian \\\n"
"       --duration 30 --rate 50000 --json out.json\n"
"\n"
" On user specified command lines __rand_int__ is replaced with a random integer\n"
" with a range of values selected by the -r option.\n",
	      out);
}

static int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v == v))
		return -1;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? strdup(src) : NULL;
}

/* redis://[[user]:pass@]host[:port][/db] (rediss:// is refused: no TLS). */
int args_parse_uri(struct bench_config *cfg, const char *uri)
{
	const char *p;
	if (!strncmp(uri, "redis://", 8))
		p = uri + 8;
	else
		return -1;
	const char *at = strrchr(p, '@');
	const char *slash;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon) {
			if (colon > p) {
				free(cfg->user);
				cfg->user = strndup(p, (size_t)(colon - p));
			}
			free(cfg->auth);
			cfg->auth = strndup(colon + 1, (size_t)(at - colon - 1));
		} else {
			free(cfg->auth);
			cfg->auth = strndup(p, (size_t)(at - p));
		}
		p = at + 1;
	}
	slash = strchr(p, '/');
	const char *hend = slash ? slash : p + strlen(p);
	const char *colon = memchr(p, ':', (size_t)(hend - p));
	if (p[0] == '[') {           /* [ipv6]:port */
		const char *rb = memchr(p, ']', (size_t)(hend - p));
		if (!rb)
			return -1;
		free(cfg->host);
		cfg->host = strndup(p + 1, (size_t)(rb - p - 1));
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else {
		const char *e = colon ? colon : hend;
		if (e > p) {
			free(cfg->host);
			cfg->host = strndup(p, (size_t)(e - p));
		}
	}
	if (colon) {
		int port = atoi(colon + 1);
		if (port <= 0 || port > 65535)
			return -1;
		cfg->port = port;
	}
	if (slash && slash[1])
		cfg->dbnum = atoi(slash + 1);
	return 0;
}

static int parse_dist(struct bench_config *cfg, const char *v)
{
	if (!strcmp(v, "uniform") || !strcmp(v, "random")) {
		cfg->dist = DIST_UNIFORM;
	} else if (!strcmp(v, "sequential")) {
		cfg->dist = DIST_SEQUENTIAL;
	} else if (!strncmp(v, "zipfian", 7) || !strncmp(v, "zipf", 4)) {
		cfg->dist = DIST_ZIPFIAN;
		const char *c = strchr(v, ':');
		if (c) {
			double t;
			if (parse_double(c + 1, &t) || !(t > 0.0 && t < 1.0))
				return -1;
			cfg->zipf_theta = t;
		} else if (strcmp(v, "zipfian") && strcmp(v, "zipf")) {
			return -1;
		}
	} else {
		return -1;
	}
	return 0;
}

int args_parse(struct bench_config *cfg, int argc, char **argv, FILE *out, FILE *err,
	       int *exit_code)
{
	int i;
	const char *bad = NULL;
	*exit_code = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool lastarg = i == argc - 1;
#define NEEDARG() do { if (lastarg) goto invalid; } while (0)
		if (!strcmp(a, "-c")) {
			NEEDARG();
			cfg->clients = atoi(argv[++i]);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
			fprintf(out, "petrel-benchmark %s\n", PETREL_BENCH_VERSION);
			return -1;
		} else if (!strcmp(a, "-n")) {
			NEEDARG();
			cfg->requests = atoll(argv[++i]);
		} else if (!strcmp(a, "-k")) {
			NEEDARG();
			cfg->keepalive = atoi(argv[++i]);
		} else if (!strcmp(a, "-h")) {
			NEEDARG();
			set_str(&cfg->host, argv[++i]);
		} else if (!strcmp(a, "-p")) {
			NEEDARG();
			cfg->port = atoi(argv[++i]);
			if (cfg->port < 0 || cfg->port > 65535) {
				fprintf(err, "Invalid server port.\n");
				*exit_code = 1;
				return -1;
			}
		} else if (!strcmp(a, "-s")) {
			NEEDARG();
			set_str(&cfg->socket, argv[++i]);
		} else if (!strcmp(a, "-x")) {
			cfg->stdinarg = true;
		} else if (!strcmp(a, "-a")) {
			NEEDARG();
			set_str(&cfg->auth, argv[++i]);
		} else if (!strcmp(a, "--user")) {
			NEEDARG();
			set_str(&cfg->user, argv[++i]);
		} else if (!strcmp(a, "-u") && !lastarg) {
			if (args_parse_uri(cfg, argv[++i])) {
				fprintf(err, "Invalid URI scheme or format: %s\n", argv[i]);
				*exit_code = 1;
				return -1;
			}
		} else if (!strcmp(a, "-3")) {
			cfg->resp3 = true;
		} else if (!strcmp(a, "-d")) {
			NEEDARG();
			cfg->datasize = atoi(argv[++i]);
			if (cfg->datasize < 1)
				cfg->datasize = 1;
			if (cfg->datasize > 1024 * 1024 * 1024)
				cfg->datasize = 1024 * 1024 * 1024;
		} else if (!strcmp(a, "-P")) {
			NEEDARG();
			cfg->pipeline = atoi(argv[++i]);
			if (cfg->pipeline <= 0)
				cfg->pipeline = 1;
		} else if (!strcmp(a, "-r")) {
			NEEDARG();
			const char *next = argv[++i], *p = next;
			if (*p == '-') {
				p++;
				if (*p < '0' || *p > '9')
					goto invalid;
			}
			cfg->randomkeys = true;
			cfg->keyspacelen = atoll(next);
			if (cfg->keyspacelen < 0)
				cfg->keyspacelen = 0;
		} else if (!strcmp(a, "-q")) {
			cfg->quiet = true;
		} else if (!strcmp(a, "--csv")) {
			cfg->csv = true;
		} else if (!strcmp(a, "-l")) {
			cfg->loop = true;
		} else if (!strcmp(a, "-I")) {
			cfg->idle = true;
		} else if (!strcmp(a, "-e")) {
			cfg->showerrors = true;
		} else if (!strcmp(a, "-t")) {
			NEEDARG();
			const char *t = argv[++i];
			size_t l = strlen(t);
			free(cfg->tests);
			cfg->tests = malloc(l + 3);
			cfg->tests[0] = ',';
			for (size_t k = 0; k < l; k++)
				cfg->tests[k + 1] = (char)tolower((unsigned char)t[k]);
			cfg->tests[l + 1] = ',';
			cfg->tests[l + 2] = 0;
		} else if (!strcmp(a, "--dbnum")) {
			NEEDARG();
			cfg->dbnum = atoi(argv[++i]);
		} else if (!strcmp(a, "--precision")) {
			NEEDARG();
			cfg->precision = atoi(argv[++i]);
			if (cfg->precision < 0)
				cfg->precision = BENCH_DEFAULT_PRECISION;
			if (cfg->precision < 1)
				cfg->precision = 1;
			if (cfg->precision > BENCH_MAX_PRECISION)
				cfg->precision = BENCH_MAX_PRECISION;
		} else if (!strcmp(a, "--threads")) {
			NEEDARG();
			cfg->threads = atoi(argv[++i]);
			if (cfg->threads > BENCH_MAX_THREADS) {
				fprintf(err, "WARNING: too many threads, limiting threads to %d.\n",
					BENCH_MAX_THREADS);
				cfg->threads = BENCH_MAX_THREADS;
			} else if (cfg->threads < 0) {
				cfg->threads = 0;
			}
		} else if (!strcmp(a, "--cluster")) {
			cfg->cluster = true;
		} else if (!strcmp(a, "--enable-tracking")) {
			cfg->tracking = true;
		} else if (!strcmp(a, "--help")) {
			args_usage(out);
			return -1;
		} else if (!strcmp(a, "--seed")) {
			NEEDARG();
			if (parse_u64(argv[++i], &cfg->seed)) {
				bad = "--seed needs a non-negative integer";
				goto invalid_value;
			}
			cfg->seed_set = true;
		} else if (!strcmp(a, "--distribution")) {
			NEEDARG();
			if (parse_dist(cfg, argv[++i])) {
				bad = "--distribution: uniform, zipfian[:theta] with 0<theta<1, or sequential";
				goto invalid_value;
			}
		} else if (!strcmp(a, "--ratio")) {
			NEEDARG();
			const char *v = argv[++i];
			int s = -1, g = -1, n = 0;
			if (sscanf(v, "%d:%d%n", &s, &g, &n) != 2 || v[n] || s < 0 || g < 0 ||
			    s + g == 0 || s > 1000000 || g > 1000000) {
				bad = "--ratio needs SET:GET, two non-negative integers, not both 0";
				goto invalid_value;
			}
			cfg->ratio_set = s;
			cfg->ratio_get = g;
		} else if (!strcmp(a, "--duration")) {
			NEEDARG();
			if (parse_double(argv[++i], &cfg->duration) || cfg->duration <= 0 ||
			    cfg->duration > 1e7) {
				bad = "--duration needs a positive number of seconds";
				goto invalid_value;
			}
		} else if (!strcmp(a, "--rate")) {
			NEEDARG();
			if (parse_double(argv[++i], &cfg->rate) || cfg->rate <= 0 || cfg->rate > 1e9) {
				bad = "--rate needs a positive number of requests per second";
				goto invalid_value;
			}
		} else if (!strcmp(a, "--json")) {
			NEEDARG();
			set_str(&cfg->json_path, argv[++i]);
		} else if (!strcmp(a, "--hdr")) {
			cfg->hdr = true;
		} else if (!strcmp(a, "--progress")) {
			cfg->progress = 1;
		} else if (!strcmp(a, "--no-progress")) {
			cfg->progress = 0;
		} else if (!strcmp(a, "--tls") || !strcmp(a, "--sni") || !strcmp(a, "--cacert") ||
			   !strcmp(a, "--cacertdir") || !strcmp(a, "--insecure") ||
			   !strcmp(a, "--cert") || !strcmp(a, "--key") || !strcmp(a, "--tls-ciphers") ||
			   !strcmp(a, "--tls-ciphersuites")) {
			fprintf(err, "petrel-benchmark: TLS is not supported (%s)\n", a);
			*exit_code = 1;
			return -1;
		} else {
			/* An argument starting with a dash is a mistyped option; anything
			 * else starts the command to benchmark. */
			if (a[0] == '-')
				goto invalid;
			break;
		}
#undef NEEDARG
	}
	cfg->cmd_argc = argc - i;
	cfg->cmd_argv = argv + i;
	if (cfg->cmd_argc > 0 && cfg->ratio_set + cfg->ratio_get > 0) {
		bad = "--ratio cannot be combined with a command";
		goto invalid_combo;
	}
	if (cfg->dist != DIST_UNIFORM && !cfg->randomkeys) {
		bad = "--distribution needs -r <keyspacelen>";
		goto invalid_combo;
	}
	if (cfg->user && !cfg->auth) {
		bad = "--user needs -a <password>";
		goto invalid_combo;
	}
	return 0;

invalid:
	fprintf(out, "Invalid option \"%s\" or option argument missing\n\n", argv[i]);
	args_usage(out);
	*exit_code = 1;
	return -1;
invalid_value:
	fprintf(err, "Invalid value \"%s\": %s\n", argv[i], bad);
	*exit_code = 1;
	return -1;
invalid_combo:
	fprintf(err, "Invalid options: %s\n", bad);
	*exit_code = 1;
	return -1;
}
