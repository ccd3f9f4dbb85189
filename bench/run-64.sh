#!/usr/bin/env bash
# Grows a cluster to BENCH_MEMBERS (64) member processes on this machine and measures what the design costs at that
# size: 3 founders (BENCH_SHARDS 64 shards, RF 3), then the others start empty with --join and one join token and
# admit themselves (no admin call), BENCH_BATCH at a time. Once balanced it reports the metadata voters/learners,
# replicas and leaders per member, idle CPU and RSS per node over BENCH_IDLE_S, then the time to add one more member
# (start to balanced again) and to drain it (DELETE to removed). Addresses $BENCH_NET.1-N (127.26.240), loopback
# only. Starts only its own processes and stops them by pid; every wait is bounded, the whole run by BENCH_DEADLINE_S.
#   bench/run-64.sh                          # 64 members
#   BENCH_MEMBERS=10 BENCH_SHARDS=16 bench/run-64.sh
set -euo pipefail
cd "$(dirname "$0")/.."
NET=${BENCH_NET:-127.26.240}
MEMBERS=${BENCH_MEMBERS:-64}
SHARDS=${BENCH_SHARDS:-64}
BATCH=${BENCH_BATCH:-8}
IDLE_S=${BENCH_IDLE_S:-30}
MAX_MOVES=${BENCH_MAX_MOVES:-8}
DEADLINE_S=${BENCH_DEADLINE_S:-2400}
STEP_TIMEOUT_S=${BENCH_STEP_TIMEOUT_S:-900}
[[ "$NET" =~ ^127\.[0-9]+\.[0-9]+$ ]] || { echo "BENCH_NET must be 127.X.Y (loopback)" >&2; exit 2; }
[ "$MEMBERS" -ge 4 ] && [ "$MEMBERS" -le 250 ] || { echo "BENCH_MEMBERS must be 4..250" >&2; exit 2; }
ARTIFACTS=${RAFTCACHE_ARTIFACTS:-$PWD/artifacts}
WORK=$(mktemp -d /tmp/raftcache-64.XXXXXX)
START=$(date +%s)
pids=()

# shellcheck source=bench/lib.sh
. bench/lib.sh
cleanup() { stop_pids; if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

build_node
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RaftCache__ApiKeys__0__Role=admin RaftCache__ApiKeys__0__Key="$KEY" RAFTCACHE_KEY="$KEY"
SECRET="$(head -c 32 /dev/urandom | base64)"
export RaftCache__ClusterSecret="$SECRET"
TOKEN=$(RAFTCACHE__CLUSTERSECRET="$SECRET" "$NODE" join-token --ttl-seconds 7200 --uses $(( MEMBERS + 1 )))
WATCH="python3 bench/grow_watch.py"
left() { echo $(( START + DEADLINE_S - $(date +%s) )); }
within() { # within SECONDS CMD...: poll CMD until it succeeds, bounded also by the run's deadline
  local limit=$1; shift
  [ "$(left)" -lt "$limit" ] && limit=$(left)
  local end=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -ge $end ] && return 1; sleep 1; done
}
ready() { curl -fsS -m 3 -o /dev/null "http://$NET.$1:5001/health/ready"; }
start_node() { # start_node I ARGS...
  local i=$1; shift
  "$NODE" --listen "http://$NET.$i:5001" --peer-listen "$NET.$i:6001" --data-dir "$WORK/node-$i" \
    --shards "$SHARDS" --max-moves "$MAX_MOVES" "$@" >"$WORK/node-$i.log" 2>&1 &
  pids[$i]=$!
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

initial="1=$NET.1:6001,2=$NET.2:6001,3=$NET.3:6001"
grow_start=$(date +%s%N)
for i in 1 2 3; do start_node $i --id $i --initial-cluster "$initial"; done
for i in 1 2 3; do within 120 ready $i || { echo "founder $i not ready" >&2; tail -20 "$WORK/node-$i.log" >&2; exit 1; }; done
i=4
while [ $i -le "$MEMBERS" ]; do
  last=$(( i + BATCH - 1 )); [ $last -gt "$MEMBERS" ] && last=$MEMBERS
  for j in $(seq $i $last); do start_node "$j" --join "http://$NET.1:5001" --join-token "$TOKEN"; done
  for j in $(seq $i $last); do
    within "$STEP_TIMEOUT_S" ready "$j" || { echo "node $j not ready" >&2; tail -20 "$WORK/node-$j.log" >&2; exit 1; }
  done
  echo "  $last members ready after $(( $(ms_since "$grow_start") / 1000 )) s"
  i=$(( last + 1 ))
done
admitted_s=$(( $(ms_since "$grow_start") / 1000 ))
within "$STEP_TIMEOUT_S" $WATCH balanced "http://$NET.1:5001" "$MEMBERS" \
  || { echo "not balanced: $($WATCH summary "http://$NET.1:5001")" >&2; exit 1; }
balanced_s=$(( $(ms_since "$grow_start") / 1000 ))
summary=$($WATCH summary "http://$NET.1:5001")

# Idle cost: CPU seconds from /proc over IDLE_S, RSS at the end, per node process.
node_pids=("${pids[@]:1}")
declare -A cpu0
for p in "${node_pids[@]}"; do cpu0[$p]=$(awk '{print $14 + $15}' /proc/$p/stat); done
sleep "$IDLE_S"   # the measuring window itself, not a synchronisation
tck=$(getconf CLK_TCK)
idle=$(for p in "${node_pids[@]}"; do
  echo "$(( $(awk '{print $14 + $15}' /proc/$p/stat) - ${cpu0[$p]} )) $(awk '/VmRSS/ {print $2}' /proc/$p/status)"
done | python3 -c "
import sys, statistics as st
rows = [tuple(map(int, l.split())) for l in sys.stdin if l.strip()]
cpu = sorted(r[0] / $tck / $IDLE_S * 100 for r in rows); rss = sorted(r[1] / 1024 for r in rows)
print(f'cpu_pct_median={st.median(cpu):.2f} cpu_pct_max={cpu[-1]:.2f} cpu_pct_total={sum(cpu):.1f} rss_mib_median={st.median(rss):.0f} rss_mib_max={rss[-1]:.0f} rss_mib_total={sum(rss):.0f}')")

# One more member: started with the token until balanced again; then drained until removed.
n=$(( MEMBERS + 1 ))
t=$(date +%s%N)
start_node $n --join "http://$NET.1:5001" --join-token "$TOKEN"
within "$STEP_TIMEOUT_S" ready $n || { echo "member $n not ready" >&2; exit 1; }
add_ready_ms=$(ms_since "$t")
within "$STEP_TIMEOUT_S" $WATCH balanced "http://$NET.1:5001" "$n" || { echo "not balanced after adding $n" >&2; exit 1; }
add_ms=$(ms_since "$t")
id=$(curl -fsS -m 5 -H "X-Api-Key: $KEY" "http://$NET.$n:5001/admin/cluster" | python3 -c 'import json,sys; print(json.load(sys.stdin)["node_id"])')
t=$(date +%s%N)
curl -fsS -m 30 -X DELETE -H "X-Api-Key: $KEY" "http://$NET.1:5001/admin/members/$id" >/dev/null
within "$STEP_TIMEOUT_S" $WATCH removed "http://$NET.1:5001" "$id" || { echo "member $id not removed" >&2; exit 1; }
drain_ms=$(ms_since "$t")

echo "members=$MEMBERS shards=$SHARDS rf=3 max_moves=$MAX_MOVES batch=$BATCH"
echo "grow: all $MEMBERS ready after ${admitted_s} s, balanced after ${balanced_s} s"
echo "balanced: $summary"
echo "idle over ${IDLE_S} s per node: $idle"
echo "add member $n: ready after ${add_ready_ms} ms, balanced after ${add_ms} ms; drain member $id: removed after ${drain_ms} ms"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
