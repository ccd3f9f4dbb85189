#!/usr/bin/env bash
# Idle cost of a cluster: starts 3 nodes (BENCH_SHARDS shards, default 64, RF 3, authentication on, sealed peers) on
# 127.24.16.0/24 (BENCH_NET), waits until every node is ready and BENCH_SETTLE_S (default 20) more seconds for the
# elections' aftermath, then reads utime+stime of each node process from /proc/PID/stat over BENCH_IDLE_S (default
# 30) seconds without any request and prints CPU % of one core per node. Stops exactly the processes it started and
# removes its data folders.
#   bench/run-idle.sh
#   BENCH_SHARDS=16 BENCH_IDLE_S=60 bench/run-idle.sh
#   BENCH_ROUNDS=2 bench/run-idle.sh BEFORE_NODE_BINARY AFTER_NODE_BINARY   # builds interleaved, a fresh cluster each
#   BENCH_TRACE=/tmp/idle bench/run-idle.sh   # then traces node 1 for BENCH_IDLE_S more seconds (dotnet-trace)
#   BENCH_LOAD_S=10 bench/run-idle.sh          # first BENCH_LOAD_S seconds of wrk puts (1,000 keys over every shard), so
#                                              # the idle phase shows groups quiescing again after a load
# It also prints how many replicas each node reports quiesced (raftcache_quiesced_groups), peer frames sent per second
# and the leader changes its replicas saw during the window (an idle cluster should see none).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
SHARDS=${BENCH_SHARDS:-64}
SETTLE_S=${BENCH_SETTLE_S:-20}
IDLE_S=${BENCH_IDLE_S:-30}
NET=${BENCH_NET:-127.24.16}
bench_workdir idle

if [ $# -eq 0 ]; then
  build_node
  set -- "$NODE"
fi
k=0
for NODE in "$@"; do k=$((k + 1)); [ $# -gt 1 ] && echo "build $k: $NODE"; done
echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); $SHARDS shards, ${IDLE_S} s idle"
echo "| node | CPU % of one core | replicas quiesced | peer frames sent/s | leader changes seen |"
echo "|---|---|---|---|---|"
# One idle measurement of a fresh cluster of the binary $NODE; rows labelled with $label.
measure() {
  new_credentials
  start_cluster --shards "$SHARDS"
  if [ "${BENCH_LOAD_S:-0}" -gt 0 ]; then
    timeout $((BENCH_LOAD_S + 30)) wrk -t2 -c16 -d"${BENCH_LOAD_S}s" -s bench/wrk/kv.lua "http://$NET.1:5001" -- raftcache put 100 1000 idle- linearizable "$KEY" \
      | grep -E "^RESULT" || true
  fi
  sleep "$SETTLE_S"
  metric() { curl -fsS -m 5 -H "X-Api-Key: $KEY" "http://$NET.$1:5001/metrics" 2>/dev/null | awk -v m="$2" '$1 ~ "^"m {s += $2} END {print s + 0}'; }
  declare -A frames_before
  declare -A changes_before
  for i in 1 2 3; do frames_before[$i]=$(metric $i raftcache_peer_sent_frames_total); changes_before[$i]=$(metric $i raftcache_raft_leader_changes); done
  ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
  declare -A before
  for p in "${pids[@]}"; do before[$p]=$(ticks $p); done
  t0=$(date +%s.%N)
  sleep "$IDLE_S"
  t1=$(date +%s.%N)
  hz=$(getconf CLK_TCK)
  n=1
  for p in "${pids[@]}"; do
    cpu=$(python3 -c "print('%.1f' % (($(ticks $p) - ${before[$p]}) / $hz / ($t1 - $t0) * 100))")
    frames=$(python3 -c "print('%.1f' % (($(metric $n raftcache_peer_sent_frames_total) - ${frames_before[$n]}) / ($t1 - $t0)))")
    echo "| $label$n | $cpu | $(metric $n raftcache_quiesced_groups) | $frames | $(( $(metric $n raftcache_raft_leader_changes) - ${changes_before[$n]} )) |"
    n=$((n + 1))
  done
}
for round in $(seq 1 "${BENCH_ROUNDS:-1}"); do
  k=0
  for NODE in "$@"; do
    k=$((k + 1))
    [ $# -gt 1 ] && label="build $k, round $round, node " || label=
    if [ "${#pids[@]}" -gt 0 ]; then stop_pids; rm -rf "$WORK"/node-*; fi
    measure
  done
done
if [ -n "${BENCH_TRACE:-}" ]; then
  mkdir -p "$BENCH_TRACE"
  tools=$HOME/.dotnet/tools
  timeout $((IDLE_S + 120)) "$tools/dotnet-trace" collect -p "${pids[0]}" --profile dotnet-sampled-thread-time \
    --duration "00:00:00:$(printf %02d "$IDLE_S")" -o "$BENCH_TRACE/idle.nettrace" >/dev/null
  timeout 300 "$tools/dotnet-trace" convert --format Speedscope "$BENCH_TRACE/idle.nettrace" -o "$BENCH_TRACE/idle" >/dev/null
  python3 bench/profile_areas.py "$BENCH_TRACE/idle.speedscope.json"
fi
