"""Bitmap commands (Redis tests/unit/bitops.tcl, bitfield.tcl).

Besides fixed cases, BITCOUNT/BITPOS/BITOP/BITFIELD are checked against small
Python models on seeded random data (Redis 7.0 range semantics).
"""
import random


SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
BADOFF = "ERR bit offset is not an integer or out of range"
BADTYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."


# ---------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------


def _norm_range(start, end, total):
    if start < 0:
        start = total + start
    if end < 0:
        end = total + end
    if start < 0:
        start = 0
    if end < 0:
        end = 0
    if end >= total:
        end = total - 1
    return start, end


def _bits(data):
    return [(data[i >> 3] >> (7 - (i & 7))) & 1 for i in range(len(data) * 8)]


def model_bitcount(data, start=None, end=None, unit="BYTE"):
    if start is None:
        return sum(bin(b).count("1") for b in data)
    if unit == "BYTE":
        s, e = _norm_range(start, end, len(data))
        if s > e:
            return 0
        return sum(bin(b).count("1") for b in data[s:e + 1])
    s, e = _norm_range(start, end, len(data) * 8)
    if s > e:
        return 0
    return sum(_bits(data)[s:e + 1])


def model_bitpos(data, bit, start=None, end=None, unit="BYTE"):
    end_given = end is not None
    if start is None:
        start = 0
    if end is None:
        end = -1
    if unit == "BYTE":
        s, e = _norm_range(start, end, len(data))
        if s > e:
            return -1
        bits = _bits(data[s:e + 1])
        for i, b in enumerate(bits):
            if b == bit:
                return s * 8 + i
        if bit == 1 or end_given:
            return -1
        return (e + 1) * 8
    s, e = _norm_range(start, end, len(data) * 8)
    if s > e:
        return -1
    bits = _bits(data)
    for i in range(s, e + 1):
        if bits[i] == bit:
            return i
    return -1


class BitfieldModel:
    def __init__(self, data=b""):
        self.data = bytearray(data)

    def _get_raw(self, off, bits):
        v = 0
        for i in range(off, off + bits):
            byte = i >> 3
            b = (self.data[byte] >> (7 - (i & 7))) & 1 if byte < len(self.data) else 0
            v = (v << 1) | b
        return v

    def _set_raw(self, off, bits, v):
        need = (off + bits + 7) >> 3
        if len(self.data) < need:
            self.data.extend(b"\x00" * (need - len(self.data)))
        for i in range(bits):
            pos = off + i
            b = (v >> (bits - 1 - i)) & 1
            if b:
                self.data[pos >> 3] |= 1 << (7 - (pos & 7))
            else:
                self.data[pos >> 3] &= ~(1 << (7 - (pos & 7))) & 0xFF

    def get(self, signed, bits, off):
        v = self._get_raw(off, bits)
        if signed and v >> (bits - 1):
            v -= 1 << bits
        return v

    @staticmethod
    def _limit(signed, bits, v, mode):
        if signed:
            lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        else:
            lo, hi = 0, (1 << bits) - 1
        if lo <= v <= hi:
            return v
        if mode == "FAIL":
            return None
        if mode == "SAT":
            return hi if v > hi else lo
        return ((v - lo) % (1 << bits)) + lo  # WRAP

    def set(self, signed, bits, off, value, mode):
        old = self.get(signed, bits, off)
        if not signed and value < 0:
            # Redis reads the value as uint64: a negative one is a huge overflow
            nv = None if mode == "FAIL" else ((1 << bits) - 1 if mode == "SAT" else value & ((1 << bits) - 1))
        else:
            nv = self._limit(signed, bits, value, mode)
        if nv is None:
            return None
        self._set_raw(off, bits, nv & ((1 << bits) - 1))
        return old

    def incrby(self, signed, bits, off, incr, mode):
        nv = self._limit(signed, bits, self.get(signed, bits, off) + incr, mode)
        if nv is None:
            return None
        self._set_raw(off, bits, nv & ((1 << bits) - 1))
        return nv


# ---------------------------------------------------------------------------
# SETBIT / GETBIT
# ---------------------------------------------------------------------------


def test_setbit_getbit(call):
    assert call("SETBIT", "b", "7", "1") == 0
    assert call("GET", "b") == b"\x01"
    assert call("SETBIT", "b", "7", "1") == 1
    assert call("SETBIT", "b", "0", "1") == 0
    assert call("GET", "b") == b"\x81"
    assert call("GETBIT", "b", "0") == 1
    assert call("GETBIT", "b", "1") == 0
    assert call("GETBIT", "b", "7") == 1
    assert call("GETBIT", "b", "100") == 0
    assert call("GETBIT", "nokey", "100") == 0
    assert call("EXISTS", "nokey") == 0
    assert call("SETBIT", "b", "7", "0") == 1
    assert call("GET", "b") == b"\x80"


def test_setbit_grows_with_zero_padding(call):
    call("SET", "b", "a")
    assert call("SETBIT", "b", "31", "1") == 0
    assert call("GET", "b") == b"a\x00\x00\x01"
    assert call("SETBIT", "c", "100", "0") == 0
    assert call("STRLEN", "c") == 13


def test_setbit_on_int_encoded_value(call):
    call("SET", "n", "1")  # "1" = 0x31
    assert call("SETBIT", "n", "6", "1") == 0
    assert call("GET", "n") == b"3"


def test_setbit_getbit_errors(call):
    assert call.err("SETBIT", "b", "-1", "1") == BADOFF
    assert call.err("SETBIT", "b", "4294967296", "1") == BADOFF
    assert call.err("SETBIT", "b", "abc", "1") == BADOFF
    assert call.err("SETBIT", "b", "0", "2") == "ERR bit is not an integer or out of range"
    assert call.err("SETBIT", "b", "0", "-1") == "ERR bit is not an integer or out of range"
    assert call.err("SETBIT", "b", "0", "x") == "ERR bit is not an integer or out of range"
    assert call.err("GETBIT", "b", "-1") == BADOFF
    assert call.err("GETBIT", "b", "4294967296") == BADOFF
    assert call("EXISTS", "b") == 0


def test_setbit_random_against_model(call):
    rnd = random.Random(1)
    model = bytearray()
    for _ in range(300):
        off = rnd.randrange(0, 200)
        bit = rnd.randrange(2)
        need = off // 8 + 1
        if len(model) < need:
            model.extend(b"\x00" * (need - len(model)))
        old = (model[off >> 3] >> (7 - (off & 7))) & 1
        if bit:
            model[off >> 3] |= 1 << (7 - (off & 7))
        else:
            model[off >> 3] &= ~(1 << (7 - (off & 7))) & 0xFF
        assert call("SETBIT", "b", str(off), str(bit)) == old
    assert call("GET", "b") == bytes(model)


# ---------------------------------------------------------------------------
# BITCOUNT
# ---------------------------------------------------------------------------


def test_bitcount_fixed(call):
    call("SET", "s", "foobar")
    assert call("BITCOUNT", "s") == 26
    assert call("BITCOUNT", "s", "0", "0") == 4
    assert call("BITCOUNT", "s", "1", "1") == 6
    assert call("BITCOUNT", "s", "1", "1", "BYTE") == 6
    assert call("BITCOUNT", "s", "5", "30", "BIT") == 17
    assert call("BITCOUNT", "s", "0", "-1", "bit") == 26
    assert call("BITCOUNT", "s", "-2", "-1") == 7
    assert call("BITCOUNT", "s", "3", "1") == 0
    assert call("BITCOUNT", "s", "0", "1000") == 26
    assert call("BITCOUNT", "nokey") == 0
    assert call("BITCOUNT", "nokey", "0", "-1", "BIT") == 0


def test_bitcount_errors(call):
    call("SET", "s", "foobar")
    assert call.err("BITCOUNT", "s", "0") == SYNTAX
    assert call.err("BITCOUNT", "s", "0", "1", "FOO") == SYNTAX
    assert call.err("BITCOUNT", "s", "0", "1", "BIT", "x") == SYNTAX
    assert call.err("BITCOUNT", "s", "a", "b") == NOTINT
    # an inverted negative range answers 0 before the unit is read
    assert call("BITCOUNT", "s", "-1", "-5", "WORD") == 0


def test_bitcount_random_against_model(call):
    rnd = random.Random(2)
    for n in (1, 3, 8, 31, 100, 1000):
        data = bytes(rnd.randrange(256) for _ in range(n))
        call("SET", "s", data)
        assert call("BITCOUNT", "s") == model_bitcount(data)
        for _ in range(15):
            unit = rnd.choice(["BYTE", "BIT"])
            total = n if unit == "BYTE" else n * 8
            s = rnd.randint(-total, total + 3)
            e = rnd.randint(-total, total + 3)
            assert call("BITCOUNT", "s", str(s), str(e), unit) == model_bitcount(data, s, e, unit), \
                (data, s, e, unit)


# ---------------------------------------------------------------------------
# BITPOS
# ---------------------------------------------------------------------------


def test_bitpos_fixed(call):
    call("SET", "z", b"\xff\xf0\x00")
    assert call("BITPOS", "z", "0") == 12
    call("SET", "z", b"\x00\xff\xf0")
    assert call("BITPOS", "z", "1", "0") == 8
    assert call("BITPOS", "z", "1", "2") == 16
    assert call("BITPOS", "z", "1", "2", "-1", "BYTE") == 16
    assert call("BITPOS", "z", "1", "7", "15", "BIT") == 8
    assert call("BITPOS", "z", "1", "7", "7", "BIT") == -1
    call("SET", "z", b"\xff\xff\xff")
    assert call("BITPOS", "z", "0") == 24          # beyond the string: zero padded
    assert call("BITPOS", "z", "0", "0") == 24
    assert call("BITPOS", "z", "0", "0", "-1") == -1  # explicit end: no padding
    assert call("BITPOS", "z", "0", "0", "-1", "BIT") == -1
    assert call("BITPOS", "z", "1") == 0
    call("SET", "z", b"\x00\x00\x00")
    assert call("BITPOS", "z", "1") == -1
    assert call("BITPOS", "z", "0") == 0
    assert call("BITPOS", "nokey", "0") == 0
    assert call("BITPOS", "nokey", "1") == -1


def test_bitpos_errors(call):
    call("SET", "z", "abc")
    assert call.err("BITPOS", "z", "2") == "ERR The bit argument must be 1 or 0."
    assert call.err("BITPOS", "z", "1", "0", "-1", "FOO") == SYNTAX
    assert call.err("BITPOS", "z", "1", "a") == NOTINT
    assert call.err("BITPOS", "z", "1", "0", "1", "BIT", "x") == SYNTAX


def test_bitpos_random_against_model(call):
    rnd = random.Random(3)
    for n in (1, 2, 5, 17, 64):
        for _ in range(6):
            kind = rnd.randrange(3)
            if kind == 0:
                data = bytes(rnd.choice([0, 0xff, rnd.randrange(256)]) for _ in range(n))
            elif kind == 1:
                data = b"\x00" * n
            else:
                data = b"\xff" * n
            call("SET", "s", data)
            for bit in (0, 1):
                assert call("BITPOS", "s", str(bit)) == model_bitpos(data, bit), (data, bit)
                for _ in range(6):
                    unit = rnd.choice(["BYTE", "BIT", None])
                    total = n * 8 if unit == "BIT" else n
                    s = rnd.randint(-total, total + 2)
                    if unit is None and rnd.randrange(2):
                        got = call("BITPOS", "s", str(bit), str(s))
                        assert got == model_bitpos(data, bit, s), (data, bit, s)
                        continue
                    e = rnd.randint(-total, total + 2)
                    args = [str(bit), str(s), str(e)] + ([unit] if unit else [])
                    got = call("BITPOS", "s", *args)
                    assert got == model_bitpos(data, bit, s, e, unit or "BYTE"), (data, args)


# ---------------------------------------------------------------------------
# BITOP
# ---------------------------------------------------------------------------


def _bitop(op, srcs):
    n = max((len(s) for s in srcs), default=0)
    srcs = [s + b"\x00" * (n - len(s)) for s in srcs]
    out = bytearray(srcs[0]) if srcs else bytearray()
    for s in srcs[1:]:
        for i in range(n):
            if op == "AND":
                out[i] &= s[i]
            elif op == "OR":
                out[i] |= s[i]
            else:
                out[i] ^= s[i]
    return bytes(out)


def test_bitop_fixed(call):
    call("SET", "a", "foobar")
    call("SET", "b", "abcdef")
    assert call("BITOP", "AND", "d", "a", "b") == 6
    assert call("GET", "d") == b"`bc`ab"
    assert call("BITOP", "OR", "d", "a", "b") == 6
    assert call("GET", "d") == b"goofev"
    assert call("BITOP", "XOR", "d", "a", "b") == 6
    assert call("BITOP", "NOT", "d", "a") == 6
    assert call("GET", "d") == bytes(~c & 0xFF for c in b"foobar")


def test_bitop_different_lengths_and_missing_keys(call):
    call("SET", "a", b"\xff\xff\xff")
    call("SET", "b", b"\x0f")
    assert call("BITOP", "AND", "d", "a", "b") == 3
    assert call("GET", "d") == b"\x0f\x00\x00"
    assert call("BITOP", "OR", "d", "b", "nokey") == 1
    assert call("GET", "d") == b"\x0f"
    assert call("BITOP", "AND", "d", "a", "nokey") == 3
    assert call("GET", "d") == b"\x00\x00\x00"
    # all sources missing: destination is deleted
    assert call("BITOP", "OR", "d", "nokey", "nokey2") == 0
    assert call("EXISTS", "d") == 0
    # destination may be one of the sources
    assert call("BITOP", "NOT", "a", "a") == 3
    assert call("GET", "a") == b"\x00\x00\x00"


def test_bitop_random_against_model(call):
    rnd = random.Random(4)
    for _ in range(20):
        nkeys = rnd.randint(1, 5)
        srcs = [bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 40))) for _ in range(nkeys)]
        names = []
        for i, s in enumerate(srcs):
            call("SET", "src%d" % i, s)
            names.append("src%d" % i)
        for op in ("AND", "OR", "XOR"):
            exp = _bitop(op, srcs)
            assert call("BITOP", op, "dst", *names) == len(exp)
            if exp:
                assert call("GET", "dst") == exp
        assert call("BITOP", "NOT", "dst", names[0]) == len(srcs[0])
        if srcs[0]:
            assert call("GET", "dst") == bytes(~c & 0xFF for c in srcs[0])


def test_bitop_errors(call):
    call("SET", "a", "x")
    call("LPUSH", "l", "x")
    assert call.err("BITOP", "AND", "d") == "ERR wrong number of arguments for 'bitop' command"
    assert call.err("BITOP", "FOO", "d", "a") == SYNTAX
    assert call.err("BITOP", "NOT", "d", "a", "a") == "ERR BITOP NOT must be called with a single source key."
    assert call.err("BITOP", "OR", "d", "a", "l") == \
        "WRONGTYPE Operation against a key holding the wrong kind of value"
    assert call("EXISTS", "d") == 0


# ---------------------------------------------------------------------------
# BITFIELD / BITFIELD_RO
# ---------------------------------------------------------------------------


def test_bitfield_basics(call):
    assert call("BITFIELD", "bf", "SET", "i8", "0", "100", "GET", "u4", "0") == [0, 6]
    assert call("BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0") == [100, 255]
    assert call("BITFIELD", "bf", "GET", "i8", "0") == [-1]
    assert call("BITFIELD", "bf", "SET", "u8", "#1", "7", "GET", "u8", "8") == [0, 7]
    assert call("GET", "bf") == b"\xff\x07"
    assert call("BITFIELD", "bf") == []
    assert call("BITFIELD", "nokey", "GET", "u8", "100") == [0]
    assert call("EXISTS", "nokey") == 0


def test_bitfield_overflow_modes(call):
    # unsigned
    assert call("BITFIELD", "u", "SET", "u2", "0", "3", "INCRBY", "u2", "0", "1") == [0, 0]  # WRAP default
    assert call("BITFIELD", "u", "SET", "u2", "0", "3", "OVERFLOW", "SAT", "INCRBY", "u2", "0", "1") == [0, 3]
    assert call("BITFIELD", "u", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "1") == [None]
    assert call("BITFIELD", "u", "OVERFLOW", "SAT", "INCRBY", "u2", "0", "-10") == [0]
    assert call("BITFIELD", "u", "OVERFLOW", "WRAP", "INCRBY", "u2", "0", "-1") == [3]
    # signed
    assert call("BITFIELD", "s", "SET", "i8", "0", "127", "INCRBY", "i8", "0", "1") == [0, -128]
    assert call("BITFIELD", "s", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-1") == [-128]
    assert call("BITFIELD", "s", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "1000") == [127]
    assert call("BITFIELD", "s", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "1") == [None]
    assert call("BITFIELD", "s", "GET", "i8", "0") == [127]
    # SET saturates / fails too
    assert call("BITFIELD", "s", "OVERFLOW", "SAT", "SET", "i8", "0", "1000") == [127]
    assert call("BITFIELD", "s", "GET", "i8", "0") == [127]
    assert call("BITFIELD", "s", "OVERFLOW", "FAIL", "SET", "i8", "0", "1000") == [None]
    assert call("BITFIELD", "s", "SET", "i8", "0", "200", "GET", "i8", "0") == [127, -56]


def test_bitfield_i64_and_u63(call):
    assert call("BITFIELD", "k", "SET", "i64", "0", "-1", "GET", "i64", "0", "GET", "u63", "0") == \
        [0, -1, (1 << 63) - 1]
    assert call("BITFIELD", "k", "SET", "i64", "0", "9223372036854775807",
                "INCRBY", "i64", "0", "1") == [-1, -9223372036854775808]
    assert call("BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1") == \
        [-9223372036854775808]


def test_bitfield_errors(call):
    assert call.err("BITFIELD", "bf", "FOO") == SYNTAX
    assert call.err("BITFIELD", "bf", "GET", "u8") == SYNTAX
    for t in ("u64", "u65", "i65", "x8", "i0", "u0", "8"):
        assert call.err("BITFIELD", "bf", "GET", t, "0") == BADTYPE, t
    assert call.err("BITFIELD", "bf", "GET", "u8", "-1") == BADOFF
    assert call.err("BITFIELD", "bf", "GET", "u8", "4294967296") == BADOFF
    assert call.err("BITFIELD", "bf", "GET", "u8", "#-1") == BADOFF
    assert call.err("BITFIELD", "bf", "OVERFLOW", "FOO") == "ERR Invalid OVERFLOW type specified"
    assert call.err("BITFIELD", "bf", "SET", "u8", "0", "abc") == NOTINT
    assert call.err("BITFIELD", "bf", "INCRBY", "u8", "0", "1.5") == NOTINT
    # an error anywhere means nothing runs
    assert call.err("BITFIELD", "bf", "SET", "u8", "0", "1", "GET", "x8", "0") == BADTYPE
    # Redis reads the type as a C string: a NUL ends it
    assert call("BITFIELD", "bf", "GET", b"u8\x00zz", "0") == [0]
    assert call.err("BITFIELD", "bf", "GET", b"u\x008", "0") == BADTYPE
    assert call("EXISTS", "bf") == 0


def test_bitfield_ro(call):
    call("SET", "k", b"\xff")
    assert call("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i4", "0") == [255, -1]
    assert call("BITFIELD_RO", "k") == []
    assert call.err("BITFIELD_RO", "k", "SET", "u8", "0", "1") == \
        "ERR BITFIELD_RO only supports the GET subcommand"
    assert call.err("BITFIELD_RO", "k", "INCRBY", "u8", "0", "1") == \
        "ERR BITFIELD_RO only supports the GET subcommand"
    assert call("GET", "k") == b"\xff"


def test_bitfield_random_against_model(call):
    rnd = random.Random(5)
    m = BitfieldModel()
    mode = "WRAP"
    for _ in range(40):
        args, expected = [], []
        for _ in range(rnd.randint(1, 6)):
            signed = rnd.randrange(2) == 1
            bits = rnd.randint(1, 63)
            t = ("i" if signed else "u") + str(bits)
            if rnd.randrange(4) == 0:
                idx = rnd.randint(0, 10)
                off, offarg = idx * bits, "#%d" % idx
            else:
                off = rnd.randint(0, 200)
                offarg = str(off)
            op = rnd.randrange(4)
            lim = 1 << bits
            if op == 0:
                args += ["GET", t, offarg]
                expected.append(m.get(signed, bits, off))
            elif op == 1:
                v = rnd.randint(-lim, 2 * lim) if bits < 62 else rnd.randint(-(1 << 62), 1 << 62)
                args += ["SET", t, offarg, str(v)]
                expected.append(m.set(signed, bits, off, v, mode))
            elif op == 2:
                v = rnd.randint(-2 * lim, 2 * lim) if bits < 60 else rnd.randint(-(1 << 40), 1 << 40)
                args += ["INCRBY", t, offarg, str(v)]
                expected.append(m.incrby(signed, bits, off, v, mode))
            else:
                mode = rnd.choice(["WRAP", "SAT", "FAIL"])
                args += ["OVERFLOW", mode]
        mode = "WRAP"  # OVERFLOW does not persist across commands
        m_before = bytes(m.data)
        got = call("BITFIELD", "bf", *args)
        assert got == expected, (args, m_before)
        if m.data:
            assert call("GET", "bf") == bytes(m.data)
