/* test_resp.c — RESP parser and reply encoder.
 *
 * Thread: single-threaded test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <petrel/alloc.h>
#include <petrel/resp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct resp_limits lim = {536870912, 1};

static int parse_one(const char *buf, size_t len, struct resp_cmd *cmd, size_t *used, const char **err)
{
	size_t need;
	return resp_parse(cmd, buf, len, &lim, used, &need, err);
}

static void test_parse_multibulk_basic(void **state)
{
	(void)state;
	struct resp_cmd cmd;
	resp_cmd_init(&cmd);
	const char *in = "*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n";
	size_t used;
	const char *err;
	assert_int_equal(parse_one(in, strlen(in), &cmd, &used, &err), RESP_COMMAND);
	assert_int_equal(used, strlen(in));
	assert_int_equal(cmd.argc, 2);
	assert_memory_equal(cmd.argv[0].ptr, "GET", 3);
	assert_memory_equal(cmd.argv[1].ptr, "foo", 3);
	resp_cmd_deinit(&cmd);
}

static void test_parse_multibulk_incomplete_needs_more(void **state)
{
	(void)state;
	struct resp_cmd cmd;
	resp_cmd_init(&cmd);
	const char *in = "*2\r\n$3\r\nGET\r\n$10\r\nabc";
	size_t used, need;
	const char *err;
	assert_int_equal(resp_parse(&cmd, in, strlen(in), &lim, &used, &need, &err), RESP_NEED_MORE);
	assert_int_equal(used, 0);
	/* header says 10 bytes + CRLF after offset 18 */
	assert_int_equal(need, 18 + 10 + 2);
	resp_cmd_deinit(&cmd);
}

static void expect_error(const char *in, size_t len, const char *msg, const struct resp_limits *l)
{
	struct resp_cmd cmd;
	resp_cmd_init(&cmd);
	size_t used, need;
	const char *err = NULL;
	assert_int_equal(resp_parse(&cmd, in, len, l, &used, &need, &err), RESP_ERROR);
	assert_string_equal(err, msg);
	resp_cmd_deinit(&cmd);
}

static void test_parse_protocol_errors(void **state)
{
	(void)state;
	expect_error("*abc\r\n", 6, "Protocol error: invalid multibulk length", &lim);
	expect_error("*01\r\n", 5, "Protocol error: invalid multibulk length", &lim);
	expect_error("*3000000000\r\n", 13, "Protocol error: invalid multibulk length", &lim);
	expect_error("*1\r\n+PING\r\n", 11, "Protocol error: expected '$', got '+'", &lim);
	expect_error("*1\r\n$-1\r\n", 9, "Protocol error: invalid bulk length", &lim);
	expect_error("*1\r\n$+1\r\n", 9, "Protocol error: invalid bulk length", &lim);
	struct resp_limits small = {100, 1};
	expect_error("*1\r\n$101\r\n", 10, "Protocol error: invalid bulk length", &small);
	struct resp_limits unauth = {536870912, 0};
	expect_error("*11\r\n", 5, "Protocol error: unauthenticated multibulk length", &unauth);
	expect_error("*1\r\n$16385\r\n", 12, "Protocol error: unauthenticated bulk length", &unauth);
	expect_error("SET \"a b\r\n", 10, "Protocol error: unbalanced quotes in request", &lim);
	expect_error("SET \"a\"b\r\n", 10, "Protocol error: unbalanced quotes in request", &lim);
	char *big = malloc(70000);
	memset(big, 'a', 70000);
	expect_error(big, 70000, "Protocol error: too big inline request", &lim);
	big[0] = '*';
	expect_error(big, 70000, "Protocol error: too big mbulk count string", &lim);
	memcpy(big, "*1\r\n$", 5);
	expect_error(big, 70000, "Protocol error: too big bulk count string", &lim);
	free(big);
}

static void test_parse_empty_and_close(void **state)
{
	(void)state;
	struct resp_cmd cmd;
	resp_cmd_init(&cmd);
	size_t used;
	const char *err;
	assert_int_equal(parse_one("*0\r\n", 4, &cmd, &used, &err), RESP_EMPTY);
	assert_int_equal(used, 4);
	assert_int_equal(parse_one("*-1\r\n", 5, &cmd, &used, &err), RESP_EMPTY);
	assert_int_equal(parse_one("   \r\n", 5, &cmd, &used, &err), RESP_EMPTY);
	assert_int_equal(parse_one("\n", 1, &cmd, &used, &err), RESP_EMPTY);
	assert_int_equal(parse_one("POST / HTTP/1.1\r\n", 17, &cmd, &used, &err), RESP_CLOSE);
	assert_int_equal(parse_one("*1\r\n$5\r\nHost:\r\n", 15, &cmd, &used, &err), RESP_CLOSE);
	resp_cmd_deinit(&cmd);
}

static void test_parse_inline_quoting(void **state)
{
	(void)state;
	struct resp_cmd cmd;
	resp_cmd_init(&cmd);
	size_t used;
	const char *err;
	const char *in = "set \"a\\x41\\n\" 'it\\'s' plain\r\n";
	assert_int_equal(parse_one(in, strlen(in), &cmd, &used, &err), RESP_COMMAND);
	assert_int_equal(cmd.argc, 4);
	assert_int_equal(cmd.argv[1].len, 3);
	assert_memory_equal(cmd.argv[1].ptr, "aA\n", 3);
	assert_int_equal(cmd.argv[2].len, 4);
	assert_memory_equal(cmd.argv[2].ptr, "it's", 4);
	assert_memory_equal(cmd.argv[3].ptr, "plain", 5);
	/* the byte after '\r' in a header is skipped unchecked */
	const char *odd = "*1\r\n$4\r\nPINGXY";
	assert_int_equal(parse_one(odd, strlen(odd), &cmd, &used, &err), RESP_COMMAND);
	assert_int_equal(used, strlen(odd));
	resp_cmd_deinit(&cmd);
}

/* Random commands, encoded, then fed in random-sized pieces the way a
 * connection receives them; every command must come out intact, in order. */
static void test_parse_fuzz_random_splits(void **state)
{
	(void)state;
	srand(12345);
	for (int round = 0; round < 200; round++) {
		int ncmds = 1 + rand() % 40;
		char **args[40];
		size_t *lens[40];
		int argcs[40];
		size_t total = 0;
		char *wire = malloc(1 << 20);
		for (int i = 0; i < ncmds; i++) {
			argcs[i] = 1 + rand() % 6;
			args[i] = malloc(sizeof(char *) * (size_t)argcs[i]);
			lens[i] = malloc(sizeof(size_t) * (size_t)argcs[i]);
			total += (size_t)sprintf(wire + total, "*%d\r\n", argcs[i]);
			for (int a = 0; a < argcs[i]; a++) {
				size_t l = (size_t)(rand() % 3 == 0 ? rand() % 3000 : rand() % 20);
				args[i][a] = malloc(l + 1);
				for (size_t k = 0; k < l; k++)
					args[i][a][k] = (char)(rand() & 0xff);
				lens[i][a] = l;
				total += (size_t)sprintf(wire + total, "$%zu\r\n", l);
				memcpy(wire + total, args[i][a], l);
				total += l;
				memcpy(wire + total, "\r\n", 2);
				total += 2;
			}
		}
		/* Feed: buffer grows by random chunks; parse whenever possible. */
		char *buf = malloc(total);
		size_t have = 0, pos = 0, fed = 0;
		int got = 0;
		struct resp_cmd cmd;
		resp_cmd_init(&cmd);
		while (got < ncmds) {
			size_t chunk = (size_t)(1 + rand() % 700);
			if (fed + chunk > total)
				chunk = total - fed;
			memcpy(buf + have, wire + fed, chunk);
			have += chunk;
			fed += chunk;
			for (;;) {
				size_t used, need;
				const char *err;
				int r = resp_parse(&cmd, buf + pos, have - pos, &lim, &used, &need, &err);
				if (r == RESP_NEED_MORE) {
					assert_true(need > have - pos);
					break;
				}
				assert_int_equal(r, RESP_COMMAND);
				assert_int_equal(cmd.argc, argcs[got]);
				for (int a = 0; a < cmd.argc; a++) {
					assert_int_equal(cmd.argv[a].len, lens[got][a]);
					assert_memory_equal(cmd.argv[a].ptr, args[got][a], lens[got][a]);
				}
				pos += used;
				got++;
			}
		}
		assert_int_equal(pos, total);
		resp_cmd_deinit(&cmd);
		for (int i = 0; i < ncmds; i++) {
			for (int a = 0; a < argcs[i]; a++)
				free(args[i][a]);
			free(args[i]);
			free(lens[i]);
		}
		free(buf);
		free(wire);
	}
}

static void expect_reply(struct rbuf *b, const char *bytes)
{
	assert_int_equal(b->len, strlen(bytes));
	assert_memory_equal(b->data, bytes, b->len);
	rbuf_clear(b);
}

static void test_reply_resp2_resp3_shapes(void **state)
{
	(void)state;
	struct rbuf b;
	rbuf_init(&b, 2);
	reply_null(&b);
	expect_reply(&b, "$-1\r\n");
	reply_null_array(&b);
	expect_reply(&b, "*-1\r\n");
	reply_map(&b, 2);
	expect_reply(&b, "*4\r\n");
	reply_bool(&b, 1);
	expect_reply(&b, ":1\r\n");
	reply_double(&b, 3.141);
	expect_reply(&b, "$5\r\n3.141\r\n");
	reply_verbatim(&b, "hi", 2, "txt");
	expect_reply(&b, "$2\r\nhi\r\n");
	b.resp = 3;
	reply_null(&b);
	expect_reply(&b, "_\r\n");
	reply_map(&b, 2);
	expect_reply(&b, "%2\r\n");
	reply_set(&b, 3);
	expect_reply(&b, "~3\r\n");
	reply_bool(&b, 0);
	expect_reply(&b, "#f\r\n");
	reply_double(&b, 3.141);
	expect_reply(&b, ",3.141\r\n");
	reply_bignum(&b, "1234", 4);
	expect_reply(&b, "(1234\r\n");
	reply_verbatim(&b, "hi", 2, "txt");
	expect_reply(&b, "=6\r\ntxt:hi\r\n");
	rbuf_deinit(&b);
}

static void test_reply_double_format_70(void **state)
{
	(void)state;
	char buf[64];
	resp_format_double(buf, sizeof(buf), 0.1);
	assert_string_equal(buf, "0.10000000000000001");
	resp_format_double(buf, sizeof(buf), 3.0);
	assert_string_equal(buf, "3");
	resp_format_double(buf, sizeof(buf), 2500000000000000.0);
	assert_string_equal(buf, "2500000000000000");
	resp_format_double(buf, sizeof(buf), 1.0 / 0.0);
	assert_string_equal(buf, "inf");
	resp_format_double(buf, sizeof(buf), -1.0 / 0.0);
	assert_string_equal(buf, "-inf");
	resp_format_double(buf, sizeof(buf), -0.0);
	assert_string_equal(buf, "-0");
}

static void test_reply_deferred_and_errors(void **state)
{
	(void)state;
	struct rbuf b;
	rbuf_init(&b, 2);
	size_t pos = reply_defer(&b);
	reply_int(&b, 1);
	reply_int(&b, 2);
	reply_set_deferred(&b, pos, '*', 2);
	expect_reply(&b, "*2\r\n:1\r\n:2\r\n");
	pos = reply_defer(&b);
	reply_int(&b, 1);
	reply_int(&b, 2);
	reply_set_deferred(&b, pos, '%', 1);
	expect_reply(&b, "*2\r\n:1\r\n:2\r\n");
	reply_error(&b, "ERR bad\r\nthing");
	expect_reply(&b, "-ERR bad  thing\r\n");
	assert_int_equal(b.errors, 1);
	reply_bulk(&b, "", 0);
	expect_reply(&b, "$0\r\n\r\n");
	reply_int(&b, -9223372036854775807LL - 1);
	expect_reply(&b, ":-9223372036854775808\r\n");
	rbuf_deinit(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_multibulk_basic),
		cmocka_unit_test(test_parse_multibulk_incomplete_needs_more),
		cmocka_unit_test(test_parse_protocol_errors),
		cmocka_unit_test(test_parse_empty_and_close),
		cmocka_unit_test(test_parse_inline_quoting),
		cmocka_unit_test(test_parse_fuzz_random_splits),
		cmocka_unit_test(test_reply_resp2_resp3_shapes),
		cmocka_unit_test(test_reply_double_format_70),
		cmocka_unit_test(test_reply_deferred_and_errors),
	};
	return cmocka_run_group_tests_name("resp", tests, NULL, NULL);
}
