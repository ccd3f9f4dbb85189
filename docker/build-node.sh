#!/usr/bin/env bash
# build-node.sh: publishes src/Node self-contained for linux-x64 into a temp folder (never into src/) and builds
# the node image on the local base (built first when missing). Usage: docker/build-node.sh [tag] [base]
# Env: RAFTCACHE_IMAGE_LABEL (label put on the image, default raftcache-image=node), RAFTCACHE_PUBLISH_DIR.
set -euo pipefail
TAG=${1:-raftcache/node:local}
BASE=${2:-raftcache/base:local}
LABEL=${RAFTCACHE_IMAGE_LABEL:-raftcache-image=node}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
ctx=${RAFTCACHE_PUBLISH_DIR:-$(mktemp -d /tmp/raftcache-node-image.XXXXXX)}
mkdir -p "$ctx"
if [ "$BASE" = raftcache/base:local ] && ! docker image inspect "$BASE" >/dev/null 2>&1; then "$here/make-base.sh" "$BASE"; fi
dotnet publish "$repo/src/Node" -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true \
  -o "$ctx/publish" -nologo -v quiet
cp "$here/node.Dockerfile" "$ctx/Dockerfile"
docker build -q --label "$LABEL" --build-arg "BASE=$BASE" -t "$TAG" "$ctx" >/dev/null
docker image prune -f --filter "label=$LABEL" >/dev/null   # the previous build's layers, now dangling
echo "build-node: built $TAG on $BASE"
