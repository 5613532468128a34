"""Listeners and connection limits: unix sockets, several binds, timeout,
maxclients, protected mode, many clients."""
import os
import stat

import pytest

from conftest import ipv6_loopback_available
from helpers import ConnectionClosed, RawConn, encode_command, parse_info, wait_for


def test_unixsocket_and_perm(server_factory):
    srv = server_factory.start("--unixsocketperm", "700", unixsocket=True)
    st = os.stat(srv.unixsocket)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o700
    u = srv.raw(unix=True)
    assert u.call("SET", "via", "unix") == b"OK"
    t = srv.raw()
    assert t.call("GET", "via") == b"unix"
    assert b"laddr=" + srv.unixsocket.encode() in u.call("CLIENT", "INFO")
    assert srv.client(unix_socket_path=srv.unixsocket).get("via") == "unix"
    assert srv.raw().call("CONFIG", "GET", "unixsocketperm") == [b"unixsocketperm", b"700"]


def test_unixsocketperm_other_mode(server_factory):
    srv = server_factory.start("--unixsocketperm", "755", unixsocket=True)
    assert stat.S_IMODE(os.stat(srv.unixsocket).st_mode) == 0o755


def test_port_zero_unix_only(server_factory):
    srv = server_factory.start(port=0, unixsocket=True)
    c = srv.raw()
    assert c.call("PING") == b"PONG"
    assert c.call("CONFIG", "GET", "port") == [b"port", b"0"]
    assert "tcp_port:0\r\n" in c.call("INFO", "server").decode()


def test_unixsocket_removed_on_shutdown(server_factory):
    srv = server_factory.start(unixsocket=True)
    path = srv.unixsocket
    assert os.path.exists(path)
    srv.stop()
    assert not os.path.exists(path)


def test_bind_several_addresses(server_factory):
    if not ipv6_loopback_available():
        pytest.skip("no IPv6 loopback (::1) on this machine")
    srv = server_factory.start(bind="127.0.0.1 ::1")
    v4 = RawConn("127.0.0.1", srv.port)
    v6 = RawConn("::1", srv.port)
    assert v4.call("SET", "k", "v4") == b"OK"
    assert v6.call("GET", "k") == b"v4"
    assert b"laddr=[::1]:" in v6.call("CLIENT", "INFO") or b"laddr=::1:" in v6.call("CLIENT", "INFO")
    bind = v4.call("CONFIG", "GET", "bind")
    assert bind == [b"bind", b"127.0.0.1 ::1"]


def test_bind_only_v4_refuses_v6(server_factory):
    if not ipv6_loopback_available():
        pytest.skip("no IPv6 loopback (::1) on this machine")
    srv = server_factory.start(bind="127.0.0.1")
    with pytest.raises(OSError):
        RawConn("::1", srv.port, timeout=2)


def test_idle_timeout_closes_clients(server_factory):
    srv = server_factory.start("--timeout", "1")
    idle = srv.raw()
    assert idle.call("PING") == b"PONG"
    assert idle.is_closed(timeout=15)
    # a fresh connection still works
    assert srv.raw().call("PING") == b"PONG"


def test_timeout_zero_keeps_clients(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    assert c.call("CONFIG", "GET", "timeout") == [b"timeout", b"0"]
    assert not c.is_closed(timeout=1.5)
    assert c.call("PING") == b"PONG"


def test_maxclients(server_factory):
    srv = server_factory.start("--maxclients", "5")
    ok, rejected = [], None
    # the start-up probe may still be counted for a moment: keep opening
    for _ in range(20):
        c = srv.raw(timeout=5)
        c.send(b"PING\r\n")
        try:
            line = c.recv_line()
        except ConnectionClosed:
            line = c.buf
        if line == b"+PONG\r\n":
            ok.append(c)
            continue
        rejected = (c, line)
        break
    assert rejected is not None, "maxclients 5 was never enforced"
    assert len(ok) <= 5
    c, line = rejected
    assert line == b"-ERR max number of clients reached\r\n"
    assert c.is_closed(timeout=5)
    # freeing a slot lets a new client in
    ok[0].close()

    def can_connect():
        t = srv.raw(timeout=5)
        t.send(b"PING\r\n")
        try:
            return t.recv_line() == b"+PONG\r\n"
        except ConnectionClosed:
            return False
        finally:
            t.close()
    wait_for(can_connect, timeout=10, what="a free client slot")
    _, flat = parse_info(ok[1].call("INFO", "stats"))
    assert int(flat["rejected_connections"]) >= 1


def test_protected_mode_default(server_factory):
    srv = server_factory.start()
    c = srv.raw()
    assert c.call("CONFIG", "GET", "protected-mode") == [b"protected-mode", b"yes"]
    # loopback clients are always allowed
    assert c.call("PING") == b"PONG"
    assert c.call("CONFIG", "SET", "protected-mode", "no") == b"OK"
    assert c.call("CONFIG", "GET", "protected-mode") == [b"protected-mode", b"no"]


def test_many_connections(server_factory):
    srv = server_factory.start()
    conns = [srv.raw() for _ in range(200)]
    try:
        for i, c in enumerate(conns):
            c.send(encode_command("SET", "conn:%d" % i, "v%d" % i) + encode_command("INCR", "total")
                   + encode_command("GET", "conn:%d" % i))
        incrs = []
        for i, c in enumerate(conns):
            c.expect(b"+OK\r\n")
            incrs.append(c.read_reply())
            assert c.read_reply() == b"v%d" % i
        assert sorted(incrs) == list(range(1, 201))
        info = conns[0].call("INFO", "clients").decode()
        n = int([l for l in info.split("\r\n") if l.startswith("connected_clients:")][0].split(":")[1])
        assert n >= 200
        assert conns[0].call("GET", "total") == b"200"
    finally:
        for c in conns:
            c.close()
    r = srv.client()
    wait_for(lambda: r.info("clients")["connected_clients"] <= 2, timeout=10,
             what="closed connections to be released")
