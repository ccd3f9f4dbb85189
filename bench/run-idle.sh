#!/usr/bin/env bash
# Idle cost of a cluster: starts 3 nodes (BENCH_SHARDS shards, default 64, RF 3, authentication on, sealed peers) on
# 127.24.16.0/24 (BENCH_NET), waits until every node is ready and BENCH_SETTLE_S (default 20) more seconds for the
# elections' aftermath, then reads utime+stime of each node process from /proc/PID/stat over BENCH_IDLE_S (default
# 30) seconds without any request and prints CPU % of one core per node. Stops exactly the processes it started and
# removes its data folders.
#   bench/run-idle.sh
#   BENCH_SHARDS=16 BENCH_IDLE_S=60 bench/run-idle.sh
#   BENCH_TRACE=/tmp/idle bench/run-idle.sh   # then traces node 1 for BENCH_IDLE_S more seconds (dotnet-trace)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
SHARDS=${BENCH_SHARDS:-64}
SETTLE_S=${BENCH_SETTLE_S:-20}
IDLE_S=${BENCH_IDLE_S:-30}
NET=${BENCH_NET:-127.24.16}
bench_workdir idle

build_node
new_credentials
start_cluster --shards "$SHARDS"
sleep "$SETTLE_S"
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
declare -A before
for p in "${pids[@]}"; do before[$p]=$(ticks $p); done
t0=$(date +%s.%N)
sleep "$IDLE_S"
t1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); $SHARDS shards, ${IDLE_S} s idle"
echo "| node | CPU % of one core |"
echo "|---|---|"
n=1
for p in "${pids[@]}"; do
  echo "| $n | $(python3 -c "print('%.1f' % (($(ticks $p) - ${before[$p]}) / $hz / ($t1 - $t0) * 100))") |"
  n=$((n + 1))
done
if [ -n "${BENCH_TRACE:-}" ]; then
  mkdir -p "$BENCH_TRACE"
  tools=$HOME/.dotnet/tools
  timeout $((IDLE_S + 120)) "$tools/dotnet-trace" collect -p "${pids[0]}" --profile dotnet-sampled-thread-time \
    --duration "00:00:00:$(printf %02d "$IDLE_S")" -o "$BENCH_TRACE/idle.nettrace" >/dev/null
  timeout 300 "$tools/dotnet-trace" convert --format Speedscope "$BENCH_TRACE/idle.nettrace" -o "$BENCH_TRACE/idle" >/dev/null
  python3 bench/profile_areas.py "$BENCH_TRACE/idle.speedscope.json"
fi
