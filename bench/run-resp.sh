#!/usr/bin/env bash
# The Redis protocol side by side: redis-benchmark (Debian's, the one load generator for every system) drives, cell
# by cell and interleaved so machine noise hits all alike,
#   - RaftCache: 3 node processes, RF 3, fsync before every acknowledgement, proxy mode, the client on node 1;
#   - Redis (Debian's redis-server) with appendfsync always, and without persistence;
#   - Garnet (the garnet-server .NET tool) with an AOF commit per operation awaited before the reply, and without.
# Reports requests/s, p99 and CPU µs per request of each system's processes (from /proc). Stops exactly what it started.
#   bench/run-resp.sh                       # SET/GET x 1 KiB/8 KiB x pipeline 1/16, 50 connections
#   BENCH_N=5000 BENCH_CELLS="set:1024:1 get:1024:1" bench/run-resp.sh
#   BENCH_NODE_ARGS="--resp-read-consistency local" bench/run-resp.sh   # extra RaftCache node arguments
#   BENCH_NO_BUILD=1 RAFTCACHE_ARTIFACTS=/other/build bench/run-resp.sh   # an existing build (before/after runs)
#   BENCH_BASE_ARTIFACTS=/base/build bench/run-resp.sh  # adds "raftcache-base": a second cluster of that build on
#                                           # NET.0.11-13, measured in the same cells, interleaved (before/after in one run)
#   BENCH_RESP_CLUSTER=1 bench/run-resp.sh  # RaftCache in cluster mode (--resp-cluster), redis-benchmark --cluster:
#                                           # the client sends each key to its shard leader, no forwarding
# Addresses: 127.40.0.1-3 (RaftCache) and 127.40.0.9 (Redis, Garnet); BENCH_NET moves them.
set -euo pipefail
cd "$(dirname "$0")/.."
NET=${BENCH_NET:-127.40}
N=${BENCH_N:-20000}
CLIENTS=${BENCH_CLIENTS:-50}
CELLS=${BENCH_CELLS:-"set:1024:1 get:1024:1 set:8192:1 get:8192:1 set:1024:16 get:1024:16 set:8192:16 get:8192:16"}
SYSTEMS=${BENCH_SYSTEMS:-"raftcache redis-always redis-none garnet-aof garnet-none"}
[ -n "${BENCH_BASE_ARTIFACTS:-}" ] && SYSTEMS=$(echo " $SYSTEMS " | sed 's/ raftcache / raftcache raftcache-base /; s/^ //; s/ $//')
GARNET_VERSION=2.2.12
WORK=$(mktemp -d /tmp/raftcache-resp-bench.XXXXXX)
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
TOOLS=${BENCH_TOOLS:-$HOME/.cache/raftcache-bench-tools}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

command -v redis-benchmark >/dev/null && command -v redis-server >/dev/null \
  || { echo "run-resp.sh: needs Debian's redis-server and redis-tools" >&2; exit 1; }
[ -x "$TOOLS/garnet-server" ] || timeout 600 dotnet tool install --tool-path "$TOOLS" garnet-server --version "$GARNET_VERSION" >/dev/null
[ "${BENCH_NO_BUILD:-0}" = 1 ] || dotnet build src/Node -c Release -v q -nologo >/dev/null
NODE="$ARTIFACTS/bin/Node/release/RaftCache.Node"
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
head -c 32 /dev/urandom | base64 >"$WORK/cluster-secret"

declare -A sys_pids sys_port sys_host sys_auth sys_mode
[ "${BENCH_RESP_CLUSTER:-0}" = 1 ] && { CLUSTER_ARGS=--resp-cluster; sys_mode[raftcache]=--cluster; }
raftcache() { # name binary first-address-octet
  local name=$1 node=$2 base=$3 i initial
  initial="1=$NET.0.$base:6001,2=$NET.0.$(( base + 1 )):6001,3=$NET.0.$(( base + 2 )):6001"
  for i in 1 2 3; do
    # shellcheck disable=SC2086
    RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" "$node" --id $i --listen "http://$NET.0.$(( base + i - 1 )):5001" \
      --peer-listen "$NET.0.$(( base + i - 1 )):6001" --resp-listen "$NET.0.$(( base + i - 1 )):6379" --data-dir "$WORK/$name-$i" \
      --initial-cluster "$initial" --cluster-secret-file "$WORK/cluster-secret" ${BENCH_NODE_ARGS:-} ${CLUSTER_ARGS:-} \
      >"$WORK/$name-$i.log" 2>&1 &
    pids+=($!); sys_pids[$name]="${sys_pids[$name]:-} $!"
  done
  sys_host[$name]=$NET.0.$base; sys_port[$name]=6379; sys_auth[$name]="-a $KEY"; sys_mode[$name]=${sys_mode[raftcache]:-}
}
raftcache raftcache "$NODE" 1
[ -n "${BENCH_BASE_ARTIFACTS:-}" ] && raftcache raftcache-base "$BENCH_BASE_ARTIFACTS/bin/Node/release/RaftCache.Node" 11

redis() { # name port args...
  local name=$1 port=$2; shift 2; mkdir -p "$WORK/$name"
  redis-server --bind "$NET.0.9" --port "$port" --dir "$WORK/$name" --save "" --protected-mode no "$@" >"$WORK/$name.log" 2>&1 &
  pids+=($!); sys_pids[$name]=$!; sys_host[$name]=$NET.0.9; sys_port[$name]=$port; sys_auth[$name]=""
}
garnet() { # name port args...
  local name=$1 port=$2; shift 2; mkdir -p "$WORK/$name"
  "$TOOLS/garnet-server" --bind "$NET.0.9" --port "$port" --checkpointdir "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 &
  pids+=($!); sys_pids[$name]=$!; sys_host[$name]=$NET.0.9; sys_port[$name]=$port; sys_auth[$name]=""
}
redis redis-always 7001 --appendonly yes --appendfsync always
redis redis-none 7002 --appendonly no
# Garnet's native storage device needs glibc 2.38 (Debian 12 has 2.36), so its AOF runs on the managed RandomAccess
# device: O_DIRECT writes, awaited before the reply, but no fsync (strace shows pwrite64 per commit and no fdatasync).
garnet garnet-aof 7003 --aof --aof-commit-freq 0 --aof-commit-wait --device-type RandomAccess
garnet garnet-none 7004

wait_ping() { # name
  local end=$(( $(date +%s) + 120 ))
  # shellcheck disable=SC2086
  until redis-cli ${sys_mode[$1]:+-c} -h "${sys_host[$1]}" -p "${sys_port[$1]}" ${sys_auth[$1]} --no-auth-warning set bench:ready 1 2>/dev/null | grep -q OK; do
    [ "$(date +%s)" -ge $end ] && { echo "run-resp.sh: $1 not ready" >&2; exit 1; }; sleep 0.5
  done
}
for s in $SYSTEMS; do wait_ping "$s"; done
# redis-benchmark --cluster refuses a cluster with fewer than two masters: right after start one node may lead every
# shard until leaderships are balanced, so wait (bounded) for every node to lead some.
if [ -n "${sys_mode[raftcache]:-}" ]; then
  end=$(( $(date +%s) + 120 ))
  # shellcheck disable=SC2086
  until [ "$(redis-cli -h "$NET.0.1" -p 6379 ${sys_auth[raftcache]} --no-auth-warning cluster nodes | grep -c master)" -ge 3 ]; do
    [ "$(date +%s)" -ge $end ] && { echo "run-resp.sh: leaderships not balanced" >&2; exit 1; }; sleep 1
  done
fi

ticks() { local t=0; for p in $1; do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat) )); done; echo $t; }
hz=$(getconf CLK_TCK)
cell() { # system test size pipeline requests -> "rps p99 cpu_us"
  local s=$1 before after out n=$5
  before=$(ticks "${sys_pids[$s]}")
  # shellcheck disable=SC2086
  out=$(timeout 300 redis-benchmark ${sys_mode[$s]:-} -h "${sys_host[$s]}" -p "${sys_port[$s]}" ${sys_auth[$s]} -t "$2" -d "$3" -P "$4" \
    -c "$CLIENTS" -n "$n" -r 10000 --csv 2>"$WORK/bench.err" | tail -1) || true
  # Our CONFIG GET answers an empty list, which redis-benchmark reports and ignores; anything else is shown.
  grep -v -E "Could not fetch (server|node) CONFIG" "$WORK/bench.err" | sed "s/^/run-resp.sh: $s: /" | head -3 >&2 || true
  after=$(ticks "${sys_pids[$s]}")
  python3 -c "
import csv, sys
r = next(csv.reader([sys.argv[1]]))
cpu = ($after - $before) / $hz
print(round(float(r[1])), r[6], round(cpu / $n * 1e6)) if r[0] != 'test' else print('failed - -')" "$out"
}

# Warm-up, discarded: JIT of the .NET systems, connection set-up, keys present for the GETs.
for s in $SYSTEMS; do cell "$s" set 1024 16 "$N" >/dev/null; cell "$s" get 1024 16 "$N" >/dev/null; done
printf "| test |"; for s in $SYSTEMS; do printf " %s ops/s (p99 ms, CPU µs/op) |" "$s"; done; echo
printf "|---|"; for s in $SYSTEMS; do printf "%s" "---|"; done; echo
for c in $CELLS; do
  IFS=: read -r t size p <<<"$c"
  n=$(( p > 1 ? N * 4 : N ))
  printf "| %s %s B, P%s |" "${t^^}" "$size" "$p"
  for s in $SYSTEMS; do read -r rps p99 cpu < <(cell "$s" "$t" "$size" "$p" "$n"); printf " %s (%s, %s) |" "$rps" "$p99" "$cpu"; done
  echo
done
