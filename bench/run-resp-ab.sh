#!/usr/bin/env bash
# Before/after cost of RESP operations, two node builds interleaved in one run (this machine is shared, so only a
# comparison inside one run means anything). For each round, for build A then build B (even rounds B first): a fresh
# 3-node cluster (16 shards, RF 3, fsync, authentication on, sealed peers, RESP on :6379, proxy mode) on
# $BENCH_NET.1-3, 10,000 keys of 1 KiB written and read once, then for each cell of BENCH_CELLS (default
# "get:1 set:1", OP:PIPELINE) one redis-benchmark run on node 1 (50 connections, 1 KiB, random keys; BENCH_N
# requests, default 100,000, a third of that for SET). Prints requests/s and p99 (redis-benchmark's), cluster CPU µs
# per request (utime+stime of the three node processes from /proc) and context switches per request (every thread's
# voluntary and nonvoluntary ones), one line per cell. Stops exactly the processes it started.
#   bench/run-resp-ab.sh A_NODE_BINARY B_NODE_BINARY
#   BENCH_ROUNDS=3 BENCH_CELLS="get:1 get:16" bench/run-resp-ab.sh /tmp/base/RaftCache.Node artifacts/bin/Node/release/RaftCache.Node
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
[ $# -eq 2 ] || { echo "usage: $0 A_NODE_BINARY B_NODE_BINARY" >&2; exit 2; }
BINARIES=("$1" "$2")
ROUNDS=${BENCH_ROUNDS:-3}
CELLS=${BENCH_CELLS:-get:1 set:1}
N=${BENCH_N:-100000}
NET=${BENCH_NET:-127.92.1}
command -v redis-benchmark >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-tools >/dev/null; }
bench_workdir resp-ab
hz=$(getconf CLK_TCK)
bench() { timeout 300 redis-benchmark -h "$NET.1" -p 6379 -a "$KEY" -d 1024 -c 50 -r 10000 "$@"; }

echo "| round | build | cell | requests/s | p99 ms | CPU µs/request | switches/request |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  order="0 1"; [ $((round % 2)) = 0 ] && order="1 0"
  for b in $order; do
    NODE=${BINARIES[$b]}; label=A; [ "$b" = 1 ] && label=B
    new_credentials; rm -rf "$WORK"/node-*
    start_cluster --resp-listen :6379
    bench -t set -P 16 -n 20000 -q >/dev/null 2>&1
    bench -t get -n 30000 -q >/dev/null 2>&1
    for cell in $CELLS; do
      op=${cell%%:*}; pipeline=${cell##*:}; n=$N; [ "$op" = set ] && n=$(( N / 3 ))
      cpu0=$(cpu_ticks "${pids[@]}"); sw0=$(ctx_switches "${pids[@]}")
      # --csv: "test","rps","avg","min","p50","p95","p99","max"
      line=$(bench -t "$op" -P "$pipeline" -n "$n" --csv 2>/dev/null | tail -1 | tr -d '"')
      cpu1=$(cpu_ticks "${pids[@]}"); sw1=$(ctx_switches "${pids[@]}")
      awk -v r="$round" -v b="$label" -v c="$op P$pipeline" -v line="$line" -v n="$n" -v cpu=$(( cpu1 - cpu0 )) -v hz="$hz" \
        -v sw=$(( sw1 - sw0 )) 'BEGIN { split(line, f, ","); printf "| %s | %s | %s | %.0f | %s | %.1f | %.2f |\n", r, b, c, f[2], f[7], cpu / hz / n * 1e6, sw / n }'
    done
    stop_pids
  done
done
