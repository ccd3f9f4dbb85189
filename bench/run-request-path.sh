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
DURATION=${BENCH_DURATION_S:-10}
ROUNDS=${BENCH_ROUNDS:-2}
NET=${BENCH_NET:-127.0.0}
WORK=$(mktemp -d /tmp/raftcache-path.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build src/Node -c Release -v q -nologo >/dev/null
dotnet build bench/LoadGen -c Release -v q -nologo >/dev/null
NODE="$ARTIFACTS/bin/Node/release/RaftCache.Node"
LOADGEN="$ARTIFACTS/bin/LoadGen/release/RaftCache.LoadGen"
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RAFTCACHE_KEY="$KEY"
head -c 32 /dev/urandom | base64 >"$WORK/cluster-secret"
initial="1=$NET.1:7400,2=$NET.2:7400,3=$NET.3:7400"
for i in 1 2 3; do
  RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen http://$NET.$i:7401 \
    --peer-listen $NET.$i:7400 --data-dir "$WORK/n$i" --initial-cluster "$initial" --cluster-secret-file "$WORK/cluster-secret" >"$WORK/n$i.log" 2>&1 &
  pids+=($!)
done
wait_ok() { local url=$1 end=$(( $(date +%s) + 90 )); until curl -fsS -m 2 "$url" >/dev/null 2>&1; do [ "$(date +%s)" -ge $end ] && { echo "not ready: $url" >&2; exit 1; }; sleep 0.2; done; }
for i in 1 2 3; do wait_ok http://$NET.$i:7401/health/ready; done
ticks() { local t=0; for p in "${pids[@]}"; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }
hz=$(getconf CLK_TCK)
cell() { # read-ratio keys -> "ops/s p50 p99 cpu_us_per_op errors"; gets preload only 200 keys, so the preload's CPU is noise
  local before after out
  before=$(ticks)
  out=$("$LOADGEN" --target raftcache --endpoints http://$NET.1:7401 --clients 64 --value-bytes 1024 --read-ratio $1 --duration-s "$DURATION" --warmup-s 0 --keys $2)
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
