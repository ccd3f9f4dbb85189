#!/usr/bin/env bash
# CPU profile of the node that receives the requests: starts 3 nodes (16 shards, RF 3, fsync, authentication on) on
# 127.24.18.0/24 (BENCH_NET), drives node 1 with wrk (1 KiB puts, then linearizable gets, 64 connections) and, after
# BENCH_WARM_S (default 20) seconds of each load, traces node 1 with `dotnet-trace collect --profile dotnet-sampled-thread-time,dotnet-common` (stacks of every
# managed thread sampled at ~100 Hz, busy or waiting, plus GC and JIT events) for
# BENCH_TRACE_S (default 10) seconds and reads its runtime counters (dotnet-counters: % time in GC, JIT time) over
# the same span. bench/profile_areas.py turns each trace into CPU by area (Kestrel, auth, JSON, forwarding, Raft,
# WAL, fsync, apply, ...). Traces are kept in $OUT_DIR (default /tmp/raftcache-profile). Stops exactly the processes
# it started and removes its data folders.
#   bench/run-profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
WARM_S=${BENCH_WARM_S:-20}
TRACE_S=${BENCH_TRACE_S:-10}
NET=${BENCH_NET:-127.24.18}
OUT_DIR=${OUT_DIR:-/tmp/raftcache-profile}
bench_workdir prof
TOOLS=$HOME/.dotnet/tools
mkdir -p "$OUT_DIR"

build_node
new_credentials
start_cluster
for op in put get; do
  total=$(( WARM_S + TRACE_S + 5 ))
  timeout $(( total + 30 )) wrk -t2 -c64 -d"${total}s" --timeout 5s -s bench/wrk/kv.lua http://$NET.1:5001 -- \
    raftcache $op 1024 2000 k1024- linearizable "$KEY" >"$WORK/wrk-$op.txt" 2>&1 &
  load=$!
  sleep "$WARM_S"
  trace_node "${pids[0]}" "$op"
  wait $load || true
  echo "== $op: $(grep '^RESULT' "$WORK/wrk-$op.txt")"
  report_trace "$op"
done
