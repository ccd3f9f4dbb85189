# The RaftCache node image. The base is a build argument: by default the local registry-free image that
# docker/make-base.sh builds (so a forgotten --build-arg never pulls anything); elsewhere e.g.
#   --build-arg BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0
# The build context is a folder holding only the self-contained linux-x64 publish output (see docker/build-node.sh).
ARG BASE=raftcache/base:local
FROM ${BASE}
ARG PUBLISH_DIR=publish
WORKDIR /app
COPY ${PUBLISH_DIR}/ /app/
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
VOLUME /data
ENTRYPOINT ["/app/RaftCache.Node"]
