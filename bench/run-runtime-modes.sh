#!/usr/bin/env bash
# JIT warm-up and GC mode of the node, measured: for each runtime mode, starts a fresh 3-node cluster (RF 3, fsync,
# authentication on) on 127.24.15.0/24 (BENCH_NET) and
#   1. warm-up: from the moment the processes start, back-to-back 1 s wrk runs of 1 KiB puts (16 connections, one
#      endpoint) for BENCH_WARMUP_S seconds; steady = median rate of the last 10 s; reports the first second whose
#      rate reaches 80 % of steady and the rate 10 s after the start (as % of steady);
#   2. cost: a 1 KiB put cell and a linearizable get cell at 64 connections (BENCH_DURATION_S each) with CPU µs per op
#      of the three node processes (/proc/PID/stat), then each node's RSS (VmRSS) and peak RSS (VmHWM).
# Modes (BENCH_MODES, any subset): default (as built: tiered compilation, TieredPGO, Server GC with DATAS),
# nopgo (DOTNET_TieredPGO=0), r2r (published with PublishReadyToRun), tc-off (DOTNET_TieredCompilation=0),
# server-nodatas (DOTNET_GCDynamicAdaptationMode=0), workstation (concurrent), workstation-nonconcurrent.
# Stops exactly the processes it started; removes its data folders.
#   bench/run-runtime-modes.sh
#   BENCH_MODES="default r2r" BENCH_WARMUP_S=30 bench/run-runtime-modes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
MODES=${BENCH_MODES:-default nopgo r2r tc-off server-nodatas workstation workstation-nonconcurrent}
WARMUP_S=${BENCH_WARMUP_S:-40}
DURATION=${BENCH_DURATION_S:-15}
NET=${BENCH_NET:-127.24.15}
KEYS=2000
WORK=$(mktemp -d /tmp/raftcache-modes.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
LUA=bench/wrk/kv.lua
pids=()
stop_nodes() { stop_pids; }
cleanup() { stop_nodes; rm -rf "$WORK"; }
trap cleanup EXIT
trap "exit 143" INT TERM

# BENCH_NO_BUILD=1 uses the build output as it is (several scripts at once must not build into one folder).
[ "${BENCH_NO_BUILD:-0}" = 1 ] || timeout 600 dotnet build src/Node -c Release -v q -nologo >/dev/null
BUILT="$ARTIFACTS/bin/Node/release/RaftCache.Node"
# BENCH_R2R_DIR: an existing ReadyToRun publish of the node (else published here).
R2R=${BENCH_R2R_DIR:-$WORK/r2r}
if [[ " $MODES " == *" r2r "* ]] && [ ! -x "$R2R/RaftCache.Node" ]; then
  timeout 900 dotnet publish src/Node -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$R2R" -nologo -v q >/dev/null
fi
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
head -c 32 /dev/urandom | base64 >"$WORK/cluster-secret"
hz=$(getconf CLK_TCK)
ticks() { local t=0 p; for p in "${pids[@]}"; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }

# wrk_ok URL CONNS DURATION OP [CONSISTENCY] -> "successful-requests p50_us p99_us"
wrk_ok() {
  timeout $(( $3 + 30 )) wrk -t1 -c"$2" -d"$3s" --timeout 5s -s $LUA "$1" -- raftcache "$4" 1024 $KEYS k1024- \
    "${5:-linearizable}" "$KEY" 2>/dev/null | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      print r["requests"] - r["status"], r["p50_us"], r["p99_us"] }'
}

echo "| mode | ready s | first second ≥ 80 % of steady | rate at 10 s, % of steady | steady puts/s | put ops/s | put CPU µs/op | get ops/s | get CPU µs/op | RSS MiB per node | peak RSS MiB per node |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for mode in $MODES; do
  node=$BUILT; [ "$mode" = r2r ] && node="$R2R/RaftCache.Node"
  rm -rf "$WORK"/node-*
  start=$(date +%s.%N)
  for i in 1 2 3; do
    env $(mode_env "$mode") RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$node" --id $i \
      --listen http://$NET.$i:5001 --peer-listen $NET.$i:6001 --data-dir "$WORK/node-$i" \
      --initial-cluster "1=$NET.1:6001,2=$NET.2:6001,3=$NET.3:6001" --cluster-secret-file "$WORK/cluster-secret" \
      >"$WORK/node-$i.log" 2>&1 &
    pids+=($!)
  done
  # Warm-up timeline: one 1 s run after another from the start; before the nodes listen a run just counts nothing.
  : >"$WORK/timeline"
  ready=""
  while :; do
    now=$(date +%s.%N); t=$(echo "$now - $start" | bc)
    [ "$(echo "$t >= $WARMUP_S" | bc)" = 1 ] && break
    [ -z "$ready" ] && curl -fsS -m 1 http://$NET.1:5001/health/ready >/dev/null 2>&1 && ready=$(printf %.1f "$t")
    read -r ok _ _ < <(wrk_ok http://$NET.1:5001 16 1 put) || ok=0
    [ -z "$ok" ] && { ok=0; sleep 0.2; }
    echo "$t ${ok:-0}" >>"$WORK/timeline"
  done
  read -r first at10 steady < <(python3 - "$WORK/timeline" "$WARMUP_S" "${ready:-}" <<'PY'
import sys, statistics
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
end, ready = float(sys.argv[2]), float(sys.argv[3] or 'nan')
steady = statistics.median([ok for t, ok in rows if t >= end - 11] or [0]) or 1
first = next((t for t, ok in rows if ok >= 0.8 * steady), None)
at10 = next((ok for t, ok in rows if t + 1 >= 10), 0)
after = '' if first is None or ready != ready else ' (%.1f after ready)' % (first - ready)
print(('%.1f' % first + after).replace(' ', '_') if first is not None else 'never', '%.0f' % (100 * at10 / steady), '%.0f' % steady)
PY
) || { first=error; at10=0; steady=0; }
  first=${first//_/ }
  before=$(ticks); read -r put_ok _ _ < <(wrk_ok http://$NET.1:5001 64 "$DURATION" put) || put_ok=0; after=$(ticks)
  put_cpu=$(python3 -c "print(round(($after-$before)/$hz/max($put_ok,1)*1e6))")
  before=$(ticks); read -r get_ok _ _ < <(wrk_ok http://$NET.1:5001 64 "$DURATION" get linearizable) || get_ok=0; after=$(ticks)
  get_cpu=$(python3 -c "print(round(($after-$before)/$hz/max($get_ok,1)*1e6))")
  rss=$(for p in "${pids[@]}"; do awk '/VmRSS/ {printf "%d ", $2/1024}' /proc/$p/status; done)
  hwm=$(for p in "${pids[@]}"; do awk '/VmHWM/ {printf "%d ", $2/1024}' /proc/$p/status; done)
  echo "| $mode | ${ready:-n/a} | $first | $at10 | $steady | $(( put_ok / DURATION )) | $put_cpu | $(( get_ok / DURATION )) | $get_cpu | ${rss% } | ${hwm% } |"
  [ "${KEEP_TIMELINES:-0}" = 1 ] && { echo "timeline $mode:"; tr '\n' ';' <"$WORK/timeline"; echo; } >&2
  stop_nodes
done
