#!/usr/bin/env bash
# Warm-up of one node restarted into a running cluster (the JIT's share of "a node serves >= 80 % of its steady rate
# within 10 s of starting", without the cluster's own formation that bench/run-runtime-modes.sh also times): starts
# 3 nodes (16 shards, RF 3, fsync, authentication on, sealed peers) on $BENCH_NET.1-3 (default 127.24.21), drives
# node 3 with back-to-back 1 s wrk put cells (1 KiB, 16 connections) for BENCH_STEADY_S (default 20) seconds, takes the
# median of the last 10 cells as the steady rate, kills node 3 (SIGKILL), starts it again with the same arguments and
# data, and runs the same 1 s cells against it from the moment it starts for BENCH_WARMUP_S (default 25) seconds.
# Prints the timeline (seconds since the restart, ready or not, rate) and: ready s, first second >= 80 % of steady,
# rate at 10 s as % of steady. BENCH_NODE_ENV adds environment to the restarted node (e.g. DOTNET_TieredPGO=1).
# Stops exactly the processes it started and removes its data folders.
#   bench/run-restart-warmup.sh
#   BENCH_NODE_ENV="DOTNET_TieredCompilation=0" bench/run-restart-warmup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
NET=${BENCH_NET:-127.24.21}
STEADY_S=${BENCH_STEADY_S:-20}
WARMUP_S=${BENCH_WARMUP_S:-25}
LUA=bench/wrk/kv.lua
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bench_workdir restart
build_node
new_credentials
start_cluster --shards 16

# cell: successful puts of one 1 s wrk run on node 3 (16 connections).
cell() {
  timeout 30 wrk -t1 -c16 -d1s --timeout 5s -s $LUA "http://$NET.3:5001" -- raftcache put 1024 2000 w- linearizable "$KEY" 2>/dev/null |
    awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] } print r["requests"] - r["status"] - r["errors"] }'
}

steady_cells=()
end=$(( $(date +%s) + STEADY_S ))
while [ "$(date +%s)" -lt $end ]; do steady_cells+=("$(cell || true)"); done
steady=$(printf '%s\n' "${steady_cells[@]: -10}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')

# Same command line, environment and data folder: the node recovers from its WAL and rejoins.
victim=${pids[2]}
mapfile -d '' argv < "/proc/$victim/cmdline"
kill -KILL "$victim"
while kill -0 "$victim" 2>/dev/null; do sleep 0.1; done
start=$(date +%s.%N)
# shellcheck disable=SC2086
env RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" ${BENCH_NODE_ENV:-} "${argv[@]}" >"$WORK/node-3-restart.log" 2>&1 &
pids[2]=$!

echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); steady (median of the last 10 of ${#steady_cells[@]} cells): $steady puts/s"
echo "| s since restart | ready | puts/s | % of steady |"
echo "|---|---|---|---|"
ready=""; first=""; at10=""
while :; do
  t=$(python3 -c "import time; print('%.1f' % (time.time() - $start))")
  python3 -c "import sys; sys.exit(0 if $t < $WARMUP_S else 1)" || break
  [ -z "$ready" ] && curl -fsS -m 1 "http://$NET.3:5001/health/ready" >/dev/null 2>&1 && ready=$t
  n=$(cell || true); n=${n:-0}
  pct=$(( steady > 0 ? n * 100 / steady : 0 ))
  echo "| $t | ${ready:-no} | $n | $pct |"
  [ -z "$first" ] && [ "$pct" -ge 80 ] && first=$t
  [ -z "$at10" ] && python3 -c "import sys; sys.exit(0 if $t >= 9 else 1)" && at10=$pct
done
echo
echo "ready after ${ready:-n/a} s; first 1 s cell at >= 80 % of steady began ${first:-never} s after the restart; the cell starting at ~10 s ran at ${at10:-n/a} % of steady"
