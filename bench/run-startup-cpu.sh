#!/usr/bin/env bash
# JIT warm-up measured in CPU time, which an overloaded machine distorts far less than rates: for each runtime mode
# starts one single-node cluster (16 shards, fsync, authentication on) on 127.24.21.0/24 (BENCH_NET) and reads the
# node's utime+stime (/proc/PID/stat) when it is ready, after the first BENCH_KEYS (default 2,000) 1 KiB puts, after
# the next BENCH_KEYS puts (the same keys again) and after 2 x BENCH_KEYS linearizable gets; a warm node spends the
# same CPU on each batch, a cold one much more on the first. Modes as in bench/run-runtime-modes.sh (default, nopgo,
# r2r, tc-off, workstation, ...), with the node's peak RSS at the end; r2r needs BENCH_R2R_DIR or publishes once. Stops exactly the processes it started.
#   BENCH_MODES="default r2r nopgo" bench/run-startup-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
MODES=${BENCH_MODES:-default nopgo r2r tc-off}
KEYS=${BENCH_KEYS:-2000}
NET=${BENCH_NET:-127.24.21}
READY_TIMEOUT_S=${BENCH_READY_TIMEOUT_S:-300}
WORK=$(mktemp -d /tmp/raftcache-startup.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
pid=""
cleanup() {
  local end=$(( $(date +%s) + 20 ))
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  pid=""
}
trap 'cleanup; rm -rf "$WORK"' EXIT
trap "exit 143" INT TERM

# BENCH_NO_BUILD=1 uses the build output as it is (several scripts at once must not build into one folder).
[ "${BENCH_NO_BUILD:-0}" = 1 ] || timeout 600 dotnet build src/Node -c Release -v q -nologo >/dev/null
R2R=${BENCH_R2R_DIR:-$WORK/r2r}
if [[ " $MODES " == *" r2r "* ]] && [ ! -x "$R2R/RaftCache.Node" ]; then
  timeout 900 dotnet publish src/Node -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$R2R" -nologo -v q >/dev/null
fi
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
hz=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$hz" '{printf "%d", ($14 + $15) * 1000 / hz}' /proc/$pid/stat; }
# batch OP MODE: KEYS requests in key order (wrk fill mode, 16 connections), bounded by 300 s.
batch() {
  timeout 330 wrk -t1 -c16 -d300s --timeout 10s -s bench/wrk/kv.lua http://$NET.1:5001 -- raftcache "$1" 1024 "$KEYS" \
    k1024- linearizable "$KEY" fill 2>/dev/null | grep -q FILLED || echo "($1 batch incomplete)" >&2
}
echo "| mode | CPU ms to ready | first $KEYS puts, CPU µs/op | next $KEYS puts, CPU µs/op | $(( 2 * KEYS )) gets, CPU µs/op | peak RSS MiB |"
echo "|---|---|---|---|---|---|"
for mode in $MODES; do
  node="$ARTIFACTS/bin/Node/release/RaftCache.Node"; [ "$mode" = r2r ] && node="$R2R/RaftCache.Node"
  rm -rf "$WORK/node"
  env $(mode_env "$mode") RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$node" --id 1 \
    --listen http://$NET.1:5001 --peer-listen $NET.1:6001 --data-dir "$WORK/node" --initial-cluster "1=$NET.1:6001" \
    --insecure-peers >"$WORK/node.log" 2>&1 &
  pid=$!
  end=$(( $(date +%s) + READY_TIMEOUT_S ))
  until curl -fsS -m 2 http://$NET.1:5001/health/ready >/dev/null 2>&1; do
    [ "$(date +%s)" -ge $end ] && { echo "| $mode | not ready after ${READY_TIMEOUT_S} s | | | | |"; cleanup; continue 2; }
    sleep 0.2
  done
  c0=$(cpu_ms)
  batch put; c1=$(cpu_ms)
  batch put; c2=$(cpu_ms)
  batch get; batch get; c3=$(cpu_ms)
  echo "| $mode | $c0 | $(( (c1 - c0) * 1000 / KEYS )) | $(( (c2 - c1) * 1000 / KEYS )) | $(( (c3 - c2) * 1000 / (2 * KEYS) )) | $(awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$pid/status) |"
  cleanup
done
