#!/usr/bin/env bash
# The cost of sealed peer traffic (AES-256-GCM per connection, docs/peer-protocol.md "Channel") on the put path:
# two 3-node RaftCache clusters run side by side on loopback, one with a cluster secret (frames sealed) and one with
# --insecure-peers (frames in the clear), and the same closed-loop load generator drives them cell by cell,
# interleaved, so machine noise hits both alike. Reports ops/s, p50/p99 and cluster CPU seconds per operation (all
# three node processes, from /proc) per cell. Stops exactly the processes it started.
#   bench/run-peer-encryption.sh            # 10 s per cell, 3 rounds
#   BENCH_DURATION_S=20 BENCH_ROUNDS=5 bench/run-peer-encryption.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION_S:-10}
ROUNDS=${BENCH_ROUNDS:-3}
WORK=$(mktemp -d /tmp/raftcache-peerenc.XXXXXX)
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

# start NAME REST-PREFIX PEER-PREFIX PEER-ARGS...: three nodes on 127.0.0.1 ports ${i}${prefix}
declare -A node_pids
start() {
  local name=$1 rest=$2 peer=$3; shift 3
  local initial="1=127.0.0.1:1${peer},2=127.0.0.1:2${peer},3=127.0.0.1:3${peer}"
  node_pids[$name]=""
  for i in 1 2 3; do
    RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen http://127.0.0.1:${i}${rest} \
      --peer-listen 127.0.0.1:${i}${peer} --data-dir "$WORK/$name-$i" --initial-cluster "$initial" "$@" >"$WORK/$name-$i.log" 2>&1 &
    pids+=($!); node_pids[$name]="${node_pids[$name]} $!"
  done
}
start sealed 5001 6001 --cluster-secret-file "$WORK/cluster-secret"
start clear 7001 8001 --insecure-peers
wait_ok() { local url=$1 end=$(( $(date +%s) + 90 )); until curl -fsS -m 2 "$url" >/dev/null 2>&1; do [ "$(date +%s)" -ge $end ] && { echo "not ready: $url" >&2; exit 1; }; sleep 0.2; done; }
for i in 1 2 3; do wait_ok http://127.0.0.1:${i}5001/health/ready; wait_ok http://127.0.0.1:${i}7001/health/ready; done

endpoints() { echo "http://127.0.0.1:1$1,http://127.0.0.1:2$1,http://127.0.0.1:3$1"; }
ticks() { local t=0; for p in $1; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }
hz=$(getconf CLK_TCK)
cell() { # name rest clients -> "ops_per_s p50 p99 cpu_us_per_op"
  local before after out
  before=$(ticks "${node_pids[$1]}")
  out=$("$LOADGEN" --target raftcache --endpoints "$(endpoints $2)" --clients $3 --value-bytes 1024 --read-ratio 0 --duration-s "$DURATION" --warmup-s 0 --keys 2000)
  after=$(ticks "${node_pids[$1]}")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); ops=d['operations']; cpu=($after-$before)/$hz; print(d['ops_per_s'], d['p50_ms'], d['p99_ms'], round(cpu/ops*1e6) if ops else 0, d['errors'])" "$out"
}
# Warm-up, discarded: JIT (tiered recompilation settles over the first minute), connection pools, first elections'
# aftermath. Every cell shape once per cluster: with one short warm-up the first measured cell was an outlier.
for clients in 16 64; do cell sealed 5001 $clients >/dev/null; cell clear 7001 $clients >/dev/null; done
echo "| round | clients | sealed ops/s | p50 ms | p99 ms | CPU µs/op | clear ops/s | p50 ms | p99 ms | CPU µs/op |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for clients in 16 64; do
    read -r so s50 s99 scpu serr < <(cell sealed 5001 $clients)
    read -r co c50 c99 ccpu cerr < <(cell clear 7001 $clients)
    echo "| $round | $clients | $so | $s50 | $s99 | $scpu | $co | $c50 | $c99 | $ccpu |"
  done
done
