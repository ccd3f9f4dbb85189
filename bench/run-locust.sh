#!/usr/bin/env bash
# Starts a fresh 3-node dev cluster with its gateway, runs bench/locustfile.py headless against the gateway
# (40 users, 60 s by default) and stops the cluster. Needs Debian's python3-locust (apt-get install python3-locust).
# usage: bench/run-locust.sh [users] [seconds] [host-ip]
set -euo pipefail
users=${1:-40}
seconds=${2:-60}
host=${3:-127.0.0.1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/raftcache-locust-XXXXXX)
data="$work/cluster"
out="$work/dev.out"
dotnet build "$root/src/Node" -c Release -v quiet >/dev/null
dotnet run --project "$root/src/Node" -c Release --no-build -- dev --host "$host" --data-dir "$data" </dev/null >"$out" 2>&1 &
dev=$!
trap 'kill -TERM $dev 2>/dev/null; wait $dev 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 120); do grep -q "Ctrl-C stops" "$out" && break; sleep 1; done
grep -q "Ctrl-C stops" "$out" || { cat "$out"; exit 1; }
export RAFTCACHE_KEY=$(sed -n 1p "$data/dev-credentials")
locust -f "$root/bench/locustfile.py" --headless -u "$users" -r 10 -t "${seconds}s" --host "http://$host:5000" \
  --only-summary --csv "$work/locust" 2>&1 | tail -n 25
python3 - "$work/locust_stats.csv" <<'PY'
import csv, sys
print("| request | requests | failures | median ms | average ms | min ms | max ms | req/s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for row in csv.DictReader(open(sys.argv[1])):
    print("| %s | %s | %s | %s | %.0f | %.0f | %.0f | %.0f |" % (row["Name"], row["Request Count"], row["Failure Count"],
          row["Median Response Time"], float(row["Average Response Time"]), float(row["Min Response Time"]),
          float(row["Max Response Time"]), float(row["Requests/s"])))
PY
