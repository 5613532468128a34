"""String commands (Redis tests/unit/type/string.tcl, incr.tcl)."""
import time

import pytest

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
NOTFLOAT = "ERR value is not a valid float"
OVERFLOW = "ERR increment or decrement would overflow"


# ---------------------------------------------------------------------------
# SET and its options
# ---------------------------------------------------------------------------


def test_set_get_basic(call):
    assert call("SET", "foo", "bar") == b"OK"
    assert call("GET", "foo") == b"bar"
    assert call("GET", "nokey") is None
    assert call("SET", "foo", "") == b"OK"
    assert call("GET", "foo") == b""


def test_set_ex_px(r):
    assert r.execute_command("SET", "k", "v", "EX", "100") is True
    assert 95 <= r.ttl("k") <= 100
    r.execute_command("SET", "k", "v", "PX", "100000")
    assert 95000 <= r.pttl("k") <= 100000


def test_set_exat_pxat(r):
    at = int(time.time()) + 1000
    r.execute_command("SET", "k", "v", "EXAT", at)
    assert r.execute_command("EXPIRETIME", "k") == at
    r.execute_command("SET", "k", "v", "PXAT", at * 1000 + 123)
    assert r.execute_command("PEXPIRETIME", "k") == at * 1000 + 123


def test_set_exat_in_the_past_deletes(r):
    r.set("k", "old")
    assert r.execute_command("SET", "k", "v", "EXAT", 1) is True
    assert r.exists("k") == 0


def test_set_nx_xx(call):
    assert call("SET", "k", "1", "XX") is None
    assert call("EXISTS", "k") == 0
    assert call("SET", "k", "1", "NX") == b"OK"
    assert call("SET", "k", "2", "NX") is None
    assert call("GET", "k") == b"1"
    assert call("SET", "k", "3", "XX") == b"OK"
    assert call("GET", "k") == b"3"


def test_set_clears_ttl_unless_keepttl(r):
    r.set("k", "v", ex=100)
    r.set("k", "v2")
    assert r.ttl("k") == -1
    r.set("k", "v", ex=100)
    r.execute_command("SET", "k", "v3", "KEEPTTL")
    assert r.get("k") == "v3"
    assert 95 <= r.ttl("k") <= 100


def test_set_get_option(call):
    assert call("SET", "k", "v1", "GET") is None
    assert call("SET", "k", "v2", "GET") == b"v1"
    assert call("GET", "k") == b"v2"
    # NX + GET is allowed since 7.0: returns the old value, does not set
    assert call("SET", "k", "v3", "NX", "GET") == b"v2"
    assert call("GET", "k") == b"v2"
    assert call("SET", "new", "v", "NX", "GET") is None
    assert call("GET", "new") == b"v"
    assert call("SET", "missing", "v", "XX", "GET") is None
    assert call("EXISTS", "missing") == 0


def test_set_get_on_wrong_type_does_not_overwrite(call):
    call("LPUSH", "l", "a")
    assert call.err("SET", "l", "v", "GET") == WRONGTYPE
    assert call("TYPE", "l") == b"list"
    # plain SET overwrites any type
    assert call("SET", "l", "v") == b"OK"
    assert call("TYPE", "l") == b"string"


@pytest.mark.parametrize("args", [
    ("NX", "XX"), ("XX", "NX"), ("EX", "10", "PX", "100"), ("EX", "10", "EXAT", "100"),
    ("PX", "10", "PXAT", "100"), ("KEEPTTL", "EX", "10"), ("EX", "10", "KEEPTTL"),
    ("PXAT", "100", "KEEPTTL"), ("EX",), ("FOO",), ("EX", "10", "FOO"), ("GET", "FOO"),
])
def test_set_syntax_errors(call, args):
    assert call.err("SET", "k", "v", *args) == SYNTAX
    assert call("EXISTS", "k") == 0


@pytest.mark.parametrize("args", [("EX", "0"), ("EX", "-1"), ("PX", "0"), ("PX", "-5"),
                                  ("EXAT", "0"), ("PXAT", "-1"), ("EX", "99999999999999999"),
                                  ("PX", "9223372036854775807")])
def test_set_invalid_expire(call, args):
    assert call.err("SET", "k", "v", *args) == "ERR invalid expire time in 'set' command"


def test_set_expire_not_integer(call):
    assert call.err("SET", "k", "v", "EX", "abc") == NOTINT
    assert call.err("SET", "k", "v", "PX", "1.5") == NOTINT


def test_set_options_case_insensitive(r):
    assert r.execute_command("SET", "k", "v", "ex", "100", "nx") is True
    assert r.ttl("k") > 0


# ---------------------------------------------------------------------------
# GETEX, GETDEL, GETSET
# ---------------------------------------------------------------------------


def test_getex(r):
    r.set("k", "v")
    assert r.execute_command("GETEX", "k") == "v"
    assert r.ttl("k") == -1
    assert r.execute_command("GETEX", "k", "EX", 100) == "v"
    assert 95 <= r.ttl("k") <= 100
    assert r.execute_command("GETEX", "k", "PX", 200000) == "v"
    assert 190000 <= r.pttl("k") <= 200000
    at = int(time.time()) + 500
    assert r.execute_command("GETEX", "k", "EXAT", at) == "v"
    assert r.execute_command("EXPIRETIME", "k") == at
    assert r.execute_command("GETEX", "k", "PXAT", at * 1000 + 5) == "v"
    assert r.execute_command("PEXPIRETIME", "k") == at * 1000 + 5
    assert r.execute_command("GETEX", "k", "PERSIST") == "v"
    assert r.ttl("k") == -1
    assert r.execute_command("GETEX", "nokey", "EX", 10) is None


def test_getex_past_time_deletes(r):
    r.set("k", "v")
    assert r.execute_command("GETEX", "k", "PXAT", 1) == "v"
    assert r.exists("k") == 0


def test_getex_errors(call):
    call("SET", "k", "v")
    assert call.err("GETEX", "k", "EX", "0") == "ERR invalid expire time in 'getex' command"
    assert call.err("GETEX", "k", "PX", "-1") == "ERR invalid expire time in 'getex' command"
    assert call.err("GETEX", "k", "EX", "abc") == NOTINT
    assert call.err("GETEX", "k", "EX", "1", "PX", "1") == SYNTAX
    assert call.err("GETEX", "k", "PERSIST", "EX", "1") == SYNTAX
    assert call.err("GETEX", "k", "FOO") == SYNTAX
    assert call.err("GETEX", "k", "EX") == SYNTAX
    assert call("TTL", "k") == -1
    assert call.err("GETEX") == "ERR wrong number of arguments for 'getex' command"


def test_getdel(call):
    call("SET", "k", "v")
    assert call("GETDEL", "k") == b"v"
    assert call("EXISTS", "k") == 0
    assert call("GETDEL", "k") is None


def test_getset(r):
    assert r.getset("k", "a") is None
    assert r.getset("k", "b") == "a"
    r.expire("k", 100)
    assert r.getset("k", "c") == "b"
    assert r.ttl("k") == -1  # GETSET discards the TTL


# ---------------------------------------------------------------------------
# MSET / MSETNX / MGET
# ---------------------------------------------------------------------------


def test_mset_mget(call):
    assert call("MSET", "a", "1", "b", "2", "c", "3", "a", "4") == b"OK"
    assert call("MGET", "a", "b", "c", "nokey") == [b"4", b"2", b"3", None]


def test_mset_arity(call):
    assert call.err("MSET", "a") == "ERR wrong number of arguments for 'mset' command"
    assert call.err("MSET", "a", "1", "b") == "ERR wrong number of arguments for 'mset' command"
    assert call.err("MSETNX", "a", "1", "b") == "ERR wrong number of arguments for 'msetnx' command"
    assert call.err("MGET") == "ERR wrong number of arguments for 'mget' command"


def test_mset_clears_ttl(r):
    r.set("a", "x", ex=100)
    r.mset({"a": "1", "b": "2"})
    assert r.ttl("a") == -1


def test_msetnx(call):
    assert call("MSETNX", "a", "1", "b", "2") == 1
    assert call("MSETNX", "b", "x", "c", "3") == 0
    assert call("MGET", "a", "b", "c") == [b"1", b"2", None]
    # a duplicate key inside one MSETNX is fine
    assert call("MSETNX", "d", "1", "d", "2") == 1
    assert call("GET", "d") == b"2"


def test_mget_wrong_type_gives_nil(call):
    call("SET", "s", "v")
    call("LPUSH", "l", "x")
    assert call("MGET", "s", "l", "nokey") == [b"v", None, None]


def test_msetnx_fails_if_key_of_other_type_exists(call):
    call("LPUSH", "l", "x")
    assert call("MSETNX", "l", "1", "z", "2") == 0
    assert call("EXISTS", "z") == 0


# ---------------------------------------------------------------------------
# APPEND / STRLEN / SETRANGE / GETRANGE / SUBSTR
# ---------------------------------------------------------------------------


def test_append_strlen(call):
    assert call("APPEND", "k", "hello") == 5
    assert call("APPEND", "k", " world") == 11
    assert call("GET", "k") == b"hello world"
    assert call("STRLEN", "k") == 11
    assert call("STRLEN", "nokey") == 0
    call("SET", "n", "12345")
    assert call("STRLEN", "n") == 5  # int-encoded still counts digits
    assert call("APPEND", "n", "6") == 6
    assert call("GET", "n") == b"123456"


def test_setrange(call):
    call("SET", "k", "Hello World")
    assert call("SETRANGE", "k", "6", "Redis") == 11
    assert call("GET", "k") == b"Hello Redis"
    assert call("SETRANGE", "pad", "5", "x") == 6
    assert call("GET", "pad") == b"\x00\x00\x00\x00\x00x"
    assert call("SETRANGE", "k", "0", "") == 11
    assert call("SETRANGE", "nokey", "10", "") == 0
    assert call("EXISTS", "nokey") == 0
    call("SET", "n", "1234")
    assert call("SETRANGE", "n", "1", "9") == 4
    assert call("GET", "n") == b"1934"


def test_setrange_errors(call):
    assert call.err("SETRANGE", "k", "-1", "x") == "ERR offset is out of range"
    assert call.err("SETRANGE", "k", "abc", "x") == NOTINT
    assert call.err("SETRANGE", "k", "536870911", "xx") == \
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    assert call.err("SETRANGE", "k", "536870912", "x") == \
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    assert call("EXISTS", "k") == 0


def test_getrange_and_substr(call):
    call("SET", "k", "Hello World")
    assert call("GETRANGE", "k", "0", "4") == b"Hello"
    assert call("GETRANGE", "k", "-5", "-1") == b"World"
    assert call("GETRANGE", "k", "0", "-1") == b"Hello World"
    assert call("GETRANGE", "k", "0", "100") == b"Hello World"
    assert call("GETRANGE", "k", "5", "3") == b""
    assert call("GETRANGE", "k", "20", "30") == b""
    assert call("GETRANGE", "nokey", "0", "-1") == b""
    assert call("SUBSTR", "k", "6", "10") == b"World"
    assert call.err("GETRANGE", "k", "a", "1") == NOTINT
    call("SET", "n", "1234567")
    assert call("GETRANGE", "n", "2", "4") == b"345"


# ---------------------------------------------------------------------------
# INCR family
# ---------------------------------------------------------------------------


def test_incr_decr(call):
    assert call("INCR", "n") == 1
    assert call("INCR", "n") == 2
    assert call("INCRBY", "n", "10") == 12
    assert call("DECR", "n") == 11
    assert call("DECRBY", "n", "20") == -9
    assert call("INCRBY", "n", "-1") == -10
    assert call("GET", "n") == b"-10"
    call("SET", "big", "17179869184")
    assert call("INCRBY", "big", "17179869184") == 34359738368


def test_incr_keeps_ttl(r):
    r.set("n", "1", ex=100)
    r.incr("n")
    assert r.ttl("n") > 0


@pytest.mark.parametrize("val", ["abc", " 1", "1 ", "1.5", "", "0x10", "99999999999999999999"])
def test_incr_not_integer_value(call, val):
    call("SET", "n", val)
    assert call.err("INCR", "n") == NOTINT
    assert call("GET", "n") == val.encode()


def test_incr_overflow(call):
    call("SET", "n", "9223372036854775807")
    assert call.err("INCR", "n") == OVERFLOW
    assert call.err("INCRBY", "n", "1") == OVERFLOW
    call("SET", "n", "-9223372036854775808")
    assert call.err("DECR", "n") == OVERFLOW
    assert call.err("INCRBY", "n", "-1") == OVERFLOW
    assert call.err("DECRBY", "n", "9223372036854775807") == OVERFLOW
    assert call("GET", "n") == b"-9223372036854775808"


def test_decrby_min_int(call):
    call("SET", "n", "1")
    assert call.err("DECRBY", "n", "-9223372036854775808") == "ERR decrement would overflow"


def test_incrby_bad_increment(call):
    assert call.err("INCRBY", "n", "1.5") == NOTINT
    assert call.err("INCRBY", "n", "abc") == NOTINT
    assert call.err("DECRBY", "n", "9223372036854775808") == NOTINT
    assert call("EXISTS", "n") == 0


def test_incrbyfloat(call):
    assert call("INCRBYFLOAT", "f", "10.5") == b"10.5"
    assert call("INCRBYFLOAT", "f", "0.1") == b"10.6"
    assert call("INCRBYFLOAT", "f", "-10.6") == b"0"
    assert call("INCRBYFLOAT", "g", "5.0e3") == b"5000"
    # %.17Lf of the 80-bit long double sum, trailing zeros removed
    assert call("INCRBYFLOAT", "g", "1.5e-5") == b"5000.00001499999999988"
    call("SET", "h", "5.0e3")
    assert call("INCRBYFLOAT", "h", "0") == b"5000"
    assert call("GET", "h") == b"5000"
    assert call("INCRBYFLOAT", "z", "-0") == b"0"
    call("SET", "i", "3")
    assert call("INCRBYFLOAT", "i", "0.25") == b"3.25"
    assert call("INCRBYFLOAT", "i", "-4") == b"-0.75"


def test_incrbyfloat_errors(call):
    call("SET", "s", "abc")
    assert call.err("INCRBYFLOAT", "s", "1") == NOTFLOAT
    call("SET", "s", "1 ")
    assert call.err("INCRBYFLOAT", "s", "1") == NOTFLOAT
    call("SET", "f", "1")
    assert call.err("INCRBYFLOAT", "f", "abc") == NOTFLOAT
    assert call.err("INCRBYFLOAT", "f", "nan") == NOTFLOAT
    assert call.err("INCRBYFLOAT", "f", "inf") == "ERR increment would produce NaN or Infinity"
    assert call.err("INCRBYFLOAT", "f", "-inf") == "ERR increment would produce NaN or Infinity"
    assert call("GET", "f") == b"1"


def test_incr_on_float_value_fails(call):
    call("INCRBYFLOAT", "f", "1.5")
    assert call.err("INCR", "f") == NOTINT


# ---------------------------------------------------------------------------
# SETNX / SETEX / PSETEX
# ---------------------------------------------------------------------------


def test_setnx(call):
    assert call("SETNX", "k", "1") == 1
    assert call("SETNX", "k", "2") == 0
    assert call("GET", "k") == b"1"


def test_setex_psetex(r):
    assert r.setex("k", 100, "v") is True
    assert r.get("k") == "v"
    assert 95 <= r.ttl("k") <= 100
    assert r.psetex("p", 100000, "v") is True
    assert 95000 <= r.pttl("p") <= 100000


def test_setex_errors(call):
    assert call.err("SETEX", "k", "0", "v") == "ERR invalid expire time in 'setex' command"
    assert call.err("SETEX", "k", "-10", "v") == "ERR invalid expire time in 'setex' command"
    assert call.err("PSETEX", "k", "0", "v") == "ERR invalid expire time in 'psetex' command"
    assert call.err("SETEX", "k", "abc", "v") == NOTINT
    assert call.err("SETEX", "k", "10") == "ERR wrong number of arguments for 'setex' command"
    assert call("EXISTS", "k") == 0


# ---------------------------------------------------------------------------
# LCS
# ---------------------------------------------------------------------------

RNA1 = ("CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGG"
        "CTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTG"
        "CTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTGACCGAAAGGTAAGATGGAGAGCCTTGTCCC"
        "TGGTTTCAACGAGAAAACACACGTCCAACTCAGTTTGCCTGTTTTACAGGTTCGCGACGTGCTCGTACGTGGCTTTGGAGACTCCGTGGA"
        "GGAGGTCTTATCAGAGGCACGTCAACATCTTAAAGATGGCACTTGTGGCTTAGTAGAAGTTGAAAAAGGCGTTTTGCCTCAACTTGAACA"
        "GCCCTATGTGTTCATCAAACGTTCGGATGCTCGAACTGCACCTCATGGTCATGTTATGGTTGAGCTGGTAGCAGAACTCGAAGGCATTCAG"
        "TACGGTCGTAGTGGTGAGACACTTGGTGTCCTTGTCCCTCATGTGGGCGAAATACCAGTGGCTTACCGCAAGGTTCTTCTTCGTAAGAACGG"
        "TAATAAAGGAGCTGGTGGCCATAGTTACGGCGCCGATCTAAAGTCATTTGACTTAGGCGACGAGCTTGGCACTGATCCTTATGAAGATTTT"
        "CAAGAAAACTGGAACACTAAACATAGCAGTGGTGTTACCCGTGAACTCATGCGTGAGCTTAACGGAGGGGCATACACTCGCTATGTCGATAA"
        "CAACTTCTGTGGCCCTGATGGCTACCCTCTTGAGTGCATTAAAGACCTTCTAGCACGTGCTGGTAAAGCTTCATGCACTTTGTCCGAACAACT"
        "GGACTTTATTGACACTAAGAGGGGTGTATACTGCTGCCGTGAACATGAGCATGAAATTGCTTGGTACACGGAACGTTCTGAAAAGAGCTATG"
        "AATTGCAGACACCTTTTGAAATTAAATTGGCAAAGAAATTTGACACCTTCAATGGGGAATGTCCAAATTTTGTATTTCCCTTAAATTCCATAA"
        "TCAAGACTATTCAACCAAGGGTTGAAAAGAAAAAGCTTGATGGCTTTATGGGTAGAATTCGATCTGTCTATCCAGTTGCGTCACCAAATGAATG"
        "CAACCAAATGTGCCTTTCAACTCTCATGAAGTGTGATCATTGTGGTGAAACTTCATGGCAGACGGGCGATTTTGTTAAAGCCACTTGCGAATT"
        "TTGTGGCACTGAGAATTTGACTAAAGAAGGTGCCACTACTTGTGGTTACTTACCCCAAAATGCTGTTGTTAAAATTTATTGTCCAGCATGTCAC"
        "AATTCAGAAGTAGGACCTGAGCATAGTCTTGCCGAATACCATAATGAATCTGGCTTGAAAACCATTCTTCGTAAGGGTGGTCGCACTATTGCCT"
        "TTGGAGGCTGTGTGTTCTCTTATGTTGGTTGCCATAACAAGTGTGCCTATTGGGTTCCACGTGCTAGCGCTAACATAGGTTGTAACCATACAGG"
        "TGTTGTTGGAGAAGGTTCCGAAGGTCTTAATGACAACCTTCTTGAAATACTCCAAAAAGAGAAAGTCAACATCAATATTGTTGGTGACTTTAAA"
        "CTTAATGAAGAGATCGCCATTATTTTGGCATCTTTTTCTGCTTCCACAAGTGCTTTTGTGGAAACTGTGAAAGGTTTGGATTATAAAGCATTCA"
        "AACAAATTGTTGAATCCTGCGGTAATTTTAAAGTTACAAAAGGAAAAGCTAAAAAAGGTGCCTGGAATATTGGTGAACAGAAATCAATACTGAG"
        "TCCTCTTTATGCATTTGCATCAGAGGCTGCTCGTGTTGTACGATCAATTTTCTCCCGCACTCTTGAAACTGCTCAAAATTCTGTGCGTGTTTTA"
        "CAGAAGGCCGCTATAACAATACTAGATGGAATTTCACAGTATTCACTGAGACTCATTGATGCTATGATGTTCACATCTGATTTGGCTACTAACA"
        "ATCTAGTTGTAATGGCCTACATTACAGGTGGTGTTGTTCAGTTGACTTCGCAGTGGCTAACTAACATCTTTGGCACTGTTTATGAAAAACTCAA"
        "ACCCGTCCTTGATTGGCTTGAAGAGAAGTTTAAGGAAGGTGTAGAGTTTCTTAGAGACGGTTGGGAAATTGTTAAATTTATCTCAACCTGTGCTT"
        "GTGAAATTGTCGGTGGACAAATTGTCACCTGTGCAAAGGAAATTAAGGAGAGTGTTCAGACATTCTTTAAGCTTGTAAATAAATTTTTGGCTTT"
        "GTGTGCTGACTCTATCATTATTGGTGGAGCTAAACTTAAAGCCTTGAATTTAGGTGAAACATTTGTCACGCACTCAAAGGGATTGTACAGAAA"
        "GTGTGTTAAATCCAGAGAAGAAACTGGCCTACTCATGCCTCTAAAAGCCCCAAAAGAAATTATCTTCTTAGAGGGAGAAACACTTCCCACAGAAG"
        "TGTTAACAGAGGAAGTTGTCTTGAAAACTGGTGATTTACAACCATTAGAACAACCTACTAGTGAAGCTGTTGAAGCTCCATTGGTTGGTACACC"
        "AGTTTGTATTAACGGGCTTATGTTGCTCGAAATCAAAGACACAGAAAAGTACTGTGCCCTTGCACCTAATATGATGGTAACAAACAATACCTTCA"
        "CACTCAAAGGCGG")
RNA2 = ("ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTG"
        "TCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGC"
        "TGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT")


def _lcs_len(a, b):
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _is_subsequence(sub, s):
    it = iter(s)
    return all(c in it for c in sub)


def test_lcs_basic(call):
    call("SET", "a", "ohmytext")
    call("SET", "b", "mynewtext")
    assert call("LCS", "a", "b") == b"mytext"
    assert call("LCS", "a", "b", "LEN") == 6
    assert call("LCS", "a", "nokey") == b""
    assert call("LCS", "nokey1", "nokey2", "LEN") == 0


def test_lcs_rna(call):
    call("MSET", "virus1", RNA1, "virus2", RNA2)
    n = _lcs_len(RNA1, RNA2)
    got = call("LCS", "virus1", "virus2").decode()
    assert len(got) == n
    assert _is_subsequence(got, RNA1) and _is_subsequence(got, RNA2)
    assert call("LCS", "virus1", "virus2", "LEN") == n


def test_lcs_idx(call):
    call("SET", "a", "ohmytext")
    call("SET", "b", "mynewtext")
    assert call("LCS", "a", "b", "IDX") == [
        b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]
    assert call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4") == [
        b"matches", [[[4, 7], [5, 8]]], b"len", 6]
    assert call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]
    assert call("LCS", "a", "b", "IDX", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]
    assert call("LCS", "x", "y", "IDX") == [b"matches", [], b"len", 0]


def test_lcs_rna_idx(call):
    call("MSET", "virus1", RNA1, "virus2", RNA2)
    reply = call("LCS", "virus1", "virus2", "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN")
    assert reply[0] == b"matches" and reply[2] == b"len"
    assert reply[3] == _lcs_len(RNA1, RNA2)
    assert reply[1]
    for (a0, a1), (b0, b1), ln in reply[1]:
        assert ln >= 3 and a1 - a0 + 1 == ln and b1 - b0 + 1 == ln
        assert RNA1[a0:a1 + 1] == RNA2[b0:b1 + 1]


def test_lcs_errors(call):
    call("SET", "a", "x")
    assert call.err("LCS", "a", "b", "FOO") == SYNTAX
    assert call.err("LCS", "a", "b", "LEN", "IDX") == \
        "ERR If you want both the length and indexes, please just use IDX."
    assert call.err("LCS", "a", "b", "MINMATCHLEN") == SYNTAX
    assert call.err("LCS", "a", "b", "MINMATCHLEN", "x") == NOTINT
    call("LPUSH", "l", "x")
    assert call.err("LCS", "l", "a") == "ERR The specified keys must contain string values"


# ---------------------------------------------------------------------------
# WRONGTYPE against a list
# ---------------------------------------------------------------------------

WRONGTYPE_CMDS = [
    ("GET", "l"), ("GETSET", "l", "x"), ("GETDEL", "l"), ("GETEX", "l"), ("GETEX", "l", "EX", "10"),
    ("APPEND", "l", "x"), ("STRLEN", "l"), ("SETRANGE", "l", "0", "x"), ("GETRANGE", "l", "0", "1"),
    ("SUBSTR", "l", "0", "1"), ("INCR", "l"), ("DECR", "l"), ("INCRBY", "l", "1"),
    ("DECRBY", "l", "1"), ("INCRBYFLOAT", "l", "1"), ("SET", "l", "x", "GET"),
    ("SETBIT", "l", "0", "1"), ("GETBIT", "l", "0"), ("BITCOUNT", "l"), ("BITPOS", "l", "0"),
    ("BITFIELD", "l", "GET", "u8", "0"),
]


@pytest.mark.parametrize("cmd", WRONGTYPE_CMDS, ids=[" ".join(c) for c in WRONGTYPE_CMDS])
def test_wrongtype(call, cmd):
    call("LPUSH", "l", "a")
    assert call.err(*cmd) == WRONGTYPE
    assert call("TYPE", "l") == b"list"


def test_setnx_setex_overwrite_or_not_other_types(call):
    call("LPUSH", "l", "a")
    assert call("SETNX", "l", "x") == 0
    assert call("SETEX", "l", "100", "x") == b"OK"
    assert call("TYPE", "l") == b"string"


# ---------------------------------------------------------------------------
# OBJECT ENCODING
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("val,enc", [
    ("12345", b"int"), ("-1", b"int"), ("0", b"int"), ("9223372036854775807", b"int"),
    ("-9223372036854775808", b"int"), ("9223372036854775808", b"embstr"), ("0123", b"embstr"),
    (" 12", b"embstr"), ("1.5", b"embstr"), ("hello", b"embstr"), ("x" * 44, b"embstr"),
    ("x" * 45, b"raw"), ("", b"embstr"),
])
def test_object_encoding_on_set(call, val, enc):
    call("SET", "k", val)
    assert call("OBJECT", "ENCODING", "k") == enc
    assert call("GET", "k") == val.encode()


def test_object_encoding_transitions(call):
    call("SET", "k", "10")
    call("APPEND", "k", "1")
    assert call("OBJECT", "ENCODING", "k") == b"raw"
    assert call("GET", "k") == b"101"
    call("SET", "k", "10")
    call("SETRANGE", "k", "0", "2")
    assert call("OBJECT", "ENCODING", "k") == b"raw"
    call("SET", "k", "abc")
    call("APPEND", "k", "d")
    assert call("OBJECT", "ENCODING", "k") == b"raw"
    call("SET", "k", "10")
    call("INCR", "k")
    assert call("OBJECT", "ENCODING", "k") == b"int"
    call("SET", "k", "hello")
    call("SETRANGE", "k", "0", "j")
    assert call("OBJECT", "ENCODING", "k") == b"raw"
    # INCR turns a raw numeric string back into an int
    call("SET", "k", "5")
    call("APPEND", "k", "5")
    assert call("OBJECT", "ENCODING", "k") == b"raw"
    call("INCR", "k")
    assert call("OBJECT", "ENCODING", "k") == b"int"
    assert call("GET", "k") == b"56"
    call("INCRBYFLOAT", "f", "1.5")
    assert call("OBJECT", "ENCODING", "f") == b"embstr"
