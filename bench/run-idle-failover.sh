#!/usr/bin/env bash
# Dead-leader detection on an idle cluster: for each round and each node binary given (default: the one built here),
# a fresh 3-node cluster (BENCH_SHARDS shards, default 64, RF 3) on $BENCH_NET.1-3, BENCH_SETTLE_S (default 20)
# seconds without requests so every group quiesces, then node 1 is killed with SIGKILL and node 2's GET /admin/cluster
# is polled every 50 ms until every shard (and the metadata group) node 1 led has another leader. Prints the time from
# the kill to that moment per cell, and the quiesced replicas before the kill. Stops exactly the processes it started.
#   bench/run-idle-failover.sh
#   BENCH_NET=127.161.1 BENCH_ROUNDS=3 bench/run-idle-failover.sh /tmp/base/RaftCache.Node artifacts/bin/Node/release/RaftCache.Node
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
SHARDS=${BENCH_SHARDS:-64}
SETTLE_S=${BENCH_SETTLE_S:-20}
ROUNDS=${BENCH_ROUNDS:-1}
NET=${BENCH_NET:-127.24.17}
bench_workdir failover

if [ $# -eq 0 ]; then
  build_node
  set -- "$NODE"
fi
metric() { curl -fsS -m 5 -H "X-Api-Key: $KEY" "http://$NET.$1:5001/metrics" 2>/dev/null | awk -v m="$2" '$1 ~ "^"m {s += $2} END {print s + 0}'; }

echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); $SHARDS shards, ${SETTLE_S} s idle before the kill"
echo "| round | node binary | groups node 1 led | replicas quiesced (node 2) | kill to new leaders (s) |"
echo "|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for NODE in "$@"; do
    rm -rf "$WORK"/node-*
    new_credentials
    start_cluster --shards "$SHARDS"
    sleep "$SETTLE_S"
    quiesced=$(metric 2 raftcache_quiesced_groups)
    victim=${pids[0]}
    result=$(KEY="$KEY" URL="http://$NET.2:5001/admin/cluster" VICTIM="$victim" timeout 60 python3 - <<'PY'
import json, os, signal, time, urllib.request
req = urllib.request.Request(os.environ["URL"], headers={"X-Api-Key": os.environ["KEY"]})
def view():
    with urllib.request.urlopen(req, timeout=2) as r:
        return json.load(r)
v = view()
led = [s["id"] for s in v["shards"] if s["leader"] == 1] + (["metadata"] if v["metadata_leader"] == 1 else [])
os.kill(int(os.environ["VICTIM"]), signal.SIGKILL)
t0 = time.monotonic()
while time.monotonic() - t0 < 30:
    try:
        v = view()
    except OSError:
        time.sleep(0.05)
        continue
    leaders = {s["id"]: s["leader"] for s in v["shards"]}
    leaders["metadata"] = v["metadata_leader"]
    if all(leaders.get(g, 0) not in (0, 1) for g in led):
        print(len(led), "%.2f" % (time.monotonic() - t0))
        break
    time.sleep(0.05)
else:
    print(len(led), "timeout")
PY
)
    wait "$victim" 2>/dev/null || true
    echo "| $round | $NODE | ${result% *} | $quiesced | ${result#* } |"
    stop_pids
  done
done
