"""GEO commands (Redis tests/unit/geo.tcl): positions as sorted-set scores,
GEOPOS/GEOHASH/GEODIST texts, GEORADIUS/GEOSEARCH shapes, options, errors,
STORE. Passes against redis-server 7.0 and petrel; the figures are the ones
redis-server returns."""
import random

import pytest

from helpers import key_slot

pytestmark = pytest.mark.needs_types

SYNTAX = "ERR syntax error"
NOTFLOAT = "ERR value is not a valid float"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def sicily(call):
    assert call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo",
                "15.087269", "37.502669", "Catania") == 2


def test_geoadd_scores_and_type(call):
    sicily(call)
    assert call("ZSCORE", "Sicily", "Palermo") == b"3479099956230698"
    assert call("ZSCORE", "Sicily", "Catania") == b"3479447370796909"
    assert call("TYPE", "Sicily") == b"zset"
    # options are ZADD's: NX, XX, CH
    assert call("GEOADD", "Sicily", "NX", "13.361389", "38.115556", "Palermo") == 0
    assert call("GEOADD", "Sicily", "XX", "1", "1", "Nowhere") == 0
    assert call("GEOADD", "Sicily", "CH", "13.4", "38.1", "Palermo", "1", "1", "New") == 2
    assert call("ZCARD", "Sicily") == 3


def test_geoadd_errors(call):
    assert call.err("GEOADD", "g", "200", "10", "x") == \
        "ERR invalid longitude,latitude pair 200.000000,10.000000"
    assert call.err("GEOADD", "g", "10", "85.06", "x") == \
        "ERR invalid longitude,latitude pair 10.000000,85.060000"
    assert call.err("GEOADD", "g", "abc", "10", "x") == NOTFLOAT
    assert call.err("GEOADD", "g", "NX", "XX", "1", "2", "x") == SYNTAX
    assert call.err("GEOADD", "g", "1", "2", "x", "3") == SYNTAX
    assert call.err("GEOADD", "g", "GT", "1", "2") == NOTFLOAT   # GT is not a GEOADD option
    # one bad pair: nothing is added
    assert call.err("GEOADD", "g", "1", "2", "a", "500", "2", "b").startswith("ERR invalid")
    assert call("EXISTS", "g") == 0
    call("SET", "s", "x")
    assert call.err("GEOADD", "s", "1", "1", "a") == WRONGTYPE
    assert call.err("GEOPOS", "s", "a") == WRONGTYPE


def test_geopos_geohash_geodist(call):
    sicily(call)
    assert call("GEOPOS", "Sicily", "Palermo", "nope") == \
        [[b"13.36138933897018433", b"38.11555639549629859"], None]
    assert call("GEOPOS", "nokey", "a") == [None]
    assert call("GEOHASH", "Sicily", "Palermo", "Catania", "nope") == \
        [b"sqc8b49rny0", b"sqdtr74hyu0", None]
    assert call("GEOHASH", "nokey", "a", "b") == [None, None]
    assert call("GEODIST", "Sicily", "Palermo", "Catania") == b"166274.1516"
    assert call("GEODIST", "Sicily", "Palermo", "Catania", "km") == b"166.2742"
    assert call("GEODIST", "Sicily", "Palermo", "Catania", "MI") == b"103.3182"
    assert call("GEODIST", "Sicily", "Palermo", "Catania", "ft") == b"545518.8700"
    assert call("GEODIST", "Sicily", "Palermo", "nope") is None
    assert call("GEODIST", "nokey", "a", "b") is None
    assert call.err("GEODIST", "Sicily", "Palermo", "Catania", "yd") == \
        "ERR unsupported unit provided. please use M, KM, FT, MI"
    assert call.err("GEODIST", "Sicily", "Palermo", "Catania", "km", "x") == SYNTAX


def test_geopos_resp3_doubles(raw):
    raw.call("HELLO", "3")
    raw.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo")
    raw.send(b"GEOPOS Sicily Palermo\r\n")
    assert raw.read_reply_bytes() == b"*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n"


def test_georadius_options(call):
    sicily(call)
    assert call("GEORADIUS", "Sicily", "15", "37", "200", "km", "ASC") == [b"Catania", b"Palermo"]
    assert call("GEORADIUS", "Sicily", "15", "37", "200", "km", "DESC") == [b"Palermo", b"Catania"]
    assert call("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC") == \
        [[b"Catania", b"56.4413"], [b"Palermo", b"190.4424"]]
    assert call("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD", "WITHHASH", "COUNT", "1") == \
        [[b"Catania", 3479447370796909, [b"15.08726745843887329", b"37.50266842333162032"]]]
    assert call("GEORADIUS", "Sicily", "15", "37", "100", "km") == [b"Catania"]
    assert call("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST", "ASC") == \
        [[b"Palermo", b"0.0000"], [b"Catania", b"166.2742"]]
    assert call("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ANY") \
        in ([b"Catania"], [b"Palermo"])
    assert call("GEORADIUS", "nokey", "15", "37", "200", "km") == []
    assert call("GEORADIUSBYMEMBER", "nokey", "x", "abc", "km") == []   # not parsed without a key


def test_georadius_errors(call):
    sicily(call)
    assert call.err("GEORADIUS", "Sicily", "15", "37", "-1", "km") == "ERR radius cannot be negative"
    assert call.err("GEORADIUS", "Sicily", "15", "37", "x", "km") == "ERR need numeric radius"
    assert call.err("GEORADIUS", "Sicily", "15", "37", "1", "yd") == \
        "ERR unsupported unit provided. please use M, KM, FT, MI"
    assert call.err("GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0") == "ERR COUNT must be > 0"
    assert call.err("GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT") == SYNTAX
    assert call.err("GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY") == \
        "ERR the ANY argument requires COUNT argument"
    assert call.err("GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "d", "WITHDIST") == \
        "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
    assert call.err("GEORADIUS_RO", "Sicily", "15", "37", "1", "km", "STORE", "d") == SYNTAX
    assert call.err("GEORADIUSBYMEMBER", "Sicily", "nope", "1", "km") == \
        "ERR could not decode requested zset member"


def test_geosearch(call):
    sicily(call)
    assert call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC",
                "WITHCOORD", "WITHDIST") == \
        [[b"Catania", b"56.4413", [b"15.08726745843887329", b"37.50266842333162032"]],
         [b"Palermo", b"190.4424", [b"13.36138933897018433", b"38.11555639549629859"]]]
    assert call("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "ASC") == \
        [b"Palermo", b"Catania"]
    assert call("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "100", "100", "km") == [b"Palermo"]
    assert call("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km") == []
    assert call.err("GEOSEARCH", "Sicily", "BYBOX", "400", "400", "km", "ASC") == \
        "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"
    assert call.err("geosearch", "Sicily", "FROMMEMBER", "Palermo", "x", "y", "z") == SYNTAX
    assert call.err("geosearch", "Sicily", "FROMLONLAT", "1", "1", "WITHDIST", "ASC") == \
        "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch"
    assert call.err("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "1", "km",
                    "BYRADIUS", "1", "km") == SYNTAX
    assert call.err("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km") == \
        "ERR height or width cannot be negative"
    assert call.err("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "a", "1", "km") == \
        "ERR need numeric width"
    assert call.err("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "a", "km") == \
        "ERR need numeric height"
    assert call.err("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "d") == SYNTAX


def two_slots():
    """Two key names on different slots (so on different shards of a 2-thread
    petrel: the initial map is slot % threads)."""
    names = ["geo:%d" % i for i in range(50)]
    a = names[0]
    b = next(n for n in names if key_slot(n) % 2 != key_slot(a) % 2)
    return a, b


def test_store_and_storedist_across_slots(call):
    src, dst = two_slots()
    call("GEOADD", src, "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")
    assert call("GEORADIUS", src, "15", "37", "200", "km", "STORE", dst) == 2
    assert call("ZRANGE", dst, "0", "-1", "WITHSCORES") == \
        [b"Palermo", b"3479099956230698", b"Catania", b"3479447370796909"]
    assert call("GEORADIUSBYMEMBER", src, "Palermo", "200", "km", "STOREDIST", dst, "COUNT", "1") == 1
    assert call("ZRANGE", dst, "0", "-1", "WITHSCORES") == [b"Palermo", b"0"]
    assert call("GEOSEARCHSTORE", dst, src, "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                "STOREDIST", "DESC") == 2
    assert call("ZRANGE", dst, "0", "-1", "WITHSCORES") == \
        [b"Catania", b"56.441257870158204", b"Palermo", b"190.44242984775784"]
    assert call.err("GEOSEARCHSTORE", dst, src, "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                    "WITHDIST") == \
        "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
    # nothing found, or no source: the destination is deleted
    assert call("GEOSEARCHSTORE", dst, src, "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km") == 0
    assert call("GEOSEARCHSTORE", dst, src, "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "ASC",
                "COUNT", "3") == 0
    assert call("EXISTS", dst) == 0
    call("SET", dst, "x")
    assert call("GEOSEARCHSTORE", dst, "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km") == 0
    assert call("EXISTS", dst) == 0


def test_command_getkeys(call):
    assert call("COMMAND", "GETKEYS", "GEORADIUS", "src", "1", "1", "1", "km", "STORE", "a",
                "STOREDIST", "b") == [b"src", b"a", b"b"]
    assert call("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "src", "m", "1", "km", "STOREDIST", "b",
                "STORE", "a", "STORE", "c") == [b"src", b"a", b"b"]
    assert call("COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "1", "1",
                "BYRADIUS", "1", "km") == [b"d", b"s"]


def test_search_matches_a_brute_force_model(call):
    """Every member within the radius, none outside: checked against the
    distances GEODIST gives for each member."""
    rnd = random.Random(7)
    args = []
    for i in range(300):
        args += [str(rnd.uniform(10, 12)), str(rnd.uniform(40, 41)), "m%d" % i]
    call("GEOADD", "pts", *args)
    call("GEOADD", "pts", "11", "40.5", "centre")
    for radius in (1, 10, 40, 100):
        got = set(call("GEORADIUSBYMEMBER", "pts", "centre", str(radius), "km"))
        want = {b"m%d" % i for i in range(300)
                if float(call("GEODIST", "pts", "centre", "m%d" % i, "km")) <= radius} | {b"centre"}
        # GEODIST rounds to 4 decimals: allow members right at the edge either way
        edge = {b"m%d" % i for i in range(300)
                if abs(float(call("GEODIST", "pts", "centre", "m%d" % i, "km")) - radius) < 0.001}
        assert got - edge == want - edge
