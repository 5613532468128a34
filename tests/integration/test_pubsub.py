"""Pub/Sub: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH and
SPUBLISH receiver counts across shards, PUBSUB introspection, RESP2/RESP3
framing, the RESP2 subscribed-mode command restriction, and the pubsub
client-output-buffer-limit. Must pass against redis-server 7.0 too."""
import time

import pytest


def push(*items):
    """RESP2 array bytes of bulk strings / ints (None = null bulk)."""
    out = b"*%d\r\n" % len(items)
    for x in items:
        if x is None:
            out += b"$-1\r\n"
        elif isinstance(x, int):
            out += b":%d\r\n" % x
        else:
            x = x.encode() if isinstance(x, str) else x
            out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out


def push3(*items):
    return b">" + push(*items)[1:]


def test_subscribe_confirmations_and_counts(shared_server):
    s = shared_server.raw()
    s.send_cmd("SUBSCRIBE", "a", "b")
    s.expect(push("subscribe", "a", 1) + push("subscribe", "b", 2))
    s.send_cmd("PSUBSCRIBE", "p*")
    s.expect(push("psubscribe", "p*", 3))
    s.send_cmd("SSUBSCRIBE", "sa")
    s.expect(push("ssubscribe", "sa", 1))     # shard channels count apart
    s.send_cmd("SUBSCRIBE", "a")               # again: no change
    s.expect(push("subscribe", "a", 3))
    s.send_cmd("UNSUBSCRIBE", "zz")            # not subscribed: still a reply
    s.expect(push("unsubscribe", "zz", 3))
    s.send_cmd("UNSUBSCRIBE", "a")
    s.expect(push("unsubscribe", "a", 2))
    s.send_cmd("PUNSUBSCRIBE")
    s.expect(push("punsubscribe", "p*", 1))
    s.send_cmd("UNSUBSCRIBE")
    s.expect(push("unsubscribe", "b", 0))
    s.send_cmd("SUNSUBSCRIBE")
    s.expect(push("sunsubscribe", "sa", 0))
    s.send_cmd("UNSUBSCRIBE")
    s.expect(push("unsubscribe", None, 0))
    s.send_cmd("PUNSUBSCRIBE")
    s.expect(push("punsubscribe", None, 0))
    s.send_cmd("GET", "x")                     # out of Pub/Sub mode again
    s.expect(b"$-1\r\n")
    s.close()


def test_resp2_subscribed_mode_restrictions(shared_server):
    s = shared_server.raw()
    s.send_cmd("SSUBSCRIBE", "q")
    s.expect(push("ssubscribe", "q", 1))
    for cmd, name in [(("GET", "x"), "get"), (("CONFIG", "GET", "x"), "config|get"),
                      (("MULTI",), "multi"), (("PUBLISH", "a", "b"), "publish")]:
        s.send_cmd(*cmd)
        s.expect("-ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                 "/ RESET are allowed in this context\r\n" % name)
    s.send_cmd("PING")
    s.expect(push("pong", ""))
    s.send_cmd("PING", "hi")
    s.expect(push("pong", "hi"))
    s.send_cmd("RESET")
    s.expect(b"+RESET\r\n")
    s.send_cmd("PING")
    s.expect(b"+PONG\r\n")
    s.close()


def test_publish_counts_and_delivery_across_connections(shared_server, r):
    subs = [shared_server.raw() for _ in range(6)]
    for i, s in enumerate(subs):
        s.send_cmd("SUBSCRIBE", "news")
        s.expect(push("subscribe", "news", 1))
        if i % 2:
            s.send_cmd("PSUBSCRIBE", "n*")
            s.expect(push("psubscribe", "n*", 2))
    assert r.publish("news", "hello") == 9
    for i, s in enumerate(subs):
        s.expect(push("message", "news", "hello"))
        if i % 2:
            s.expect(push("pmessage", "n*", "news", "hello"))
    assert r.publish("zzz", "x") == 0
    assert r.publish("nope", "x") == 3
    assert r.pubsub_numsub("news", "other") == [("news", 6), ("other", 0)]
    assert r.pubsub_numpat() == 1
    assert r.pubsub_channels() == ["news"]
    assert r.pubsub_channels("n*") == ["news"]
    assert r.pubsub_channels("x*") == []
    for s in subs:
        s.close()
    deadline = time.time() + 5
    while r.publish("news", "x") and time.time() < deadline:
        time.sleep(0.02)
    assert r.publish("news", "x") == 0
    assert r.pubsub_numpat() == 0


def test_publish_order_is_kept(shared_server, r):
    s = shared_server.raw()
    s.send_cmd("SUBSCRIBE", "ord")
    s.expect(push("subscribe", "ord", 1))
    p = r.pipeline(transaction=False)
    for i in range(300):
        p.publish("ord", str(i))
    assert p.execute() == [1] * 300
    for i in range(300):
        s.expect(push("message", "ord", str(i)))
    s.close()


def test_shard_channels_are_a_separate_namespace(shared_server, r):
    s = shared_server.raw()
    s.send_cmd("SSUBSCRIBE", "sc")
    s.expect(push("ssubscribe", "sc", 1))
    assert r.publish("sc", "x") == 0
    assert r.execute_command("SPUBLISH", "sc", "y") == 1
    s.expect(push("smessage", "sc", "y"))
    assert r.execute_command("PUBSUB", "SHARDCHANNELS") == ["sc"]
    assert r.execute_command("PUBSUB", "SHARDNUMSUB", "sc", "zz") == ["sc", 1, "zz", 0]
    assert r.execute_command("PUBSUB", "CHANNELS") == []
    s.close()


def test_resp3_push_framing(shared_server, r):
    s = shared_server.raw()
    s.call("HELLO", "3")
    s.send_cmd("SUBSCRIBE", "r3")
    s.expect(push3("subscribe", "r3", 1))
    s.send_cmd("GET", "nokey")                 # allowed in RESP3
    s.expect(b"_\r\n")
    s.send_cmd("PING")
    s.expect(b"+PONG\r\n")
    assert r.publish("r3", "m") == 1
    s.expect(push3("message", "r3", "m"))
    s.send_cmd("PUBLISH", "r3", "self")       # own message before the reply
    s.expect(push3("message", "r3", "self") + b":1\r\n")
    s.send_cmd("UNSUBSCRIBE")
    s.expect(push3("unsubscribe", "r3", 0))
    s.send_cmd("UNSUBSCRIBE")
    s.expect(b">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n")
    s.close()


def test_pubsub_errors_and_help(r):
    with pytest.raises(Exception, match="unknown subcommand 'foo'. Try PUBSUB HELP."):
        r.execute_command("PUBSUB", "foo")
    with pytest.raises(Exception, match="wrong number of arguments for 'channels'"):
        r.execute_command("PUBSUB", "channels", "a", "b")
    with pytest.raises(Exception, match=r"wrong number of arguments for 'pubsub\|numpat'"):
        r.execute_command("PUBSUB", "NUMPAT", "x")
    assert r.execute_command("PUBSUB", "NUMSUB") == []
    h = r.execute_command("PUBSUB", "HELP")
    assert h[0].startswith("PUBSUB <subcommand>") and h[-1] == "    Prints this help."


def test_slow_subscriber_is_disconnected(server_factory):
    srv = server_factory.start(config="client-output-buffer-limit pubsub 100kb 0 0\n")
    r = srv.client()
    s = srv.raw()
    s.send_cmd("SUBSCRIBE", "big")
    s.expect(push("subscribe", "big", 1))
    payload = "x" * 10000
    # The subscriber never reads: once its pending output passes 100kb it
    # is closed and stops counting as a receiver.
    deadline = time.time() + 20
    while r.publish("big", payload) and time.time() < deadline:
        pass
    assert r.publish("big", payload) == 0
    assert r.pubsub_numsub("big") == [("big", 0)]
    s.close()
