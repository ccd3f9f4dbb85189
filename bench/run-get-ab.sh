#!/usr/bin/env bash
# Before/after cost of a get, two node builds interleaved in one run, each beside the bare-Kestrel ceiling (this
# machine is shared, so only a comparison inside one run means anything). For each round, for build A then build B:
# a fresh 3-node cluster (16 shards, RF 3, fsync, authentication on, sealed peers) on $BENCH_NET.1-3, every key of
# the key space written once, then for each consistency in BENCH_GETS (default "local lease linearizable") a wrk get
# load on node 1 (1 KiB, BENCH_CONNS connections, default 64, bench/wrk/kv.lua as run-side-by-side.sh uses it):
# BENCH_WARM_S (default 4) seconds discarded, then a BENCH_MEASURE_S (default 8) second run measured. After each
# build's cells the ceiling (bench/Ceiling, one process on $BENCH_NET.21) takes the same get load (BENCH_CEILING=0:
# not). Even rounds run B before A, so neither build always follows the other. Prints gets/s,
# p99, CPU µs per get from /proc (all three node processes; the ceiling's one) and context switches per get (every
# thread's voluntary and nonvoluntary ones, /proc/PID/task/*/status: steadier than CPU on a shared machine) and the
# ReadIndex requests node 1 issued per get (raftcache_raft_read_index_requests_total), one line per cell.
# BENCH_A_ENV / BENCH_B_ENV: environment assignments for a build's nodes ("DOTNET_TieredPGO=1"), so one binary can
# be compared with itself under two settings. Stops exactly the processes it started.
#   bench/run-get-ab.sh A_NODE_BINARY B_NODE_BINARY
#   BENCH_NET=127.185.1 BENCH_ROUNDS=2 bench/run-get-ab.sh /tmp/base/RaftCache.Node artifacts/bin/Node/release/RaftCache.Node
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
[ $# -eq 2 ] || { echo "usage: $0 A_NODE_BINARY B_NODE_BINARY" >&2; exit 2; }
BINARIES=("$1" "$2")
ENVS=("${BENCH_A_ENV:-}" "${BENCH_B_ENV:-}")
WARM_S=${BENCH_WARM_S:-4}
MEASURE_S=${BENCH_MEASURE_S:-8}
ROUNDS=${BENCH_ROUNDS:-2}
GETS=${BENCH_GETS:-local lease linearizable}
CONNS=${BENCH_CONNS:-64}
NET=${BENCH_NET:-127.185.1}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bench_workdir get-ab
build_ceiling
hz=$(getconf CLK_TCK)

# read_indexes: ReadIndex requests node 1 has issued so far (0 for the ceiling, which has no /metrics).
read_indexes() {
  [ "$1" = raftcache ] || { echo 0; return; }
  curl -fsS -m 5 -H "X-Api-Key: $KEY" "http://$NET.1:5001/metrics" |
    awk '/^raftcache_raft_read_index_requests_total/ {s += $NF} END {printf "%d\n", s}'
}
# load SYSTEM URL OP CONSISTENCY SECONDS [MODE]: one bounded wrk run; prints its RESULT (or FILLED) line.
load() {
  timeout $(( $5 + 30 )) wrk -t2 -c"$CONNS" -d"$5s" --timeout 5s -s bench/wrk/kv.lua "$2" -- \
    "$1" "$3" 1024 2000 k1024- "$4" "$KEY" "${6:-random}" | grep -E '^(RESULT|FILLED)' || true
}
# cell ROUND BUILD SYSTEM URL CONSISTENCY PID...: warm-up, then the measured run; one table row.
cell() {
  local round=$1 build=$2 system=$3 url=$4 consistency=$5 t0 t1 c0 c1 r0 r1 result
  shift 5
  load "$system" "$url" get "$consistency" "$WARM_S" >/dev/null
  r0=$(read_indexes "$system"); t0=$(cpu_ticks "$@"); c0=$(ctx_switches "$@")
  result=$(load "$system" "$url" get "$consistency" "$MEASURE_S")
  t1=$(cpu_ticks "$@"); c1=$(ctx_switches "$@"); r1=$(read_indexes "$system")
  python3 - "$round" "$build" "$consistency" $(( t1 - t0 )) "$hz" "$result" $(( c1 - c0 )) $(( r1 - r0 )) <<'PY'
import sys
round_, build, consistency, ticks, hz, result, switches, reads = sys.argv[1:9]
f = dict(kv.split("=", 1) for kv in result.split()[1:] if "=" in kv)
n = int(f.get("requests", 0))
if n == 0: print(f"| {round_} | {build} | {consistency} | no result |"); sys.exit()
rate = n / (int(f["duration_us"]) / 1e6)
bad = int(f["errors"]) + int(f["status"])
print(f"| {round_} | {build} | {consistency} | {rate:,.0f} | {int(f['p99_us']) / 1000:.1f} | {int(ticks) / int(hz) / n * 1e6:.1f} | {int(switches) / n:.2f} | {int(reads) / n:.3f} | {bad} |")
PY
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); A=$1 ${ENVS[0]}; B=$2 ${ENVS[1]}"
echo "| round | build | get | gets/s | p99 ms | CPU µs/get | switches/get | read indexes/get | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for b in $([ $(( round % 2 )) = 1 ] && echo 0 1 || echo 1 0); do
    build=$([ $b = 0 ] && echo A || echo B)
    NODE=${BINARIES[$b]}
    new_credentials
    rm -rf "$WORK"/node-*
    # The build's settings for its nodes only: exported around the start, removed after it.
    # shellcheck disable=SC2086
    [ -z "${ENVS[$b]}" ] || export ${ENVS[$b]}
    start_cluster
    for assignment in ${ENVS[$b]}; do unset "${assignment%%=*}"; done
    load raftcache "http://$NET.1:5001" put linearizable 120 fill | grep -q FILLED || { echo "fill did not finish" >&2; exit 1; }
    for consistency in $GETS; do cell "$round" "$build" raftcache "http://$NET.1:5001" "$consistency" "${pids[@]}"; done
    stop_pids
    [ "${BENCH_CEILING:-1}" = 1 ] || continue
    start_ceiling "http://$NET.21:8080"
    load ceiling "http://$NET.21:8080" put linearizable 120 fill | grep -q FILLED || { echo "ceiling fill did not finish" >&2; exit 1; }
    cell "$round" "ceiling ($build)" ceiling "http://$NET.21:8080" - "${pids[@]}"
    stop_pids
  done
done
