#!/usr/bin/env bash
# Issue 7: time and MB/s to rebalance onto a new node when the cluster holds 1 GiB of values, and write throughput and
# p99 during the rebalance versus before it. For each --max-moves value: starts 3 founders (16 shards, RF 3, default
# fsync) on $NET.1-3, fills them with BENCH_DATA_BYTES of values, measures a steady closed-loop put load for
# BENCH_MEASURE_S, then starts a 4th node on $NET.4 with --join, adds it (POST /admin/members) and, while the same load
# runs, polls until the cluster is balanced (bench/rebalance_watch.py). Prints a markdown table and writes the raw
# JSON lines to $OUT. Starts only its own processes, stops them by pid; every wait is bounded.
#   bench/run-rebalance.sh                                   # 1 GiB, --max-moves 2
#   BENCH_MAX_MOVES="1 2 4" bench/run-rebalance.sh           # one fresh cluster per value
#   BENCH_DATA_BYTES=268435456 bench/run-rebalance.sh        # 256 MiB
#   BENCH_NODE_ARGS="--snapshot-rate-mib 8" bench/run-rebalance.sh   # extra arguments of every node
#   KEEP_LOGS=1 keeps the nodes' data folders and logs (printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
NET=${BENCH_NET:-127.6.0}
DATA_BYTES=${BENCH_DATA_BYTES:-1073741824}
VALUE_BYTES=${BENCH_VALUE_BYTES:-4096}
KEYS=$(( DATA_BYTES / VALUE_BYTES ))
MAX_MOVES_LIST=${BENCH_MAX_MOVES:-2}
read -r -a NODE_ARGS <<<"${BENCH_NODE_ARGS:-}"
MEASURE_S=${BENCH_MEASURE_S:-20}
CLIENTS=${BENCH_CLIENTS:-16}
LOAD_VALUE_BYTES=${BENCH_LOAD_VALUE_BYTES:-1024}
FILL_CLIENTS=${BENCH_FILL_CLIENTS:-64}
FILL_TIMEOUT_S=${BENCH_FILL_TIMEOUT_S:-1800}
REBALANCE_TIMEOUT_S=${BENCH_REBALANCE_TIMEOUT_S:-900}
OUT=${OUT:-/tmp/raftcache-rebalance-$(date +%Y%m%d-%H%M%S).jsonl}
WORK=$(mktemp -d /tmp/raftcache-rebalance.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
pids=()

cleanup() {
  stop_pids
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

dotnet build src/Node -c Release -v q -nologo >/dev/null
dotnet build bench/LoadGen -c Release -v q -nologo >/dev/null
NODE="$ARTIFACTS/bin/Node/release/RaftCache.Node"
LOADGEN="$ARTIFACTS/bin/LoadGen/release/RaftCache.LoadGen"
WATCH="python3 bench/rebalance_watch.py"
# Closed by default (docs/security.md): one admin key and one cluster secret for this run, in the environment of
# every process started below (nodes read RaftCache__*, LoadGen and the watcher RAFTCACHE_KEY).
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" RAFTCACHE_KEY="$KEY"
export RaftCache__ClusterSecret="$(head -c 32 /dev/urandom | base64)"

wait_ok() { local url=$1 end=$(( $(date +%s) + 120 )); until curl -fsS -m 2 -H "X-Api-Key: $KEY" "$url" >/dev/null 2>&1; do [ "$(date +%s)" -ge $end ] && { echo "not ready: $url" >&2; exit 1; }; sleep 0.2; done; }
cpu_s() { local t=0; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo "scale=1; $t / $(getconf CLK_TCK)" | bc; }
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d.get(sys.argv[2]))" "$1" "$2"; }
loadgen_steady() { "$LOADGEN" --target raftcache --endpoints "$founders_eps" --clients "$CLIENTS" --value-bytes "$LOAD_VALUE_BYTES" \
  --keys 2000 --key-prefix w --ttl-seconds 86400 --warmup-s 2 --timeline 1 "$@"; }

: >"$OUT"
rows=()
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for moves in $MAX_MOVES_LIST; do
  run="$WORK/max-moves-$moves"; mkdir -p "$run"
  cluster="1=$NET.1:6001,2=$NET.2:6001,3=$NET.3:6001"
  for i in 1 2 3; do
    "$NODE" --id $i --listen http://$NET.$i:5001 --peer-listen $NET.$i:6001 --data-dir "$run/node-$i" \
      --initial-cluster "$cluster" --max-moves "$moves" ${NODE_ARGS[@]+"${NODE_ARGS[@]}"} >"$run/node-$i.log" 2>&1 &
    pids+=($!)
  done
  founder_pids=("${pids[@]}")
  for i in 1 2 3; do wait_ok http://$NET.$i:5001/health/ready; done
  founders_eps="http://$NET.1:5001,http://$NET.2:5001,http://$NET.3:5001"

  echo "max-moves $moves: filling $KEYS keys x $VALUE_BYTES B ..." >&2
  fill=$("$LOADGEN" --mode fill --target raftcache --endpoints "$founders_eps" --clients "$FILL_CLIENTS" --value-bytes "$VALUE_BYTES" \
    --keys "$KEYS" --key-prefix v --ttl-seconds 86400 --duration-s "$FILL_TIMEOUT_S")
  echo "{\"phase\":\"fill\",\"max_moves\":$moves,\"result\":$fill}" >>"$OUT"
  echo "  fill: $fill" >&2
  # A few keys may stay unwritten after 5 attempts each (503s during elections on a loaded machine); more than
  # 0.1 % would change the data set, so the run stops.
  missing=$(field "$fill" missing)
  [ "$missing" = 0 ] || echo "  warning: $missing key(s) not written after 5 attempts each" >&2
  [ $(( missing * 1000 )) -le "$KEYS" ] || { echo "fill incomplete: $fill" >&2; exit 1; }

  echo "max-moves $moves: steady load before, ${MEASURE_S} s ..." >&2
  before=$(loadgen_steady --duration-s "$MEASURE_S")
  echo "{\"phase\":\"before\",\"max_moves\":$moves,\"result\":$before}" >>"$OUT"

  # The new node starts (JIT, empty folder) before the clock: the measured time is the cluster's, not process start.
  "$NODE" --listen http://$NET.4:5001 --peer-listen $NET.4:6001 --data-dir "$run/node-4" --join http://$NET.1:5001 \
    --max-moves "$moves" ${NODE_ARGS[@]+"${NODE_ARGS[@]}"} >"$run/node-4.log" 2>&1 &
  pids+=($!)
  wait_ok http://$NET.4:5001/admin/join
  stop_file="$run/rebalanced"
  loadgen_steady --duration-s "$REBALANCE_TIMEOUT_S" --stop-file "$stop_file" >"$run/during.json" &
  load_pid=$!
  sleep 2 # the load's own warm-up (--warmup-s 2, discarded), so the measured window starts with the rebalance
  cpu0=$(cpu_s "${founder_pids[@]}")
  added=$(curl -fsS -m 10 -X POST http://$NET.1:5001/admin/members -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' -d "{\"address\": \"http://$NET.4:5001\"}")
  new_id=$(field "$added" id)
  echo "max-moves $moves: added member $new_id, watching ..." >&2
  members="1=http://$NET.1:5001,2=http://$NET.2:5001,3=http://$NET.3:5001,$new_id=http://$NET.4:5001"
  set +e
  watch=$($WATCH watch --members "$members" --new-id "$new_id" --timeout-s "$REBALANCE_TIMEOUT_S")
  watch_rc=$?
  set -e
  [ -n "$watch" ] || watch='{"detail": "watcher gave no result"}'
  touch "$stop_file"
  cpu1=$(cpu_s "${founder_pids[@]}")
  new_cpu=$(cpu_s "${pids[-1]}")
  wait $load_pid
  during=$(cat "$run/during.json")
  # The same load once more on the settled cluster (4 members), against the same three endpoints.
  after=$(loadgen_steady --duration-s "$MEASURE_S")
  verify=$($WATCH verify --members "$members" || true)
  [ -n "$verify" ] || verify='{"ok": false}'
  snapshots_installed=$(grep -c "installed snapshot" "$run/node-4.log" || true)
  wal_mb=$(du -sm "$run/node-4" | cut -f1)
  echo "{\"phase\":\"rebalance\",\"max_moves\":$moves,\"watch\":$watch,\"during\":$during,\"after\":$after,\"verify\":$verify,\"founders_cpu_s\":$(echo "$cpu1 - $cpu0" | bc),\"new_node_cpu_s\":$new_cpu,\"new_node_snapshots_installed\":$snapshots_installed,\"new_node_data_dir_mb\":$wal_mb}" >>"$OUT"
  [ $watch_rc = 0 ] || echo "max-moves $moves: not balanced (rc $watch_rc): $watch (KEEP_LOGS=1 keeps the logs)" >&2
  rows+=("$(python3 - "$moves" "$before" "$during" "$after" "$watch" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
moves, before, during, after, watch, load = sys.argv[1], *map(json.loads, sys.argv[2:6]), sys.argv[6]
t = watch.get("balanced_s") or "not balanced"
mb = (watch.get("new_bytes") or 0) / 1e6
rate = f"{mb / watch['moves_done_s']:.1f}" if watch.get("moves_done_s") else "-"
t = t if watch.get("moves_done_s") else "not moved"
print(f"| {moves} | {watch.get('new_replicas', '-')} | {mb:.0f} | {watch.get('first_replica_s')} | {watch.get('moves_done_s')} | {t} | {rate} "
      f"| {before['ops_per_s']:,.0f} | {before['p50_ms']} | {before['p99_ms']} | {during['ops_per_s']:,.0f} | {during['p50_ms']} | {during['p99_ms']} | {during['errors']} "
      f"| {after['ops_per_s']:,.0f} | {after['p50_ms']} | {after['p99_ms']} | {load} |")
PY
)")
  stop_pids
done

echo
echo "| max-moves | replicas moved | MB moved | first replica s | data moved s | balanced s | MB/s (to data moved) | before ops/s | p50 ms | p99 ms | during ops/s | p50 ms | p99 ms | errors during | after ops/s | p50 ms | p99 ms | load avg at end |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "$r"; done
echo
echo "raw results: $OUT"
