#!/usr/bin/env bash
# launch.sh N: starts N RaftCache node containers (host network) that find each other through one linked member:
# node 1 founds the cluster, nodes 2..N start empty with --join node 1 and a join token, and admit themselves.
# Each node has its own loopback address, $RAFTCACHE_LAUNCH_NET.<i> (default 127.26.250.<i>; only 127.26.0.0/16 is
# accepted), REST on :5001, peers on :6001, data in $STATE/node-<i>.
#   docker/launch.sh N          start (N 1..200); prints the nodes and the admin key
#   docker/launch.sh stop       stop and remove exactly the containers this script started (ids in $STATE/containers)
# Env: RAFTCACHE_IMAGE (raftcache/node:local), RAFTCACHE_LAUNCH_STATE (/tmp/raftcache-launch), RAFTCACHE_LAUNCH_WAIT_S
# (per node, 60), RAFTCACHE_LAUNCH_ARGS (more node options, e.g. "--shards 8"). Every wait is bounded.
set -euo pipefail
IMAGE=${RAFTCACHE_IMAGE:-raftcache/node:local}
NET=${RAFTCACHE_LAUNCH_NET:-127.26.250}
STATE=${RAFTCACHE_LAUNCH_STATE:-/tmp/raftcache-launch}
WAIT_S=${RAFTCACHE_LAUNCH_WAIT_S:-60}
read -r -a MORE <<<"${RAFTCACHE_LAUNCH_ARGS:-}"

stop() {
  [ -f "$STATE/containers" ] || { echo "launch: nothing started (no $STATE/containers)"; return 0; }
  mapfile -t ids <"$STATE/containers"
  # Graceful first (leaderships handed over), bounded; then removed. Only the ids this script recorded.
  [ ${#ids[@]} -eq 0 ] || timeout 60 docker stop -t 10 "${ids[@]}" >/dev/null 2>&1 || true
  [ ${#ids[@]} -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
  rm -rf "$STATE"
  echo "launch: stopped and removed ${#ids[@]} container(s)"
}

case "${1:-}" in
  stop) stop; exit 0 ;;
  ''|-h|--help) sed -n '2,9p' "$0"; exit 2 ;;
esac
N=$1
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 200 ] || { echo "launch: N must be 1..200, was '$N'" >&2; exit 2; }
[[ "$NET" =~ ^127\.26\.[0-9]{1,3}$ ]] || { echo "launch: RAFTCACHE_LAUNCH_NET must be 127.26.X (loopback 127.26.0.0/16 only), was '$NET'" >&2; exit 2; }
[ ! -f "$STATE/containers" ] || { echo "launch: a cluster from $STATE is running; docker/launch.sh stop first" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "launch: image $IMAGE missing: docker/make-base.sh && docker/build-node.sh $IMAGE" >&2; exit 1; }

mkdir -p "$STATE"
chmod 700 "$STATE"
: >"$STATE/containers"
started=0
# A start that fails half-way removes what it started.
trap '[ "$started" = 1 ] || stop' EXIT
head -c 32 /dev/urandom | base64 >"$STATE/cluster-secret"
ADMIN_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf 'admin:admin:%s\n' "$ADMIN_KEY" >"$STATE/api-keys"
chmod 600 "$STATE/cluster-secret" "$STATE/api-keys"
TOKEN=$(docker run --rm --network none -v "$STATE/cluster-secret:/run/secrets/cluster_secret:ro" "$IMAGE" \
  join-token --cluster-secret-file /run/secrets/cluster_secret --ttl-seconds 3600 --uses "$N")
printf '%s\n' "$TOKEN" >"$STATE/join-token"
chmod 600 "$STATE/join-token"

run_node() { # run_node I ARGS...: one container, its id recorded before anything else can fail
  local i=$1; shift
  mkdir -p "$STATE/node-$i"
  local id
  id=$(docker run -d --name "raftcache-launch-$i-$$" --label "raftcache-launch=$$" --network host \
    -v "$STATE/node-$i:/data" -v "$STATE/cluster-secret:/run/secrets/cluster_secret:ro" \
    -v "$STATE/api-keys:/run/secrets/api_keys:ro" -v "$STATE/join-token:/run/secrets/join_token:ro" \
    -e RaftCache__RemovedExitCode=0 --restart on-failure:3 "$IMAGE" \
    --listen "http://$NET.$i:5001" --peer-listen "$NET.$i:6001" --data-dir /data \
    --cluster-secret-file /run/secrets/cluster_secret --api-keys-file /run/secrets/api_keys "${MORE[@]}" "$@")
  echo "$id" >>"$STATE/containers"
}

wait_ready() { # wait_ready I: /health/ready answers 200 within WAIT_S
  local end=$(( $(date +%s) + WAIT_S ))
  until curl -fs --max-time 2 -o /dev/null "http://$NET.$1:5001/health/ready"; do
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "launch: node $1 not ready within ${WAIT_S}s; its log:" >&2
      docker logs --tail 40 "raftcache-launch-$1-$$" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

run_node 1 --id 1 --initial-cluster "1=$NET.1:6001"
wait_ready 1
for i in $(seq 2 "$N"); do
  run_node "$i" --join "http://$NET.1:5001" --join-token-file /run/secrets/join_token
done
for i in $(seq 2 "$N"); do wait_ready "$i"; done
started=1
echo "launch: $N node(s) ready; admin key in $STATE/api-keys; stop with: docker/launch.sh stop"
for i in $(seq 1 "$N"); do echo "  node $i  http://$NET.$i:5001  peer $NET.$i:6001"; done
echo "  curl -H \"X-Api-Key: $ADMIN_KEY\" http://$NET.1:5001/admin/cluster"
