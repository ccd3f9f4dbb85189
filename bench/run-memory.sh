#!/usr/bin/env bash
# Memory of a node against the data it holds: starts 3 nodes (16 shards, RF 3, fsync, authentication on) on
# 127.24.17.0/24 (BENCH_NET), writes BENCH_DATA_BYTES (default 200 MiB) of BENCH_VALUE_BYTES (default 4 KiB) values
# with bench/LoadGen --mode fill, waits BENCH_SETTLE_S (default 15) seconds, and prints per node the accounted bytes
# of its replicas (raftcache_cache_bytes summed from /metrics), RSS and peak RSS (/proc/PID/status) and their ratio.
# Then every node snapshots (POST /admin/snapshot; SNAPSHOT=0 skips it) and is measured again. GCDUMP=1 adds the
# managed heap size of node 1 (dotnet-gcdump) and its RSS after the dump's full collection. Extra node arguments go in
# BENCH_NODE_ARGS, runtime settings in the environment (e.g. DOTNET_gcServer=0). Stops exactly the processes it
# started and removes its data folders.
#   bench/run-memory.sh
#   BENCH_DATA_BYTES=1073741824 GCDUMP=1 bench/run-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
DATA_BYTES=${BENCH_DATA_BYTES:-209715200}
VALUE_BYTES=${BENCH_VALUE_BYTES:-4096}
SETTLE_S=${BENCH_SETTLE_S:-15}
NET=${BENCH_NET:-127.24.17}
KEYS=$(( DATA_BYTES / VALUE_BYTES ))
bench_workdir memory

build_node
timeout 600 dotnet build bench/LoadGen -c Release -v q -nologo >/dev/null
LOADGEN="$ARTIFACTS/bin/LoadGen/release/RaftCache.LoadGen"
new_credentials
export RAFTCACHE_KEY="$KEY"
# shellcheck disable=SC2086
start_cluster ${BENCH_NODE_ARGS:-}
started=$(date +%s)
timeout 1800 "$LOADGEN" --mode fill --target raftcache --endpoints "http://$NET.1:5001,http://$NET.2:5001,http://$NET.3:5001" \
  --clients 32 --value-bytes "$VALUE_BYTES" --keys "$KEYS" --duration-s 1700 --warmup-s 0 >"$WORK/fill.json"
echo "filled $KEYS keys x $VALUE_BYTES B in $(( $(date +%s) - started )) s: $(cat "$WORK/fill.json")" >&2
# measure PHASE: the table rows of every node, and the managed heap of node 1 (GCDUMP=1).
measure() {
  local n=1 p accounted rss hwm
  for p in "${pids[@]}"; do
    accounted=$(curl -fsS -m 10 -H "X-Api-Key: $KEY" http://$NET.$n:5001/metrics \
      | awk '/^raftcache_cache_bytes/ { s += $NF } END { printf "%d", s }')
    rss=$(awk '/VmRSS/ {print $2 * 1024}' /proc/$p/status); hwm=$(awk '/VmHWM/ {print $2 * 1024}' /proc/$p/status)
    python3 -c "a, r, h = $accounted, $rss, $hwm; print('| $1 | $n | %.0f | %.0f | %.0f | %.2f |' % (a / 2**20, r / 2**20, h / 2**20, r / max(a, 1)))"
    n=$((n + 1))
  done
  if [ "${GCDUMP:-0}" = 1 ]; then
    rm -f "$WORK/node-1.gcdump"
    timeout 300 "$HOME/.dotnet/tools/dotnet-gcdump" collect -p "${pids[0]}" -o "$WORK/node-1.gcdump" >/dev/null 2>&1
    # The dump's full blocking collection shows what an induced collection would give back to the OS.
    echo "node 1 $1: $(timeout 120 "$HOME/.dotnet/tools/dotnet-gcdump" report "$WORK/node-1.gcdump" 2>/dev/null \
      | awk '/GC Heap bytes/ {gsub(",", "", $1); printf "managed heap %.0f MiB", $1 / 1048576}'), RSS after the dump's full GC $(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/${pids[0]}/status) MiB" >&2
  fi
}
sleep "$SETTLE_S"
echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); $DATA_BYTES B of values, RF 3; ${DOTNET_gcServer:+DOTNET_gcServer=$DOTNET_gcServer }${DOTNET_GCConserveMemory:+DOTNET_GCConserveMemory=$DOTNET_GCConserveMemory}"
echo "| phase | node | accounted MiB | RSS MiB | peak RSS MiB | RSS / accounted |"
echo "|---|---|---|---|---|---|"
measure "after fill"
# SNAPSHOT=1: every group snapshots (POST /admin/snapshot), which compacts its in-memory log; measured again.
if [ "${SNAPSHOT:-1}" = 1 ]; then
  for i in 1 2 3; do curl -fsS -m 30 -X POST -H "X-Api-Key: $KEY" http://$NET.$i:5001/admin/snapshot >/dev/null; done
  sleep "$SETTLE_S"
  measure "after snapshot"
fi
