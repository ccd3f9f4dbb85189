#!/usr/bin/env bash
# Group commit of the host loop: durable 1 KiB puts against a 3-node RaftCache cluster on 127.23.0.1-3 (default
# durability: fsync before every acknowledgement; authentication on), 16 and 64 connections, spread over the nodes.
# Prints ops/s, p50/p99 and the cluster's CPU per put (all three node processes, utime+stime from /proc).
# Stops exactly the processes it started.
#   bench/run-group-commit.sh                     # 10 s per cell, the build in $RAFTCACHE_ARTIFACTS
#   NODE=/path/to/RaftCache.Node BENCH_DURATION_S=20 bench/run-group-commit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION_S:-10}
NET=${BENCH_NET:-127.23.0}
WORK=$(mktemp -d /tmp/raftcache-gc.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
NODE=${NODE:-$ARTIFACTS/bin/Node/release/RaftCache.Node}
LOADGEN=${LOADGEN:-$ARTIFACTS/bin/LoadGen/release/RaftCache.LoadGen}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RAFTCACHE_KEY="$KEY"
cluster="1=$NET.1:16101,2=$NET.2:16101,3=$NET.3:16101"
head -c 32 /dev/urandom | base64 >"$WORK/cluster-secret"
for i in 1 2 3; do
  RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen http://$NET.$i:15101 \
    --peer-listen $NET.$i:16101 --data-dir "$WORK/node-$i" --initial-cluster "$cluster" \
    --cluster-secret-file "$WORK/cluster-secret" >"$WORK/node-$i.log" 2>&1 &
  pids+=($!)
done
wait_ok() { local url=$1 end=$(( $(date +%s) + ${BENCH_READY_S:-180} )); until curl -fsS -m 2 "$url" >/dev/null 2>&1; do [ "$(date +%s)" -ge $end ] && { echo "not ready: $url" >&2; tail -5 "$WORK"/node-*.log >&2; exit 1; }; sleep 0.2; done; }
for i in 1 2 3; do wait_ok http://$NET.$i:15101/health/ready; done
eps="http://$NET.1:15101,http://$NET.2:15101,http://$NET.3:15101"
cpu_ticks() { local t=0; for p in "${pids[@]}"; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }
hz=$(getconf CLK_TCK)
"$LOADGEN" --target raftcache --endpoints "$eps" --clients 16 --value-bytes 1024 --duration-s 5 --warmup-s 0 >/dev/null
echo "| clients | ops/s | p50 ms | p99 ms | cluster CPU µs/put |"
echo "|---|---|---|---|---|"
for clients in 16 64; do
  before=$(cpu_ticks)
  out=$("$LOADGEN" --target raftcache --endpoints "$eps" --clients $clients --value-bytes 1024 --read-ratio 0 --duration-s "$DURATION" --warmup-s 0 --keys 2000)
  after=$(cpu_ticks)
  python3 -c "
import json,sys
d=json.loads(sys.argv[1]); cpu=(int(sys.argv[2])-int(sys.argv[3]))/int(sys.argv[4])
ops=d['ops_per_s']*float(sys.argv[5])
print('| %s | %s | %s | %s | %.0f |%s' % (sys.argv[6], d['ops_per_s'], d['p50_ms'], d['p99_ms'], cpu/ops*1e6 if ops else 0, ' errors %d' % d['errors'] if d['errors'] else ''))
" "$out" "$after" "$before" "$hz" "$DURATION" "$clients"
done
