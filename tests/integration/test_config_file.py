"""Config file parsing and the command line (Redis tests/unit/introspection.tcl,
tests/unit/other.tcl)."""
import re


from helpers import free_port


def _cfg(c, name):
    rep = c.call("CONFIG", "GET", name)
    return rep[1] if rep else None


def test_config_file_with_include_comments_and_quotes(server_factory, tmp_path):
    inc = tmp_path / "extra.conf"
    inc.write_text("# included file\nmaxmemory 2mb\nhz 15\n")
    config = (
        "# main config\n"
        "   # indented comment\n"
        "\n"
        "include %s\n"
        "requirepass \"my secret\"\n"
        "maxmemory-policy 'allkeys-lru'\n"
        "slowlog-max-len 77\n"
        "MAXCLIENTS 321\n"          # directive names are case-insensitive
        "hz 12\n"                   # later lines override the include
    ) % inc
    srv = server_factory.start(config=config)
    c = srv.raw()
    assert c.call("PING") == "NOAUTH Authentication required."
    assert c.call("AUTH", "my secret") == b"OK"
    assert _cfg(c, "maxmemory") == b"2097152"
    assert _cfg(c, "maxmemory-policy") == b"allkeys-lru"
    assert _cfg(c, "slowlog-max-len") == b"77"
    assert _cfg(c, "maxclients") == b"321"
    assert _cfg(c, "hz") == b"12"
    info = c.call("INFO", "server").decode()
    assert "config_file:%s" % srv.config_file in info


def test_config_file_escapes_in_quotes(server_factory):
    srv = server_factory.start(config='requirepass "a\\x41\\"b"\n')
    c = srv.raw()
    assert c.call("AUTH", 'aA"b') == b"OK"


def test_command_line_overrides_file(server_factory):
    port = free_port()
    other = free_port()
    srv = server_factory.start("--maxmemory", "3mb", config="port %d\nmaxmemory 1mb\n" % other, port=port)
    c = srv.raw()
    assert _cfg(c, "port") == str(port).encode()
    assert _cfg(c, "maxmemory") == b"3145728"


def test_bad_directive_in_file(server_factory, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("port %d\n# a comment\nno-such-directive yes\n" % free_port())
    rc, out, err = server_factory.run_to_exit([str(conf)], timeout=10, cwd=str(tmp_path))
    assert rc != 0
    text = out + err
    assert "Bad directive or wrong number of arguments" in err, text
    assert "at line 3" in err, text
    assert ">>> 'no-such-directive yes'" in err, text


def test_wrong_argument_count_in_file(server_factory, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("port %d\nmaxmemory\n" % free_port())
    rc, out, err = server_factory.run_to_exit([str(conf)], timeout=10, cwd=str(tmp_path))
    assert rc != 0
    # a known directive with a bad count: "wrong number of arguments" alone
    assert "wrong number of arguments" in err
    assert ">>> 'maxmemory'" in err
    assert "at line 2" in err


def test_bad_value_in_file(server_factory, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("port %d\nmaxmemory-policy bogus\n" % free_port())
    rc, out, err = server_factory.run_to_exit([str(conf)], timeout=10, cwd=str(tmp_path))
    assert rc != 0
    assert "FATAL CONFIG FILE ERROR" in err
    assert "at line 2" in err


def test_bad_directive_on_command_line(server_factory, tmp_path):
    rc, out, err = server_factory.run_to_exit(
        ["--port", str(free_port()), "--no-such-directive", "x"], timeout=10, cwd=str(tmp_path))
    assert rc != 0
    assert "Bad directive or wrong number of arguments" in err


def test_missing_config_file(server_factory, tmp_path):
    rc, out, err = server_factory.run_to_exit([str(tmp_path / "nope.conf")], timeout=10,
                                              cwd=str(tmp_path))
    assert rc != 0
    assert "can't open config file" in out + err


def test_version(server_factory):
    for flag in ("--version", "-v"):
        rc, out, err = server_factory.run_to_exit([flag], timeout=10)
        assert rc == 0
        assert re.fullmatch(r"\S+ server v=\d+\.\d+\.\d+ sha=\S+ malloc=\S+ bits=(32|64) build=\S+\n", out), out


def test_help(server_factory):
    for flag in ("--help", "-h"):
        rc, out, err = server_factory.run_to_exit([flag], timeout=10)
        text = out + err
        assert text.startswith("Usage: ")
        assert "[/path/to/redis.conf] [options]" in text or "[/path/to/petrel.conf] [options]" in text
        assert "--version" in text and "--port 7777" in text
