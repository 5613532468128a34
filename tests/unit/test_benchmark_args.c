/* test_benchmark_args.c — petrel-benchmark command-line parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static FILE *sink(void)
{
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);
	return f;
}

/* Parses a NULL-terminated list; returns args_parse's result. */
static int parse(struct bench_config *cfg, int *code, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	argv[argc++] = "petrel-benchmark";
	va_start(ap, code);
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	static char *keep[64];
	memcpy(keep, argv, sizeof(argv));
	args_defaults(cfg);
	FILE *o = sink(), *e = sink();
	int rc = args_parse(cfg, argc, keep, o, e, code);
	fclose(o);
	fclose(e);
	return rc;
}

static void test_defaults(void **state)
{
	struct bench_config c;
	int code;
	assert_int_equal(parse(&c, &code, NULL), 0);
	assert_string_equal(c.host, "127.0.0.1");
	assert_int_equal(c.port, 6379);
	assert_int_equal(c.clients, 50);
	assert_int_equal(c.requests, 100000);
	assert_int_equal(c.datasize, 3);
	assert_int_equal(c.keepalive, 1);
	assert_int_equal(c.pipeline, 1);
	assert_int_equal(c.precision, 3);
	assert_int_equal(c.threads, 0);
	assert_false(c.randomkeys);
	assert_null(c.tests);
	assert_int_equal(c.cmd_argc, 0);
	assert_int_equal(c.dist, DIST_UNIFORM);
	assert_int_equal(c.progress, -1);
	args_free(&c);
}

static void test_redis_flags(void **state)
{
	struct bench_config c;
	int code;
	assert_int_equal(parse(&c, &code, "-h", "10.0.0.1", "-p", "7000", "-s", "/tmp/r.sock", "-a",
			       "pw", "--user", "bob", "-c", "7", "-n", "12345", "-d", "100", "-r",
			       "1000", "-P", "16", "-q", "-k", "0", "-l", "-t", "SET,Get", "-e",
			       "--csv", "--precision", "2", "--threads", "4", "--dbnum", "9",
			       "--cluster", "--enable-tracking", "-3", "-x", "-I", NULL), 0);
	assert_string_equal(c.host, "10.0.0.1");
	assert_int_equal(c.port, 7000);
	assert_string_equal(c.socket, "/tmp/r.sock");
	assert_string_equal(c.auth, "pw");
	assert_string_equal(c.user, "bob");
	assert_int_equal(c.clients, 7);
	assert_int_equal(c.requests, 12345);
	assert_int_equal(c.datasize, 100);
	assert_true(c.randomkeys);
	assert_int_equal(c.keyspacelen, 1000);
	assert_int_equal(c.pipeline, 16);
	assert_true(c.quiet);
	assert_int_equal(c.keepalive, 0);
	assert_true(c.loop);
	assert_string_equal(c.tests, ",set,get,");
	assert_true(c.showerrors);
	assert_true(c.csv);
	assert_int_equal(c.precision, 2);
	assert_int_equal(c.threads, 4);
	assert_int_equal(c.dbnum, 9);
	assert_true(c.cluster);
	assert_true(c.tracking);
	assert_true(c.resp3);
	assert_true(c.stdinarg);
	assert_true(c.idle);
	args_free(&c);
}

static void test_clamps(void **state)
{
	struct bench_config c;
	int code;
	assert_int_equal(parse(&c, &code, "-P", "0", "-d", "0", "--precision", "9", "--threads",
			       "100000", "-r", "-5", NULL), 0);
	assert_int_equal(c.pipeline, 1);
	assert_int_equal(c.datasize, 1);
	assert_int_equal(c.precision, 4);
	assert_int_equal(c.threads, 500);
	assert_true(c.randomkeys);
	assert_int_equal(c.keyspacelen, 0);
	args_free(&c);
	assert_int_equal(parse(&c, &code, "-d", "2000000000", "--precision", "-1", NULL), 0);
	assert_int_equal(c.datasize, 1024 * 1024 * 1024);
	assert_int_equal(c.precision, 3);
	args_free(&c);
}

static void test_command(void **state)
{
	struct bench_config c;
	int code;
	assert_int_equal(parse(&c, &code, "-n", "10", "lpush", "mylist", "-x", NULL), 0);
	assert_int_equal(c.requests, 10);
	assert_int_equal(c.cmd_argc, 3);
	assert_string_equal(c.cmd_argv[0], "lpush");
	assert_string_equal(c.cmd_argv[2], "-x");   /* after the command: an argument */
	assert_false(c.stdinarg);
	args_free(&c);
}

static void test_invalid(void **state)
{
	struct bench_config c;
	int code = 0;
	assert_int_not_equal(parse(&c, &code, "-Z", NULL), 0);
	assert_int_equal(code, 1);
	args_free(&c);
	assert_int_not_equal(parse(&c, &code, "-n", NULL), 0);    /* missing argument */
	assert_int_equal(code, 1);
	args_free(&c);
	assert_int_not_equal(parse(&c, &code, "-r", "-x", NULL), 0);
	assert_int_equal(code, 1);
	args_free(&c);
	assert_int_not_equal(parse(&c, &code, "-p", "70000", NULL), 0);
	assert_int_equal(code, 1);
	args_free(&c);
	assert_int_not_equal(parse(&c, &code, "--tls", NULL), 0);
	assert_int_equal(code, 1);
	args_free(&c);
	assert_int_not_equal(parse(&c, &code, "--user", "bob", NULL), 0);  /* needs -a */
	assert_int_equal(code, 1);
	args_free(&c);
}

static void test_help_version(void **state)
{
	struct bench_config c;
	int code = 7;
	assert_int_not_equal(parse(&c, &code, "--help", NULL), 0);
	assert_int_equal(code, 0);
	args_free(&c);
	code = 7;
	assert_int_not_equal(parse(&c, &code, "--version", NULL), 0);
	assert_int_equal(code, 0);
	args_free(&c);
	code = 7;
	assert_int_not_equal(parse(&c, &code, "-v", NULL), 0);
	assert_int_equal(code, 0);
	args_free(&c);
}

static void test_extensions(void **state)
{
	struct bench_config c;
	int code;
	assert_int_equal(parse(&c, &code, "--seed", "42", "-r", "100", "--distribution",
			       "zipfian:0.5", "--ratio", "1:10", "--duration", "2.5", "--rate",
			       "5000", "--json", "/tmp/x.json", "--hdr", "--no-progress", NULL), 0);
	assert_true(c.seed_set);
	assert_int_equal(c.seed, 42);
	assert_int_equal(c.dist, DIST_ZIPFIAN);
	assert_true(c.zipf_theta > 0.49 && c.zipf_theta < 0.51);
	assert_int_equal(c.ratio_set, 1);
	assert_int_equal(c.ratio_get, 10);
	assert_true(c.duration == 2.5);
	assert_true(c.rate == 5000);
	assert_string_equal(c.json_path, "/tmp/x.json");
	assert_true(c.hdr);
	assert_int_equal(c.progress, 0);
	args_free(&c);

	assert_int_equal(parse(&c, &code, "-r", "10", "--distribution", "sequential", "--progress", NULL), 0);
	assert_int_equal(c.dist, DIST_SEQUENTIAL);
	assert_int_equal(c.progress, 1);
	args_free(&c);
	assert_int_equal(parse(&c, &code, "-r", "10", "--distribution", "zipfian", NULL), 0);
	assert_true(c.zipf_theta > 0.98 && c.zipf_theta < 1.0);
	args_free(&c);
}

static void test_extension_errors(void **state)
{
	struct bench_config c;
	int code;
	const char *bad[][3] = {
		{"--seed", "-1", NULL},
		{"--seed", "x", NULL},
		{"--distribution", "gauss", NULL},
		{"--distribution", "zipfian:1.0", NULL},
		{"--distribution", "zipfian:0", NULL},
		{"--ratio", "1", NULL},
		{"--ratio", "0:0", NULL},
		{"--ratio", "1:-2", NULL},
		{"--ratio", "1:2x", NULL},
		{"--duration", "0", NULL},
		{"--duration", "abc", NULL},
		{"--rate", "-5", NULL},
		{"--rate", "", NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		code = 0;
		int rc = parse(&c, &code, "-r", "10", bad[i][0], bad[i][1], NULL);
		if (rc == 0 || code != 1)
			fail_msg("accepted %s %s", bad[i][0], bad[i][1]);
		args_free(&c);
	}
	/* --distribution needs -r, --ratio takes no command */
	assert_int_not_equal(parse(&c, &code, "--distribution", "zipfian", NULL), 0);
	args_free(&c);
	assert_int_not_equal(parse(&c, &code, "--ratio", "1:1", "get", "x", NULL), 0);
	args_free(&c);
}

static void test_uri(void **state)
{
	struct bench_config c;
	args_defaults(&c);
	assert_int_equal(args_parse_uri(&c, "redis://user:secret@example.org:6380/4"), 0);
	assert_string_equal(c.host, "example.org");
	assert_int_equal(c.port, 6380);
	assert_string_equal(c.user, "user");
	assert_string_equal(c.auth, "secret");
	assert_int_equal(c.dbnum, 4);
	args_free(&c);

	args_defaults(&c);
	assert_int_equal(args_parse_uri(&c, "redis://:pw@10.1.2.3"), 0);
	assert_string_equal(c.host, "10.1.2.3");
	assert_int_equal(c.port, 6379);
	assert_null(c.user);
	assert_string_equal(c.auth, "pw");
	args_free(&c);

	args_defaults(&c);
	assert_int_equal(args_parse_uri(&c, "redis://[::1]:7001"), 0);
	assert_string_equal(c.host, "::1");
	assert_int_equal(c.port, 7001);
	args_free(&c);

	args_defaults(&c);
	assert_int_not_equal(args_parse_uri(&c, "http://x"), 0);
	assert_int_not_equal(args_parse_uri(&c, "rediss://x"), 0);
	assert_int_not_equal(args_parse_uri(&c, "redis://x:0"), 0);
	args_free(&c);

	int code;
	assert_int_equal(parse(&c, &code, "-u", "redis://h:1234", NULL), 0);
	assert_string_equal(c.host, "h");
	assert_int_equal(c.port, 1234);
	args_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_redis_flags),
		cmocka_unit_test(test_clamps),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_extension_errors),
		cmocka_unit_test(test_uri),
	};
	return cmocka_run_group_tests_name("benchmark_args", tests, NULL, NULL);
}
