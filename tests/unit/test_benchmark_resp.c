/* test_benchmark_resp.c — the incremental RESP reply scanner. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

/* Scans `s` whole; returns the result and fills *r, *used. */
static int scan_all(const char *s, size_t len, struct resp_reply *r, size_t *used)
{
	struct resp_scanner sc;
	resp_init(&sc);
	return resp_scan(&sc, s, len, used, r);
}

/* Feeds `s` in pieces of `step` bytes the way the client does (keeping the
 * unconsumed tail); returns the number of complete replies, -1 on error. */
static int scan_chunked(const char *s, size_t len, size_t step, int *errors)
{
	struct resp_scanner sc;
	char *buf = malloc(len + 1);
	size_t have = 0, fed = 0;
	int replies = 0;
	*errors = 0;
	resp_init(&sc);
	while (fed < len || have) {
		size_t n = len - fed < step ? len - fed : step;
		memcpy(buf + have, s + fed, n);
		have += n;
		fed += n;
		size_t off = 0;
		for (;;) {
			size_t used;
			struct resp_reply r;
			int rc = resp_scan(&sc, buf + off, have - off, &used, &r);
			off += used;
			if (rc == RESP_PROTOCOL_ERROR) {
				free(buf);
				return -1;
			}
			if (rc == RESP_INCOMPLETE)
				break;
			replies++;
			if (r.error)
				(*errors)++;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (n == 0)
			break;
	}
	free(buf);
	return replies;
}

static void test_simple(void **state)
{
	struct resp_reply r;
	size_t used;
	assert_int_equal(scan_all("+OK\r\n", 5, &r, &used), RESP_COMPLETE);
	assert_int_equal(used, 5);
	assert_int_equal(r.type, '+');
	assert_false(r.error);
	assert_int_equal(scan_all(":-42\r\n", 6, &r, &used), RESP_COMPLETE);
	assert_int_equal(r.type, ':');
	assert_int_equal(scan_all("-ERR bad thing\r\n", 16, &r, &used), RESP_COMPLETE);
	assert_true(r.error);
	assert_int_equal(r.msg_len, 13);
	assert_memory_equal(r.msg, "ERR bad thing", 13);
	assert_int_equal(scan_all("$3\r\nfoo\r\n", 9, &r, &used), RESP_COMPLETE);
	assert_int_equal(used, 9);
	assert_false(r.null);
	assert_int_equal(scan_all("$-1\r\n", 5, &r, &used), RESP_COMPLETE);
	assert_true(r.null);
	assert_int_equal(scan_all("*-1\r\n", 5, &r, &used), RESP_COMPLETE);
	assert_true(r.null);
	assert_int_equal(scan_all("$0\r\n\r\n", 6, &r, &used), RESP_COMPLETE);
	assert_false(r.null);
	assert_int_equal(scan_all("*0\r\n", 4, &r, &used), RESP_COMPLETE);
}

static void test_incomplete(void **state)
{
	struct resp_reply r;
	size_t used;
	assert_int_equal(scan_all("+OK\r", 4, &r, &used), RESP_INCOMPLETE);
	assert_int_equal(used, 0);
	assert_int_equal(scan_all("$3\r\nfo", 6, &r, &used), RESP_INCOMPLETE);
	assert_int_equal(used, 6);          /* header and payload consumed, 3 bytes owed */
	assert_int_equal(scan_all("*2\r\n$1\r\na\r\n", 11, &r, &used), RESP_INCOMPLETE);
	assert_int_equal(used, 11);
	assert_int_equal(scan_all("", 0, &r, &used), RESP_INCOMPLETE);
}

static void test_aggregates(void **state)
{
	struct resp_reply r;
	size_t used;
	const char *s = "*3\r\n$3\r\nfoo\r\n*2\r\n:1\r\n$-1\r\n+x\r\n:7\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_int_equal(used, strlen(s) - 4);    /* stops before ":7" */
	assert_int_equal(r.type, '*');
	assert_false(r.null);
	/* an error nested in an array does not make the reply an error */
	s = "*1\r\n-ERR inner\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_false(r.error);
}

static void test_chunked(void **state)
{
	/* a pipeline of mixed replies, fed 1..40 bytes at a time */
	char big[5000];
	memset(big, 'x', sizeof(big));
	char *s = malloc(20000);
	int n = sprintf(s, "+OK\r\n:12\r\n-WRONGTYPE no\r\n$4\r\nabcd\r\n*2\r\n*1\r\n$1\r\nz\r\n:5\r\n$5000\r\n");
	memcpy(s + n, big, sizeof(big));
	n += (int)sizeof(big);
	n += sprintf(s + n, "\r\n*-1\r\n$0\r\n\r\n");
	for (size_t step = 1; step <= 40; step++) {
		int errors;
		assert_int_equal(scan_chunked(s, (size_t)n, step, &errors), 8);
		assert_int_equal(errors, 1);
	}
	free(s);
}

static void test_resp3(void **state)
{
	struct resp_reply r;
	size_t used;
	const char *s = "%2\r\n+a\r\n:1\r\n+b\r\n#t\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_int_equal(used, strlen(s));
	assert_int_equal(r.type, '%');
	s = "_\r\n";
	assert_int_equal(scan_all(s, 3, &r, &used), RESP_COMPLETE);
	assert_true(r.null);
	s = ",3.14\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	s = ",inf\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	s = "(12345678901234567890\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	s = "=8\r\ntxt:abcd\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_int_equal(used, strlen(s));
	s = "~2\r\n:1\r\n:2\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	s = "!9\r\nERR boom!\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_true(r.error);
	assert_int_equal(r.msg_len, 9);
	/* a push is flagged so it is not taken for a reply */
	s = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nfoo\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_true(r.push);
	/* an attribute annotates the reply that follows, at top level and inside */
	s = "|1\r\n+ttl\r\n:3\r\n+OK\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_int_equal(used, strlen(s));
	assert_int_equal(r.type, '+');
	s = "*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n";
	assert_int_equal(scan_all(s, strlen(s), &r, &used), RESP_COMPLETE);
	assert_int_equal(used, strlen(s));
}

static void test_protocol_errors(void **state)
{
	struct resp_reply r;
	size_t used;
	const char *bad[] = {
		"?\r\n", "+OK\n", ":12a\r\n", ":\r\n", "$-2\r\n", "$3\r\nfoobar\r\n",
		"$3\r\nfooXY", "*x\r\n", "#x\r\n", "_x\r\n", "%-1\r\n", "$abc\r\n",
		":99999999999999999999999\r\n", "!-1\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (scan_all(bad[i], strlen(bad[i]), &r, &used) != RESP_PROTOCOL_ERROR)
			fail_msg("accepted %s", bad[i]);
	}
	/* too deep */
	char deep[400] = "";
	for (int i = 0; i < RESP_MAX_DEPTH + 1; i++)
		strcat(deep, "*1\r\n");
	strcat(deep, ":1\r\n");
	assert_int_equal(scan_all(deep, strlen(deep), &r, &used), RESP_PROTOCOL_ERROR);
}

static void test_format(void **state)
{
	const char *argv[] = {"SET", "key", ""};
	size_t lens[] = {3, 3, 0}, len;
	char *s = resp_format(3, argv, lens, &len);
	const char *want = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$0\r\n\r\n";
	assert_int_equal(len, strlen(want));
	assert_memory_equal(s, want, len);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_aggregates),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_resp3),
		cmocka_unit_test(test_protocol_errors),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests_name("benchmark_resp", tests, NULL, NULL);
}
