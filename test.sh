#!/usr/bin/env bash
# Runs every RaftCache test from a fresh machine: installs and starts what the tests need, runs
# `dotnet test RaftCache.sln -c Release`, prints one closing line "N passed, N failed, N skipped",
# and exits non-zero on any failure or when no test ran.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK 10 is required (dotnet not on PATH)" >&2
  exit 1
fi

# The node tests run a plain Python `requests` client against a live cluster (API.md compatibility).
if ! python3 -c 'import requests' >/dev/null 2>&1 && ! /usr/bin/python3 -c 'import requests' >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's python3-requests for the Python client test"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq --no-install-recommends python3-requests >/dev/null \
      || { echo "test.sh: could not install python3-requests" >&2; exit 1; }
  else
    echo "test.sh: the node tests need python3 with the requests module (Debian: apt-get install python3-requests)" >&2
    exit 1
  fi
fi

# The monitoring tests run promtool and a real Prometheus (Debian's prometheus package); the dashboard test drives
# Debian's Chromium through Playwright; the RESP tests script Debian's redis-cli (redis-tools).
missing=()
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ] || missing+=(chromium)
# deploy/kubernetes/check.py parses the manifests with PyYAML; the Docker deploy test runs Debian's docker-compose.
python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's ${missing[*]} for the monitoring, dashboard and RESP tests"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq && timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "test.sh: could not install ${missing[*]}" >&2; exit 1; }
    # The package may start a Prometheus service of its own; the tests start theirs.
    if command -v service >/dev/null 2>&1; then service prometheus stop >/dev/null 2>&1 || true; fi
  else
    echo "test.sh: the monitoring, dashboard and RESP tests need ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# Docker is needed only once tests/Chaos holds tests (containers killed, paused, partitioned); its clock faults
# preload Debian's libfaketime into the node containers, its disk faults loop-mount ext4 images (e2fsprogs).
if grep -rqE '\[(Fact|Theory)' tests/Chaos --include='*.cs' 2>/dev/null; then
  if [ ! -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] || ! command -v mkfs.ext4 >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "test.sh: installing Debian's libfaketime and e2fsprogs for the chaos tests' clock and disk faults"
      export DEBIAN_FRONTEND=noninteractive
      timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq --no-install-recommends libfaketime faketime e2fsprogs >/dev/null \
        || { echo "test.sh: could not install libfaketime" >&2; exit 1; }
    else
      echo "test.sh: the chaos tests need libfaketime and e2fsprogs (Debian: apt-get install libfaketime faketime e2fsprogs)" >&2
      exit 1
    fi
  fi
  docker/docker-up.sh || { echo "test.sh: Docker could not be started; the chaos tests need it" >&2; exit 1; }
fi

log=$(mktemp /tmp/raftcache-test.XXXXXX.log)
trap 'rm -f "$log"' EXIT

# --blame-hang-timeout: a hung test is dumped and killed instead of stalling CI.
dotnet test RaftCache.sln -c Release --blame-hang-timeout 15m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 41, Skipped: 0, Total: 41, ...".
read -r passed failed skipped < <(
  grep -E '^\s*(Passed|Failed)!\s+-\s+Failed:' "$log" \
  | sed -E 's/.*Failed:\s*([0-9]+), Passed:\s*([0-9]+), Skipped:\s*([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {printf "%d %d %d\n", p, f, s}')

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
exit 0
