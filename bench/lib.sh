#!/usr/bin/env bash
# Shared by the bench scripts (sourced, never run): stopping exactly the processes a script started, building the
# node, the credentials and start of a fresh benchmark cluster, the runtime modes of the JIT and GC benchmarks, and
# the CPU and context-switch counts of processes from /proc.

# Stops every pid in the caller's array `pids` (TERM, up to 20 s, then KILL) and empties it.
stop_pids() {
  local p end
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  end=$(( $(date +%s) + 20 ))
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 0.2; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  done
  pids=()
}

# Builds the node unless BENCH_NO_BUILD=1 (several scripts at once must not build into one folder); sets NODE.
build_node() {
  [ "${BENCH_NO_BUILD:-0}" = 1 ] || timeout 600 dotnet build src/Node -c Release -v q -nologo >/dev/null
  NODE="$ARTIFACTS/bin/Node/release/RaftCache.Node"
}

# Builds bench/Ceiling unless BENCH_NO_BUILD=1; sets CEILING.
build_ceiling() {
  [ "${BENCH_NO_BUILD:-0}" = 1 ] || timeout 600 dotnet build bench/Ceiling -c Release -v q -nologo >/dev/null
  CEILING="$ARTIFACTS/bin/Ceiling/release/RaftCache.Ceiling"
}

# start_ceiling URL: the ceiling (build_ceiling first) listening on URL, its pid added to `pids`; waits up to 60 s
# until it stores a key.
start_ceiling() {
  "$CEILING" --urls "$1" >"$WORK/ceiling.log" 2>&1 &
  pids+=($!)
  local end=$(( $(date +%s) + 60 ))
  until curl -fsS -m 2 -X PUT --data-binary x "$1/keys/ready" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge $end ] && { echo "ceiling not ready after 60 s" >&2; exit 1; }
    sleep 0.2
  done
}

# A fresh admin key in KEY and a cluster secret in "$WORK/cluster-secret".
new_credentials() {
  KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  head -c 32 /dev/urandom | base64 >"$WORK/cluster-secret"
}

# Starts nodes 1-3 on $NET.1-3 (REST :5001, peers :6001, data in $WORK/node-N) with the admin KEY and the cluster
# secret, extra node arguments appended, and waits up to BENCH_READY_TIMEOUT_S (120) for each to be ready.
start_cluster() {
  local i end
  for i in 1 2 3; do
    RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$NODE" --id $i --listen "http://$NET.$i:5001" \
      --peer-listen "$NET.$i:6001" --data-dir "$WORK/node-$i" \
      --initial-cluster "1=$NET.1:6001,2=$NET.2:6001,3=$NET.3:6001" --cluster-secret-file "$WORK/cluster-secret" \
      "$@" >"$WORK/node-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do
    end=$(( $(date +%s) + ${BENCH_READY_TIMEOUT_S:-120} ))
    until curl -fsS -m 2 "http://$NET.$i:5001/health/ready" >/dev/null 2>&1; do
      [ "$(date +%s)" -ge $end ] && { echo "node $i not ready after ${BENCH_READY_TIMEOUT_S:-120} s" >&2; exit 1; }
      sleep 0.5
    done
  done
}

# The environment of one runtime mode of run-runtime-modes.sh and run-startup-cpu.sh (JIT tiering, PGO, GC flavour).
mode_env() {
  case $1 in
    default|r2r) ;;
    nopgo) echo DOTNET_TieredPGO=0 ;;
    tc-off) echo DOTNET_TieredCompilation=0 ;;
    server-nodatas) echo DOTNET_GCDynamicAdaptationMode=0 ;;
    workstation) echo DOTNET_gcServer=0 DOTNET_gcConcurrent=1 ;;
    workstation-nonconcurrent) echo DOTNET_gcServer=0 DOTNET_gcConcurrent=0 ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
}

# Traces process $1 for TRACE_S seconds into "$OUT_DIR/$2.nettrace" (dotnet-trace sampled thread time, GC and JIT
# events) while dotnet-counters reads its runtime counters into "$OUT_DIR/counters-$2.csv"; prints nothing.
trace_node() {
  local pid=$1 name=$2 counters
  timeout $(( TRACE_S + 10 )) "$TOOLS/dotnet-counters" collect -p "$pid" --counters System.Runtime \
    --format csv -o "$OUT_DIR/counters-$name.csv" --duration "00:00:00:$(printf %02d "$TRACE_S")" >/dev/null 2>&1 &
  counters=$!
  timeout $(( TRACE_S + 120 )) "$TOOLS/dotnet-trace" collect -p "$pid" --profile dotnet-sampled-thread-time,dotnet-common \
    --duration "00:00:00:$(printf %02d "$TRACE_S")" -o "$OUT_DIR/$name.nettrace" >/dev/null
  wait $counters || true
}

# CPU by area and the runtime counters of the trace trace_node wrote under $1.
report_trace() {
  timeout 300 "$TOOLS/dotnet-trace" convert --format Speedscope "$OUT_DIR/$1.nettrace" -o "$OUT_DIR/$1" >/dev/null
  python3 bench/profile_areas.py "$OUT_DIR/$1.speedscope.json"
  python3 bench/profile_areas.py --counters "$OUT_DIR/counters-$1.csv"
}

# bench_workdir NAME: a fresh $WORK folder (/tmp/raftcache-NAME.*), $ARTIFACTS, an empty $pids, and traps that stop
# exactly the processes the script started (stop_pids) and remove $WORK however the script ends.
bench_workdir() {
  WORK=$(mktemp -d "/tmp/raftcache-$1.XXXXXX")
  ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
  pids=()
  trap 'stop_pids; rm -rf "$WORK"' EXIT
  trap "exit 143" INT TERM
}

# cpu_ticks PID...: utime+stime of the processes in clock ticks (1/100 s), from /proc/PID/stat.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo $t; }

# ctx_switches PID...: voluntary + nonvoluntary context switches of every thread of the processes.
ctx_switches() {
  local p
  for p in "$@"; do cat /proc/"$p"/task/*/status 2>/dev/null; done |
    awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {s += $2} END {print s + 0}'
}
