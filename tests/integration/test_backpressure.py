"""Slow readers and output buffer limits.

A client that pipelines commands with big replies and never reads must not make
the server's memory grow without bound (petrel pauses its input instead:
docs/architecture.md, "Back-pressure"), and client-output-buffer-limit normal
closes such a client the way Redis does.
"""
import socket
import time

import pytest

from helpers import wait_for

VALUE = "x" * (256 * 1024)


def _flood(sock, payload, seconds):
    """Send payload repeatedly without reading, for at most `seconds`."""
    sock.setblocking(False)
    end = time.time() + seconds
    sent = 0
    while time.time() < end:
        try:
            sent += sock.send(payload)
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            break
    return sent


@pytest.mark.petrel_only
def test_slow_reader_memory_is_bounded(server_factory):
    srv = server_factory.start()
    r = srv.client()
    r.set("big", VALUE)
    base = r.info("memory")["used_memory"]
    s = socket.create_connection((srv.host, srv.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # 400 GETs a round: 100 MB of replies per round, never read.
    payload = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 400
    peak = 0
    end = time.time() + 4
    while time.time() < end:
        _flood(s, payload, 0.2)
        peak = max(peak, r.info("memory")["used_memory"])
    # Requests and replies for 400 MB+ were offered; the server kept a few MB.
    assert peak - base < 64 * 1024 * 1024, (base, peak)
    assert r.ping()
    s.close()
    assert r.get("big") == VALUE


def test_output_buffer_hard_limit_closes_slow_reader(server_factory):
    srv = server_factory.start()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 1mb 0 0")
    r.set("big", VALUE)
    s = socket.create_connection((srv.host, srv.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    _flood(s, b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 64, 1.5)
    # The server dropped the connection: the peer sees EOF or a reset after
    # the bytes it had already been sent.
    s.setblocking(True)
    s.settimeout(10)

    def closed():
        try:
            while True:
                data = s.recv(1 << 20)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
    assert wait_for(closed, timeout=15)
    s.close()
    assert r.ping()
