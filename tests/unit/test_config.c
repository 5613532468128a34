/* test_config.c — unit tests of the config module: tokenizer, units, glob,
 * loading and its error texts, include, command line, CONFIG GET / SET /
 * REWRITE, hooks, and every redis.conf found in the seed documents.
 *
 * Thread: main only. Each test starts from config_setup() and its teardown
 * restores cfg, the log sink and the working directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <petrel/alloc.h>
#include <petrel/config.h>
#include <petrel/log.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char start_cwd[PATH_MAX];
static char fixtures[PATH_MAX + 64];

/* ---- helpers -------------------------------------------------------------- */

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/petrel-config-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return pstrdup(d);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char *buf = pcalloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void rm_rf(const char *path)
{
	char cmd[PATH_MAX + 16];
	if (strncmp(path, "/tmp/petrel-config-", 19) != 0)
		return; /* never remove anything else */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* Load text; expect failure; return the formatted banner (caller pfree). */
static char *load_fail(const char *text)
{
	struct config_error e;
	assert_int_equal(config_load_string(text, &e), -1);
	char *m = config_error_format(&e);
	config_error_deinit(&e);
	return m;
}

static const char *load_fail_msg(const char *text)
{
	static char msg[512];
	struct config_error e;
	assert_int_equal(config_load_string(text, &e), -1);
	snprintf(msg, sizeof(msg), "%s", e.msg);
	config_error_deinit(&e);
	return msg;
}

static void load_ok(const char *text)
{
	struct config_error e;
	int rc = config_load_string(text, &e);
	if (rc) {
		char *m = config_error_format(&e);
		fprintf(stderr, "unexpected load error: %s", m);
		pfree(m);
	}
	config_error_deinit(&e);
	assert_int_equal(rc, 0);
}

static void assert_get(const char *name, const char *want)
{
	char *v = config_get_value(name);
	assert_non_null(v);
	assert_string_equal(v, want);
	pfree(v);
}

static int set2(const char *n1, const char *v1, char **err)
{
	const char *argv[] = {n1, v1};
	return config_set(2, argv, NULL, err);
}

static void set_ok(const char *name, const char *value)
{
	char *err = NULL;
	int rc = set2(name, value, &err);
	if (rc)
		fprintf(stderr, "unexpected CONFIG SET error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_null(err);
}

static void set_err(const char *name, const char *value, const char *want)
{
	char *err = NULL;
	assert_int_not_equal(set2(name, value, &err), 0);
	assert_non_null(err);
	assert_string_equal(err, want);
	pfree(err);
}

/* ---- fixtures --------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	alloc_setup();
	assert_non_null(getcwd(start_cwd, sizeof(start_cwd)));
	snprintf(fixtures, sizeof(fixtures), "%s/tests/unit/data/config", start_cwd);
	log_setup("/dev/null", LOG_WARNING); /* keep "not implemented" warnings quiet */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	log_setup(NULL, LOG_NOTICE);
	return 0;
}

static int test_setup(void **state)
{
	(void)state;
	config_setup();
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	config_teardown();
	assert_int_equal(chdir(start_cwd), 0);
	log_setup("/dev/null", LOG_WARNING);
	return 0;
}

/* ---- tokenizer, units, glob -------------------------------------------------- */

static void test_args_split_plain(void **state)
{
	(void)state;
	int argc;
	char **argv = config_args_split("  save   900 1\t\r\n", &argc, NULL);
	assert_non_null(argv);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[0], "save");
	assert_string_equal(argv[1], "900");
	assert_string_equal(argv[2], "1");
	assert_null(argv[3]);
	config_args_free(argv, argc);

	argv = config_args_split("   ", &argc, NULL);
	assert_non_null(argv);
	assert_int_equal(argc, 0);
	config_args_free(argv, argc);
}

static void test_args_split_quotes(void **state)
{
	(void)state;
	int argc;
	size_t *lens;
	char **argv = config_args_split("a \"b c\" 'd e' \"\" \"\\x41\\n\\t\\\\\\\"\" 'it\\'s' x\"y z\"",
					&argc, &lens);
	assert_non_null(argv);
	assert_int_equal(argc, 7);
	assert_string_equal(argv[1], "b c");
	assert_string_equal(argv[2], "d e");
	assert_string_equal(argv[3], "");
	assert_int_equal(lens[3], 0);
	assert_string_equal(argv[4], "A\n\t\\\"");
	assert_string_equal(argv[5], "it's");
	assert_string_equal(argv[6], "xy z"); /* a quote inside a word opens quoting */
	config_args_free(argv, argc);
	pfree(lens);

	/* \x00 keeps its length */
	argv = config_args_split("\"a\\x00b\"", &argc, &lens);
	assert_int_equal(argc, 1);
	assert_int_equal(lens[0], 3);
	config_args_free(argv, argc);
	pfree(lens);
}

static void test_args_split_unbalanced(void **state)
{
	(void)state;
	int argc;
	assert_null(config_args_split("port \"6379", &argc, NULL));
	assert_null(config_args_split("port '6379", &argc, NULL));
	/* a closing quote must be followed by a space or the end */
	assert_null(config_args_split("port \"63\"79", &argc, NULL));
	assert_null(config_args_split("port '63'79", &argc, NULL));
}

static void test_args_repr_roundtrip(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	config_args_repr(&buf, &len, "a b\"\n\x01", 6);
	assert_string_equal(buf, "\"a b\\\"\\n\\x01\"");
	int argc;
	char **argv = config_args_split(buf, &argc, NULL);
	assert_int_equal(argc, 1);
	assert_string_equal(argv[0], "a b\"\n\x01");
	config_args_free(argv, argc);
	pfree(buf);
}

static void test_memtoull_units(void **state)
{
	(void)state;
	int e;
	assert_true(config_memtoull("100", &e) == 100 && !e);
	assert_true(config_memtoull("1k", &e) == 1000 && !e);
	assert_true(config_memtoull("1kb", &e) == 1024 && !e);
	assert_true(config_memtoull("1K", &e) == 1000 && !e);
	assert_true(config_memtoull("1KB", &e) == 1024 && !e);
	assert_true(config_memtoull("2m", &e) == 2000000 && !e);
	assert_true(config_memtoull("2mb", &e) == 2 * 1024 * 1024 && !e);
	assert_true(config_memtoull("3g", &e) == 3000000000ULL && !e);
	assert_true(config_memtoull("3Gb", &e) == 3ULL * 1024 * 1024 * 1024 && !e);
	assert_true(config_memtoull("7b", &e) == 7 && !e);
	config_memtoull("-1", &e);
	assert_true(e);
	config_memtoull("1tb", &e);
	assert_true(e);
	config_memtoull("1 mb", &e);
	assert_true(e);
	config_memtoull("99999999999999999999gb", &e);
	assert_true(e);
}

static void test_glob_match_patterns(void **state)
{
	(void)state;
	assert_true(config_glob_match("*", "maxmemory", 1));
	assert_true(config_glob_match("max*", "maxmemory-policy", 1));
	assert_true(config_glob_match("MAX*", "maxmemory", 1));
	assert_false(config_glob_match("MAX*", "maxmemory", 0));
	assert_true(config_glob_match("?ort", "port", 1));
	assert_true(config_glob_match("[pq]ort", "port", 1));
	assert_false(config_glob_match("[^p]ort", "port", 1));
	assert_true(config_glob_match("[a-z]ort", "port", 1));
	assert_true(config_glob_match("a\\*b", "a*b", 0));
	assert_false(config_glob_match("a\\*b", "axb", 0));
	assert_true(config_glob_match("*-entries", "hash-max-listpack-entries", 1));
	assert_false(config_glob_match("port", "ports", 1));
}

/* ---- loading ---------------------------------------------------------------- */

static void test_load_defaults(void **state)
{
	(void)state;
	assert_int_equal(cfg.port, 6379);
	assert_get("save", "3600 1 300 100 60 10000");
	assert_get("bind", "* -::*");
	assert_get("client-output-buffer-limit",
		   "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
	assert_get("maxmemory", "0");
	assert_get("maxmemory-policy", "noeviction");
	assert_get("appendfsync", "everysec");
	assert_get("proto-max-bulk-len", "536870912");
	assert_get("client-query-buffer-limit", "1073741824");
	assert_get("unixsocketperm", "0");
	assert_get("notify-keyspace-events", "");
	assert_get("latency-tracking-info-percentiles", "50 99 99.9");
	assert_get("oom-score-adj-values", "0 200 800");
	assert_get("requirepass", "");
	assert_get("replicaof", "");
	assert_get("loglevel", "notice");
	assert_get("syslog-facility", "local0");
	assert_get("list-max-listpack-size", "-2");
	assert_get("threads", "0");
	assert_get("maxmemory-clients", "0");
	assert_get("hz", "10");
	assert_null(cfg.requirepass);
	assert_int_equal(cfg.databases, 16);
	assert_int_equal(cfg.save_count, 3);
}

static void test_load_basic_directives(void **state)
{
	(void)state;
	load_ok("# comment\n\n   \n  PORT 7000\r\nMaxMemory 2GB\nmaxmemory-policy ALLKEYS-LRU\n"
		"unixsocketperm 700\nrequirepass \"p a s s\"\nbind 127.0.0.1 -::1\n"
		"appendonly YES\nnotify-keyspace-events KEA\nclient-output-buffer-limit replica 1gb 512mb 30\n"
		"hash-max-ziplist-entries 100\nmaxmemory-clients 10%\nthreads 4\n");
	assert_int_equal(cfg.port, 7000);
	assert_true(cfg.maxmemory == 2ULL * 1024 * 1024 * 1024);
	assert_int_equal(cfg.maxmemory_policy, MAXMEMORY_ALLKEYS_LRU);
	assert_int_equal(cfg.unixsocketperm, 0700);
	assert_string_equal(cfg.requirepass, "p a s s");
	assert_int_equal(cfg.bind_count, 2);
	assert_string_equal(cfg.bind[1], "-::1");
	assert_int_equal(cfg.appendonly, 1);
	assert_int_equal(cfg.notify_keyspace_events, NOTIFY_ALL | NOTIFY_KEYSPACE | NOTIFY_KEYEVENT);
	assert_string_equal(cfg.notify_keyspace_events_str, "AKE");
	assert_true(cfg.obuf_limits[OBUF_REPLICA].hard_bytes == 1024ULL * 1024 * 1024);
	assert_int_equal(cfg.hash_max_listpack_entries, 100);
	assert_int_equal(cfg.maxmemory_clients, -10);
	assert_int_equal(cfg.threads, 4);
	assert_get("maxmemory", "2147483648");
	assert_get("unixsocketperm", "700");
	assert_get("notify-keyspace-events", "AKE");
	assert_get("maxmemory-clients", "10%");
	assert_get("hash-max-ziplist-entries", "100");
}

static void test_load_later_lines_override(void **state)
{
	(void)state;
	load_ok("port 1000\nport 2000\nsave 900 1\nsave 300 10 60 10000\n");
	assert_int_equal(cfg.port, 2000);
	assert_get("save", "900 1 300 10 60 10000");
	load_ok("save \"\"\n");
	assert_int_equal(cfg.save_count, 0);
	assert_get("save", "");
	/* a new load: the first save line drops what was there */
	load_ok("save 10 1\n");
	assert_get("save", "10 1");
}

static void test_load_hz_clamped(void **state)
{
	(void)state;
	load_ok("hz 100000\n");
	assert_int_equal(cfg.hz, CONFIG_MAX_HZ);
	load_ok("hz 0\n");
	assert_int_equal(cfg.hz, CONFIG_MIN_HZ);
}

static void test_load_error_banner_format(void **state)
{
	(void)state;
	char *m = load_fail("port 6379\n\n# x\nport \"abc\"\n");
	assert_string_equal(m, "\n*** FATAL CONFIG FILE ERROR (" CONFIG_FATAL_VERSION ") ***\n"
			       "Reading the configuration file, at line 4\n"
			       ">>> 'port \"abc\"'\n"
			       "argument couldn't be parsed into an integer\n");
	pfree(m);
}

static void test_load_error_kinds(void **state)
{
	(void)state;
	assert_string_equal(load_fail_msg("daemonize maybe"), "argument must be 'yes' or 'no'");
	assert_string_equal(load_fail_msg("appendfsync sometimes"),
			    "argument must be one of the following: everysec, always, no");
	assert_string_equal(load_fail_msg("maxmemory-policy lru"),
			    "argument must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
			    "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
	assert_string_equal(load_fail_msg("port 70000"), "argument must be between 0 and 65535 inclusive");
	assert_string_equal(load_fail_msg("maxclients 0"), "argument must be between 1 and 4294967295 inclusive");
	assert_string_equal(load_fail_msg("unixsocketperm 1777"), "argument must be between 0 and 777 inclusive");
	assert_string_equal(load_fail_msg("unixsocketperm 9"), "argument couldn't be parsed as an octal number");
	assert_string_equal(load_fail_msg("maxmemory 10xb"), "argument must be a memory value");
	assert_string_equal(load_fail_msg("maxmemory-clients abc"), "argument must be a memory or percent value");
	assert_string_equal(load_fail_msg("maxmemory-clients 101%"), "percentage argument must be less or equal to 100");
	assert_string_equal(load_fail_msg("port 007"), "argument couldn't be parsed into an integer");
	assert_string_equal(load_fail_msg("port +7"), "argument couldn't be parsed into an integer");
	assert_string_equal(load_fail_msg("port 1 2"), "wrong number of arguments");
	assert_string_equal(load_fail_msg("port"), "wrong number of arguments");
	assert_string_equal(load_fail_msg("no-such-directive 1"), "Bad directive or wrong number of arguments");
	assert_string_equal(load_fail_msg("include"), "Bad directive or wrong number of arguments");
	assert_string_equal(load_fail_msg("port \"6379"), "Unbalanced quotes in configuration line");
	assert_string_equal(load_fail_msg("save 0 1"), "Invalid save parameters");
	assert_string_equal(load_fail_msg("save 10"), "Invalid save parameters");
	assert_string_equal(load_fail_msg("replicaof host 99999"), "Invalid master port");
	assert_string_equal(load_fail_msg("notify-keyspace-events KEq"),
			    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
	assert_string_equal(load_fail_msg("client-output-buffer-limit normal 0 0"),
			    "Wrong number of arguments in buffer limit configuration.");
	assert_string_equal(load_fail_msg("client-output-buffer-limit master 0 0 0"),
			    "Invalid client class specified in buffer limit configuration.");
	assert_string_equal(load_fail_msg("client-output-buffer-limit pubsub 1x 0 0"),
			    "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
	assert_string_equal(load_fail_msg("dbfilename a/b.rdb"), "dbfilename can't be a path, just a filename");
	assert_string_equal(load_fail_msg("appenddirname \"\""), "appenddirname can't be empty");
	assert_string_equal(load_fail_msg("sentinel monitor m 127.0.0.1 6379 2"),
			    "sentinel directive while not in sentinel mode");
	assert_string_equal(load_fail_msg("dir /nonexistent/petrel/dir"), "No such file or directory");
	assert_string_equal(load_fail_msg("cluster-enabled yes\nreplicaof 127.0.0.1 6379"),
			    "replicaof directive not allowed in cluster mode");
	assert_string_equal(load_fail_msg("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
			    "Too many bind addresses specified.");
	assert_string_equal(load_fail_msg("mymodule.opt"), "Module config specified without value");
	assert_string_equal(load_fail_msg("shutdown-on-sigterm later"),
			    "argument(s) must be one of the following: default, save, nosave, now, force");
}

static void test_load_global_error_has_no_line(void **state)
{
	(void)state;
	char *m = load_fail("cluster-enabled yes\nslaveof 10.0.0.1 6379\n");
	assert_string_equal(m, "\n*** FATAL CONFIG FILE ERROR (" CONFIG_FATAL_VERSION ") ***\n"
			       "replicaof directive not allowed in cluster mode\n");
	pfree(m);
}

static void test_load_accepts_special_lines(void **state)
{
	(void)state;
	load_ok("rename-command FLUSHALL \"\"\nrename-command CONFIG cfg\nuser alice on >pw ~* +@all\n"
		"loadmodule /x/y.so a b\nlist-max-ziplist-entries 512\nlua-replicate-commands yes\n"
		"mod.x 5\nsentinel\n");
	assert_int_equal(cfg.rename_commands.count, 2);
	assert_string_equal(cfg.rename_commands.items[0].argv[1], "FLUSHALL");
	assert_string_equal(cfg.rename_commands.items[0].argv[2], "");
	assert_int_equal(cfg.rename_commands.items[1].linenum, 2);
	assert_int_equal(cfg.users.count, 1);
	assert_int_equal(cfg.users.items[0].argc, 6);
	assert_int_equal(cfg.loadmodules.count, 1);
	assert_int_equal(cfg.module_configs.count, 1);
}

static void test_load_sentinel_mode_keeps_lines(void **state)
{
	(void)state;
	config_set_sentinel_mode(1);
	load_ok("port 26379\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel auth-pass mymaster x\n");
	assert_int_equal(cfg.sentinel_lines.count, 2);
	assert_string_equal(cfg.sentinel_lines.items[0].argv[0], "sentinel");
	assert_string_equal(cfg.sentinel_lines.items[0].argv[1], "monitor");
	assert_int_equal(cfg.sentinel_lines.items[1].linenum, 3);
}

static void test_load_unimplemented_warns_once(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char *logpath = pmalloc(strlen(dir) + 16);
	sprintf(logpath, "%s/log", dir);
	log_setup(logpath, LOG_NOTICE);
	load_ok("io-threads 4\nio-threads 2\nport 7000\nrename-command A B\nrename-command C D\n");
	log_setup("/dev/null", LOG_WARNING);
	assert_int_equal(cfg.io_threads, 2);
	assert_get("io-threads", "2");
	char *log = read_all(logpath);
	const char *w = "Directive 'io-threads' is accepted but not implemented by petrel; ignoring it";
	char *first = strstr(log, w);
	assert_non_null(first);
	assert_null(strstr(first + 1, w));
	assert_non_null(strstr(log, "Directive 'rename-command' is accepted"));
	assert_null(strstr(log, "'port'"));
	pfree(log);
	pfree(logpath);
	rm_rf(dir);
	pfree(dir);
}

static void test_load_include_recursive(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[PATH_MAX], text[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/inner.conf", dir);
	write_file(path, "maxmemory 1mb\n");
	snprintf(path, sizeof(path), "%s/mid.conf", dir);
	snprintf(text, sizeof(text), "port 7001\ninclude %s/inner.conf\n", dir);
	write_file(path, text);
	mkdir(strcat(strcpy(path, dir), "/conf.d"), 0700);
	snprintf(path, sizeof(path), "%s/conf.d/a.conf", dir);
	write_file(path, "databases 4\n");
	snprintf(path, sizeof(path), "%s/conf.d/b.conf", dir);
	write_file(path, "databases 8\n");

	snprintf(text, sizeof(text), "port 7000\ninclude %s/mid.conf\ninclude %s/conf.d/*.conf\n"
				     "include %s/empty.d/*.conf\ntimeout 5\n", dir, dir, dir);
	load_ok(text);
	assert_int_equal(cfg.port, 7001);
	assert_true(cfg.maxmemory == 1024 * 1024);
	assert_int_equal(cfg.databases, 8);
	assert_int_equal(cfg.timeout, 5);

	/* an error inside an included file reports that file's line */
	snprintf(path, sizeof(path), "%s/bad.conf", dir);
	write_file(path, "port 1\nport x\n");
	snprintf(text, sizeof(text), "timeout 1\ninclude %s/bad.conf\n", dir);
	char *m = load_fail(text);
	assert_non_null(strstr(m, "at line 2\n>>> 'port x'\n"));
	pfree(m);

	/* a missing file */
	struct config_error e;
	snprintf(text, sizeof(text), "include %s/missing.conf\n", dir);
	assert_int_equal(config_load_string(text, &e), -1);
	assert_int_equal(e.kind, CONFIG_ERROR_OPEN);
	assert_non_null(strstr(e.msg, "Fatal error, can't open config file '"));
	assert_non_null(strstr(e.msg, "No such file or directory"));
	config_error_deinit(&e);

	/* a file including itself stops */
	snprintf(path, sizeof(path), "%s/loop.conf", dir);
	snprintf(text, sizeof(text), "include %s/loop.conf\n", dir);
	write_file(path, text);
	assert_int_equal(config_load_string(text, &e), -1);
	config_error_deinit(&e);

	rm_rf(dir);
	pfree(dir);
}

static void test_load_file_then_options(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/redis.conf", dir);
	write_file(path, "port 7000\nmaxmemory 1mb\n");
	struct config_error e;
	assert_int_equal(config_load(path, 0, "port \"7005\" \nsave \"\" ", &e), 0);
	assert_int_equal(cfg.port, 7005);
	assert_int_equal(cfg.save_count, 0);
	assert_string_equal(cfg.configfile, path);

	/* options line numbers follow the file's, after one added line */
	assert_int_equal(config_load(path, 0, "port x", &e), -1);
	assert_int_equal(e.line, 4);
	config_error_deinit(&e);

	snprintf(path, sizeof(path), "%s/none.conf", dir);
	assert_int_equal(config_load(path, 0, "", &e), -1);
	assert_int_equal(e.kind, CONFIG_ERROR_OPEN);
	char *m = config_error_format(&e);
	assert_non_null(strstr(m, "Fatal error, can't open config file"));
	pfree(m);
	config_error_deinit(&e);
	rm_rf(dir);
	pfree(dir);
}

/* ---- command line ------------------------------------------------------------------ */

static void test_argv_options_to_text(void **state)
{
	(void)state;
	struct config_argv a;
	char *argv1[] = {"petrel-server", "/etc/redis.conf", "--port", "6380", "--save", "", "--bind",
			 "127.0.0.1", "::1", NULL};
	config_parse_argv(9, argv1, &a);
	assert_string_equal(a.configfile, "/etc/redis.conf");
	assert_false(a.from_stdin);
	assert_string_equal(a.options, "port \"6380\" \nsave \"\" \nbind \"127.0.0.1\" \"::1\" ");
	load_ok(a.options);
	assert_int_equal(cfg.port, 6380);
	assert_int_equal(cfg.save_count, 0);
	assert_int_equal(cfg.bind_count, 2);
	config_argv_deinit(&a);

	/* no file; --save followed by an option, and --save last, mean save "" */
	char *argv2[] = {"petrel-server", "--save", "--port", "7000", "--sentinel", "--save", NULL};
	config_parse_argv(6, argv2, &a);
	assert_null(a.configfile);
	assert_true(a.sentinel);
	assert_string_equal(a.options, "save \"\"\nport \"7000\" \nsentinel \nsave \"\"");
	config_argv_deinit(&a);

	/* "--port 6380" as one word; "-" reads stdin */
	char *argv3[] = {"petrel-server", "-", "--port 6380", "--loglevel", "debug", NULL};
	config_parse_argv(5, argv3, &a);
	assert_null(a.configfile);
	assert_true(a.from_stdin);
	assert_string_equal(a.options, "port 6380 \nloglevel \"debug\" ");
	load_ok(a.options);
	assert_int_equal(cfg.port, 6380);
	assert_int_equal(cfg.loglevel, LOG_DEBUG);
	config_argv_deinit(&a);

	/* values with spaces and quotes survive */
	char *argv4[] = {"petrel-server", "x.conf", "--requirepass", "a \"b\" c", "-", NULL};
	config_parse_argv(5, argv4, &a);
	assert_true(a.from_stdin);
	load_ok(a.options);
	assert_string_equal(cfg.requirepass, "a \"b\" c");
	config_argv_deinit(&a);
}

/* ---- CONFIG GET ---------------------------------------------------------------------- */

static int reply_has(const struct config_reply *r, const char *name, const char *value)
{
	for (size_t i = 0; i + 1 < r->count; i += 2)
		if (!strcmp(r->items[i], name) && (!value || !strcmp(r->items[i + 1], value)))
			return 1;
	return 0;
}

static void test_get_glob_and_aliases(void **state)
{
	(void)state;
	struct config_reply r;
	const char *p1[] = {"*max*-entries"};
	config_get(1, p1, &r);
	assert_true(reply_has(&r, "hash-max-listpack-entries", "512"));
	assert_true(reply_has(&r, "hash-max-ziplist-entries", "512"));
	assert_true(reply_has(&r, "zset-max-ziplist-entries", "128"));
	assert_true(reply_has(&r, "set-max-intset-entries", "512"));
	assert_false(reply_has(&r, "port", NULL));
	config_reply_deinit(&r);

	/* exact names echo the client's spelling, once */
	const char *p2[] = {"MaxMemory", "maxmemory", "SLAVEOF", "nope"};
	config_get(4, p2, &r);
	assert_int_equal(r.count, 4);
	assert_string_equal(r.items[0], "MaxMemory");
	assert_string_equal(r.items[1], "0");
	assert_string_equal(r.items[2], "SLAVEOF");
	config_reply_deinit(&r);

	/* hidden directives: exact only */
	const char *p3[] = {"key-load-*"};
	config_get(1, p3, &r);
	assert_int_equal(r.count, 0);
	config_reply_deinit(&r);
	const char *p4[] = {"key-load-delay"};
	config_get(1, p4, &r);
	assert_int_equal(r.count, 2);
	config_reply_deinit(&r);

	/* everything */
	const char *p5[] = {"*"};
	config_get(1, p5, &r);
	assert_true(r.count / 2 > 180);
	assert_true(reply_has(&r, "slaveof", ""));
	assert_true(reply_has(&r, "replicaof", ""));
	assert_true(reply_has(&r, "lua-time-limit", "5000"));
	assert_true(reply_has(&r, "io-threads", "1"));
	config_reply_deinit(&r);
}

static void test_get_formats(void **state)
{
	(void)state;
	load_ok("save 3600 1 300 100\nreplicaof 10.0.0.1 6380\nmaxmemory 100mb\nunixsocketperm 0770\n"
		"client-output-buffer-limit normal 1mb 2mb 3 pubsub 0 0 0\nnotify-keyspace-events Elgx\n"
		"latency-tracking-info-percentiles 50.5 100\nshutdown-on-sigterm nosave NOW\n");
	assert_get("shutdown-on-sigterm", "nosave now");
	assert_get("shutdown-on-sigint", "default");
	assert_get("save", "3600 1 300 100");
	assert_get("slaveof", "10.0.0.1 6380");
	assert_get("maxmemory", "104857600");
	assert_get("unixsocketperm", "770");
	assert_get("client-output-buffer-limit",
		   "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 0 0 0");
	assert_get("notify-keyspace-events", "glxE");
	assert_get("latency-tracking-info-percentiles", "50.5 100");
	assert_get("dir", start_cwd);
}

/* ---- CONFIG SET ----------------------------------------------------------------------- */

static int hook_calls;
static char hook_last[64];

static int count_hook(const char *name, char **err)
{
	(void)err;
	hook_calls++;
	snprintf(hook_last, sizeof(hook_last), "%s", name);
	return 0;
}

static int refuse_hook(const char *name, char **err)
{
	(void)name;
	*err = pstrdup("Unable to listen on this port. Check server logs.");
	return -1;
}

static void test_set_values_and_errors(void **state)
{
	(void)state;
	set_ok("maxmemory", "1gb");
	assert_true(cfg.maxmemory == 1024ULL * 1024 * 1024);
	set_ok("save", "100 10 200 20");
	assert_get("save", "100 10 200 20");
	set_ok("save", "");
	assert_int_equal(cfg.save_count, 0);
	set_ok("bind", "127.0.0.1 -::1");
	assert_int_equal(cfg.bind_count, 2);
	set_ok("client-output-buffer-limit", "pubsub 64mb 16mb 90");
	assert_true(cfg.obuf_limits[OBUF_PUBSUB].hard_bytes == 64ULL * 1024 * 1024);
	set_ok("MAXMEMORY-POLICY", "allkeys-lfu");
	assert_int_equal(cfg.maxmemory_policy, MAXMEMORY_ALLKEYS_LFU);
	set_ok("hash-max-ziplist-entries", "64");
	assert_int_equal(cfg.hash_max_listpack_entries, 64);
	set_ok("requirepass", "secret");
	assert_string_equal(cfg.requirepass, "secret");
	set_ok("requirepass", "");
	assert_null(cfg.requirepass);
	set_ok("notify-keyspace-events", "Ex");
	assert_string_equal(cfg.notify_keyspace_events_str, "xE");

	set_err("foo", "bar", "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
	set_err("maxmemory", "lots",
		"ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
	set_err("daemonize", "yes",
		"ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
	set_err("Daemonize", "yes",
		"ERR CONFIG SET failed (possibly related to argument 'Daemonize') - can't set immutable config");
	set_err("dir", "/tmp",
		"ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
	set_err("port", "-1",
		"ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive");
	set_err("HZ", "x",
		"ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
	set_err("slaveof", "a 1", "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config");

	char *err = NULL;
	const char *odd[] = {"port", "1", "timeout"};
	assert_int_equal(config_set(3, odd, NULL, &err), -1);
	assert_string_equal(err, "ERR syntax error");
	pfree(err);
	const char *dup[] = {"port", "1", "PORT", "2"};
	assert_int_equal(config_set(4, dup, NULL, &err), -1);
	assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter");
	pfree(err);
}

static void test_set_atomic_multi(void **state)
{
	(void)state;
	char *err = NULL;
	const char *ok[] = {"port", "7000", "timeout", "30", "save", "60 5"};
	assert_int_equal(config_set(6, ok, NULL, &err), 0);
	assert_int_equal(cfg.port, 7000);
	assert_int_equal(cfg.timeout, 30);
	assert_get("save", "60 5");

	/* the third value is bad: the first two are restored */
	const char *bad[] = {"port", "7100", "save", "1 1", "maxmemory", "x", "timeout", "40"};
	assert_int_equal(config_set(8, bad, NULL, &err), -1);
	assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "
				 "argument must be a memory value");
	pfree(err);
	assert_int_equal(cfg.port, 7000);
	assert_get("save", "60 5");
	assert_int_equal(cfg.timeout, 30);

	/* a refused name changes nothing, even when it comes last */
	const char *imm[] = {"port", "7200", "databases", "2"};
	assert_int_equal(config_set(4, imm, NULL, &err), -1);
	pfree(err);
	assert_int_equal(cfg.port, 7000);
}

static void test_set_protected_and_loading(void **state)
{
	(void)state;
	char *err = NULL;
	load_ok("enable-protected-configs local\n");
	struct config_caller remote = {0, 0}, local = {0, 1}, loading = {1, 1};
	const char *dbf[] = {"dbfilename", "x.rdb"};
	assert_int_equal(config_set(2, dbf, &remote, &err), -1);
	assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
				 "can't set protected config");
	pfree(err);
	assert_int_equal(config_set(2, dbf, &local, &err), 0);
	assert_string_equal(cfg.dbfilename, "x.rdb");

	const char *aof[] = {"appendonly", "yes"};
	assert_int_equal(config_set(2, aof, &loading, &err), CONFIG_SET_ELOADING);
	assert_string_equal(err, "LOADING Redis is loading the dataset in memory");
	pfree(err);
	assert_int_equal(cfg.appendonly, 0);

	/* dir chdirs (teardown goes back) */
	char *dir = make_tmpdir();
	const char *d[] = {"dir", dir};
	assert_int_equal(config_set(2, d, &local, &err), 0);
	assert_get("dir", dir);
	const char *bad[] = {"dir", "/nonexistent/petrel"};
	assert_int_equal(config_set(2, bad, &local, &err), -1);
	assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'dir') - "
				 "No such file or directory");
	pfree(err);
	assert_get("dir", dir);
	assert_int_equal(chdir(start_cwd), 0);
	rm_rf(dir);
	pfree(dir);
}

static void test_set_hooks_and_rollback(void **state)
{
	(void)state;
	char *err = NULL;
	hook_calls = 0;
	assert_int_equal(config_on_change("hash-max-ziplist-value", count_hook), 0);
	assert_int_equal(config_on_change("no-such", count_hook), -1);
	set_ok("hash-max-listpack-value", "128");
	assert_int_equal(hook_calls, 1);
	assert_string_equal(hook_last, "hash-max-listpack-value");
	set_ok("hash-max-listpack-value", "128"); /* unchanged: no call */
	assert_int_equal(hook_calls, 1);

	assert_int_equal(config_on_change("port", refuse_hook), 0);
	const char *two[] = {"hash-max-listpack-value", "256", "port", "7777"};
	assert_int_equal(config_set(4, two, NULL, &err), -1);
	assert_string_equal(err, "ERR CONFIG SET failed (possibly related to argument 'port') - "
				 "Unable to listen on this port. Check server logs.");
	pfree(err);
	assert_int_equal(cfg.port, 6379);
	assert_int_equal(cfg.hash_max_listpack_value, 128);
	/* the restore ran the hooks again: 256 applied, then 128 restored */
	assert_int_equal(hook_calls, 3);

	/* loglevel's built-in hook reaches the logger */
	set_ok("loglevel", "warning");
	assert_int_equal(cfg.loglevel, LOG_WARNING);
}

static void test_flags_query(void **state)
{
	(void)state;
	assert_true(config_flags("daemonize") & CONFIG_IMMUTABLE);
	assert_true(config_flags("requirepass") & CONFIG_SENSITIVE);
	assert_true(config_flags("dir") & CONFIG_PROTECTED);
	assert_true(config_flags("slaveof") & CONFIG_IMMUTABLE);
	assert_true(config_flags("port") & CONFIG_IMPLEMENTED);
	assert_false(config_flags("io-threads") & CONFIG_IMPLEMENTED);
	assert_int_equal(config_flags("nope"), -1);
	assert_int_equal(config_mark_implemented("io-threads"), 0);
	assert_true(config_flags("io-threads") & CONFIG_IMPLEMENTED);
	assert_int_equal(config_mark_implemented("nope"), -1);
}

/* ---- CONFIG REWRITE ------------------------------------------------------------------- */

static void test_rewrite_preserves_comments(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/redis.conf", dir);
	write_file(path,
		   "# My server\n"
		   "port 7000\n"
		   "\n\n\n"
		   "# memory\n"
		   "maxmemory 100mb\n"
		   "slaveof 10.0.0.1 6379\n"
		   "save 900 1\n"
		   "save 300 10\n"
		   "rename-command FLUSHALL \"\"\n"
		   "timeout 0\n"
		   "port 7001\n"
		   "unixsocket /tmp/x.sock\n");
	struct config_error e;
	assert_int_equal(config_load(path, 0, NULL, &e), 0);
	assert_int_equal(cfg.port, 7001);

	set_ok("maxmemory", "2gb");
	set_ok("save", "60 10000");
	set_ok("appendfsync", "always");
	set_ok("hash-max-ziplist-entries", "1000");
	set_ok("requirepass", "has space");
	set_ok("client-output-buffer-limit", "replica 512mb 128mb 120");

	char *err = NULL;
	assert_int_equal(config_rewrite(&err), 0);
	assert_null(err);
	char *got = read_all(path);
	char want[8192];
	snprintf(want, sizeof(want),
		 "# My server\n"
		 "port 7001\n"
		 "\n"
		 "# memory\n"
		 "maxmemory 2gb\n"
		 "replicaof 10.0.0.1 6379\n"
		 "save 60 10000\n"
		 "\n"
		 "rename-command FLUSHALL \"\"\n"
		 "timeout 0\n"
		 "\n"
		 "unixsocket \"/tmp/x.sock\"\n"
		 "\n"
		 "# Generated by CONFIG REWRITE\n"
		 "requirepass \"has space\"\n"
		 "dir \"%s\"\n"
		 "appendfsync always\n"
		 "client-output-buffer-limit replica 512mb 128mb 120\n"
		 "hash-max-listpack-entries 1000\n", start_cwd);
	if (strcmp(got, want))
		fprintf(stderr, "--- got:\n%s--- want:\n%s", got, want);
	assert_string_equal(got, want);
	pfree(got);

	/* the result loads back to the same values, and a second rewrite is stable */
	config_teardown();
	config_setup();
	assert_int_equal(config_load(path, 0, NULL, &e), 0);
	assert_true(cfg.maxmemory == 2ULL * 1024 * 1024 * 1024);
	assert_int_equal(cfg.hash_max_listpack_entries, 1000);
	assert_string_equal(cfg.requirepass, "has space");
	got = read_all(path);
	assert_int_equal(config_rewrite(&err), 0);
	char *again = read_all(path);
	assert_string_equal(got, again);
	pfree(got);
	pfree(again);

	/* defaults removed only where Redis removes them: bind back to default,
	 * save "" written explicitly, no temp file left */
	set_ok("save", "");
	set_ok("bind", "127.0.0.1");
	assert_int_equal(config_rewrite(&err), 0);
	set_ok("bind", "* -::*");
	assert_int_equal(config_rewrite(&err), 0);
	got = read_all(path);
	assert_non_null(strstr(got, "save \"\"\n"));
	assert_null(strstr(got, "bind"));
	pfree(got);
	DIR *dp = opendir(dir);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(dp)))
		if (de->d_name[0] != '.')
			files++;
	closedir(dp);
	assert_int_equal(files, 1);

	rm_rf(dir);
	pfree(dir);
}

static void test_rewrite_unknown_lines_commented(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/r.conf", dir);
	write_file(path, "port 7000\nfrobnicate 1\n# Generated by CONFIG REWRITE\n");
	char *err = NULL;
	set_ok("timeout", "9");
	assert_int_equal(config_rewrite_file(path, 0, &err), 0);
	char *got = read_all(path);
	const char *head = "port 6379\n# ??? frobnicate 1\n# Generated by CONFIG REWRITE\ntimeout 9\n";
	assert_memory_equal(got, head, strlen(head));
	assert_non_null(strstr(got, "\ntimeout 9\n"));
	assert_non_null(strstr(got, "\nsave 3600 1\n")); /* Redis always writes save */
	assert_null(strstr(strstr(got, "REWRITE") + 1, "REWRITE"));
	pfree(got);
	rm_rf(dir);
	pfree(dir);
}

static void test_rewrite_without_file(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(config_rewrite(&err), -1);
	assert_string_equal(err, "ERR The server is running without a config file");
	pfree(err);
	assert_int_equal(config_rewrite_file("/nonexistent/dir/redis.conf", 0, &err), -1);
	assert_string_equal(err, "ERR Rewriting config file: No such file or directory");
	pfree(err);
}

static void test_rewrite_force_all_loads_back(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/all.conf", dir);
	char *err = NULL;
	assert_int_equal(config_rewrite_file(path, 1, &err), 0);
	/* every directive written, and it parses back */
	config_teardown();
	config_setup();
	char *text = read_all(path);
	assert_non_null(strstr(text, "\nmaxmemory 0\n"));
	assert_non_null(strstr(text, "\nclient-output-buffer-limit replica 256mb 64mb 60\n"));
	assert_non_null(strstr(text, "\nlatency-tracking-info-percentiles 50 99 99.9\n"));
	assert_non_null(strstr(text, "\nunixsocketperm 0\n"));
	load_ok(text);
	pfree(text);
	assert_get("save", "3600 1 300 100 60 10000");
	rm_rf(dir);
	pfree(dir);
}

/* ---- the seeds' redis.conf files -------------------------------------------------------- */

/* Load one fixture inside a scratch dir holding the directories it names;
 * absolute /data/ paths are moved under the scratch dir. */
static void load_seed(const char *name, const char *scratch)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", fixtures, name) > 0);
	char *text = read_all(path);
	free(path);
	char *fixed = pcalloc(1, strlen(text) * 2 + 1);
	char *o = fixed;
	for (const char *p = text; *p;) {
		if (!strncmp(p, "/data/", 6)) {
			o += sprintf(o, "%s/data/", scratch);
			p += 6;
		} else {
			*o++ = *p++;
		}
	}
	assert_int_equal(chdir(scratch), 0);
	config_teardown();
	config_setup();
	config_set_sentinel_mode(strstr(name, "sentinel") != NULL);
	load_ok(fixed);
	assert_int_equal(chdir(start_cwd), 0);
	pfree(fixed);
	pfree(text);
}

static void test_seed_configs_all_load(void **state)
{
	(void)state;
	char *scratch = make_tmpdir();
	static const char *const dirs[] = {"data", "data/6379", "data/6380", "redis1", "master1", "sentinel1"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", scratch, dirs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	DIR *dp = opendir(fixtures);
	assert_non_null(dp);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		load_seed(de->d_name, scratch);
		n++;
	}
	closedir(dp);
	assert_true(n >= 10);

	/* spot checks */
	load_seed("seed000_replica_slaveof.conf", scratch);
	assert_int_equal(cfg.port, 6380);
	assert_string_equal(cfg.masterhost, "127.0.0.1");
	assert_int_equal(cfg.masterport, 6379);
	assert_string_equal(cfg.pidfile, "/var/run/redis_6380.pid");

	load_seed("seed000_master.conf", scratch);
	/* Redis reads the inline comment as more bind addresses: so do we */
	assert_string_equal(cfg.bind[0], "192.168.56.113");
	assert_string_equal(cfg.bind[1], "#");
	assert_string_equal(cfg.requirepass, "abc123");
	assert_int_equal(cfg.appendonly, 1);
	assert_true(cfg.auto_aof_rewrite_min_size == 64 * 1024 * 1024);

	load_seed("seed002_cluster_master1.conf", scratch);
	assert_int_equal(cfg.cluster_enabled, 1);
	assert_int_equal(cfg.cluster_node_timeout, 5000);
	assert_int_equal(cfg.databases, 1);
	assert_int_equal(cfg.list_max_listpack_size, -2);
	assert_int_equal(cfg.busy_reply_threshold, 5000);
	assert_get("save", "900 1 300 10 60 10000");

	load_seed("seed000_sentinel1.conf", scratch);
	assert_int_equal(cfg.port, 26379);
	assert_int_equal(cfg.sentinel_lines.count, 6);

	load_seed("seed001_6380.conf", scratch);
	assert_int_equal(cfg.daemonize, 1);
	assert_string_equal(cfg.dbfilename, "dbmp.rdb");

	load_seed("seed002_aof.conf", scratch);
	assert_int_equal(cfg.appendfsync, APPENDFSYNC_NO);

	rm_rf(scratch);
	pfree(scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_split_plain),
		cmocka_unit_test(test_args_split_quotes),
		cmocka_unit_test(test_args_split_unbalanced),
		cmocka_unit_test(test_args_repr_roundtrip),
		cmocka_unit_test(test_memtoull_units),
		cmocka_unit_test(test_glob_match_patterns),
		cmocka_unit_test_setup_teardown(test_load_defaults, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_basic_directives, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_later_lines_override, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_hz_clamped, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_error_banner_format, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_error_kinds, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_global_error_has_no_line, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_accepts_special_lines, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_sentinel_mode_keeps_lines, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_unimplemented_warns_once, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_include_recursive, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_load_file_then_options, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_argv_options_to_text, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_get_glob_and_aliases, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_get_formats, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_set_values_and_errors, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_set_atomic_multi, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_set_protected_and_loading, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_set_hooks_and_rollback, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_flags_query, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_preserves_comments, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_unknown_lines_commented, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_without_file, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_force_all_loads_back, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_seed_configs_all_load, test_setup, test_teardown),
	};
	return cmocka_run_group_tests_name("config", tests, group_setup, group_teardown);
}
