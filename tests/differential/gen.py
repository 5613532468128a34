"""Random command generator for the petrel-vs-redis differential test.

Gen(seed).next(state) returns one Cmd. The stream depends only on the seed and
on `state` (which connection is inside MULTI), and the runner derives that
state from the reference server's replies, so a seed always replays the same
commands against redis.

Design
  * A small key space (KEYS, 6 names spread over both shards of a
    --threads 2 petrel) so keys collide and types clash all the time; every
    family of commands picks from the same names. HyperLogLog merges go to
    their own names (HLL_KEYS) so they grow past the sparse limits; their raw
    bytes are compared too (GET, and the final dump), as they must equal
    Redis's.
  * Each Cmd carries a comparison mode (see the constants below): replies are
    compared exactly unless Redis leaves the order or the pick unspecified.
  * Expiry never depends on the clock: absolute times are far in the future
    (year 2100+) or far in the past (1970), and relative TTLs are huge and
    strictly increasing within one stream, so NX/XX/GT/LT decide the same way
    on both servers whatever the few microseconds between them.
  * A slice of the stream is deliberately wrong: wrong arity, wrong type,
    bad integers/floats, unknown options, unknown commands/subcommands,
    nested MULTI, EXEC/DISCARD without MULTI.
"""
import random

# --- comparison modes -------------------------------------------------------
EXACT = "exact"          # type, value, order
UNORDERED = "unordered"  # top-level array/set compared as a multiset
PAIRS = "pairs"          # flat [k, v, k, v] array or map compared as a multiset of pairs
RANDOM = "random"        # random pick: same shape, every element from `snapshot`
TTL = "ttl"              # TTL/PTTL/EXPIRETIME/PEXPIRETIME (see run.py)
SCAN = "scan"            # SCAN family: the runner iterates to cursor 0 on each server

# membership kinds for RANDOM
M_MEMBERS = "members"    # reply elements are members/fields/keys
M_PAIRS = "pairs"        # reply is (field, value) / (member, score) pairs

HLL_KEYS = ["p0", "p1", "p2"]
# Lex-range commands are only defined on sorted sets whose scores are all
# equal (Redis: "unspecified" otherwise), so valid lex ranges read LEX_KEYS,
# which only ever get score 0.
LEX_KEYS = ["z0", "z1"]
KEYS = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"]
# Each family picks its "home" keys 70% of the time (so values grow past a
# command or two) and any key otherwise (so types clash).
HOME = {"string": ["k0", "k1", "k6"], "bits": ["k0", "k6"], "list": ["k2", "k7"], "hash": ["k3", "k6"],
        "set": ["k4", "k7"], "zset": ["k5", "k1"], "lex": LEX_KEYS, "random": ["k3", "k4", "k5"],
        "scan": ["k3", "k4", "k5"], "big": ["k2", "k3", "k4", "k5"]}
DBS = 3

# Absolute times: far future (2100-01-01 and later) and far past.
FUTURE_S = 4102444800
PAST_S = [1, 1000, 86400]


class Cmd:
    __slots__ = ("conn", "args", "mode", "snapshot", "member_kind", "post", "scan_cursor_at",
                 "scan_pairs", "note")

    def __init__(self, args, mode=EXACT, conn=0, snapshot=None, member_kind=M_MEMBERS,
                 post=None, scan_cursor_at=None, scan_pairs=False, note=None):
        self.conn = conn
        self.args = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.mode = mode
        # RANDOM: args of a command listing the candidates
        self.snapshot = None if snapshot is None else [a if isinstance(a, bytes) else str(a).encode()
                                                       for a in snapshot]
        self.member_kind = member_kind    # RANDOM: how to read reply and snapshot
        # commands sent to both servers right after this one (outside MULTI),
        # replies compared exactly: resynchronise after a random pick (DEL),
        # or make lazy expiry happen now (EXISTS) instead of whenever
        self.post = None if post is None else [[a if isinstance(a, bytes) else str(a).encode() for a in p]
                                               for p in post]
        self.scan_cursor_at = scan_cursor_at  # SCAN: index of the cursor argument
        self.scan_pairs = scan_pairs      # SCAN: elements come as pairs (HSCAN/ZSCAN)
        self.note = note

    @property
    def name(self):
        return self.args[0].decode("latin-1").upper()

    def __repr__(self):
        return "Cmd(%r, %r, conn=%d)" % (self.text(), self.mode, self.conn)

    def text(self):
        out = []
        for a in self.args:
            s = a.decode("latin-1")
            if not s or any(c in s for c in " \"'\\") or any(ord(c) < 32 or ord(c) > 126 for c in s):
                s = '"' + "".join(c if 32 <= ord(c) < 127 and c not in "\"\\" else "\\x%02x" % ord(c)
                                  for c in s) + '"'
            out.append(s)
        return " ".join(out)


# Differences between petrel and redis 7.0.15 that this test has found and
# that are not fixed yet: (name, predicate over a Cmd, reproduction). The
# generator leaves matching commands out unless Gen(..., known=True), so the
# test stays green for the rest; run.py --include-known shows them again.
# Delete an entry once petrel is fixed.
def _ll(b):
    """b as Redis's string2ll reads it, or None."""
    try:
        s = b.decode()
    except UnicodeDecodeError:
        return None
    if not s or s != s.strip() or s.startswith("+") or (len(s) > 1 and s.lstrip("-").startswith("0")):
        return None
    try:
        v = int(s)
    except ValueError:
        return None
    return v if -2 ** 63 <= v < 2 ** 63 else None


KNOWN = [
    # (name, predicate, example): none open; add one only with a test that shows it
]


def known_difference(cmd):
    for name, pred, _ in KNOWN:
        if pred(cmd):
            return name
    return None


class State:
    """What the generator needs to know about the session (set by the runner)."""

    def __init__(self, nconns=2):
        self.in_multi = [False] * nconns
        self.queued = [[] for _ in range(nconns)]   # Cmds queued in the open MULTI, per connection


class Gen:
    def __init__(self, seed, nconns=2, exclude=(), known=False):
        self.r = random.Random(seed)
        self.known = known
        self.home = None
        self.nconns = nconns
        self.rel_ttl = 10_000_000          # seconds, strictly increasing
        self.exclude = set(exclude)
        table = [
            # (weight, name, function)
            (14, "string", self.g_string),
            (5, "bits", self.g_bits),
            (10, "keys", self.g_keys),
            (4, "expire", self.g_expire),
            (9, "list", self.g_list),
            (9, "hash", self.g_hash),
            (9, "set", self.g_set),
            (11, "zset", self.g_zset),
            (4, "lex", self.g_lex),
            (3, "hll", self.g_hll),
            (3, "geo", self.g_geo),
            (3, "random", self.g_random),
            (3, "scan", self.g_scan),
            (2, "big", self.g_big),
            (3, "misc", self.g_misc),
        ]
        self.table = [(w, n, f) for (w, n, f) in table if n not in self.exclude]
        self.total = sum(w for w, _, _ in self.table)

    # --- value pickers ------------------------------------------------------
    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def chance(self, p):
        return self.r.random() < p

    def key(self):
        if self.home and self.chance(0.7):
            return self.pick(self.home)
        return self.pick(KEYS)

    def keys(self, lo=1, hi=4):
        return [self.key() for _ in range(self.r.randint(lo, hi))]

    def val(self):
        r = self.r.random()
        if r < 0.35:
            return self.pick(["a", "b", "hello", "world", "abc", "ab", "ba", "x" * 3])
        if r < 0.65:
            return str(self.pick([0, 1, -1, 2, 7, 10, 42, 100, -100, 255, 1000, 65535]))
        if r < 0.75:
            return self.pick(["", "1.5", "-0.25", "3e2", "9223372036854775807", "1\x002", "\x00",
                              "-9223372036854775808", "9223372036854775808", " 1", "01", "+1"])
        if r < 0.85:
            return "v" * self.r.randint(40, 50)        # across the 44-byte embstr line
        if r < 0.92:
            return bytes(self.r.randrange(256) for _ in range(self.r.randint(1, 6)))
        return "ohmyxyzzy"[: self.r.randint(1, 9)]

    def member(self):
        r = self.r.random()
        if r < 0.45:
            return self.pick(["m0", "m1", "m2", "m3", "m4", "m5", "a", "b", "c"])
        if r < 0.9:
            return str(self.pick([0, 1, 2, 3, 5, 8, -1, 100, 9223372036854775807]))
        return self.pick(["", "m" * 45, "1.0", "x y", "-0"])

    def members(self, lo=1, hi=5):
        return [self.member() for _ in range(self.r.randint(lo, hi))]

    def field(self):
        return self.pick(["f0", "f1", "f2", "f3", "f4", "1", "f" * 45])

    def int_arg(self, lo=-5, hi=10, bad=0.04):
        if self.chance(bad):
            return self.pick(["abc", "1.5", "", " 1", "99999999999999999999", "0x10", "1e3", "1\x002",
                              "9223372036854775808", "-9223372036854775809"])
        if self.chance(0.05):
            return self.pick(["9223372036854775807", "-9223372036854775808", "2147483648", "-2147483649"])
        return str(self.r.randint(lo, hi))

    def incr_arg(self):
        if self.chance(0.05):
            return self.pick(["abc", "1.5", "", "9223372036854775808", "-9223372036854775809"])
        if self.chance(0.08):
            return self.pick(["9223372036854775807", "-9223372036854775808", "4611686018427387904"])
        return str(self.r.randint(-100, 100))

    def float_arg(self, bad=0.05):
        if self.chance(bad):
            return self.pick(["abc", "", "nan", "1.5.5", "1e", "0x", " 1", "1 ", "1\x002", "1\x00"])
        return self.pick(["0", "1", "-1", "1.5", "-0.1", "0.1", "3.0e2", "1e-5", "10.5", "-3.75",
                          "5.0000000000000001", "1e300", "-1e300", "inf", "-inf", "+inf", "1e400",
                          "17", "0.3", "100", "2.5e-3", "7"])

    def score(self, bad=0.03):
        if self.chance(bad):
            return self.pick(["nan", "abc", "", "1,5", "(1", "1\x002"])
        return self.pick(["0", "1", "2", "3", "-1", "1.5", "2.5", "-2.5", "10", "100", "inf", "-inf",
                          "+inf", "1e-3", "0.1", "0.2", "0.30000000000000004", "3", "1", "2"])

    def score_range_item(self):
        r = self.r.random()
        if r < 0.7:
            s = self.pick(["0", "1", "2", "3", "-1", "1.5", "2.5", "10", "100", "0.1"])
            return ("(" + s) if self.chance(0.3) else s
        if r < 0.95:
            return self.pick(["-inf", "+inf", "inf", "(-inf", "(+inf"])
        return self.pick(["abc", "((1", "[1", "", "nan"])

    def lex_item(self):
        r = self.r.random()
        if r < 0.8:
            return self.pick(["[", "("]) + self.pick(["a", "b", "c", "m1", "m3", "1", "", "z"])
        if r < 0.95:
            return self.pick(["-", "+"])
        return self.pick(["a", "", "{a", "-a"])

    def lex_key(self, *items):
        """A key for a lex-range command: a LEX_KEYS one unless an item is
        invalid (then the command errors before the key matters)."""
        if all(i[:1] in ("[", "(") or i in ("-", "+") for i in items):
            return self.pick(LEX_KEYS)
        return self.key()

    def db(self):
        if self.chance(0.04):
            return self.pick(["16", "-1", "abc", "100000000000"])
        return str(self.r.randrange(DBS))

    def pattern(self):
        return self.pick(["*", "k*", "k[0-2]", "k?", "*1", "p*", "x*", "k[^0]", "\\k*", "k[1-3]*"])

    def next_rel_ttl(self):
        self.rel_ttl += self.r.randint(1000, 100000)
        return self.rel_ttl

    def abs_time(self, ms=False, future=False):
        if not future and self.chance(0.15):
            t = self.pick(PAST_S)
        else:
            t = FUTURE_S + self.r.randrange(0, 1000) * 86400
        if ms:
            return t * 1000 + (0 if t in PAST_S else self.r.randrange(1000))
        return t

    def expire_opts(self):
        r = self.r.random()
        if r < 0.6:
            return []
        if r < 0.9:
            return [self.pick(["NX", "XX", "GT", "LT", "nx", "gt"])]
        return self.pick([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["XX", "GT"], ["FOO"], ["XX", "XX"]])

    # --- top level -----------------------------------------------------------
    def next(self, state):
        while True:
            cmd = self._next(state)
            if self.known or known_difference(cmd) is None:
                return cmd

    def _next(self, state):
        conn = self.r.randrange(self.nconns)
        in_multi = state.in_multi[conn]
        # transaction control
        if in_multi:
            r = self.r.random()
            if r < 0.08:
                return Cmd(["EXEC"], conn=conn)
            if r < 0.10:
                return Cmd(["DISCARD"], conn=conn)
            if r < 0.105:
                return Cmd(["MULTI"], conn=conn)
        else:
            r = self.r.random()
            if r < 0.025:
                return Cmd(["MULTI"], conn=conn)
            if r < 0.028:
                return Cmd([self.pick(["EXEC", "DISCARD", "exec"])], conn=conn)
        cmd = None
        while cmd is None:
            x = self.r.random() * self.total
            for w, name, f in self.table:
                x -= w
                if x < 0:
                    break
            self.home = HOME.get(name)
            cmd = f(in_multi)
        cmd.conn = conn
        # deliberate breakage of an otherwise valid command
        # (never on LEX_KEYS: a junk argument in ZADD could give them a non-zero score)
        if cmd.mode in (EXACT, UNORDERED, PAIRS, TTL) and len(cmd.args) > 1 and cmd.note != "nobreak" \
                and not any(a.decode("latin-1") in LEX_KEYS for a in cmd.args[1:]):
            r = self.r.random()
            if r < 0.02:
                cmd.args = cmd.args[: self.r.randrange(1, len(cmd.args))]
            elif r < 0.035:
                cmd.args.insert(self.r.randrange(2, len(cmd.args) + 1),
                                self.pick([b"FOO", b"BAR", b"-1", b"", b"WITHSCORES"]))
        elif self.chance(0.002):
            cmd = Cmd([self.pick(["NOSUCHCMD", "GETT", "set2", "ZADDX"]), self.key(), "x"], conn=conn)
        return cmd

    # --- strings ----------------------------------------------------------------
    def set_opts(self, in_multi=False):
        opts = []
        r = self.r.random()
        if r < 0.15:
            opts.append(self.pick(["NX", "XX"]))
        if self.chance(0.15):
            opts.append("GET")
        r = self.r.random()
        if r < 0.05:
            opts += ["EX", str(self.next_rel_ttl())]
        elif r < 0.08:
            opts += ["PX", str(self.next_rel_ttl() * 1000)]
        elif r < 0.12:
            opts += ["EXAT", str(self.abs_time(future=in_multi))]
        elif r < 0.15:
            opts += ["PXAT", str(self.abs_time(ms=True, future=in_multi))]
        elif r < 0.20:
            opts.append("KEEPTTL")
        elif r < 0.23:
            opts += [self.pick(["EX", "PX", "EXAT", "PXAT"]),
                     self.pick(["0", "-1", "abc", "", "9223372036854775807", "1.5"])]
        if self.chance(0.03):
            # (huge TTLs: dropping an option must not leave a TTL that can run out)
            opts += self.pick([["NX", "XX"], ["EX", "100000000", "PX", "100000000"], ["KEEPTTL", "EX", "100000000"],
                               ["FOO"], ["EX"], ["GET", "GET"]])
        self.r.shuffle(opts) if self.chance(0.2) else None
        return opts

    def g_string(self, in_multi):
        k = self.key()
        c = self.r.randrange(28)
        if c <= 3:
            opts = self.set_opts(in_multi)
            # Redis 7.0 stores a key SET with a past EXAT/PXAT and drops it on
            # the next access or expire cycle, so DBSIZE would depend on when
            # that cycle ran: touch the key at once on both servers.
            past = any(o in opts for o in [str(t) for t in PAST_S] + [str(t * 1000) for t in PAST_S])
            return Cmd(["SET", k, self.val()] + opts, post=[["EXISTS", k]] if past else None)
        if c == 4:
            return Cmd(["GET", k])
        if c == 5:
            opts = []
            r = self.r.random()
            if r < 0.2:
                opts = ["EX", str(self.next_rel_ttl())]
            elif r < 0.3:
                opts = ["PXAT", str(self.abs_time(ms=True))]
            elif r < 0.4:
                opts = ["EXAT", str(self.abs_time())]
            elif r < 0.55:
                opts = ["PERSIST"]
            elif r < 0.62:
                opts = self.pick([["EX", "0"], ["PX", "-5"], ["EX", "abc"], ["PERSIST", "EX", "100000000"],
                                  ["FOO"], ["EX"], ["EXAT", "9223372036854775807"]])
            return Cmd(["GETEX", k] + opts)
        if c == 6:
            return Cmd(["GETDEL", k])
        if c == 7:
            return Cmd(["APPEND", k, self.val()])
        if c == 8:
            off = self.pick(["0", "1", "3", "10", "45", "-1", "536870912", "abc"]) if self.chance(0.3) \
                else str(self.r.randint(0, 20))
            return Cmd(["SETRANGE", k, off, self.pick([self.val(), ""])])
        if c == 9:
            return Cmd([self.pick(["GETRANGE", "SUBSTR"]), k, self.int_arg(-10, 20), self.int_arg(-10, 20)])
        if c in (10, 11):
            return Cmd([self.pick(["INCR", "DECR"]), k])
        if c == 12:
            return Cmd([self.pick(["INCRBY", "DECRBY"]), k, self.incr_arg()])
        if c == 13:
            return Cmd(["INCRBYFLOAT", k, self.float_arg()])
        if c == 14:
            kv = []
            for _ in range(self.r.randint(1, 3)):
                kv += [self.key(), self.val()]
            return Cmd([self.pick(["MSET", "MSETNX"])] + kv)
        if c == 15:
            return Cmd(["MGET"] + self.keys(1, 5))
        if c == 16:
            opts = []
            if self.chance(0.3):
                opts.append("LEN")
            if self.chance(0.4):
                opts.append("IDX")
            if self.chance(0.3):
                opts += ["MINMATCHLEN", self.int_arg(-1, 4)]
            if self.chance(0.3):
                opts.append("WITHMATCHLEN")
            self.r.shuffle(opts)
            return Cmd(["LCS", k, self.key()] + opts)
        if c == 17:
            return Cmd(["STRLEN", k])
        if c == 18:
            return Cmd(["GETSET", k, self.val()])
        if c == 19:
            return Cmd(["SETNX", k, self.val()])
        if c == 20:
            if self.chance(0.5):
                return Cmd(["SETEX", k, self.pick([str(self.next_rel_ttl()), "0", "-1", "abc"]), self.val()])
            return Cmd(["PSETEX", k, self.pick([str(self.next_rel_ttl() * 1000), "0", "-5", "x"]), self.val()])
        if c == 21:
            # make a key a string value that has a meaning for the other families
            return Cmd(["SET", k, self.pick(["10", "0", "-3", "3.5", "foobar", "\xff\xf0\x00", "1e2"])])
        if c == 22:
            return Cmd(["MSET", k, self.val()])
        return Cmd(["SET", k, self.val()])

    # --- bitmaps -------------------------------------------------------------
    def bit_off(self):
        if self.chance(0.06):
            return self.pick(["-1", "4294967296", "abc", "1.5"])
        return str(self.r.randint(0, 80))

    def bf_type(self):
        if self.chance(0.05):
            return self.pick(["u64", "i65", "x8", "i0", "u0", "", "i", "u8\x00"])
        return self.pick(["u1", "u4", "u8", "i8", "i5", "u16", "i16", "u32", "i32", "i64", "u63"])

    def bf_off(self):
        if self.chance(0.05):
            return self.pick(["-1", "#-1", "abc", "#", "4294967296"])
        o = self.r.randint(0, 40)
        return ("#%d" % (o % 5)) if self.chance(0.2) else str(o)

    def g_bits(self, in_multi):
        k = self.key()
        c = self.r.randrange(9)
        if c <= 1:
            return Cmd(["SETBIT", k, self.bit_off(), self.pick(["0", "1", "1", "2", "x"]) if self.chance(0.1)
                        else self.pick(["0", "1"])])
        if c == 2:
            return Cmd(["GETBIT", k, self.bit_off()])
        if c == 3:
            args = ["BITCOUNT", k]
            if self.chance(0.6):
                args += [self.int_arg(-6, 6), self.int_arg(-6, 6)]
                if self.chance(0.4):
                    args.append(self.pick(["BYTE", "BIT", "bit", "WORD"]))
            elif self.chance(0.1):
                args.append("0")
            return Cmd(args)
        if c == 4:
            args = ["BITPOS", k, self.pick(["0", "1", "1", "2"])]
            if self.chance(0.6):
                args.append(self.int_arg(-6, 6))
                if self.chance(0.6):
                    args.append(self.int_arg(-6, 6))
                    if self.chance(0.4):
                        args.append(self.pick(["BYTE", "BIT", "bit", "WORD"]))
            return Cmd(args)
        if c == 5:
            op = self.pick(["AND", "OR", "XOR", "NOT", "and", "NAND"])
            src = self.keys(1, 1 if op == "NOT" and self.chance(0.8) else 3)
            return Cmd(["BITOP", op, self.key()] + src)
        if c in (6, 7):
            args = [self.pick(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), k]
            for _ in range(self.r.randint(1, 4)):
                op = self.r.randrange(5)
                if op == 0:
                    args += ["GET", self.bf_type(), self.bf_off()]
                elif op == 1:
                    args += ["SET", self.bf_type(), self.bf_off(), self.incr_arg()]
                elif op == 2:
                    args += ["INCRBY", self.bf_type(), self.bf_off(), self.incr_arg()]
                elif op == 3:
                    args += ["OVERFLOW", self.pick(["WRAP", "SAT", "FAIL", "fail", "BAD"])]
                else:
                    args += [self.pick(["GET", "SET", "FOO"])]
            return Cmd(args)
        return Cmd(["SETBIT", k, str(self.r.randint(0, 30)), "1"])

    # --- generic keys ----------------------------------------------------------
    def g_keys(self, in_multi):
        k = self.key()
        c = self.r.randrange(20)
        if c <= 1:
            return Cmd([self.pick(["DEL", "UNLINK"])] + self.keys(1, 3))
        if c == 2:
            return Cmd(["EXISTS"] + self.keys(1, 4))
        if c == 3:
            return Cmd(["TYPE", self.pick(KEYS + HLL_KEYS)])
        if c in (4, 5):
            return Cmd([self.pick(["RENAME", "RENAMENX"]), k, self.key()])
        if c == 6:
            args = ["COPY", k, self.key()]
            if self.chance(0.4):
                args += ["DB", self.db()]
            if self.chance(0.4):
                args.append("REPLACE")
            if self.chance(0.05):
                args.append(self.pick(["FOO", "DB"]))
            return Cmd(args)
        if c == 7:
            return Cmd(["MOVE", k, self.db()])
        if c == 8:
            return Cmd(["SWAPDB", self.db(), self.db()])
        if c in (9, 10):
            return Cmd(["SELECT", self.db()])
        if c == 11:
            return Cmd(["TOUCH"] + self.keys(1, 3))
        if c == 12:
            return Cmd(["DBSIZE"])
        if c == 13:
            return Cmd(["KEYS", self.pattern()], mode=UNORDERED)
        if c == 14:
            if self.chance(0.15):
                return Cmd([self.pick(["FLUSHDB", "FLUSHALL"])] + ([self.pick(["ASYNC", "SYNC", "FOO"])]
                                                                  if self.chance(0.3) else []))
            return Cmd(["DEL", k])
        if c == 15:
            # (REFCOUNT is left out: it shows Redis's object sharing, not data)
            return Cmd(["OBJECT", self.pick(["ENCODING", "ENCODING", "FREQ", "NOSUCH"]), k])
        if c == 16:
            return Cmd(["PERSIST", k])
        return Cmd(["EXISTS", k])

    def g_expire(self, in_multi):
        k = self.key()
        c = self.r.randrange(10)
        if c == 0:
            return Cmd(["EXPIRE", k, str(self.next_rel_ttl())] + self.expire_opts())
        if c == 1:
            return Cmd(["PEXPIRE", k, str(self.next_rel_ttl() * 1000)] + self.expire_opts())
        if c == 2:
            return Cmd([self.pick(["EXPIRE", "PEXPIRE"]), k,
                        self.pick(["0", "-1", "abc", "9223372036854775807", "-9223372036854775808",
                                   "1.5", ""])] + self.expire_opts())
        if c in (3, 4):
            return Cmd(["EXPIREAT", k, str(self.abs_time())] + self.expire_opts())
        if c == 5:
            return Cmd(["PEXPIREAT", k, str(self.abs_time(ms=True))] + self.expire_opts())
        if c == 6:
            return Cmd(["PERSIST", k])
        return Cmd([self.pick(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), k], mode=TTL)

    # --- lists -------------------------------------------------------------------
    def g_list(self, in_multi):
        k = self.key()
        c = self.r.randrange(22)
        if c <= 3:
            return Cmd([self.pick(["LPUSH", "RPUSH"]), k] + self.members(1, 4))
        if c == 4:
            return Cmd([self.pick(["LPUSHX", "RPUSHX"]), k] + self.members(1, 3))
        if c in (5, 6):
            args = [self.pick(["LPOP", "RPOP"]), k]
            if self.chance(0.4):
                args.append(self.int_arg(-1, 4))
            return Cmd(args)
        if c in (7, 8):
            return Cmd(["LRANGE", k, self.int_arg(-6, 6), self.int_arg(-6, 6)])
        if c == 9:
            return Cmd(["LINDEX", k, self.int_arg(-6, 6)])
        if c == 10:
            return Cmd(["LINSERT", k, self.pick(["BEFORE", "AFTER", "before", "MIDDLE"]), self.member(),
                        self.member()])
        if c == 11:
            return Cmd(["LLEN", k])
        if c == 12:
            return Cmd(["LREM", k, self.int_arg(-3, 3), self.member()])
        if c == 13:
            return Cmd(["LSET", k, self.int_arg(-4, 4), self.member()])
        if c == 14:
            return Cmd(["LTRIM", k, self.int_arg(-5, 5), self.int_arg(-5, 5)])
        if c == 15:
            args = ["LPOS", k, self.member()]
            for _ in range(self.r.randint(0, 3)):
                o = self.pick(["RANK", "COUNT", "MAXLEN", "FOO"])
                if o == "RANK":
                    # (not -9223372036854775808: Redis 7.0 negates it, undefined behaviour)
                    args += [o, self.pick(["1", "-1", "2", "-2", "0", "9223372036854775807"])]
                elif o == "FOO":
                    args.append(o)
                else:
                    args += [o, self.int_arg(-1, 3)]
            return Cmd(args)
        if c == 16:
            return Cmd(["LMOVE", k, self.key(), self.pick(["LEFT", "RIGHT"]), self.pick(["LEFT", "RIGHT", "UP"])
                        if self.chance(0.05) else self.pick(["LEFT", "RIGHT"])])
        if c == 17:
            return Cmd(["RPOPLPUSH", k, self.key()])
        if c == 18:
            ks = self.keys(1, 3)
            args = ["LMPOP", str(len(ks)) if self.chance(0.93) else self.pick(["0", "5", "-1", "x"])] + ks
            args.append(self.pick(["LEFT", "RIGHT", "left", "MIDDLE"]) if self.chance(0.1)
                        else self.pick(["LEFT", "RIGHT"]))
            if self.chance(0.5):
                args += ["COUNT", self.int_arg(0, 4)]
            return Cmd(args)
        return Cmd(["RPUSH", k] + self.members(1, 3))

    # --- hashes -------------------------------------------------------------------
    def g_hash(self, in_multi):
        k = self.key()
        c = self.r.randrange(20)
        if c <= 3:
            args = [self.pick(["HSET", "HSET", "HMSET"]), k]
            for _ in range(self.r.randint(1, 3)):
                args += [self.field(), self.val()]
            return Cmd(args)
        if c == 4:
            return Cmd(["HSETNX", k, self.field(), self.val()])
        if c == 5:
            return Cmd(["HGET", k, self.field()])
        if c == 6:
            return Cmd(["HMGET", k] + [self.field() for _ in range(self.r.randint(1, 4))])
        if c == 7:
            return Cmd(["HDEL", k] + [self.field() for _ in range(self.r.randint(1, 3))])
        if c == 8:
            return Cmd(["HLEN", k])
        if c == 9:
            return Cmd(["HSTRLEN", k, self.field()])
        if c == 10:
            return Cmd(["HEXISTS", k, self.field()])
        if c == 11:
            return Cmd(["HINCRBY", k, self.field(), self.incr_arg()])
        if c == 12:
            return Cmd(["HINCRBYFLOAT", k, self.field(), self.float_arg()])
        if c == 13:
            return Cmd(["HKEYS", k], mode=UNORDERED)
        if c == 14:
            return Cmd(["HVALS", k], mode=UNORDERED)
        if c in (15, 16):
            return Cmd(["HGETALL", k], mode=PAIRS)
        return Cmd(["HSET", k, self.field(), self.val()])

    # --- sets -------------------------------------------------------------------
    def g_set(self, in_multi):
        k = self.key()
        c = self.r.randrange(20)
        if c <= 3:
            return Cmd(["SADD", k] + self.members(1, 5))
        if c == 4:
            return Cmd(["SREM", k] + self.members(1, 3))
        if c == 5:
            return Cmd(["SCARD", k])
        if c == 6:
            return Cmd(["SISMEMBER", k, self.member()])
        if c == 7:
            return Cmd(["SMISMEMBER", k] + self.members(1, 4))
        if c in (8, 9):
            return Cmd(["SMEMBERS", k], mode=UNORDERED)
        if c == 10:
            return Cmd(["SMOVE", k, self.key(), self.member()])
        if c in (11, 12):
            return Cmd([self.pick(["SINTER", "SUNION", "SDIFF"])] + self.keys(1, 3), mode=UNORDERED)
        if c in (13, 14):
            return Cmd([self.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), self.key()] + self.keys(1, 3))
        if c == 15:
            ks = self.keys(1, 3)
            args = ["SINTERCARD", str(len(ks)) if self.chance(0.93) else self.pick(["0", "5", "-1", "x"])] + ks
            if self.chance(0.4):
                args += ["LIMIT", self.int_arg(-1, 3)]
            return Cmd(args)
        return Cmd(["SADD", k] + self.members(1, 3))

    # --- sorted sets ---------------------------------------------------------------
    def g_zset(self, in_multi):
        k = self.key()
        c = self.r.randrange(32)
        if c <= 4:
            args = ["ZADD", k]
            r = self.r.random()
            if r < 0.1:
                args.append(self.pick(["NX", "XX"]))
            elif r < 0.2:
                args.append(self.pick(["GT", "LT"]))
            elif r < 0.23:
                args += self.pick([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["XX", "LT"]])
            if self.chance(0.15):
                args.append("CH")
            incr = self.chance(0.1)
            if incr:
                args.append("INCR")
            n = 1 if incr and self.chance(0.85) else self.r.randint(1, 4)
            for _ in range(n):
                args += [self.score(), self.member()]
            return Cmd(args)
        if c == 5:
            return Cmd(["ZINCRBY", k, self.score(), self.member()])
        if c == 6:
            return Cmd(["ZREM", k] + self.members(1, 3))
        if c == 7:
            return Cmd(["ZCARD", k])
        if c == 8:
            return Cmd(["ZCOUNT", k, self.score_range_item(), self.score_range_item()])
        if c == 9:
            a, b = self.lex_item(), self.lex_item()
            return Cmd(["ZLEXCOUNT", self.lex_key(a, b), a, b])
        if c == 10:
            return Cmd(["ZSCORE", k, self.member()])
        if c == 11:
            return Cmd(["ZMSCORE", k] + self.members(1, 3))
        if c == 12:
            args = [self.pick(["ZRANK", "ZREVRANK"]), k, self.member()]
            return Cmd(args)
        if c in (13, 14, 15):
            kind = self.r.randrange(3)
            if kind == 0:
                args = ["ZRANGE", k, self.int_arg(-5, 5), self.int_arg(-5, 5)]
            elif kind == 1:
                args = ["ZRANGE", k, self.score_range_item(), self.score_range_item(), "BYSCORE"]
            else:
                a, b = self.lex_item(), self.lex_item()
                args = ["ZRANGE", self.lex_key(a, b), a, b, "BYLEX"]
            if self.chance(0.3):
                args.append("REV")
            if self.chance(0.3 if kind else 0.05):
                args += ["LIMIT", self.int_arg(-1, 3), self.int_arg(-1, 4)]
            if self.chance(0.4 if kind != 2 else 0.05):
                args.append("WITHSCORES")
            if self.chance(0.1):
                tail = args[4:]
                self.r.shuffle(tail)
                args = args[:4] + tail
            return Cmd(args)
        if c == 16:
            rev = self.chance(0.5)
            a, b = self.score_range_item(), self.score_range_item()
            args = ["ZREVRANGEBYSCORE" if rev else "ZRANGEBYSCORE", k, a, b]
            if self.chance(0.4):
                args.append("WITHSCORES")
            if self.chance(0.3):
                args += ["LIMIT", self.int_arg(-1, 3), self.int_arg(-1, 4)]
            return Cmd(args)
        if c == 17:
            rev = self.chance(0.5)
            a, b = self.lex_item(), self.lex_item()
            args = ["ZREVRANGEBYLEX" if rev else "ZRANGEBYLEX", self.lex_key(a, b), a, b]
            if self.chance(0.3):
                args += ["LIMIT", self.int_arg(-1, 3), self.int_arg(-1, 4)]
            return Cmd(args)
        if c == 18:
            return Cmd(["ZREVRANGE", k, self.int_arg(-5, 5), self.int_arg(-5, 5)] +
                       (["WITHSCORES"] if self.chance(0.5) else []))
        if c == 19:
            kind = self.r.randrange(3)
            if kind == 0:
                args = ["ZRANGESTORE", self.key(), k, self.int_arg(-5, 5), self.int_arg(-5, 5)]
            elif kind == 1:
                args = ["ZRANGESTORE", self.key(), k, self.score_range_item(), self.score_range_item(), "BYSCORE"]
            else:
                a, b = self.lex_item(), self.lex_item()
                src = self.lex_key(a, b)
                dst = self.pick(LEX_KEYS) if src in LEX_KEYS else self.key()
                args = ["ZRANGESTORE", dst, src, a, b, "BYLEX"]
            if self.chance(0.3):
                args.append("REV")
            if self.chance(0.2):
                args += ["LIMIT", self.int_arg(-1, 3), self.int_arg(-1, 4)]
            if self.chance(0.05):
                args.append("WITHSCORES")
            return Cmd(args)
        if c == 20:
            which = self.r.randrange(3)
            if which == 0:
                return Cmd(["ZREMRANGEBYRANK", k, self.int_arg(-4, 4), self.int_arg(-4, 4)])
            if which == 1:
                return Cmd(["ZREMRANGEBYSCORE", k, self.score_range_item(), self.score_range_item()])
            a, b = self.lex_item(), self.lex_item()
            return Cmd(["ZREMRANGEBYLEX", self.lex_key(a, b), a, b])
        if c == 21:
            args = [self.pick(["ZPOPMIN", "ZPOPMAX"]), k]
            if self.chance(0.5):
                args.append(self.int_arg(-1, 4))
            return Cmd(args)
        if c == 22:
            ks = self.keys(1, 3)
            args = ["ZMPOP", str(len(ks)) if self.chance(0.93) else self.pick(["0", "5", "-1", "x"])] + ks
            args.append(self.pick(["MIN", "MAX", "min", "MID"]) if self.chance(0.1) else self.pick(["MIN", "MAX"]))
            if self.chance(0.5):
                args += ["COUNT", self.int_arg(0, 4)]
            return Cmd(args)
        if c in (23, 24, 25):
            op = self.pick(["ZUNION", "ZINTER", "ZDIFF"])
            store = self.chance(0.5)
            ks = self.keys(1, 3)
            nk = str(len(ks)) if self.chance(0.94) else self.pick(["0", "5", "-1", "x"])
            args = [op + "STORE", self.key(), nk] + ks if store else [op, nk] + ks
            if op != "ZDIFF":
                if self.chance(0.3):
                    args += ["WEIGHTS"] + [self.pick(["1", "2", "0", "-1", "0.5", "inf", "-inf", "x"])
                                           for _ in range(len(ks) if self.chance(0.9) else len(ks) + 1)]
                if self.chance(0.3):
                    args += ["AGGREGATE", self.pick(["SUM", "MIN", "MAX", "max", "AVG"])]
            if not store and self.chance(0.5):
                args.append("WITHSCORES")
            return Cmd(args)
        if c == 26:
            ks = self.keys(1, 3)
            args = ["ZINTERCARD", str(len(ks)) if self.chance(0.93) else self.pick(["0", "5", "-1", "x"])] + ks
            if self.chance(0.4):
                args += ["LIMIT", self.int_arg(-1, 3)]
            return Cmd(args)
        return Cmd(["ZADD", k, self.score(), self.member()])

    # --- sorted sets with equal scores (lex ranges) --------------------------------
    def g_lex(self, in_multi):
        k = self.pick(LEX_KEYS)
        c = self.r.randrange(10)
        if c <= 2:
            args = ["ZADD", k] + ([self.pick(["NX", "XX", "CH", "GT"])] if self.chance(0.2) else [])
            for m in self.members(1, 5):
                args += ["0", m]
            return Cmd(args)
        if c == 3:
            args = ["ZADD", k]
            for i in range(self.r.randint(100, 200)):        # listpack -> skiplist past 128
                args += ["0", "%s%d" % (self.pick(["a", "b", "m", "z"]), i)]
            return Cmd(args)
        if c == 4:
            return Cmd(["ZREM", k] + self.members(1, 3))
        if c == 5:
            return Cmd([self.pick(["ZPOPMIN", "ZPOPMAX"]), k] + ([self.int_arg(0, 5)] if self.chance(0.5) else []))
        a, b = self.lex_item(), self.lex_item()
        lim = ["LIMIT", self.int_arg(-1, 3), self.int_arg(-1, 5)] if self.chance(0.3) else []
        if c == 6:
            return Cmd(["ZLEXCOUNT", k, a, b])
        if c == 7:
            return Cmd([self.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), k, a, b] + lim)
        if c == 8:
            return Cmd(["ZRANGE", k, a, b, "BYLEX"] + (["REV"] if self.chance(0.5) else []) + lim)
        if self.chance(0.5):
            return Cmd(["ZREMRANGEBYLEX", k, a, b])
        return Cmd(["ZRANGESTORE", self.pick(LEX_KEYS), k, a, b, "BYLEX"] + lim)

    # --- HyperLogLog ---------------------------------------------------------------
    def g_hll(self, in_multi):
        c = self.r.randrange(6)
        hk = self.pick(HLL_KEYS)
        if c <= 1:
            # PFADD on a main key makes a sparse HLL there (or meets another type)
            k = hk if self.chance(0.7) else self.key()
            return Cmd(["PFADD", k] + [self.pick(["a", "b", "c", "d", "e", str(self.r.randrange(5000))])
                                       for _ in range(self.r.randint(0, 6))])
        if c == 2:
            # many elements: pushes the sparse representation towards dense
            return Cmd(["PFADD", hk] + [str(self.r.randrange(100000)) for _ in range(self.r.randint(50, 300))])
        if c == 3:
            return Cmd(["PFCOUNT"] + [self.pick(HLL_KEYS + KEYS) for _ in range(self.r.randint(1, 3))])
        if c == 4:
            return Cmd(["PFMERGE", hk] + [self.pick(HLL_KEYS + KEYS) for _ in range(self.r.randint(0, 3))])
        return Cmd([self.pick(["DEL", "EXISTS", "TYPE", "GET", "STRLEN"]), hk])

    # --- GEO ------------------------------------------------------------------------
    def lonlat(self):
        if self.chance(0.05):
            return [self.pick(["181", "-180.5", "abc", "nan", "inf"]), self.pick(["86", "0", "x"])]
        # clustered, so searches find things; sometimes near the poles or the antimeridian
        cx, cy = self.pick([(13.4, 38.1), (179.95, 0.0), (-179.95, 0.0), (2.0, 84.9), (0.0, 0.0)])
        lon = max(-180.0, min(180.0, cx + self.r.uniform(-0.6, 0.6)))
        lat = max(-85.05, min(85.05, cy + self.r.uniform(-0.4, 0.4)))
        return ["%.6f" % lon, "%.6f" % lat]

    def geo_opts(self, store_ok):
        o = []
        for w in ("WITHDIST", "WITHHASH", "WITHCOORD", "ASC", "DESC", "ANY"):
            if self.chance(0.15):
                o.append(w)
        if self.chance(0.35):
            o += ["COUNT", str(self.pick([1, 2, 5, 0, -1, "x"]))]
        if store_ok and self.chance(0.15):
            o += [self.pick(["STORE", "STOREDIST"]), self.key()]
        self.r.shuffle(o)
        return o

    def radius(self):
        return [str(self.pick([0, 1, 5, 20, 60, 150, 500, 3000, -1, "x"])),
                self.pick(["m", "km", "km", "mi", "ft", "yd"])]

    def g_geo(self, in_multi):
        c = self.r.randrange(10)
        k = self.key()
        if c <= 2:
            args = ["GEOADD", k] + [o for o in ("NX", "XX", "CH") if self.chance(0.1)]
            for _ in range(self.r.randint(1, 4)):
                args += self.lonlat() + [self.member()]
            return Cmd(args)
        if c == 3:
            return Cmd([self.pick(["GEOPOS", "GEOHASH"]), k] + [self.member() for _ in range(self.r.randint(1, 4))])
        if c == 4:
            return Cmd(["GEODIST", k, self.member(), self.member()] +
                       ([self.pick(["m", "km", "mi", "ft", "yd"])] if self.chance(0.5) else []))
        if c == 5:
            return Cmd([self.pick(["GEORADIUS", "GEORADIUS_RO"]), k] + self.lonlat() + self.radius() +
                       self.geo_opts(True))
        if c == 6:
            return Cmd([self.pick(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"]), k, self.member()] +
                       self.radius() + self.geo_opts(True))
        args = ["GEOSEARCH", k] if c <= 8 else ["GEOSEARCHSTORE", self.key(), k]
        if self.chance(0.5):
            args += ["FROMMEMBER", self.member()]
        else:
            args += ["FROMLONLAT"] + self.lonlat()
        if self.chance(0.5):
            args += ["BYRADIUS"] + self.radius()
        else:
            w, u = self.radius()
            args += ["BYBOX", w, str(self.pick([1, 10, 100, 1000])), u]
        args += self.geo_opts(False)
        if args[0] == "GEOSEARCHSTORE" and self.chance(0.3):
            args.append("STOREDIST")
        return Cmd(args)

    # --- random picks ------------------------------------------------------------
    def rand_count(self):
        # never a huge negative count: that asks for that many (repeated) picks
        if self.chance(0.05):
            return self.pick(["abc", "1.5", "", "9223372036854775807", "-9223372036854775808"])
        return str(self.r.randint(-6, 6))

    def g_random(self, in_multi):
        k = self.key()
        c = self.r.randrange(8)
        if c == 0:
            return Cmd(["RANDOMKEY"], mode=RANDOM, snapshot=["KEYS", "*"])
        if c in (1, 2):
            if in_multi:
                return None
            args = ["SPOP", k]
            if self.chance(0.6):
                args.append(self.rand_count())
            return Cmd(args, mode=RANDOM, snapshot=["SMEMBERS", k], post=[["DEL", k]])
        if c == 3:
            args = ["SRANDMEMBER", k]
            if self.chance(0.7):
                args.append(self.rand_count())
            return Cmd(args, mode=RANDOM, snapshot=["SMEMBERS", k])
        if c in (4, 5):
            args = ["HRANDFIELD", k]
            kind = M_MEMBERS
            if self.chance(0.7):
                args.append(self.rand_count())
                if self.chance(0.5):
                    args.append("WITHVALUES")
                    kind = M_PAIRS
            return Cmd(args, mode=RANDOM, snapshot=["HGETALL", k], member_kind=kind)
        args = ["ZRANDMEMBER", k]
        kind = M_MEMBERS
        if self.chance(0.7):
            args.append(self.rand_count())
            if self.chance(0.5):
                args.append("WITHSCORES")
                kind = M_PAIRS
        return Cmd(args, mode=RANDOM, snapshot=["ZRANGE", k, "0", "-1", "WITHSCORES"], member_kind=kind)

    # --- SCAN family -----------------------------------------------------------------
    def g_scan(self, in_multi):
        if in_multi:
            return None
        k = self.key()
        c = self.r.randrange(5)
        opts = []
        if self.chance(0.4):
            opts += ["MATCH", self.pattern() if c == 0 else self.pick(["*", "m*", "f*", "1*", "*1", "[a-c]"])]
        if self.chance(0.4):
            opts += ["COUNT", self.pick(["1", "2", "10", "100"])]
        if c == 0:
            if self.chance(0.3):
                opts += ["TYPE", self.pick(["string", "list", "set", "zset", "hash", "none", "STRING"])]
            return Cmd(["SCAN", "0"] + opts, mode=SCAN, scan_cursor_at=1)
        if c == 1:
            return Cmd(["SSCAN", k, "0"] + opts, mode=SCAN, scan_cursor_at=2)
        if c == 2:
            return Cmd(["HSCAN", k, "0"] + opts, mode=SCAN, scan_cursor_at=2, scan_pairs=True)
        if c == 3:
            return Cmd(["ZSCAN", k, "0"] + opts, mode=SCAN, scan_cursor_at=2, scan_pairs=True)
        # bad cursors / options, compared as a single call (never "broken"
        # further: dropping the bad option would make it a valid unordered scan)
        cursor = self.pick(["abc", "-1", "", "0", " 1", "+0", "18446744073709551616", "1.5"])
        bad = self.pick([["COUNT", "0"], ["COUNT", "x"], ["MATCH"], ["FOO", "1"], ["COUNT", "-1"]])
        return Cmd([self.pick(["SCAN", "SSCAN", "HSCAN", "ZSCAN"])] + ([] if self.chance(0.3) else [k]) +
                   [cursor] + bad, note="nobreak")

    # --- bigger collections (encoding conversions) -----------------------------------
    def g_big(self, in_multi):
        k = self.key()
        c = self.r.randrange(5)
        n = self.r.randint(100, 600)
        if c == 0:
            return Cmd(["SADD", k] + [str(i) for i in range(n)])          # intset -> hashtable past 512
        if c == 1:
            return Cmd(["RPUSH", k] + ["e%d" % (i % 37) for i in range(n)])
        if c == 2:
            args = ["HSET", k]
            for i in range(n // 3):
                args += ["f%d" % i, "v%d" % i]
            return Cmd(args)
        if c == 3:
            args = ["ZADD", k]
            for i in range(n // 3):
                args += [str((i * 7) % 50), "m%d" % i]
            return Cmd(args)
        return Cmd(["SET", k, "x" * self.r.choice([64, 200, 1000])])

    # --- misc -------------------------------------------------------------------------
    def g_misc(self, in_multi):
        c = self.r.randrange(6)
        if c == 0:
            return Cmd(["PING"] + ([self.val()] if self.chance(0.5) else []))
        if c == 1:
            return Cmd(["ECHO", self.val()])
        if c == 2:
            return Cmd([self.pick(["NOSUCHCMD", "GETT", "set2", "ZADDX", "HGETX"])] + self.keys(0, 2))
        if c == 3:
            # wrong arity on commands with a fixed shape
            return Cmd([self.pick(["GET", "SET", "LPUSH", "HSET", "ZADD", "SADD", "INCRBY", "EXPIRE",
                                   "RENAME", "LINDEX", "ZSCORE", "HGET", "GETRANGE", "SETBIT", "SELECT",
                                   "SWAPDB", "MOVE", "COPY", "LMOVE", "MSET", "BITOP", "ZRANGE", "TTL"])]
                       + self.keys(0, 1))
        if c == 4:
            return Cmd(["TYPE", self.key()])
        return Cmd(["OBJECT", self.pick(["ENCODING", "NOSUCH", "HELPX"])] + self.keys(0, 2))
