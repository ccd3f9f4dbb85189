#!/usr/bin/env bash
# long-battle.sh: the long chaos battle. Scenario M (every nemesis mixed: kills, majority and whole-cluster kills,
# pauses, partitions, packet loss, clock jumps and drifts, disk full, slow disk, forced snapshots, leader
# transfers, membership churn) on 5 nodes, in runs of RUN_SECONDS of faults, each with a new seed, until at least
# MINUTES of faults are done. Bounded: the whole command is killed after MINUTES * 2 + 20 minutes.
# Usage: tests/Chaos/long-battle.sh [MINUTES=30] [RUN_SECONDS=600]
# Figures: one line per run in artifacts/chaos-results/summary.log, each run's history.jsonl and nemesis.log in
# artifacts/chaos-results/m-<seed>/ (docs/reliability.md "History files").
set -euo pipefail
MINUTES=${1:-30}
RUN_SECONDS=${2:-600}
case "$MINUTES$RUN_SECONDS" in *[!0-9]*) echo "long-battle: MINUTES and RUN_SECONDS must be whole numbers" >&2; exit 2;; esac
[ "$RUN_SECONDS" -ge 60 ] && [ "$RUN_SECONDS" -le 3600 ] || { echo "long-battle: RUN_SECONDS must be 60 to 3600" >&2; exit 2; }
[ "$MINUTES" -ge 1 ] && [ "$MINUTES" -le 1440 ] || { echo "long-battle: MINUTES must be 1 to 1440" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=$(( (MINUTES * 60 + RUN_SECONDS - 1) / RUN_SECONDS ))
echo "long-battle: $runs run(s) of scenario M, 5 nodes, $RUN_SECONDS s of faults each (>= $MINUTES min), started $(date -u +%FT%TZ)"
start=$(date +%s)
status=0
RAFTCACHE_CHAOS_NODES=5 RAFTCACHE_CHAOS_SECONDS=$RUN_SECONDS RAFTCACHE_CHAOS_REPEAT=$runs \
  timeout $(( MINUTES * 2 + 20 ))m dotnet test "$repo/tests/Chaos" -c Release \
  --filter "FullyQualifiedName~M_a_mix_of_every_fault" --logger "console;verbosity=detailed" || status=$?
echo "long-battle: exit $status after $(( ($(date +%s) - start) / 60 )) min; runs: tail -n $runs $repo/artifacts/chaos-results/summary.log"
exit $status
