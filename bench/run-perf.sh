#!/usr/bin/env bash
# CPU profile of the whole cluster with Linux perf (cpu-clock sampling works in this VM; dotnet-trace's cpu-sampling
# does not): starts 3 nodes (16 shards, RF 3, fsync, authentication on, sealed peers) on 127.24.17.0/24 (BENCH_NET)
# with DOTNET_PerfMapEnabled=1 (the JIT writes /tmp/perf-PID.map so managed frames get names), drives node 1 with wrk
# (1 KiB, BENCH_CONNS connections, default 64) for each operation in BENCH_OPS (default "put linearizable"; also lease, local), and after
# BENCH_WARM_S (default 15) seconds of each load samples the three node processes (every thread, kernel included; framework code jitted, not ReadyToRun, so that every frame has a name) at
# BENCH_FREQ Hz (default 999) for BENCH_TRACE_S (default 10) seconds. bench/perf_areas.py prints the CPU of each
# node, each thread kind and each area of the code, in µs per operation. perf.data files are kept in $OUT_DIR
# (default /tmp/raftcache-perf). Stops exactly the processes it started and removes its data folders.
# Gets read keys written first (every key once, as run-side-by-side.sh fills them). BENCH_TARGET=ceiling samples
# bench/Ceiling (one Kestrel process over a dictionary) under the same wrk loads instead of the cluster (no perf map
# needed beyond the same runtime settings), so a node's areas can be set beside the ceiling's.
# BENCH_LOAD=resp drives node 1 over RESP with redis-benchmark instead (1 KiB, 50 connections, pipeline BENCH_PIPELINE,
# default 1; BENCH_OPS "set get"; reads at the node's --resp-read-consistency) and counts the operations it reports.
#   bench/run-perf.sh
#   BENCH_LOAD=resp BENCH_OPS="get set" bench/run-perf.sh
#   BENCH_OPS="put" BENCH_NODE_ARGS="--shards 4" bench/run-perf.sh
#   BENCH_TARGET=ceiling BENCH_OPS="local" bench/run-perf.sh   # the ceiling under the node's local-get load
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
WARM_S=${BENCH_WARM_S:-15}
TRACE_S=${BENCH_TRACE_S:-10}
FREQ=${BENCH_FREQ:-999}
NET=${BENCH_NET:-127.24.17}
OUT_DIR=${OUT_DIR:-/tmp/raftcache-perf}
LOAD=${BENCH_LOAD:-wrk}
PIPELINE=${BENCH_PIPELINE:-1}
if [ "$LOAD" = resp ]; then OPS=${BENCH_OPS:-set get}; else OPS=${BENCH_OPS:-put linearizable}; fi
command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bench_workdir perf
mkdir -p "$OUT_DIR"

TARGET=${BENCH_TARGET:-raftcache}
build_node
new_credentials
# Named managed frames: the JIT's perf map, no W^X double mapping (perf cannot map its memfd aliases back to the map),
# and framework code jitted rather than taken precompiled from ReadyToRun images (which the map does not list).
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0
[ "$LOAD" = resp ] && RESP_ARGS="--resp-listen :6379"
if [ "$TARGET" = ceiling ]; then
  build_ceiling
  start_ceiling "http://$NET.1:5001"
else
  # shellcheck disable=SC2086
  start_cluster ${RESP_ARGS:-} ${BENCH_NODE_ARGS:-}
fi
if [ "$LOAD" != resp ] && [[ " $OPS " =~ \ (linearizable|lease|local)\  ]]; then
  timeout 150 wrk -t1 -c16 -d120s --timeout 5s -s bench/wrk/kv.lua "http://$NET.1:5001" -- \
    "$TARGET" put 1024 2000 k1024- linearizable "$KEY" fill >"$WORK/fill.txt" 2>&1 || true
  grep -q FILLED "$WORK/fill.txt" || { echo "the fill did not finish in 120 s" >&2; exit 1; }
fi
for op in $OPS; do
  case $op in put) verb=put; consistency=linearizable ;; *) verb=get; consistency=$op ;; esac
  total=$(( WARM_S + TRACE_S + 3 ))
  if [ "$LOAD" = resp ]; then
    # A bounded load: at most 10 M requests, cut after its time.
    timeout "$total" redis-benchmark -h "$NET.1" -p 6379 -a "$KEY" -t "$op" -d 1024 -P "$PIPELINE" -c 50 -n 10000000 \
      -r 10000 -q >"$WORK/wrk-$op.txt" 2>&1 &
  else
    timeout $(( total + 30 )) wrk -t2 -c"${BENCH_CONNS:-64}" -d"${total}s" --timeout 5s -s bench/wrk/kv.lua "http://$NET.1:5001" -- \
      "$TARGET" $verb 1024 2000 k1024- "$consistency" "$KEY" >"$WORK/wrk-$op.txt" 2>&1 &
  fi
  load=$!
  sleep "$WARM_S"
  before=$(cpu_ticks "${pids[@]}")
  timeout $(( TRACE_S + 30 )) perf record -q -F "$FREQ" -g -p "$(IFS=,; echo "${pids[*]}")" -o "$OUT_DIR/$op.data" \
    -- sleep "$TRACE_S" >/dev/null 2>&1 || true
  after=$(cpu_ticks "${pids[@]}")
  wait $load || true
  result=$(grep '^RESULT' "$WORK/wrk-$op.txt" || true)
  # redis-benchmark -q rewrites one progress line ("SET: rps=… (overall: R) avg_msec=…") until it is cut: the overall
  # rate of its last state, as one second of requests, is what perf_areas.py divides by.
  if [ "$LOAD" = resp ]; then
    rps=$(tr '\r' '\n' <"$WORK/wrk-$op.txt" | grep -a 'overall' | tail -1 | sed -E 's/.*rps=[0-9.]+ \(overall: ([0-9]+).*/\1/')
    result="RESULT requests=${rps:-0} duration_us=1000000"
  fi
  cp "$WORK/wrk-$op.txt" "$OUT_DIR/load-$op.txt"
  echo "== $op: $result"
  perf script -F comm,pid,tid,ip,sym,dso -i "$OUT_DIR/$op.data" 2>/dev/null | python3 bench/perf_areas.py --wrk "$result" \
    --cpu-ticks $(( after - before )) --seconds "$TRACE_S" --pids "${pids[*]}"
done
