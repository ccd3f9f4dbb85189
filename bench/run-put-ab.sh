#!/usr/bin/env bash
# Before/after cost of a durable put, two node builds interleaved in one run (this machine is shared, so only a
# comparison inside one run means anything): for each round, for build A then build B, a fresh 3-node cluster (16
# shards, RF 3, fsync, authentication on, sealed peers) on $BENCH_NET.1-3, wrk put load on node 1 (BENCH_VALUE_BYTES, default 1 KiB,
# BENCH_CONNS connections, default 64) for BENCH_WARM_S (default 8) seconds, then a BENCH_MEASURE_S (default 10)
# second window in which it reads from /proc the CPU of the three node processes and the context switches of all their
# threads, and from each node's /metrics its WAL syncs and their time (raftcache_wal_syncs_total,
# raftcache_wal_fsync_duration_seconds). Prints puts/s, cluster CPU µs per put, context switches per put, WAL syncs per
# put and µs per WAL sync of nodes 1/2/3, and wrk's p50/p99 (whole run), one line per cell.
# BENCH_A_ARGS and BENCH_B_ARGS are extra node arguments of build A and B (e.g. two --shards values
# of one binary). Stops exactly the processes it started.
#   bench/run-put-ab.sh A_NODE_BINARY B_NODE_BINARY
#   BENCH_NET=127.91.1 BENCH_ROUNDS=3 BENCH_CONNS=16 bench/run-put-ab.sh /tmp/base/RaftCache.Node artifacts/bin/Node/release/RaftCache.Node
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
[ $# -eq 2 ] || { echo "usage: $0 A_NODE_BINARY B_NODE_BINARY" >&2; exit 2; }
BINARIES=("$1" "$2")
WARM_S=${BENCH_WARM_S:-8}
MEASURE_S=${BENCH_MEASURE_S:-10}
ROUNDS=${BENCH_ROUNDS:-3}
NET=${BENCH_NET:-127.91.1}
CONNS=${BENCH_CONNS:-64}
VALUE_BYTES=${BENCH_VALUE_BYTES:-1024}
THREADS=$(( CONNS < 2 ? CONNS : 2 ))
read -r -a EXTRA_A <<<"${BENCH_A_ARGS:-}"
read -r -a EXTRA_B <<<"${BENCH_B_ARGS:-}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bench_workdir put-ab
hz=$(getconf CLK_TCK)
# puts_served: PUT requests node 1 has answered so far (its request histogram's count).
puts_served() {
  curl -fsS -m 5 -H "X-Api-Key: $KEY" "http://$NET.1:5001/metrics" |
    awk '/^raftcache_request_duration_seconds_count.*method="PUT"/ {s += $2} END {print s + 0}'
}
# wal_syncs: WAL syncs of nodes 1-3 so far and the seconds they took, "syncs:seconds" space-separated.
wal_syncs() {
  local i
  for i in 1 2 3; do
    curl -fsS -m 5 -H "X-Api-Key: $KEY" "http://$NET.$i:5001/metrics" |
      awk '/^raftcache_wal_syncs_total/ {s += $2} /^raftcache_wal_fsync_duration_seconds_sum/ {t += $2} END {printf "%d:%.6f ", s, t}'
  done
}
echo "| round | build | conns | puts/s | cluster CPU µs/put | ctx switches/put | WAL syncs/put n1/n2/n3 | µs per WAL sync n1/n2/n3 | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for b in 0 1; do
    NODE=${BINARIES[$b]}
    new_credentials
    rm -rf "$WORK"/node-*
    if [ $b = 0 ]; then start_cluster ${EXTRA_A[@]+"${EXTRA_A[@]}"}; else start_cluster ${EXTRA_B[@]+"${EXTRA_B[@]}"}; fi
    total=$(( WARM_S + MEASURE_S + 2 ))
    timeout $(( total + 30 )) wrk -t"$THREADS" -c"$CONNS" -d"${total}s" --timeout 5s -s bench/wrk/kv.lua "http://$NET.1:5001" -- \
      raftcache put "$VALUE_BYTES" 2000 "k$VALUE_BYTES-" linearizable "$KEY" >"$WORK/wrk.txt" 2>&1 &
    load=$!
    sleep "$WARM_S"
    t0=$(cpu_ticks "${pids[@]}"); c0=$(ctx_switches "${pids[@]}"); s0=$(date +%s.%N)
    r0=$(puts_served); w0=$(wal_syncs)
    sleep "$MEASURE_S"
    r1=$(puts_served); w1=$(wal_syncs)
    t1=$(cpu_ticks "${pids[@]}"); c1=$(ctx_switches "${pids[@]}"); s1=$(date +%s.%N)
    wait $load || true
    result=$(grep '^RESULT' "$WORK/wrk.txt" || echo "RESULT none")
    python3 - "$round" "${b/0/A}" "$r0" "$r1" "$t0" "$t1" "$c0" "$c1" "$s0" "$s1" "$hz" "$result" "$w0" "$w1" "$CONNS" <<'PY'
import sys
round_, build, r0, r1, t0, t1, c0, c1, s0, s1, hz = sys.argv[1:12]
result = sys.argv[12]
w0, w1 = [[tuple(map(float, n.split(":"))) for n in w.split()] for w in sys.argv[13:15]]
conns = sys.argv[15]
puts = float(r1) - float(r0)
secs = float(s1) - float(s0)
cpu = (int(t1) - int(t0)) / int(hz)
ctx = int(c1) - int(c0)
fields = dict(kv.split("=", 1) for kv in result.split()[1:] if "=" in kv)
p50 = float(fields.get("p50_us", "nan")) / 1000
p99 = float(fields.get("p99_us", "nan")) / 1000
build = "B" if build == "1" else build
syncs = "/".join(f"{(b[0] - a[0]) / puts:.3f}" for a, b in zip(w0, w1)) if puts > 0 else "-"
sync_us = "/".join(f"{(b[1] - a[1]) / (b[0] - a[0]) * 1e6:.0f}" if b[0] > a[0] else "-" for a, b in zip(w0, w1))
print(f"| {round_} | {build} | {conns} | {puts / secs:,.0f} | {cpu / puts * 1e6:.0f} | {ctx / puts:.2f} | {syncs} | {sync_us} | {p50:.2f} | {p99:.1f} | {fields.get('errors', '?')} |" if puts > 0 else f"| {round_} | {build} | {conns} | no puts |")
PY
    stop_pids
  done
done
