#!/usr/bin/env bash
# Bytes allocated per request on the node that receives the requests, and where: starts 3 nodes (RF 3, fsync,
# authentication on) on 127.24.19.0/24 (BENCH_NET), drives node 1 with wrk (1 KiB, 64 connections) for each shape of
# BENCH_SHAPES (default "put get:linearizable get:local"), and after BENCH_WARM_S (default 10) seconds reads node 1's
# allocation rate (dotnet-counters, System.Runtime) and takes a trace of its sampled allocations (GC AllocationTick
# events with stacks, dotnet-trace) for BENCH_TRACE_S (default 5) seconds. bench/AllocTrace prints them by type and
# stack. Prints per shape: ops/s, allocated bytes per request (counters' rate / wrk's rate). Traces stay in $OUT_DIR
# (default /tmp/raftcache-alloc). Stops exactly the processes it started and removes its data folders.
#   BENCH_NET=127.62.19 bench/run-alloc-profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
WARM_S=${BENCH_WARM_S:-10}
TRACE_S=${BENCH_TRACE_S:-5}
NET=${BENCH_NET:-127.24.19}
SHAPES=${BENCH_SHAPES:-put get:linearizable get:local}
OUT_DIR=${OUT_DIR:-/tmp/raftcache-alloc}
bench_workdir alloc
TOOLS=$HOME/.dotnet/tools
mkdir -p "$OUT_DIR"

build_node
[ "${BENCH_NO_BUILD:-0}" = 1 ] || timeout 600 dotnet build bench/AllocTrace -c Release -v q -nologo >/dev/null
new_credentials
start_cluster
timeout 150 wrk -t1 -c16 -d120s --timeout 5s -s bench/wrk/kv.lua "http://$NET.1:5001" -- \
  raftcache put 1024 2000 k1024- linearizable "$KEY" fill | grep -q FILLED || { echo "fill did not finish" >&2; exit 1; }
for shape in $SHAPES; do
  op=${shape%%:*}; cons=${shape#*:}; [ "$cons" = "$shape" ] && cons=linearizable
  name=$op-$cons
  total=$(( WARM_S + TRACE_S + 3 ))
  timeout $(( total + 30 )) wrk -t2 -c64 -d"${total}s" --timeout 5s -s bench/wrk/kv.lua "http://$NET.1:5001" -- \
    raftcache "$op" 1024 2000 k1024- "$cons" "$KEY" | grep '^RESULT' >"$WORK/wrk-$name.txt" &
  load=$!
  sleep "$WARM_S"
  timeout $(( TRACE_S + 10 )) "$TOOLS/dotnet-counters" collect -p "${pids[0]}" --counters System.Runtime \
    --format csv -o "$OUT_DIR/counters-$name.csv" --duration "00:00:00:$(printf %02d "$TRACE_S")" >/dev/null 2>&1 || true
  timeout $(( TRACE_S + 120 )) "$TOOLS/dotnet-trace" collect -p "${pids[0]}" \
    --providers "Microsoft-Windows-DotNETRuntime:0x1:5" \
    --duration "00:00:00:$(printf %02d "$TRACE_S")" -o "$OUT_DIR/$name.nettrace" >/dev/null 2>&1 || true
  wait $load || true
  python3 - "$WORK/wrk-$name.txt" "$OUT_DIR/counters-$name.csv" "$name" <<'PY'
import csv, sys
wrk = dict(kv.split('=') for kv in open(sys.argv[1]).read().split()[1:])
rate = int(wrk['requests']) / (int(wrk['duration_us']) / 1e6)
alloc = [float(r['Mean/Increment']) for r in csv.DictReader(open(sys.argv[2]))
         if 'Allocation Rate' in r.get('Counter Name', '') or 'gc.heap.total_allocated' in r.get('Counter Name', '')]
per_s = sum(alloc) / max(len(alloc), 1)
print(f"== {sys.argv[3]}: {rate:,.0f} ops/s, {per_s / 1e6:,.1f} MB/s allocated, {per_s / max(rate, 1):,.0f} B/request")
PY
  requests=$(python3 -c "import sys; d=dict(kv.split('=') for kv in open('$WORK/wrk-$name.txt').read().split()[1:]); print(int(int(d['requests'])/(int(d['duration_us'])/1e6)*$TRACE_S))")
  "$ARTIFACTS/bin/AllocTrace/release/RaftCache.AllocTrace" "$OUT_DIR/$name.nettrace" "$requests" "${BENCH_TOP:-20}" \
    >"$OUT_DIR/$name.txt" 2>&1 || true
  echo "   allocation sites: $OUT_DIR/$name.txt"
done
