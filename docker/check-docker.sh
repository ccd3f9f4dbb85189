#!/usr/bin/env bash
# check-docker.sh: the CI check of docker/launch.sh and docker/compose.yaml (test.sh runs it after docker-up.sh).
#  1. launch.sh 4 starts 4 containers that find each other through node 1 (join token, no admin call); all 4 are
#     members, a write through node 4 reads back through node 2; launch.sh stop removes exactly those containers.
#  2. compose.yaml (Debian's docker-compose) brings up 3 nodes and the gateway on 127.26.251.10-13; a write and a
#     read through the gateway; the gateway sees 3 ready members; `down -v` removes exactly that project.
# Addresses in 127.26.0.0/16 only; every wait bounded; prints "N passed, N failed".
# Env: RAFTCACHE_IMAGE: an image to check as it is; without it raftcache/node:check is built from these sources.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IMAGE=${RAFTCACHE_IMAGE:-}
pass=0; fail=0
ok()  { echo "PASS $*"; pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
poll() { # poll SECONDS CMD...: until CMD succeeds
  local end=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.3; done; }

if [ -z "$IMAGE" ]; then
  IMAGE=raftcache/node:check
  RAFTCACHE_IMAGE_LABEL=raftcache-image=check timeout 900 "$here/build-node.sh" "$IMAGE" || exit 1
fi

# 1. launch.sh
export RAFTCACHE_IMAGE=$IMAGE RAFTCACHE_LAUNCH_NET=127.26.252 RAFTCACHE_LAUNCH_STATE=$(mktemp -d /tmp/raftcache-launch-check.XXXXXX)/state
export RAFTCACHE_LAUNCH_ARGS="--shards 4 --tick-ms 50"
trap '"$here/launch.sh" stop >/dev/null 2>&1; [ -n "${PROJECT:-}" ] && docker-compose -p "$PROJECT" -f "$here/compose.yaml" down -v -t 10 >/dev/null 2>&1; rm -rf "${SECRET_DIR:-/nonexistent}"' EXIT
if timeout 300 "$here/launch.sh" 4; then ok "launch.sh 4 started 4 ready nodes"; else bad "launch.sh 4"; fi
KEY=$(cut -d: -f3 "$RAFTCACHE_LAUNCH_STATE/api-keys")
ids=$(cat "$RAFTCACHE_LAUNCH_STATE/containers" 2>/dev/null)
members() { curl -fsS --max-time 5 -H "X-Api-Key: $KEY" "http://127.26.252.$1:5001/admin/cluster" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(sum(m["state"]=="active" for m in v["members"]))'; }
four_active() { [ "$(members 1)" = 4 ]; }
poll 60 four_active && ok "4 active members, each admitted itself through node 1" || bad "members: $(members 1)"
curl -fsS --max-time 10 -X PUT -H "X-Api-Key: $KEY" -H 'Content-Type: text/plain' --data-binary from-node-4 http://127.26.252.4:5001/keys/launch-check >/dev/null \
  && [ "$(curl -fsS --max-time 10 -H "X-Api-Key: $KEY" 'http://127.26.252.2:5001/keys/launch-check')" = from-node-4 ] \
  && ok "a write through node 4 reads back through node 2" || bad "write/read across launched nodes"
"$here/launch.sh" stop >/dev/null
left=0; for id in $ids; do docker inspect "$id" >/dev/null 2>&1 && left=$((left+1)); done
[ -n "$ids" ] && [ "$left" = 0 ] && ok "launch.sh stop removed its $(echo "$ids" | wc -w) containers" || bad "$left container(s) left after stop"

# 2. compose.yaml with the gateway
export RAFTCACHE_NET=127.26.251 RAFTCACHE_ADMIN_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
SECRET_DIR=$(mktemp -d /tmp/raftcache-compose-check.XXXXXX)
head -c 32 /dev/urandom | base64 >"$SECRET_DIR/cluster-secret"
export RAFTCACHE_CLUSTER_SECRET_FILE=$SECRET_DIR/cluster-secret
PROJECT=raftcache-check-$$
if timeout 120 docker-compose -p "$PROJECT" -f "$here/compose.yaml" up -d >/dev/null 2>&1; then ok "docker-compose up"; else bad "docker-compose up"; fi
ready() { curl -fsS --max-time 2 -o /dev/null "http://127.26.251.$1:5001/health/ready"; }
all_ready=1; for i in 11 12 13; do poll 90 ready "$i" || all_ready=0; done
[ $all_ready = 1 ] && ok "3 compose nodes ready" || bad "compose nodes not ready: $(docker-compose -p "$PROJECT" -f "$here/compose.yaml" logs --tail 20 2>&1 | tail -20)"
gateway_sees_3() { curl -fsS --max-time 5 http://127.26.251.10:5000/gateway/members | python3 -c 'import json,sys; v=json.load(sys.stdin); sys.exit(0 if sum(str(m.get("health")).lower()=="ready" for m in v["members"])==3 else 1)'; }
poll 60 gateway_sees_3 && ok "the gateway sees 3 ready members" || bad "gateway view: $(curl -sS --max-time 5 http://127.26.251.10:5000/gateway/members)"
curl -fsS --max-time 10 -X PUT -H "X-Api-Key: $RAFTCACHE_ADMIN_KEY" -H 'Content-Type: text/plain' --data-binary via-gateway http://127.26.251.10:5000/keys/compose-check >/dev/null \
  && [ "$(curl -fsS --max-time 10 -H "X-Api-Key: $RAFTCACHE_ADMIN_KEY" 'http://127.26.251.13:5001/keys/compose-check')" = via-gateway ] \
  && ok "a write through the gateway reads back on node 3" || bad "write through the gateway"
timeout 120 docker-compose -p "$PROJECT" -f "$here/compose.yaml" down -v -t 10 >/dev/null 2>&1
[ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] && ok "docker-compose down removed the project" || bad "compose containers left"
PROJECT=

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
