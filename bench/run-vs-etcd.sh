#!/usr/bin/env bash
# Runs the same closed-loop load against a 3-node RaftCache cluster and a 3-member etcd 3.4 cluster (Debian's
# etcd-server, default fsync, JSON gateway), side by side, in one run. Everything listens on 127.0.0.1.
# Prints a markdown table and writes the raw JSON lines to $OUT. Stops exactly the processes it started.
#   bench/run-vs-etcd.sh                    # 10 s per cell
#   BENCH_DURATION_S=30 bench/run-vs-etcd.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION_S:-10}
OUT=${OUT:-/tmp/raftcache-bench-$(date +%Y%m%d-%H%M%S).jsonl}
WORK=$(mktemp -d /tmp/raftcache-bench.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
pids=()
# KEEP_LOGS=1 keeps the nodes' data and logs (printed at the end) to explain an outlier.
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if ! command -v etcd >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends etcd-server etcd-client >/dev/null
fi
dotnet build src/Node -c Release -v q -nologo >/dev/null
dotnet build bench/LoadGen -c Release -v q -nologo >/dev/null
NODE="$ARTIFACTS/bin/Node/release/RaftCache.Node"
LOADGEN="$ARTIFACTS/bin/LoadGen/release/RaftCache.LoadGen"

# etcd: 3 members on loopback, default settings (fsync on every commit batch).
ecluster="e1=http://127.0.0.1:12380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380"
for i in 1 2 3; do
  etcd --name e$i --data-dir "$WORK/etcd-$i" \
    --listen-client-urls http://127.0.0.1:${i}2379 --advertise-client-urls http://127.0.0.1:${i}2379 \
    --listen-peer-urls http://127.0.0.1:${i}2380 --initial-advertise-peer-urls http://127.0.0.1:${i}2380 \
    --initial-cluster "$ecluster" --initial-cluster-state new --log-level error >"$WORK/etcd-$i.log" 2>&1 &
  pids+=($!)
done
# RaftCache: 3 nodes on loopback, default settings (fsync before every acknowledgement; authentication on, with a
# fresh admin key passed through the environment and sent by the load generator as X-Api-Key).
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RAFTCACHE_KEY="$KEY"
rcluster="1=127.0.0.1:16001,2=127.0.0.1:26001,3=127.0.0.1:36001"
# Peer authentication: every node reads the same random secret from a file (not visible in the process list).
head -c 32 /dev/urandom | base64 >"$WORK/cluster-secret"
for i in 1 2 3; do
  RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen http://127.0.0.1:${i}5001 --peer-listen 127.0.0.1:${i}6001 --data-dir "$WORK/raftcache-$i" \
    --initial-cluster "$rcluster" \
    --cluster-secret-file "$WORK/cluster-secret" >"$WORK/raftcache-$i.log" 2>&1 &
  pids+=($!)
done
wait_ok() { local url=$1 end=$(( $(date +%s) + 60 )); until curl -fsS -m 2 "$url" >/dev/null 2>&1; do [ "$(date +%s)" -ge $end ] && { echo "not ready: $url" >&2; exit 1; }; sleep 0.2; done; }
for i in 1 2 3; do wait_ok http://127.0.0.1:${i}2379/health; wait_ok http://127.0.0.1:${i}5001/health/ready; done

etcd_eps="http://127.0.0.1:12379,http://127.0.0.1:22379,http://127.0.0.1:32379"
rc_eps="http://127.0.0.1:15001,http://127.0.0.1:25001,http://127.0.0.1:35001"
: >"$OUT"
# Warm-up, discarded: JIT, connection pools, first elections' aftermath, page cache.
"$LOADGEN" --target raftcache --endpoints "$rc_eps" --clients 16 --value-bytes 1024 --duration-s 5 --warmup-s 0 >/dev/null
"$LOADGEN" --target etcd --endpoints "$etcd_eps" --clients 16 --value-bytes 1024 --duration-s 5 --warmup-s 0 >/dev/null
echo "| op | value | clients | RaftCache ops/s | p50 ms | p99 ms | p999 ms | etcd ops/s | p50 ms | p99 ms | p999 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for size in 1024 8192; do
  for clients in 16 64; do
    for op in put get; do
      ratio=$([ $op = get ] && echo 1 || echo 0)
      rc=$("$LOADGEN" --target raftcache --endpoints "$rc_eps" --clients $clients --value-bytes $size --read-ratio $ratio --duration-s "$DURATION" --keys 2000)
      et=$("$LOADGEN" --target etcd --endpoints "$etcd_eps" --clients $clients --value-bytes $size --read-ratio $ratio --duration-s "$DURATION" --keys 2000)
      echo "$rc" >>"$OUT"; echo "$et" >>"$OUT"
      f() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(' | '.join(str(d[k]) for k in ['ops_per_s','p50_ms','p99_ms','p999_ms']) + (' (errors %d)' % d['errors'] if d['errors'] else ''))" "$1"; }
      echo "| $op | $size B | $clients | $(f "$rc") | $(f "$et") |"
    done
  done
done
echo
echo "raw results: $OUT"
