#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock: installs Debian's docker.io and iptables
# when missing (root on Debian), then starts a private dockerd with no bridge and no iptables rules of
# its own (the chaos tests use --network host with one 127.0.0.x address per node). Idempotent;
# every wait is bounded. See docs/operations.md and shared research docker-recipe.md.
set -euo pipefail
DATA_ROOT=${DOCKER_DATA_ROOT:-/tmp/raftcache-dockerdata}
LOG=${DOCKERD_LOG:-/tmp/raftcache-dockerd.log}
PIDFILE=${DOCKERD_PIDFILE:-/tmp/raftcache-dockerd.pid}
WAIT_S=${DOCKERD_WAIT_S:-60}

ready() { command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1; }
if ready; then echo "docker-up: engine already answering"; exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "docker-up: no Docker engine answers and this user is not root, so it cannot be installed or started." >&2
  echo "docker-up: install Docker (Debian: apt-get install docker.io iptables) and start dockerd, or run as root." >&2
  exit 1
fi

pkgs=()
command -v dockerd  >/dev/null 2>&1 || pkgs+=(docker.io)
command -v iptables >/dev/null 2>&1 || pkgs+=(iptables)
if [ ${#pkgs[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq
  timeout 600 apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/tmp/raftcache-docker-apt.log 2>&1 \
    || { tail -30 /tmp/raftcache-docker-apt.log; exit 1; }
fi

# docker pause needs the freezer cgroup.
if ! grep -q ' cgroup' /proc/mounts; then
  mountpoint -q /sys/fs/cgroup || mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
  for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
    mkdir -p /sys/fs/cgroup/$c && { mountpoint -q /sys/fs/cgroup/$c || mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c || true; }
  done
fi

mkdir -p "$DATA_ROOT"
# setsid: the daemon outlives this script and the shell that ran it.
setsid nohup dockerd --data-root "$DATA_ROOT" --bridge=none --iptables=false --ip6tables=false \
  >"$LOG" 2>&1 </dev/null &
echo $! >"$PIDFILE"
deadline=$(( $(date +%s) + WAIT_S ))
until ready; do
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then echo "docker-up: dockerd exited" >&2; tail -40 "$LOG" >&2; exit 1; fi
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "docker-up: not ready after ${WAIT_S}s" >&2; tail -40 "$LOG" >&2; exit 1; fi
  sleep 0.2
done
echo "docker-up: dockerd $(cat "$PIDFILE") ready (data root $DATA_ROOT)"
