#!/usr/bin/env bash
# CPU profile of the RESP front end: starts 3 nodes (16 shards, RF 3, fsync, authentication on, RESP on :6379) on
# BENCH_NET (default 127.24.19), drives node 1 with redis-benchmark (1 KiB SET, then GET; 50 connections, pipeline
# BENCH_PIPELINE, default 1) and, after BENCH_WARM_S (default 15) seconds of each load, traces node 1 with
# `dotnet-trace collect --profile dotnet-sampled-thread-time,dotnet-common` for BENCH_TRACE_S (default 10) seconds and
# reads its runtime counters (GC, allocation rate) over the same span; bench/profile_areas.py turns each trace into
# CPU by area. Extra node arguments go in BENCH_NODE_ARGS (e.g. "--resp-read-consistency local"). Traces are kept in
# $OUT_DIR (default /tmp/raftcache-resp-profile). Stops exactly the processes it started and removes its data folders.
#   bench/run-resp-profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
WARM_S=${BENCH_WARM_S:-15}
TRACE_S=${BENCH_TRACE_S:-10}
NET=${BENCH_NET:-127.24.19}
PIPELINE=${BENCH_PIPELINE:-1}
OUT_DIR=${OUT_DIR:-/tmp/raftcache-resp-profile}
bench_workdir resp-prof
TOOLS=$HOME/.dotnet/tools
mkdir -p "$OUT_DIR"

ticks() { local t=0 p; for p in "${pids[@]}"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo $t; }
build_node
new_credentials
# shellcheck disable=SC2086
start_cluster --resp-listen :6379 ${BENCH_NODE_ARGS:-}
for op in set get; do
  total=$(( WARM_S + TRACE_S + 5 ))
  # A bounded load: at most 10 M requests, cut after its time.
  before=$(ticks)
  timeout "$total" redis-benchmark -h "$NET.1" -p 6379 -a "$KEY" -t $op -d 1024 -P "$PIPELINE" -c 50 -n 10000000 -r 10000 \
    -q >"$WORK/load-$op.txt" 2>&1 &
  load=$!
  sleep "$WARM_S"
  trace_node "${pids[0]}" "$op"
  wait $load || true
  after=$(ticks)
  # redis-benchmark -q rewrites one progress line ("SET: rps=… (overall: …)") until it is cut: its last state is the rate.
  echo "== $op P$PIPELINE: $(tr '\r' '\n' <"$WORK/load-$op.txt" | grep -a 'rps=' | tail -1); cluster CPU $(( (after - before) / $(getconf CLK_TCK) )) s over $total s of load"
  report_trace "$op"
done
