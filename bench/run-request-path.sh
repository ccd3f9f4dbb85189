#!/usr/bin/env bash
# The request path's cost: a 3-node RaftCache cluster (default durability, authentication on, sealed peer traffic),
# every client on ONE endpoint (node 1), 1 KiB values, 64 connections; durable puts, then linearizable gets. Node 1
# leads about a third of the shards, so two thirds of the puts are forwarded to another leader and two thirds of
# the gets are served by a follower. Reports ops/s, p50/p99 and cluster CPU microseconds per operation (all three
# node processes, from /proc). Stops exactly the processes it started.
#   bench/run-request-path.sh                      # 10 s per cell, 2 rounds, on 127.0.0.{1,2,3}
#   BENCH_NET=127.22.0 BENCH_DURATION_S=20 BENCH_ROUNDS=3 bench/run-request-path.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
DURATION=${BENCH_DURATION_S:-10}
ROUNDS=${BENCH_ROUNDS:-2}
NET=${BENCH_NET:-127.0.0}
bench_workdir path

build_node
dotnet build bench/LoadGen -c Release -v q -nologo >/dev/null
LOADGEN="$ARTIFACTS/bin/LoadGen/release/RaftCache.LoadGen"
new_credentials
export RAFTCACHE_KEY="$KEY"
start_cluster
ticks() { local t=0; for p in "${pids[@]}"; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }
hz=$(getconf CLK_TCK)
cell() { # read-ratio keys -> "ops/s p50 p99 cpu_us_per_op errors"; gets preload only 200 keys, so the preload's CPU is noise
  local before after out
  before=$(ticks)
  out=$("$LOADGEN" --target raftcache --endpoints http://$NET.1:5001 --clients 64 --value-bytes 1024 --read-ratio $1 --duration-s "$DURATION" --warmup-s 0 --keys $2)
  after=$(ticks)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); ops=d['operations']; cpu=($after-$before)/$hz; print(round(d['ops_per_s']), d['p50_ms'], d['p99_ms'], round(cpu/ops*1e6) if ops else 0, d['errors'])" "$out"
}
cell 0 2000 >/dev/null; cell 1 200 >/dev/null # warm-up (JIT, connections), discarded
echo "| round | op | ops/s | p50 ms | p99 ms | cluster CPU µs/op | errors |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  read -r o p50 p99 cpu err < <(cell 0 2000); echo "| $round | put | $o | $p50 | $p99 | $cpu | $err |"
  read -r o p50 p99 cpu err < <(cell 1 200); echo "| $round | linearizable get | $o | $p50 | $p99 | $cpu | $err |"
done
