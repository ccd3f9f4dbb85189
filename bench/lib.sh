#!/usr/bin/env bash
# Shared by the bench scripts (sourced, never run): stopping exactly the processes a script started, building the
# node, and the credentials of a fresh benchmark cluster.

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
