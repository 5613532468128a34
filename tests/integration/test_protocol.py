"""RESP wire protocol, byte-exact, over raw sockets (docs/resp.md)."""
import re

import pytest

from helpers import encode_command

HELLO_KEYS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]


# ---------------------------------------------------------------------------
# request framing
# ---------------------------------------------------------------------------


def test_multibulk_ping(raw):
    raw.send(b"*1\r\n$4\r\nPING\r\n")
    raw.expect(b"+PONG\r\n")


def test_multibulk_command_name_case_insensitive(raw):
    raw.send(b"*1\r\n$4\r\npInG\r\n")
    raw.expect(b"+PONG\r\n")


def test_inline_commands(raw):
    raw.send(b"PING\r\n")
    raw.expect(b"+PONG\r\n")
    raw.send(b"set foo bar\r\n")
    raw.expect(b"+OK\r\n")
    raw.send(b"GET foo\n")  # bare \n ends an inline line too
    raw.expect(b"$3\r\nbar\r\n")


def test_inline_quoting(raw):
    raw.send(b'SET k "a b\\x41\\n"\r\n')
    raw.expect(b"+OK\r\n")
    raw.send(b"GET k\r\n")
    raw.expect(b"$5\r\na bA\n\r\n")
    raw.send(b"SET k 'it\\'s \\n'\r\n")
    raw.expect(b"+OK\r\n")
    raw.send(b"GET k\r\n")
    raw.expect(b"$7\r\nit's \\n\r\n")
    raw.send(b'SET k a"b c"\r\n')  # quote inside a token
    raw.expect(b"+OK\r\n")
    raw.send(b"GET k\r\n")
    raw.expect(b"$4\r\nab c\r\n")


def test_blank_inline_lines_get_no_reply(raw):
    raw.send(b"\n\r\n    \r\nPING\r\n")
    raw.expect(b"+PONG\r\n")
    assert raw.buf == b""


def test_empty_multibulk_is_ignored(raw):
    raw.send(b"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")
    raw.expect(b"+PONG\r\n")
    assert raw.buf == b""


def test_bulk_trailing_crlf_not_checked(raw):
    # the two bytes after a bulk argument are skipped without being checked
    raw.send(b"*2\r\n$4\r\nECHO\r\n$3\r\nabcXY")
    raw.expect(b"$3\r\nabc\r\n")
    raw.send(b"PING\r\n")
    raw.expect(b"+PONG\r\n")


def test_binary_safe_arguments(raw):
    val = bytes(range(256)) + b"\r\n\x00\r\n"
    raw.send(encode_command("SET", "bin", val))
    raw.expect(b"+OK\r\n")
    raw.send(encode_command("GET", "bin"))
    raw.expect(b"$%d\r\n" % len(val) + val + b"\r\n")


def test_big_argument(raw):
    val = b"x" * (3 * 1024 * 1024 + 7)
    raw.send(encode_command("SET", "big", val))
    raw.expect(b"+OK\r\n")
    raw.send(encode_command("STRLEN", "big"))
    raw.expect(b":%d\r\n" % len(val))
    raw.send(encode_command("GET", "big"))
    assert raw.read_reply_bytes() == b"$%d\r\n" % len(val) + val + b"\r\n"


def test_command_split_into_single_bytes(raw):
    req = encode_command("SET", "split", "value") + b"GET split\r\n"
    for i in range(len(req)):
        raw.send(req[i:i + 1])
    raw.expect(b"+OK\r\n$5\r\nvalue\r\n")


def test_pipeline_1000_commands_in_one_write(raw):
    reqs = []
    expected = []
    for i in range(1000):
        if i % 3 == 0:
            reqs.append(encode_command("INCR", "ctr"))
            expected.append(b":%d\r\n" % (i // 3 + 1))
        elif i % 3 == 1:
            reqs.append(encode_command("ECHO", "m%d" % i))
            s = b"m%d" % i
            expected.append(b"$%d\r\n%s\r\n" % (len(s), s))
        else:
            reqs.append(b"SET k%d v%d\r\n" % (i, i))  # inline mixed in
            expected.append(b"+OK\r\n")
    raw.send(b"".join(reqs))
    for e in expected:
        raw.expect(e)


def test_rejected_commands_keep_reply_order(raw):
    # errors before execution do not close the connection and keep order
    raw.send(b"SET foo bar\r\nLPUSH foo x\r\nNOSUCH\r\nGET\r\nGET foo\r\n")
    raw.expect(b"+OK\r\n")
    raw.expect(b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
    raw.expect(b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n")
    raw.expect(b"-ERR wrong number of arguments for 'get' command\r\n")
    raw.expect(b"$3\r\nbar\r\n")


# ---------------------------------------------------------------------------
# generic errors
# ---------------------------------------------------------------------------


def test_unknown_command_text(raw):
    raw.send(b"foo a b\r\n")
    raw.expect(b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n")
    raw.send(encode_command("FOO"))
    raw.expect(b"-ERR unknown command 'FOO', with args beginning with: \r\n")


def test_unknown_command_args_truncated(raw):
    raw.send(b"foo " + b"x" * 50 + b" " + b"y" * 100 + b" z\r\n")
    raw.expect(b"-ERR unknown command 'foo', with args beginning with: '" + b"x" * 50 + b"' '"
               + b"y" * 75 + b"' \r\n")


def test_unknown_command_crlf_mapped_to_spaces(raw):
    raw.send(b"*1\r\n$7\r\nfoo\r\nba\r\n")
    raw.expect(b"-ERR unknown command 'foo  ba', with args beginning with: \r\n")
    raw.send(b"PING\r\n")
    raw.expect(b"+PONG\r\n")


def test_wrong_arity_text(raw):
    raw.send(b"GET\r\n")
    raw.expect(b"-ERR wrong number of arguments for 'get' command\r\n")
    raw.send(b"set a\r\n")
    raw.expect(b"-ERR wrong number of arguments for 'set' command\r\n")
    raw.send(b"CONFIG SET x\r\n")
    raw.expect(b"-ERR wrong number of arguments for 'config|set' command\r\n")


def test_unknown_subcommand_text(raw):
    raw.send(b"config foo\r\n")
    raw.expect(b"-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n")
    raw.send(b"OBJECT NOSUCH x\r\n")
    raw.expect(b"-ERR unknown subcommand 'NOSUCH'. Try OBJECT HELP.\r\n")


# ---------------------------------------------------------------------------
# protocol errors: exact text, then close, and nothing after runs
# ---------------------------------------------------------------------------

PROTOCOL_ERRORS = [
    (b"*abc\r\n", b"invalid multibulk length"),
    (b"*01\r\n", b"invalid multibulk length"),
    (b"*+1\r\n", b"invalid multibulk length"),
    (b"*2147483648\r\n", b"invalid multibulk length"),
    (b"*3000000000\r\n", b"invalid multibulk length"),
    (b"*1\r\n$-1\r\n", b"invalid bulk length"),
    (b"*1\r\n$01\r\n", b"invalid bulk length"),
    (b"*1\r\n$abc\r\n", b"invalid bulk length"),
    (b"*1\r\n$\r\n", b"invalid bulk length"),
    (b"*1\r\n+foo\r\n", b"expected '$', got '+'"),
    (b"*2\r\n$4\r\nECHO\r\n:12\r\n", b"expected '$', got ':'"),
    (b"SET \"foo bar\r\n", b"unbalanced quotes in request"),
    (b"SET 'foo\r\n", b"unbalanced quotes in request"),
    (b"SET \"a\"b c\r\n", b"unbalanced quotes in request"),
]


@pytest.mark.parametrize("req,msg", PROTOCOL_ERRORS, ids=[repr(p[0]) for p in PROTOCOL_ERRORS])
def test_protocol_error_closes_connection(shared_server, r, req, msg):
    conn = shared_server.raw()
    try:
        conn.send(req + b"SET after-error 1\r\n")
        out = conn.read_all_until_close(timeout=5)
        assert out == b"-ERR Protocol error: " + msg + b"\r\n"
    finally:
        conn.close()
    assert r.exists("after-error") == 0


def test_too_big_mbulk_count_string(shared_server):
    conn = shared_server.raw()
    try:
        conn.send(b"*" + b"1" * 70000)
        assert conn.read_all_until_close(timeout=5) == \
            b"-ERR Protocol error: too big mbulk count string\r\n"
    finally:
        conn.close()


def test_too_big_bulk_count_string(shared_server):
    conn = shared_server.raw()
    try:
        conn.send(b"*1\r\n$" + b"1" * 70000)
        assert conn.read_all_until_close(timeout=5) == \
            b"-ERR Protocol error: too big bulk count string\r\n"
    finally:
        conn.close()


def test_too_big_inline_request(shared_server):
    conn = shared_server.raw()
    try:
        conn.send(b"SET k " + b"a" * 70000)
        assert conn.read_all_until_close(timeout=5) == \
            b"-ERR Protocol error: too big inline request\r\n"
    finally:
        conn.close()


def test_inline_just_under_limit_is_fine(raw):
    raw.send(b"ECHO " + b"a" * 60000 + b"\r\n")
    assert raw.read_reply_bytes() == b"$60000\r\n" + b"a" * 60000 + b"\r\n"


@pytest.mark.parametrize("req", [b"POST / HTTP/1.1\r\nHost: example\r\n\r\n",
                                 b"Host: example.com\r\n", b"post /x\r\n"])
def test_http_post_and_host_close_silently(shared_server, r, req):
    conn = shared_server.raw()
    try:
        conn.send(req + b"SET after-post 1\r\n")
        assert conn.read_all_until_close(timeout=5) == b""
    finally:
        conn.close()
    assert r.exists("after-post") == 0


def test_unauthenticated_limits(server_factory):
    srv = server_factory.start("--requirepass", "secret")
    c = srv.raw()
    c.send(b"*11\r\n")
    assert c.read_all_until_close() == b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    c = srv.raw()
    c.send(b"*2\r\n$4\r\nAUTH\r\n$20000\r\n")
    assert c.read_all_until_close() == b"-ERR Protocol error: unauthenticated bulk length\r\n"
    # within the limits it is an ordinary NOAUTH, connection stays open
    c = srv.raw()
    c.send(encode_command(*(["DEL"] * 10)))
    c.expect(b"-NOAUTH Authentication required.\r\n")
    c.send(encode_command("ECHO", "x" * 16384))
    c.expect(b"-NOAUTH Authentication required.\r\n")
    # once authenticated the limits are gone
    c.send(b"AUTH secret\r\n")
    c.expect(b"+OK\r\n")
    c.send(encode_command("MSET", *["k%d" % i for i in range(20)]))
    c.expect(b"+OK\r\n")
    c.send(encode_command("ECHO", "x" * 20000))
    assert c.read_reply() == b"x" * 20000


def test_proto_max_bulk_len(server_factory):
    srv = server_factory.start()
    r = srv.client()
    r.config_set("proto-max-bulk-len", "1mb")
    assert r.config_get("proto-max-bulk-len") == {"proto-max-bulk-len": "1048576"}
    c = srv.raw()
    c.send(b"*2\r\n$4\r\nECHO\r\n$1048576\r\n" + b"a" * 1048576 + b"\r\n")
    assert c.read_reply() == b"a" * 1048576
    c.send(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
    assert c.read_all_until_close() == b"-ERR Protocol error: invalid bulk length\r\n"
    with pytest.raises(Exception, match="argument must be between"):
        r.config_set("proto-max-bulk-len", "1000")


def test_client_query_buffer_limit_closes_connection(server_factory):
    srv = server_factory.start()
    r = srv.client()
    r.config_set("client-query-buffer-limit", "1mb")
    c = srv.raw()
    # announce a 3 MB argument and send 2 MB of it: the buffer passes the limit
    c.send(b"*3\r\n$3\r\nSET\r\n$2\r\nqb\r\n$3000000\r\n")
    try:
        for _ in range(32):
            c.send(b"z" * 65536)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert c.is_closed(timeout=5)
    assert r.exists("qb") == 0
    assert r.ping()


# ---------------------------------------------------------------------------
# HELLO and RESP3
# ---------------------------------------------------------------------------


def test_hello3_reply_is_map(raw):
    raw.send(b"HELLO 3\r\n")
    data = raw.read_reply_bytes()
    assert data.startswith(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n")
    m = re.search(b"\\$5\r\nproto\r\n:3\r\n\\$2\r\nid\r\n:(\\d+)\r\n\\$4\r\nmode\r\n\\$10\r\nstandalone"
                  b"\r\n\\$4\r\nrole\r\n\\$6\r\nmaster\r\n\\$7\r\nmodules\r\n\\*0\r\n$", data)
    assert m, data
    # the id matches CLIENT ID
    raw.send(b"CLIENT ID\r\n")
    raw.expect(b":%s\r\n" % m.group(1))


def test_hello_fields(raw):
    reply = raw.call("HELLO", "3")
    assert list(reply.keys()) == HELLO_KEYS
    assert reply[b"server"] == b"redis"
    assert re.fullmatch(rb"\d+\.\d+\.\d+", reply[b"version"])
    assert reply[b"proto"] == 3
    assert reply[b"modules"] == []


def test_hello2_is_flat_array(raw):
    raw.send(b"HELLO 2\r\n")
    data = raw.read_reply_bytes()
    assert data.startswith(b"*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n")
    assert b"$5\r\nproto\r\n:2\r\n" in data


def test_hello_without_version_keeps_protocol(raw):
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"HELLO\r\n")
    data = raw.read_reply_bytes()
    assert data.startswith(b"%7\r\n") and b"proto\r\n:3\r\n" in data
    raw.send(b"HELLO 2\r\nHELLO\r\n")
    raw.read_reply_bytes()
    assert raw.read_reply_bytes().startswith(b"*14\r\n")


def test_hello_errors(raw):
    raw.send(b"HELLO 4\r\n")
    raw.expect(b"-NOPROTO unsupported protocol version\r\n")
    raw.send(b"HELLO 1\r\n")
    raw.expect(b"-NOPROTO unsupported protocol version\r\n")
    raw.send(b"HELLO abc\r\n")
    raw.expect(b"-ERR Protocol version is not an integer or out of range\r\n")
    raw.send(b"HELLO 3 FOO\r\n")
    raw.expect(b"-ERR Syntax error in HELLO option 'FOO'\r\n")
    raw.send(b"HELLO 3 AUTH default\r\n")
    raw.expect(b"-ERR Syntax error in HELLO option 'AUTH'\r\n")
    raw.send(b"HELLO 3 SETNAME\r\n")
    raw.expect(b"-ERR Syntax error in HELLO option 'SETNAME'\r\n")
    raw.send(b'HELLO 3 SETNAME "a b"\r\n')
    raw.expect(b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
    # nothing above switched the protocol
    raw.send(b"GET nokey\r\n")
    raw.expect(b"$-1\r\n")


def test_hello_setname(raw):
    raw.send(b"HELLO 3 SETNAME myname\r\n")
    raw.read_reply_bytes()
    raw.send(b"CLIENT GETNAME\r\n")
    raw.expect(b"$6\r\nmyname\r\n")


def test_hello_auth(server_factory):
    srv = server_factory.start("--requirepass", "pw")
    c = srv.raw()
    c.send(b"HELLO 3\r\n")
    # 7.0 says "HELLO AUTH <user> <pass>", 7.2 "HELLO <proto> AUTH <user> <pass>"
    line = c.recv_line()
    assert re.fullmatch(b"-NOAUTH HELLO must be called with the client already authenticated, "
                        b"otherwise the HELLO (<proto> )?AUTH <user> <pass> option can be used to "
                        b"authenticate the client and select the RESP protocol version at the same "
                        b"time\r\n", line), line
    c.send(b"HELLO 3 AUTH default wrong\r\n")
    c.expect(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    c.send(b"GET x\r\n")
    c.expect(b"-NOAUTH Authentication required.\r\n")
    c.send(b"HELLO 3 AUTH default pw SETNAME n1\r\n")
    assert c.read_reply_bytes().startswith(b"%7\r\n")
    c.send(b"GET x\r\nCLIENT GETNAME\r\n")
    c.expect(b"_\r\n$2\r\nn1\r\n")


def test_resp2_vs_resp3_null(raw):
    raw.send(b"GET nokey\r\n")
    raw.expect(b"$-1\r\n")
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"GET nokey\r\nMGET nokey\r\n")
    raw.expect(b"_\r\n*1\r\n_\r\n")


def test_resp3_config_get_is_map(raw):
    raw.send(b"CONFIG GET maxmemory\r\n")
    raw.expect(b"*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n")
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"CONFIG GET maxmemory\r\n")
    raw.expect(b"%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n")


def test_resp3_incrbyfloat_is_bulk(raw):
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"INCRBYFLOAT f 1.5\r\n")
    raw.expect(b"$3\r\n1.5\r\n")


def test_resp3_verbatim_info_and_client_info(raw):
    raw.send(b"CLIENT INFO\r\n")
    d2 = raw.read_reply_bytes()
    assert d2.startswith(b"$") and b"id=" in d2
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    for cmd in (b"CLIENT INFO\r\n", b"INFO server\r\n", b"CLIENT LIST\r\n"):
        raw.send(cmd)
        d3 = raw.read_reply_bytes()
        assert d3.startswith(b"="), d3[:40]
        hdr, rest = d3.split(b"\r\n", 1)
        assert rest.startswith(b"txt:")
        assert int(hdr[1:]) == len(rest) - 2


def test_resp3_command_docs_map(raw):
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"COMMAND DOCS get\r\n")
    d = raw.read_reply_bytes()
    assert d.startswith(b"%1\r\n$3\r\nget\r\n%")


def test_resp3_exists_and_scan_shapes(raw):
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"SET a 1\r\nEXISTS a\r\nSCAN 0 COUNT 1000\r\n")
    raw.expect(b"+OK\r\n:1\r\n*2\r\n$")
    # the cursor is an opaque bulk string, the keys a plain array (not a set)
    raw.recv_line()  # cursor length
    raw.recv_line()
    assert raw.read_reply_bytes() in (b"*0\r\n", b"*1\r\n$1\r\na\r\n")


# ---------------------------------------------------------------------------
# QUIT / RESET
# ---------------------------------------------------------------------------


def test_quit_replies_ok_and_closes(shared_server, r):
    c = shared_server.raw()
    c.send(b"QUIT\r\nSET after-quit 1\r\n")
    assert c.read_all_until_close() == b"+OK\r\n"
    c.close()
    assert r.exists("after-quit") == 0


def test_reset_restores_defaults(raw):
    raw.send(b"HELLO 3 SETNAME xx\r\n")
    raw.read_reply_bytes()
    raw.send(b"SELECT 3\r\nSET indb3 1\r\n")
    raw.expect(b"+OK\r\n+OK\r\n")
    raw.send(b"RESET\r\n")
    raw.expect(b"+RESET\r\n")
    # back to RESP2, db 0, no name
    raw.send(b"GET indb3\r\nCLIENT GETNAME\r\nSELECT 3\r\nEXISTS indb3\r\n")
    raw.expect(b"$-1\r\n$-1\r\n+OK\r\n:1\r\n")


def test_reset_discards_multi_and_reply_off(raw):
    raw.send(b"MULTI\r\nSET q 1\r\nRESET\r\nEXEC\r\nEXISTS q\r\n")
    raw.expect(b"+OK\r\n+QUEUED\r\n+RESET\r\n-ERR EXEC without MULTI\r\n:0\r\n")
    raw.send(b"CLIENT REPLY OFF\r\nPING\r\nRESET\r\nPING\r\n")
    raw.expect(b"+RESET\r\n+PONG\r\n")


def test_reset_deauthenticates(server_factory):
    srv = server_factory.start("--requirepass", "pw")
    c = srv.raw()
    c.send(b"AUTH pw\r\nPING\r\nRESET\r\nPING\r\n")
    c.expect(b"+OK\r\n+PONG\r\n+RESET\r\n-NOAUTH Authentication required.\r\n")
