"""Server and introspection commands (Redis tests/unit/introspection*.tcl, info.tcl,
latency-monitor.tcl, slowlog.tcl, auth.tcl, maxmemory.tcl)."""
import os
import re
import signal
import socket
import threading
import time

import pytest
import redis

from helpers import Err, encode_command, parse_info

SYNTAX = "ERR syntax error"


# ---------------------------------------------------------------------------
# PING ECHO TIME LASTSAVE
# ---------------------------------------------------------------------------


def test_ping_echo(raw):
    raw.send(b"PING\r\nPING hello\r\nECHO world\r\nECHO\r\nPING a b\r\n")
    raw.expect(b"+PONG\r\n$5\r\nhello\r\n$5\r\nworld\r\n")
    raw.expect(b"-ERR wrong number of arguments for 'echo' command\r\n")
    raw.expect(b"-ERR wrong number of arguments for 'ping' command\r\n")


def test_time(call):
    secs, usecs = call("TIME")
    assert abs(int(secs) - time.time()) < 60
    assert 0 <= int(usecs) < 1000000


def test_lastsave(call):
    ts = call("LASTSAVE")
    assert isinstance(ts, int) and abs(ts - time.time()) < 3600


# ---------------------------------------------------------------------------
# AUTH
# ---------------------------------------------------------------------------


def test_auth_without_password(call):
    assert call.err("AUTH", "foo") == (
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?")
    assert call.err("AUTH", "a", "b") == "WRONGPASS invalid username-password pair or user is disabled."


def test_requirepass(server_factory):
    srv = server_factory.start("--requirepass", "s3cret")
    c = srv.raw()
    c.send(b"GET a\r\nSET a 1\r\nPING\r\n")
    c.expect(b"-NOAUTH Authentication required.\r\n" * 3)
    c.send(b"AUTH wrong\r\n")
    c.expect(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    c.send(b"AUTH default wrong\r\n")
    c.expect(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    c.send(b"AUTH s3cret\r\nSET a 1\r\n")
    c.expect(b"+OK\r\n+OK\r\n")
    c2 = srv.raw()
    c2.send(b"AUTH default s3cret\r\nGET a\r\n")
    c2.expect(b"+OK\r\n$1\r\n1\r\n")
    # unknown command is reported before NOAUTH; QUIT works unauthenticated
    c3 = srv.raw()
    c3.send(b"NOSUCH\r\nGET\r\nQUIT\r\n")
    c3.expect(b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n")
    c3.expect(b"-ERR wrong number of arguments for 'get' command\r\n")
    c3.expect(b"+OK\r\n")
    # redis-py with the right password works
    assert srv.client(password="s3cret").get("a") == "1"


def test_requirepass_at_runtime(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    assert c.call("CONFIG", "SET", "requirepass", "pw") == b"OK"
    # the connection that set it stays authenticated, new ones are not
    assert c.call("PING") == b"PONG"
    c2 = srv.raw()
    assert c2.call("PING") == "NOAUTH Authentication required."
    assert c2.call("AUTH", "pw") == b"OK"
    assert c2.call("CONFIG", "SET", "requirepass", "") == b"OK"
    c3 = srv.raw()
    assert c3.call("PING") == b"PONG"


# ---------------------------------------------------------------------------
# CLIENT
# ---------------------------------------------------------------------------

CLIENT_LIST_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                      "multi", "qbuf", "qbuf-free", "argv-mem", "obl", "oll", "omem", "tot-mem",
                      "events", "cmd", "user", "resp"]


def _client_line_fields(line):
    return dict(kv.split("=", 1) for kv in line.split(" "))


def test_client_id_info_list(shared_server, call):
    cid = call("CLIENT", "ID")
    assert isinstance(cid, int) and cid > 0
    info = call("CLIENT", "INFO").decode()
    assert info.endswith("\n") and info.count("\n") == 1
    f = _client_line_fields(info.strip())
    for k in CLIENT_LIST_FIELDS:
        assert k in f, k
    assert f["id"] == str(cid)
    assert f["cmd"] == "client|info"
    assert f["laddr"] == "127.0.0.1:%d" % shared_server.port
    assert f["db"] == "0" and f["resp"] == "2" and f["user"] == "default"
    lst = call("CLIENT", "LIST").decode()
    lines = [l for l in lst.split("\n") if l]
    ids = [_client_line_fields(l)["id"] for l in lines]
    assert str(cid) in ids
    mine = [l for l in lines if _client_line_fields(l)["id"] == str(cid)][0]
    assert _client_line_fields(mine)["cmd"] == "client|list"
    only = call("CLIENT", "LIST", "ID", str(cid)).decode().strip()
    assert _client_line_fields(only)["id"] == str(cid)
    assert call("CLIENT", "LIST", "TYPE", "normal").decode().count("\n") == len(lines)
    assert call.err("CLIENT", "LIST", "ID", "abc") == "ERR Invalid client ID"
    assert call.err("CLIENT", "LIST", "TYPE", "foo") == "ERR Unknown client type 'foo'"


def test_client_setname_getname(call):
    assert call("CLIENT", "GETNAME") is None
    assert call("CLIENT", "SETNAME", "my-conn") == b"OK"
    assert call("CLIENT", "GETNAME") == b"my-conn"
    assert b"name=my-conn " in call("CLIENT", "INFO")
    assert call.err("CLIENT", "SETNAME", "a b") == \
        "ERR Client names cannot contain spaces, newlines or special characters."
    assert call.err("CLIENT", "SETNAME", "a\nb") == \
        "ERR Client names cannot contain spaces, newlines or special characters."
    assert call("CLIENT", "SETNAME", "") == b"OK"
    assert call("CLIENT", "GETNAME") is None


def test_client_kill_forms(shared_server, call):
    def victim():
        c = shared_server.raw()
        cid = c.call("CLIENT", "ID")
        info = _client_line_fields(c.call("CLIENT", "INFO").decode().strip())
        return c, cid, info["addr"]

    # old form: CLIENT KILL addr:port
    v, cid, addr = victim()
    assert call("CLIENT", "KILL", addr) == b"OK"
    assert v.is_closed()
    assert call.err("CLIENT", "KILL", "1.2.3.4:5") == "ERR No such client"
    # ID
    v, cid, addr = victim()
    assert call("CLIENT", "KILL", "ID", str(cid)) == 1
    assert v.is_closed()
    assert call("CLIENT", "KILL", "ID", "999999999") == 0
    # ADDR
    v, cid, addr = victim()
    assert call("CLIENT", "KILL", "ADDR", addr) == 1
    assert v.is_closed()
    # LADDR kills every client connected to that local address except me (SKIPME yes default)
    v, cid, addr = victim()
    n = call("CLIENT", "KILL", "LADDR", "127.0.0.1:%d" % shared_server.port)
    assert n >= 1
    assert v.is_closed()
    assert call("PING") == b"PONG"
    # SKIPME no: may kill the caller itself
    me = call("CLIENT", "ID")
    assert call("CLIENT", "KILL", "ID", str(me), "SKIPME", "yes") == 0
    assert call.err("CLIENT", "KILL", "FOO", "bar") == SYNTAX
    assert call.err("CLIENT", "KILL", "SKIPME", "maybe") == SYNTAX
    assert call.err("CLIENT", "KILL", "ID", "abc") == "ERR client-id should be greater than 0"


def test_client_kill_skipme_no(shared_server):
    c = shared_server.raw()
    me = c.call("CLIENT", "ID")
    c.send(encode_command("CLIENT", "KILL", "ID", str(me), "SKIPME", "no"))
    assert c.read_all_until_close() == b":1\r\n"


def test_client_pause_write(shared_server, call):
    other = shared_server.raw()
    try:
        assert call("CLIENT", "PAUSE", "20000", "WRITE") == b"OK"
        other.send(b"GET k\r\n")
        other.expect(b"$-1\r\n")          # reads are served
        other.send(b"SET k v\r\n")        # writes wait
        assert not _reply_within(other, 0.3)
        assert call("CLIENT", "UNPAUSE") == b"OK"
        other.expect(b"+OK\r\n")
    finally:
        call("CLIENT", "UNPAUSE")
        other.close()


def test_client_pause_all(shared_server, call):
    other = shared_server.raw()
    try:
        # in ALL mode even CLIENT UNPAUSE waits, so let the pause time out
        assert call("CLIENT", "PAUSE", "3000") == b"OK"
        other.send(b"PING\r\n")
        assert not _reply_within(other, 0.3)
        other.expect(b"+PONG\r\n", timeout=15)
        assert call("PING") == b"PONG"
    finally:
        other.close()


def test_client_pause_expires(shared_server, call):
    other = shared_server.raw()
    try:
        call("CLIENT", "PAUSE", "100", "WRITE")
        other.send(b"SET k v\r\n")
        other.expect(b"+OK\r\n", timeout=10)  # released by the timeout alone
    finally:
        other.close()


def _reply_within(conn, seconds):
    """True if any byte arrives within `seconds` (used only to check that a
    paused client gets nothing)."""
    conn.sock.settimeout(seconds)
    try:
        data = conn.sock.recv(1, socket.MSG_PEEK)
        return bool(data)
    except socket.timeout:
        return False
    finally:
        conn.sock.settimeout(conn.timeout)


def test_client_pause_errors(call):
    assert call.err("CLIENT", "PAUSE", "abc") == "ERR timeout is not an integer or out of range"
    assert call.err("CLIENT", "PAUSE", "10", "FOO") == "ERR CLIENT PAUSE mode must be WRITE or ALL"


def test_client_reply(raw):
    raw.send(b"CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nCLIENT REPLY ON\r\n")
    raw.expect(b"+OK\r\n")
    raw.send(b"CLIENT REPLY SKIP\r\nSET b 2\r\nGET b\r\n")
    raw.expect(b"$1\r\n2\r\n")
    raw.send(b"CLIENT REPLY FOO\r\n")
    raw.expect(b"-ERR syntax error\r\n")
    raw.send(b"GET a\r\n")
    raw.expect(b"$1\r\n1\r\n")


def test_client_no_evict(call):
    assert call("CLIENT", "NO-EVICT", "on") == b"OK"
    assert b"flags=e" in call("CLIENT", "INFO")
    assert call("CLIENT", "NO-EVICT", "off") == b"OK"
    assert call.err("CLIENT", "NO-EVICT", "maybe") == SYNTAX


@pytest.mark.petrel_only  # CLIENT NO-TOUCH is a 7.2 command; redis 7.0.15 lacks it
def test_client_no_touch(call):
    call("SET", "k", "v")
    assert call("CLIENT", "NO-TOUCH", "on") == b"OK"
    assert b"flags=T" in call("CLIENT", "INFO")
    call("GET", "k")
    assert call("CLIENT", "NO-TOUCH", "off") == b"OK"
    assert call.err("CLIENT", "NO-TOUCH", "maybe") == SYNTAX


def test_client_unknown_subcommand(call):
    assert call.err("CLIENT", "FOO") == "ERR unknown subcommand 'FOO'. Try CLIENT HELP."


# ---------------------------------------------------------------------------
# COMMAND
# ---------------------------------------------------------------------------


def test_command_count_and_list(call):
    n = call("COMMAND", "COUNT")
    assert isinstance(n, int) and n > 150
    names = call("COMMAND", "LIST")
    assert len(names) >= n  # COMMAND LIST also names subcommands (config|get ...)
    assert b"config|get" in names
    for c in (b"get", b"set", b"mset", b"command", b"client", b"config", b"ping"):
        assert c in names
    assert sorted(call("COMMAND", "LIST", "FILTERBY", "PATTERN", "getr*")) == [b"getrange"]
    assert b"pfadd" in call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "hyperloglog")
    assert call.err("COMMAND", "LIST", "FOO") == SYNTAX


def test_command_info_shape(call):
    reply = call("COMMAND", "INFO", "get", "mset", "nosuchcmd")
    assert len(reply) == 3
    get, mset, missing = reply
    assert missing is None
    assert len(get) == 10
    assert get[0] == b"get" and get[1] == 2
    assert set(get[2]) >= {b"readonly", b"fast"}
    assert get[3:6] == [1, 1, 1]
    assert b"@string" in get[6] and b"@read" in get[6]
    assert get[9] == []  # no subcommands
    assert mset[0] == b"mset" and mset[1] == -3 and mset[3:6] == [1, -1, 2]
    # container command lists its subcommands
    cfg = call("COMMAND", "INFO", "config")[0]
    subs = {s[0] for s in cfg[9]}
    assert {b"config|get", b"config|set", b"config|rewrite", b"config|resetstat"} <= subs


def test_command_docs_shape(call):
    docs = call("COMMAND", "DOCS", "get")
    assert docs[0] == b"get"
    d = dict(zip(docs[1][::2], docs[1][1::2]))
    # petrel ships no prose docs: the summary is a string (Redis: "Get the value of a key")
    assert isinstance(d[b"summary"], bytes)
    assert d[b"since"] == b"1.0.0"
    assert d[b"group"] == b"string"
    assert b"arguments" in d
    assert call("COMMAND", "DOCS", "nosuchcmd") == []


def test_command_getkeys(call):
    assert call("COMMAND", "GETKEYS", "get", "a") == [b"a"]
    assert call("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2") == [b"a", b"b"]
    assert call("COMMAND", "GETKEYS", "set", "k", "v", "EX", "10") == [b"k"]
    assert call.err("COMMAND", "GETKEYS", "nosuch", "a") == "ERR Invalid command specified"
    assert call.err("COMMAND", "GETKEYS", "ping", "a") == "ERR The command has no key arguments"
    assert call.err("COMMAND", "GETKEYS", "get", "a", "b") == \
        "ERR Invalid number of arguments specified for command"


def test_command_without_args(call):
    reply = call("COMMAND")
    assert len(reply) == call("COMMAND", "COUNT")
    assert any(c[0] == b"get" for c in reply)


# ---------------------------------------------------------------------------
# CONFIG
# ---------------------------------------------------------------------------


def test_config_get_patterns(call):
    assert call("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]
    m = call("CONFIG", "GET", "maxmemory*")
    d = dict(zip(m[::2], m[1::2]))
    assert {b"maxmemory", b"maxmemory-policy", b"maxmemory-samples"} <= set(d)
    m = call("CONFIG", "GET", "maxmemory", "databases")
    assert dict(zip(m[::2], m[1::2])) == {b"maxmemory": b"0", b"databases": b"16"}
    assert call("CONFIG", "GET", "nosuch") == []
    bind = dict(zip(*[iter(call("CONFIG", "GET", "bind"))] * 2))
    assert bind[b"bind"] == b"127.0.0.1"


def test_config_set(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    assert c.call("CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lru") == b"OK"
    assert c.call("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"10485760"]
    assert c.call("CONFIG", "SET", "maxmemory", "1GB") == b"OK"
    assert c.call("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"1073741824"]
    assert c.call("CONFIG", "SET", "nosuch", "1") == \
        "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    assert c.call("CONFIG", "SET", "maxmemory", "abc") == \
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"
    assert c.call("CONFIG", "SET", "port", "abc") == \
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"
    assert c.call("CONFIG", "SET", "daemonize", "yes") == \
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"
    assert c.call("CONFIG", "SET", "maxmemory", "1mb", "maxmemory", "2mb") == \
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"
    # multi-parameter CONFIG SET is atomic: a bad value leaves the others alone
    assert c.call("CONFIG", "SET", "maxmemory", "5mb", "maxmemory-policy", "bogus").startswith(
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')")
    assert c.call("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"1073741824"]
    assert c.call("CONFIG", "SET", "maxmemory-policy", "BOGUS").startswith("ERR CONFIG SET failed")
    assert c.call("CONFIG", "SET", "maxmemory") == \
        "ERR wrong number of arguments for 'config|set' command"


def test_config_resetstat(server_factory):
    srv = server_factory.start()
    r = srv.client()
    r.set("a", 1)
    r.get("a")
    r.get("nokey")
    try:
        r.execute_command("NOSUCH")
    except redis.ResponseError:
        pass
    st = r.info("stats")
    assert st["keyspace_hits"] == 1 and st["keyspace_misses"] == 1
    assert st["total_error_replies"] >= 1
    assert r.config_resetstat() is True
    st = r.info("stats")
    assert st["keyspace_hits"] == 0 and st["keyspace_misses"] == 0
    assert st["total_error_replies"] == 0
    cs = r.info("commandstats")
    assert "cmdstat_get" not in cs and "cmdstat_set" not in cs
    assert r.info("errorstats") == {}


CONFIG_WITH_COMMENTS = """# petrel test configuration
# a comment that must survive CONFIG REWRITE

maxmemory 1mb   
# another comment
loglevel notice
"""


def test_config_rewrite_keeps_comments(server_factory):
    srv = server_factory.start(config=CONFIG_WITH_COMMENTS)
    c = srv.raw()
    assert c.call("CONFIG", "SET", "maxmemory", "10mb") == b"OK"
    assert c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == b"OK"
    assert c.call("CONFIG", "REWRITE") == b"OK"
    with open(srv.config_file) as f:
        text = f.read()
    assert "# petrel test configuration" in text
    assert "# a comment that must survive CONFIG REWRITE" in text
    assert "# another comment" in text
    assert re.search(r"^maxmemory 10mb$", text, re.M), text
    assert re.search(r"^maxmemory-policy allkeys-lru$", text, re.M), text
    assert re.search(r"^loglevel notice$", text, re.M), text
    assert "maxmemory 1mb" not in text
    # the rewritten file is valid: restart from it
    srv.stop()
    srv2 = server_factory.start(config=text)
    assert srv2.raw().call("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"10485760"]


def test_config_rewrite_without_file(call):
    assert call.err("CONFIG", "REWRITE") == "ERR The server is running without a config file"


def test_config_unknown_subcommand(call):
    assert call.err("CONFIG", "FOO") == "ERR unknown subcommand 'FOO'. Try CONFIG HELP."


# ---------------------------------------------------------------------------
# INFO
# ---------------------------------------------------------------------------

INFO_FIELDS = {
    "server": ["redis_version", "redis_mode", "os", "arch_bits", "process_id", "run_id", "tcp_port",
               "uptime_in_seconds", "uptime_in_days", "hz", "executable", "config_file"],
    "clients": ["connected_clients", "blocked_clients", "maxclients"],
    "memory": ["used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak", "maxmemory",
               "maxmemory_human", "maxmemory_policy", "mem_fragmentation_ratio"],
    "persistence": ["loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
                    "rdb_last_save_time", "rdb_last_bgsave_status", "aof_enabled", "aof_rewrite_in_progress"],
    "stats": ["total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
              "rejected_connections", "expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses",
              "total_error_replies", "total_net_input_bytes", "total_net_output_bytes"],
    "replication": ["role", "connected_slaves", "master_replid", "master_replid2", "master_repl_offset",
                    "repl_backlog_active"],
    "cpu": ["used_cpu_sys", "used_cpu_user"],
}


def _raw_info(r, *sections):
    """INFO text as str (redis-py would parse it into a dict)."""
    conn = r.connection_pool.get_connection("INFO")
    try:
        conn.send_command("INFO", *sections)
        return conn.read_response()
    finally:
        r.connection_pool.release(conn)


def test_info_default_sections(shared_server, r):
    text = _raw_info(r)
    sections, flat = parse_info(text)
    for s in ("server", "clients", "memory", "persistence", "stats", "replication", "cpu",
              "errorstats", "keyspace"):
        assert s in sections, (s, list(sections))
    assert "commandstats" not in sections
    for sec, fields in INFO_FIELDS.items():
        for f in fields:
            assert f in sections[sec], (sec, f)
    assert sections["server"]["tcp_port"] == str(shared_server.port)
    assert sections["server"]["process_id"] == str(shared_server.pid)
    assert sections["server"]["redis_mode"] == "standalone"
    assert re.fullmatch(r"\d+\.\d+\.\d+", sections["server"]["redis_version"])
    assert re.fullmatch(r"[0-9a-f]{40}", sections["server"]["run_id"])
    assert sections["replication"]["role"] == "master"
    assert re.fullmatch(r"[0-9a-f]{40}", sections["replication"]["master_replid"])
    assert int(sections["memory"]["used_memory"]) > 0
    assert sections["memory"]["maxmemory_policy"] == "noeviction"
    assert sections["persistence"]["loading"] == "0"
    assert int(sections["clients"]["connected_clients"]) >= 1


def test_info_all_and_everything(r):
    sections, _ = parse_info(_raw_info(r, "everything"))
    assert "commandstats" in sections
    sections, _ = parse_info(_raw_info(r, "all"))
    assert "commandstats" in sections


def test_info_single_and_multiple_sections(r):
    sections, _ = parse_info(_raw_info(r, "server"))
    assert list(sections) == ["server"]
    sections, _ = parse_info(_raw_info(r, "CLIENTS", "memory"))
    assert set(sections) == {"clients", "memory"}
    assert _raw_info(r, "nosuchsection") == ""


def test_info_commandstats(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    c.call("SET", "a", "1")
    c.call("SET", "b", "1")
    c.call("GET", "a")
    c.call("CONFIG", "GET", "maxmemory")
    c.call("SET", "a")  # rejected: arity
    c.call("INCR", "a")
    c.call("SET", "s", "x")
    c.call("INCR", "s")  # failed
    sections, _ = parse_info(c.call("INFO", "commandstats"))
    cs = sections["commandstats"]
    assert re.fullmatch(r"calls=3,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0",
                        cs["cmdstat_set"]), cs["cmdstat_set"]
    assert cs["cmdstat_get"].startswith("calls=1,")
    assert cs["cmdstat_incr"].startswith("calls=2,") and cs["cmdstat_incr"].endswith("failed_calls=1")
    assert cs["cmdstat_config|get"].startswith("calls=1,")


def test_info_errorstats(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    c.call("NOSUCH")
    c.call("SET", "a", "x")
    c.call("INCR", "a")
    c.call("LPUSH", "l", "x")
    c.call("GET", "l")
    sections, flat = parse_info(c.call("INFO", "errorstats"))
    es = sections["errorstats"]
    assert es["errorstat_ERR"] == "count=2"
    assert es["errorstat_WRONGTYPE"] == "count=1"
    _, flat = parse_info(c.call("INFO", "stats"))
    assert flat["total_error_replies"] == "3"


def test_info_keyspace_format(r):
    r.mset({"a": 1, "b": 2, "c": 3})
    r.expire("a", 1000)
    text = _raw_info(r, "keyspace")
    m = re.search(r"^db0:keys=3,expires=1,avg_ttl=(\d+)\r?$", text, re.M)
    assert m, text
    assert int(m.group(1)) <= 1000000
    r.flushall()
    assert "db0:" not in _raw_info(r, "keyspace")


def test_info_stats_counters(server_factory):
    srv = server_factory.start()
    r = srv.client()
    r.set("a", 1)
    r.get("a")
    r.get("a")
    r.get("nokey")
    st = r.info("stats")
    assert st["keyspace_hits"] == 2
    assert st["keyspace_misses"] == 1
    assert st["total_connections_received"] >= 1
    assert st["total_commands_processed"] >= 4


# ---------------------------------------------------------------------------
# DEBUG
# ---------------------------------------------------------------------------

DEBUG_DISABLED = ("ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                  "\"local\", you can run it from a local connection, otherwise you need to set this "
                  "option in the configuration file, and then restart the server.")


def test_debug_disabled_by_default(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    assert c.call("DEBUG", "SLEEP", "0") == DEBUG_DISABLED
    assert c.call("DEBUG", "PROTOCOL", "string") == DEBUG_DISABLED
    assert c.call("CONFIG", "GET", "enable-debug-command") == [b"enable-debug-command", b"no"]


def test_debug_local(server_factory):
    srv = server_factory.start("--enable-debug-command", "local")
    assert srv.raw().call("DEBUG", "SLEEP", "0") == b"OK"


def test_debug_basic(call):
    assert call("DEBUG", "SLEEP", "0") == b"OK"
    assert call("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"OK"
    assert call("DEBUG", "CHANGE-REPL-ID") == b"OK"
    assert call.err("DEBUG", "FOO") == \
        "ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP."


def test_debug_digest(call):
    assert call("DEBUG", "DIGEST") == b"0" * 40
    call("SET", "a", "1")
    d1 = call("DEBUG", "DIGEST")
    assert re.fullmatch(rb"[0-9a-f]{40}", d1) and d1 != b"0" * 40
    call("SET", "b", "2")
    d2 = call("DEBUG", "DIGEST")
    assert d2 != d1
    call("DEL", "b")
    assert call("DEBUG", "DIGEST") == d1  # depends on content only
    vals = call("DEBUG", "DIGEST-VALUE", "a", "nokey")
    assert len(vals) == 2 and vals[1] == b"0" * 40
    assert re.fullmatch(rb"[0-9a-f]{40}", vals[0]) and vals[0] != b"0" * 40
    # same value, same digest, whatever the key name
    call("SET", "c", "1")
    assert call("DEBUG", "DIGEST-VALUE", "c") == [vals[0]]


def test_role_wait_and_cluster_commands_standalone(call, r, shared_server):
    # a master without replicas
    assert call("ROLE") == [b"master", 0, []]
    assert call("WAIT", "0", "0") == 0
    t0 = time.time()
    assert call("WAIT", "1", "100") == 0            # nobody acknowledges: the timeout
    assert time.time() - t0 >= 0.09
    assert call.err("WAIT", "x", "0") == "ERR value is not an integer or out of range"
    assert call.err("WAIT", "1", "-1") == "ERR timeout is negative"
    # WAIT 1 0 blocks for ever: CLIENT UNBLOCK ends it with 0
    other = shared_server.client()
    cid = other.client_id()
    out = []
    t = threading.Thread(target=lambda: out.append(other.execute_command("WAIT", "1", "0")))
    t.start()
    deadline = time.time() + 5
    while r.execute_command("CLIENT", "UNBLOCK", cid) != 1 and time.time() < deadline:
        time.sleep(0.02)
    t.join(5)
    assert out == [0]
    for cmd in ("READONLY", "READWRITE", "ASKING"):
        assert call.err(cmd) == "ERR This instance has cluster support disabled"


@pytest.mark.needs_types
def test_debug_digest_every_type_matches_redis(call):
    """Digests of every type equal redis-server 7.0's (the values below are
    what it returns), so datasets can be compared across servers."""
    for cmd in [("RPUSH", "l", "a", "1", "-5", "x" * 60), ("SADD", "si", "1", "2", "-7"),
                ("SADD", "ss", "a", "b", "1"), ("ZADD", "zl", "1", "a", "1.5", "b", "-inf", "e", "0.1", "g"),
                ("ZADD", "zs", "2", "x" * 100, "3.25", "y"), ("HSET", "hl", "f", "v", "n", "12"),
                ("HSET", "hh", "f" * 80, "v", "a", "b"), ("XADD", "st", "1-1", "a", "1", "b", "2"),
                ("XADD", "st", "2-5", "a", "3"), ("XADD", "st", "3-0", "zz", "9"), ("XDEL", "st", "2-5"),
                ("SET", "t", "x", "EX", "1000")]:
        call(*cmd)
    want = {"l": "71421b68880a9f7166d948ef26db08a8ab73ca7d", "si": "0bc6c934bcc49816fec54c8fac122223ca7ce47c",
            "ss": "e8f32bbb1ad9bf537c8867de4f19fec9e001296d", "zl": "578e4cb02191d945c73139ceda88355bea9ecbdd",
            "zs": "ac6ba865a8942a79db7053a8dd7688d36d785f1c", "hl": "76d7ce7d8cb69c65ddb54b94589fa9396351461b",
            "hh": "b9425ae1304729a35464e815868137a173c730b5", "st": "1256fbe8f4e9aed0686085b1f9072aa684bc4296",
            "t": "0745672cb1bf060476eedeb8a28f5ffe1ff5a2be"}
    got = call("DEBUG", "DIGEST-VALUE", *want)
    assert dict(zip(want, [g.decode() for g in got])) == want
    assert call("DEBUG", "DIGEST") == b"327d0eb81558f22173b00f81454ca3e76c1f3e5e"


def test_debug_object(call):
    call("SET", "a", "hello")
    line = call("DEBUG", "OBJECT", "a").decode()
    assert re.match(r"Value at:\S+ refcount:1 encoding:embstr serializedlength:\d+ lru:\d+ "
                    r"lru_seconds_idle:\d+", line), line
    assert call.err("DEBUG", "OBJECT", "nokey") == "ERR no such key"


DEBUG_PROTOCOL = [
    ("string", b"$11\r\nHello World\r\n", b"$11\r\nHello World\r\n"),
    ("integer", b":12345\r\n", b":12345\r\n"),
    ("double", b"$5\r\n3.141\r\n", b",3.141\r\n"),
    ("bignum", b"$37\r\n1234567999999999999999999999999999999\r\n",
     b"(1234567999999999999999999999999999999\r\n"),
    ("null", b"$-1\r\n", b"_\r\n"),
    ("array", b"*3\r\n:0\r\n:1\r\n:2\r\n", b"*3\r\n:0\r\n:1\r\n:2\r\n"),
    ("set", b"*3\r\n:0\r\n:1\r\n:2\r\n", b"~3\r\n:0\r\n:1\r\n:2\r\n"),
    ("map", b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
     b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
    ("attrib", b"$39\r\nSome real reply following the attribute\r\n",
     b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
     b"$39\r\nSome real reply following the attribute\r\n"),
    ("verbatim", b"$25\r\nThis is a verbatim\nstring\r\n", b"=29\r\ntxt:This is a verbatim\nstring\r\n"),
    ("true", b":1\r\n", b"#t\r\n"),
    ("false", b":0\r\n", b"#f\r\n"),
]


@pytest.mark.parametrize("typ,resp2,resp3", DEBUG_PROTOCOL, ids=[p[0] for p in DEBUG_PROTOCOL])
def test_debug_protocol(raw, typ, resp2, resp3):
    raw.send(encode_command("DEBUG", "PROTOCOL", typ))
    raw.expect(resp2)
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(encode_command("DEBUG", "PROTOCOL", typ))
    raw.expect(resp3)
    assert raw.buf == b""


def test_debug_protocol_push(raw):
    raw.send(b"DEBUG PROTOCOL push\r\n")
    raw.expect(b"-ERR RESP2 is not supported by this command\r\n")
    raw.send(b"HELLO 3\r\n")
    raw.read_reply_bytes()
    raw.send(b"DEBUG PROTOCOL push\r\nPING\r\n")
    push = b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
    reply = b"$40\r\nSome real reply following the push reply\r\n"
    got = raw.recv_exact(len(push) + len(reply))
    # 7.0 sends the push first, 7.2 after the reply (resp.md 5.1)
    assert got in (push + reply, reply + push), got
    raw.expect(b"+PONG\r\n")


def test_debug_protocol_bad_type(call):
    assert call.err("DEBUG", "PROTOCOL", "foo") == (
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")


@pytest.mark.petrel_only  # DEBUG STRINGMATCH-LEN is 7.2; 7.0.15 has STRINGMATCH-TEST
def test_debug_stringmatch_len(call):
    rep = call("DEBUG", "STRINGMATCH-LEN")
    assert not isinstance(rep, Err), rep


def test_pathological_glob_is_bounded(call):
    call("SET", "a" * 60, "1")
    assert call("KEYS", "a*" * 30 + "b") == []


# ---------------------------------------------------------------------------
# SLOWLOG / LATENCY
# ---------------------------------------------------------------------------


def test_slowlog(server_factory):
    srv = server_factory.start("--slowlog-log-slower-than", "0", "--slowlog-max-len", "128")
    c = srv.raw()
    c.call("CLIENT", "SETNAME", "slowpoke")
    assert c.call("SLOWLOG", "RESET") == b"OK"
    c.call("SET", "foo", "bar")
    c.call("GET", "foo")
    entries = c.call("SLOWLOG", "GET", "-1")
    cmds = [e[3] for e in entries]
    assert [b"GET", b"foo"] in cmds and [b"SET", b"foo", b"bar"] in cmds
    e = entries[cmds.index([b"SET", b"foo", b"bar"])]
    assert len(e) == 6
    eid, ts, dur, args, addr, name = e
    assert isinstance(eid, int) and isinstance(ts, int) and isinstance(dur, int)
    assert abs(ts - time.time()) < 3600
    assert re.fullmatch(rb"127\.0\.0\.1:\d+", addr)
    assert name == b"slowpoke"
    # newest first, ids increasing
    ids = [x[0] for x in entries]
    assert ids == sorted(ids, reverse=True)
    assert len(c.call("SLOWLOG", "GET", "1")) == 1
    assert c.call("SLOWLOG", "LEN") >= 2
    assert c.call("SLOWLOG", "RESET") == b"OK"
    assert c.call("SLOWLOG", "LEN") <= 1
    assert c.call("SLOWLOG", "GET", "-2") == "ERR count should be greater than or equal to -1"
    assert c.call("SLOWLOG", "FOO") == "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP."


def test_slowlog_truncates_arguments(server_factory):
    srv = server_factory.start("--slowlog-log-slower-than", "0")
    c = srv.raw()
    c.call("SLOWLOG", "RESET")
    c.call("MSET", *["k%d" % i for i in range(40)])
    c.call("SET", "big", "x" * 200)
    entries = c.call("SLOWLOG", "GET", "-1")
    mset = [e for e in entries if e[3][0] == b"MSET"][0][3]
    assert len(mset) == 32 and mset[-1] == b"... (10 more arguments)"
    big = [e for e in entries if e[3][:2] == [b"SET", b"big"]][0][3]
    assert big[2] == b"x" * 128 + b"... (72 more bytes)"


def test_slowlog_disabled_with_negative(server_factory):
    srv = server_factory.start("--slowlog-log-slower-than", "-1")
    c = srv.raw()
    c.call("SET", "a", "1")
    assert c.call("SLOWLOG", "LEN") == 0


def test_latency(server_factory):
    srv = server_factory.start("--enable-debug-command", "yes", "--latency-monitor-threshold", "1")
    c = srv.raw()
    assert c.call("LATENCY", "LATEST") == []
    assert c.call("LATENCY", "HISTORY", "command") == []
    c.call("DEBUG", "SLEEP", "0.05")
    latest = c.call("LATENCY", "LATEST")
    ev = [e for e in latest if e[0] == b"command"]
    assert ev, latest
    name, ts, last, mx = ev[0]
    assert abs(ts - time.time()) < 3600 and last >= 1 and mx >= last
    hist = c.call("LATENCY", "HISTORY", "command")
    assert len(hist) >= 1 and len(hist[0]) == 2
    assert c.call("LATENCY", "RESET") >= 1
    assert c.call("LATENCY", "LATEST") == []
    assert c.call("LATENCY", "RESET", "nosuch") == 0
    assert c.call("LATENCY", "FOO") == "ERR unknown subcommand 'FOO'. Try LATENCY HELP."


# ---------------------------------------------------------------------------
# MONITOR
# ---------------------------------------------------------------------------


def test_monitor(shared_server, call):
    mon = shared_server.raw()
    try:
        mon.send(b"MONITOR\r\n")
        mon.expect(b"+OK\r\n")
        call("SET", "monkey", "v a l")
        call("GET", "monkey")
        line1 = mon.recv_line()
        line2 = mon.recv_line()
        assert re.fullmatch(rb'\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "monkey" "v a l"\r\n', line1), line1
        assert re.fullmatch(rb'\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "GET" "monkey"\r\n', line2), line2
        call("SELECT", "2")
        call("SET", "x", b"\x01\n\"")
        call("SELECT", "0")
        lines = [mon.recv_line() for _ in range(3)]
        assert lines[0].endswith(b'"SELECT" "2"\r\n')
        assert re.fullmatch(rb'\+\d+\.\d{6} \[2 127\.0\.0\.1:\d+\] "SET" "x" "\\x01\\n\\""\r\n', lines[1]), lines[1]
    finally:
        mon.close()


# ---------------------------------------------------------------------------
# SHUTDOWN / SIGTERM
# ---------------------------------------------------------------------------


def test_shutdown_nosave(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    c.send(b"SHUTDOWN NOSAVE\r\n")
    assert c.read_all_until_close(timeout=10) == b""
    assert srv.wait_exit(10) == 0


def test_shutdown_syntax_error(call):
    assert call.err("SHUTDOWN", "FOO") == SYNTAX


def test_sigterm_exits_cleanly(server_factory):
    srv = server_factory.start()
    srv.client().set("a", 1)
    os.kill(srv.pid, signal.SIGTERM)
    assert srv.wait_exit(10) == 0


# ---------------------------------------------------------------------------
# FUNCTION (empty set)
# ---------------------------------------------------------------------------


def test_function_empty(call):
    assert call("FUNCTION", "FLUSH") == b"OK"
    assert call("FUNCTION", "LIST") == []
    stats = call("FUNCTION", "STATS")
    d = dict(zip(stats[::2], stats[1::2]))
    assert d[b"running_script"] is None
    engines = dict(zip(d[b"engines"][::2], d[b"engines"][1::2]))
    assert engines[b"LUA"] == [b"libraries_count", 0, b"functions_count", 0]
    assert call("FUNCTION", "FLUSH", "ASYNC") == b"OK"
    assert call("FUNCTION", "FLUSH", "SYNC") == b"OK"
    assert call.err("FUNCTION", "FLUSH", "FOO") == "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"


# ---------------------------------------------------------------------------
# maxmemory
# ---------------------------------------------------------------------------


def test_maxmemory_noeviction_oom(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    c.call("SET", "pre", "1")
    assert c.call("CONFIG", "SET", "maxmemory", "1") == b"OK"
    oom = "OOM command not allowed when used memory > 'maxmemory'."
    assert c.call("SET", "a", "1") == oom
    assert c.call("APPEND", "pre", "x") == oom
    # reads and deletes are still allowed
    assert c.call("GET", "pre") == b"1"
    assert c.call("DEL", "pre") == 1
    assert c.call("CONFIG", "SET", "maxmemory", "0") == b"OK"
    assert c.call("SET", "a", "1") == b"OK"


def test_maxmemory_allkeys_lru_evicts(server_factory):
    srv = server_factory.start("--maxmemory-policy", "allkeys-lru")
    r = srv.client()
    used = r.info("memory")["used_memory"]
    r.config_set("maxmemory", used + 4 * 1024 * 1024)
    pipe = r.pipeline(transaction=False)
    val = "x" * 1000
    for i in range(20000):
        pipe.set("ev:%d" % i, val)
        if i % 1000 == 999:
            pipe.execute()
    pipe.execute()
    n = r.dbsize()
    assert 0 < n < 20000
    assert r.info("stats")["evicted_keys"] > 0
    assert r.info("memory")["used_memory"] <= used + 6 * 1024 * 1024
    assert r.get("ev:19999") == val  # the newest survives


def test_latency_histogram(call):
    call("CONFIG", "RESETSTAT")
    for i in range(50):
        call("SET", "lh%d" % i, "v")
    call("CONFIG", "GET", "maxmemory")
    labels = {(1032 * 2 ** k - 1) // 1000 for k in range(32)}   # 1, 2, 4, 8, 16, 33, 66, ...

    def as_dict(flat):
        return dict(zip(flat[::2], flat[1::2]))
    rep = as_dict(call("LATENCY", "HISTOGRAM", "set", "config", "nosuch", "lpush"))
    # only commands with calls (RESETSTAT counts itself after the reset)
    assert set(rep) == {b"set", b"config|get", b"config|resetstat"}
    s = as_dict(rep[b"set"])
    assert s[b"calls"] == 50
    h = s[b"histogram_usec"]
    bounds, cum = h[::2], h[1::2]
    assert set(bounds) <= labels and bounds == sorted(bounds)
    assert cum == sorted(cum) and cum[-1] == 50
    assert as_dict(rep[b"config|get"])[b"calls"] == 1
    everything = as_dict(call("LATENCY", "HISTOGRAM"))
    assert b"set" in everything and b"latency|histogram" in everything
    call("CONFIG", "RESETSTAT")
    assert b"set" not in as_dict(call("LATENCY", "HISTOGRAM"))
