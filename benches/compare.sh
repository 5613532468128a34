#!/bin/bash
# compare.sh — petrel-server vs redis-server, same client, same run.
#
# Starts each server on a free loopback port (no persistence) pinned to one
# CPU, drives it with petrel-benchmark pinned to another CPU, and prints a
# Markdown table of requests/s and server CPU time per request (utime+stime
# of the server process from /proc/<pid>/stat, before/after each run), with
# the petrel/redis ratios. Servers are killed by PID on exit.
#
# Everything is a variable (environment), with these defaults:
#   PETREL_SERVER=build/petrel-server   PETREL_ARGS="--threads 1"
#   REDIS_SERVER=/usr/bin/redis-server  REDIS_ARGS=""
#   BENCH=build/petrel-benchmark
#   TESTS=ping_mbulk,set,get,incr,lpush,lrange_100,mset   N=200000  CLIENTS=50
#   PIPELINE=1  DATASIZE=3  KEYSPACE=100000  REPEAT=3 (median of runs)
#   SERVER_CPU=0  CLIENT_CPU=1  BENCH_ARGS=""  (extra petrel-benchmark flags)
# To check the script itself, give redis-server both roles:
#   PETREL_SERVER=/usr/bin/redis-server benches/compare.sh
# (PETREL_ARGS is then ignored for a binary named redis-server.)
set -u
cd "$(dirname "$0")/.." || exit 1

PETREL_SERVER=${PETREL_SERVER:-build/petrel-server}
PETREL_ARGS=${PETREL_ARGS---threads 1}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_ARGS=${REDIS_ARGS:-}
BENCH=${BENCH:-build/petrel-benchmark}
TESTS=${TESTS:-ping_mbulk,set,get,incr,lpush,lrange_100,mset}
N=${N:-200000}
CLIENTS=${CLIENTS:-50}
PIPELINE=${PIPELINE:-1}
DATASIZE=${DATASIZE:-3}
KEYSPACE=${KEYSPACE:-100000}
REPEAT=${REPEAT:-3}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BENCH_ARGS=${BENCH_ARGS:-}

TMP=$(mktemp -d /tmp/petrel-compare.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "compare.sh: $*" >&2; exit 1; }
[ -x "$BENCH" ] || die "$BENCH not built (ninja build/petrel-benchmark)"
command -v taskset >/dev/null || die "taskset not found (util-linux)"
CLK_TCK=$(getconf CLK_TCK)

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ping PORT: true when something answers +PONG there.
ping_port() {
	local line
	{ exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
	printf 'PING\r\n' >&3
	read -r -t 1 line <&3
	exec 3<&- 3>&-
	[ "${line%$'\r'}" = "+PONG" ]
}

# cpu_ticks PID: utime+stime of the process, in clock ticks.
cpu_ticks() {
	# fields after the ")" of the command name: state is field 3, utime 14, stime 15
	local stat rest
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	rest=${stat##*) }
	set -- $rest
	echo $(( ${12} + ${13} ))
}

# start_server NAME BINARY ARGS... : sets SERVER_PID and SERVER_PORT, or fails.
start_server() {
	local name=$1 bin=$2; shift 2
	local dir="$TMP/$name" port
	mkdir -p "$dir"
	port=$(free_port)
	taskset -c "$SERVER_CPU" "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$dir" "$@" >"$dir/out.log" 2>&1 &
	SERVER_PID=$!
	PIDS="$PIDS $SERVER_PID"
	SERVER_PORT=$port
	for _ in $(seq 100); do
		if ping_port "$port"; then
			return 0
		fi
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "compare.sh: $name ($bin) did not answer PING on port $port; log:" >&2
	tail -5 "$dir/out.log" >&2
	return 1
}

stop_server() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME PORT PID TEST: appends "rps cpu_us_per_req" lines for each run.
measure() {
	local name=$1 port=$2 pid=$3 test=$4 before after out rps
	for _ in $(seq "$REPEAT"); do
		before=$(cpu_ticks "$pid") || return 1
		out=$(taskset -c "$CLIENT_CPU" "$BENCH" -p "$port" -t "$test" -n "$N" -c "$CLIENTS" \
			-P "$PIPELINE" -d "$DATASIZE" -r "$KEYSPACE" --csv --no-progress $BENCH_ARGS 2>"$TMP/err") ||
			{ echo "compare.sh: $name: petrel-benchmark failed: $(head -3 "$TMP/err")" >&2; return 1; }
		after=$(cpu_ticks "$pid") || return 1
		# the last CSV row is the test itself (lrange runs an LPUSH first)
		rps=$(echo "$out" | tail -1 | cut -d, -f2 | tr -d '"')
		echo "$rps $(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$N" -v rows="$(echo "$out" | tail -n +2 | wc -l)" \
			'BEGIN { printf "%.3f", t * 1e6 / hz / (n * rows) }')"
	done
}

run_all() {
	local name=$1 bin=$2; shift 2
	if ! [ -x "$bin" ]; then
		echo "compare.sh: $name: $bin not found, skipped" >&2
		return 1
	fi
	start_server "$name" "$bin" "$@" || return 1
	local pid=$SERVER_PID port=$SERVER_PORT t
	for t in ${TESTS//,/ }; do
		measure "$name" "$port" "$pid" "$t" > "$TMP/$name.$t" || { stop_server "$pid"; return 1; }
	done
	stop_server "$pid"
}

pargs=()
if [ "$(basename "$PETREL_SERVER")" != redis-server ] && [ -n "$PETREL_ARGS" ]; then
	read -r -a pargs <<< "$PETREL_ARGS"
fi
rargs=()
[ -n "$REDIS_ARGS" ] && read -r -a rargs <<< "$REDIS_ARGS"

have_petrel=1 have_redis=1
run_all petrel "$PETREL_SERVER" "${pargs[@]}" || have_petrel=0
run_all redis "$REDIS_SERVER" "${rargs[@]}" || have_redis=0
[ $have_petrel = 1 ] || [ $have_redis = 1 ] || die "no server could be measured"

echo "## petrel-server vs redis-server"
echo
pcmd=$(echo "$PETREL_SERVER ${pargs[*]:-}" | sed 's/ *$//')
rcmd=$(echo "$REDIS_SERVER ${rargs[*]:-}" | sed 's/ *$//')
echo "petrel: \`$pcmd\`, redis: \`$rcmd\`; server on CPU $SERVER_CPU," \
	"petrel-benchmark on CPU $CLIENT_CPU; -n $N -c $CLIENTS -P $PIPELINE -d $DATASIZE -r $KEYSPACE;" \
	"median of $REPEAT runs."
echo
echo "| test | petrel req/s | redis req/s | req/s ratio | petrel CPU µs/req | redis CPU µs/req | CPU ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for t in ${TESTS//,/ }; do
	prps=n/a pcpu=n/a rrps=n/a rcpu=n/a
	if [ $have_petrel = 1 ]; then
		prps=$(awk '{print $1}' "$TMP/petrel.$t" | median)
		pcpu=$(awk '{print $2}' "$TMP/petrel.$t" | median)
	fi
	if [ $have_redis = 1 ]; then
		rrps=$(awk '{print $1}' "$TMP/redis.$t" | median)
		rcpu=$(awk '{print $2}' "$TMP/redis.$t" | median)
	fi
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(echo "$t" | tr a-z A-Z)" \
		"$prps" "$rrps" "$(ratio "$prps" "$rrps")" "$pcpu" "$rcpu" "$(ratio "$pcpu" "$rcpu")"
done
echo
echo "req/s ratio = petrel/redis (above 1: petrel faster); CPU ratio = petrel/redis (below 1: petrel cheaper)."
