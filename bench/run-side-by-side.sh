#!/usr/bin/env bash
# RaftCache against etcd 3.4 and against the ceiling of its own HTTP stack, in one run, with one load generator (wrk).
#   - RaftCache: 3 nodes, RF 3, fsync before every acknowledgement, REST authentication on (X-Api-Key), sealed peers;
#   - etcd 3.4 (Debian etcd-server): 3 members, default fsync, JSON gateway (/v3/kv/put, /v3/kv/range);
#   - ceiling: bench/Ceiling, Kestrel minimal API over a dictionary, one process, no Raft, no disk.
# Cells: put and get (linearizable, lease, local) x 1 KiB and 8 KiB x 16 and 64 connections x clients on one endpoint
# or spread over all nodes (one wrk per node, connections split, rates summed). Systems are interleaved cell by cell
# so machine drift hits all of them. Per cell: ops/s, p50/p99 (wrk) and CPU seconds per op of the system's processes
# (utime+stime from /proc/PID/stat over the cell). Everything listens on 127.24.14.0/24 (BENCH_NET), and the script
# stops exactly the processes it started and removes its data folders.
#   bench/run-side-by-side.sh               # every cell, 10 s each (BENCH_DURATION_S)
#   bench/run-side-by-side.sh --quick       # 1 KiB, 64 connections, one endpoint: put and linearizable get, 5 s each
#   BENCH_SIZES="1024 8192" BENCH_CONNS="16 64" BENCH_PLACEMENTS=one BENCH_GETS="linearizable lease local" \
#     bench/run-side-by-side.sh             # a chosen subset of the cells (placements: one, spread)
# Environment: BENCH_DURATION_S, BENCH_KEYS (key space, default 2000), BENCH_NET (first three octets), OUT (raw TSV),
# BENCH_GETS (the get cells' consistency levels, e.g. "linearizable lease"; default: the mode's),
# KEEP_LOGS=1 (keep the data and logs folder).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
QUICK=0; [ "${1:-}" = --quick ] && QUICK=1
DURATION=${BENCH_DURATION_S:-$([ $QUICK = 1 ] && echo 5 || echo 10)}
KEYS=${BENCH_KEYS:-2000}
NET=${BENCH_NET:-127.24.14}
READY_TIMEOUT_S=90
WORK=$(mktemp -d /tmp/raftcache-sbs.XXXXXX)
OUT=${OUT:-$WORK/cells.tsv}
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
LUA=bench/wrk/kv.lua
pids=()

cleanup() {
  stop_pids
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap "exit 143" INT TERM

for tool in wrk etcd; do
  if ! command -v $tool >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq --no-install-recommends etcd-server etcd-client wrk >/dev/null
  fi
done
timeout 600 dotnet build src/Node -c Release -v q -nologo >/dev/null
timeout 600 dotnet build bench/Ceiling -c Release -v q -nologo >/dev/null
NODE="$ARTIFACTS/bin/Node/release/RaftCache.Node"
CEILING="$ARTIFACTS/bin/Ceiling/release/RaftCache.Ceiling"

# etcd: 3 members, default settings (fsync on every commit batch).
etcd_pids=""
ecluster="e1=http://$NET.11:2380,e2=http://$NET.12:2380,e3=http://$NET.13:2380"
for i in 1 2 3; do
  etcd --name e$i --data-dir "$WORK/etcd-$i" \
    --listen-client-urls http://$NET.1$i:2379 --advertise-client-urls http://$NET.1$i:2379 \
    --listen-peer-urls http://$NET.1$i:2380 --initial-advertise-peer-urls http://$NET.1$i:2380 \
    --initial-cluster "$ecluster" --initial-cluster-state new --log-level error \
    >"$WORK/etcd-$i.log" 2>&1 &
  pids+=($!); etcd_pids="$etcd_pids $!"
done
# RaftCache: 3 nodes, default settings; a fresh admin key (environment, never the command line) and peer secret.
rc_pids=""
new_credentials
rcluster="1=$NET.1:6001,2=$NET.2:6001,3=$NET.3:6001"
for i in 1 2 3; do
  RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen http://$NET.$i:5001 \
    --peer-listen $NET.$i:6001 --data-dir "$WORK/raftcache-$i" --initial-cluster "$rcluster" \
    --cluster-secret-file "$WORK/cluster-secret" >"$WORK/raftcache-$i.log" 2>&1 &
  pids+=($!); rc_pids="$rc_pids $!"
done
"$CEILING" --urls http://$NET.21:8080 >"$WORK/ceiling.log" 2>&1 &
pids+=($!); ceiling_pids="$!"

wait_ok() { # URL [curl args...]: bounded poll until the URL answers 2xx
  local url=$1 end=$(( $(date +%s) + READY_TIMEOUT_S )); shift
  until curl -fsS -m 2 "$@" "$url" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge $end ] && { echo "not ready after ${READY_TIMEOUT_S}s: $url" >&2; exit 1; }
    sleep 0.2
  done
}
for i in 1 2 3; do wait_ok http://$NET.1$i:2379/health; wait_ok http://$NET.$i:5001/health/ready; done
wait_ok http://$NET.21:8080/keys/ready -X PUT --data-binary x

url() { # SYSTEM NODE -> base URL
  case $1 in raftcache) echo "http://$NET.$2:5001";; etcd) echo "http://$NET.1$2:2379";; ceiling) echo "http://$NET.21:8080";; esac
}
pids_of() { case $1 in raftcache) echo $rc_pids;; etcd) echo $etcd_pids;; ceiling) echo $ceiling_pids;; esac; }
ticks() { local t=0 p; for p in $1; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }
hz=$(getconf CLK_TCK)

# wrk_run OUTFILE URL CONNS THREADS DURATION LUA-ARGS...: one bounded wrk run; its RESULT line goes to OUTFILE.
wrk_run() {
  local out=$1 target=$2 conns=$3 threads=$4 dur=$5; shift 5
  timeout $(( dur + 30 )) wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 5s --latency -s $LUA "$target" -- "$@" \
    | grep -E '^(RESULT|FILLED)' >"$out" || true
}
# fill SYSTEM SIZE: write every key of the key space once (gets then find every key), bounded by 120 s.
fill() {
  wrk_run "$WORK/fill" "$(url "$1" 1)" 16 1 120 "$1" put "$2" "$KEYS" "k$2-" linearizable "$KEY" fill
  grep -q FILLED "$WORK/fill" || { echo "fill of $1 did not finish in 120 s" >&2; exit 1; }
}
# cell SYSTEM OP CONSISTENCY SIZE CONNS PLACEMENT: one measured cell, appended to $OUT as a TSV row.
cell() {
  local sys=$1 op=$2 cons=$3 size=$4 conns=$5 placement=$6 before after n i c
  local args=("$sys" "$op" "$size" "$KEYS" "k$size-" "$cons" "$KEY")
  rm -f "$WORK"/res.*
  before=$(ticks "$(pids_of "$sys")")
  if [ "$placement" = one ]; then
    wrk_run "$WORK/res.1" "$(url "$sys" 1)" "$conns" 2 "$DURATION" "${args[@]}"
  else
    n=()
    for i in 1 2 3; do
      c=$(( conns / 3 + (i <= conns % 3 ? 1 : 0) ))
      wrk_run "$WORK/res.$i" "$(url "$sys" $i)" "$c" 1 "$DURATION" "${args[@]}" &
      n+=($!)
    done
    for i in "${n[@]}"; do wait "$i"; done
  fi
  after=$(ticks "$(pids_of "$sys")")
  python3 - "$sys" "$op" "$cons" "$size" "$conns" "$placement" $(( after - before )) "$hz" "$WORK"/res.* >>"$OUT" <<'PY'
import sys
sysname, op, cons, size, conns, placement, ticks, hz = sys.argv[1:9]
rows = []
for path in sys.argv[9:]:
    for line in open(path):
        rows.append(dict(kv.split('=') for kv in line.split()[1:]))
if not rows:
    print('\t'.join([sysname, op, cons, size, conns, placement, '0', '0', '0', '0', 'no result'])); sys.exit()
ops = sum(int(r['requests']) for r in rows)
rate = sum(int(r['requests']) / (int(r['duration_us']) / 1e6) for r in rows)
p50 = sum(int(r['p50_us']) * int(r['requests']) for r in rows) / max(ops, 1) / 1000
p99 = max(int(r['p99_us']) for r in rows) / 1000
cpu_us = int(ticks) / int(hz) / max(ops, 1) * 1e6
errors = sum(int(r['errors']) + int(r['status']) for r in rows)
print('\t'.join([sysname, op, cons, size, conns, placement, '%.0f' % rate, '%.2f' % p50, '%.2f' % p99, '%.0f' % cpu_us,
                 str(errors)]))
PY
}

if [ $QUICK = 1 ]; then sizes="1024"; connss="64"; placements="one"; gets="linearizable"
else sizes="1024 8192"; connss="16 64"; placements="one spread"; gets="linearizable lease local"; fi
gets=${BENCH_GETS:-$gets}
sizes=${BENCH_SIZES:-$sizes}; connss=${BENCH_CONNS:-$connss}; placements=${BENCH_PLACEMENTS:-$placements}

{
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); etcd $(etcd --version | awk 'NR==1 {print $3}'); $(dotnet --version | sed 's/^/.NET SDK /'); wrk $(dpkg-query -W -f='${Version}' wrk 2>/dev/null); $DURATION s per cell, $KEYS keys"
} >&2
: >"$OUT"
for size in $sizes; do
  for sys in raftcache etcd ceiling; do fill $sys "$size"; done
done
# Warm-up, discarded: JIT (tiered recompilation), connection pools, page cache; every shape of the first size once.
for sys in raftcache etcd ceiling; do
  for op in put get; do cell "$sys" $op linearizable "${sizes%% *}" 64 one; done
done
: >"$OUT"
for size in $sizes; do
  for conns in $connss; do
    cell ceiling put - "$size" "$conns" one
    for placement in $placements; do
      cell raftcache put - "$size" "$conns" "$placement"; cell etcd put - "$size" "$conns" "$placement"
    done
    cell ceiling get - "$size" "$conns" one
    for cons in $gets; do
      for placement in $placements; do
        cell raftcache get "$cons" "$size" "$conns" "$placement"
        # etcd has no lease read on its gateway: serializable is its local read, the default its linearizable one.
        [ "$cons" = lease ] || cell etcd get "$cons" "$size" "$conns" "$placement"
      done
    done
  done
done
python3 bench/side_by_side_table.py "$OUT"
[ "${KEEP_LOGS:-0}" = 1 ] && cp "$OUT" "$WORK/cells.tsv" 2>/dev/null || true
