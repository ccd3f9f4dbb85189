#!/usr/bin/env bash
# Idle cost of a cluster: starts 3 nodes (BENCH_SHARDS shards, default 64, RF 3, authentication on, sealed peers) on
# 127.24.16.0/24 (BENCH_NET), waits until every node is ready and BENCH_SETTLE_S (default 20) more seconds for the
# elections' aftermath, then reads utime+stime of each node process from /proc/PID/stat over BENCH_IDLE_S (default
# 30) seconds without any request and prints CPU % of one core per node. Stops exactly the processes it started and
# removes its data folders.
#   bench/run-idle.sh
#   BENCH_SHARDS=16 BENCH_IDLE_S=60 bench/run-idle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
SHARDS=${BENCH_SHARDS:-64}
SETTLE_S=${BENCH_SETTLE_S:-20}
IDLE_S=${BENCH_IDLE_S:-30}
NET=${BENCH_NET:-127.24.16}
WORK=$(mktemp -d /tmp/raftcache-idle.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
pids=()
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 143" INT TERM

build_node
new_credentials
for i in 1 2 3; do
  RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen http://$NET.$i:5001 \
    --peer-listen $NET.$i:6001 --data-dir "$WORK/node-$i" --shards "$SHARDS" \
    --initial-cluster "1=$NET.1:6001,2=$NET.2:6001,3=$NET.3:6001" --cluster-secret-file "$WORK/cluster-secret" \
    >"$WORK/node-$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  end=$(( $(date +%s) + 120 ))
  until curl -fsS -m 2 http://$NET.$i:5001/health/ready >/dev/null 2>&1; do
    [ "$(date +%s)" -ge $end ] && { echo "node $i not ready after 120 s" >&2; exit 1; }
    sleep 0.5
  done
done
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
