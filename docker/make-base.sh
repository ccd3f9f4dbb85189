#!/usr/bin/env bash
# make-base.sh: builds the registry-free base image for RaftCache nodes (default tag raftcache/base:local).
# FROM scratch plus the few libraries a self-contained, InvariantGlobalization .NET app needs, copied from this
# Debian host (glibc, libstdc++, libgcc_s, OpenSSL, zlib) and the CA bundle. Nothing is pulled from a registry.
# With RAFTCACHE_BASE_FROM_DEBS=1 the same tree is unpacked from Debian's .debs instead (host-independent;
# needs apt-get). Usage: docker/make-base.sh [tag]
set -euo pipefail
TAG=${1:-raftcache/base:local}
LABEL=${RAFTCACHE_IMAGE_LABEL:-raftcache-image=base}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/raftcache-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
L=usr/lib/x86_64-linux-gnu

if [ "${RAFTCACHE_BASE_FROM_DEBS:-0}" = 1 ]; then
  mkdir -p "$root" "$work/debs"
  (cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root libc6 libgcc-s1 libstdc++6 zlib1g libssl3 ca-certificates >/dev/null)
  for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$root"; done
  rm -rf "$root"/usr/share/doc "$root"/usr/share/lintian "$root"/usr/share/locale "$root"/$L/gconv "$root"/usr/sbin "$root"/usr/bin "$root"/etc/ld.so.conf.d
  mkdir -p "$root"/etc/ssl/certs
  cat "$root"/usr/share/ca-certificates/mozilla/*.crt > "$root"/etc/ssl/certs/ca-certificates.crt
else
  mkdir -p "$root/$L" "$root/lib64" "$root/etc/ssl/certs"
  ln -s usr/lib "$root/lib"                              # Debian's merged /usr layout
  for f in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 \
           libgcc_s.so.1 libstdc++.so.6 libz.so.1 libssl.so.3 libcrypto.so.3; do
    cp -L "/$L/$f" "$root/$L/$f"                         # -L: the real file under its soname
  done
  ln -s "../$L/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
fi

mkdir -p "$root/tmp" "$root/app" "$root/data" "$root/usr/lib/ssl"
chmod 1777 "$root/tmp"
ln -sfn /etc/ssl/certs "$root/usr/lib/ssl/certs"        # OpenSSL's default cert dir on Debian
ln -sfn /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem"
printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654::/app:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\napp:x:1654:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
cp "$here/base/Dockerfile" "$work/Dockerfile"
docker build -q --label "$LABEL" -t "$TAG" "$work" >/dev/null
echo "make-base: built $TAG"
