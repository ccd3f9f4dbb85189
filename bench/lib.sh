#!/usr/bin/env bash
# Shared by the bench scripts (sourced, never run): stopping exactly the processes a script started, building the
# node, the credentials and start of a fresh benchmark cluster, and the runtime modes of the JIT and GC benchmarks.

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
