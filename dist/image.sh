#!/usr/bin/env bash
# Builds Portcullis's container image from the release's files (dist/build.sh runs it, as root, with buildah):
# no shell and no package manager, only the Java runtime, the jar and the C library they link, whose files and
# status entry (/var/lib/dpkg/status.d/libc6, as distroless images carry them) come from this machine's Debian
# package, so a scan sees the package and its version. It runs as user 65532, not root.
# Usage: image.sh STAGE VERSION OUT.oci.tar EPOCH
set -euo pipefail
stage=$1 version=$2 out=$3 epoch=$4
work=$(mktemp -d)
trap 'buildah --storage-driver vfs --root "$work/root" --runroot "$work/runroot" rm -a >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
b=(buildah --storage-driver vfs --root "$work/root" --runroot "$work/runroot")
rootfs=$work/rootfs
mkdir -p "$rootfs/opt" "$rootfs/lib/x86_64-linux-gnu" "$rootfs/lib64" "$rootfs/etc" "$rootfs/tmp" "$rootfs/var/lib/dpkg/status.d"
cp -a "$stage" "$rootfs/opt/portcullis"
# the entrypoint is the JVM itself, with no shell to choose a cache by command: the one trained on a scan only
rm -f "$rootfs/opt/portcullis/lib/help.aot"
# the C library's shared objects (the runtime needs libc, libm, libdl, libpthread, librt and the loader)
dpkg-query -L libc6 | grep -E '^/(usr/)?lib/x86_64-linux-gnu/[^/]+\.so[.0-9]*$' | while read -r f; do
  cp -L "$f" "$rootfs/lib/x86_64-linux-gnu/${f##*/}"
done
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rootfs/lib64/ld-linux-x86-64.so.2"
dpkg-query -W -f='Package: ${Package}\nVersion: ${Version}\nArchitecture: ${Architecture}\nSource: ${source:Package}\nMaintainer: ${Maintainer}\nInstalled-Size: ${Installed-Size}\nDescription: ${Description}\n' libc6 \
  > "$rootfs/var/lib/dpkg/status.d/libc6"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
mkdir -p "$work/home/nonroot"
find "$rootfs" "$work/home" -exec touch -h -d "@$epoch" {} +

java=(/opt/portcullis/runtime/bin/java -Xmx512m)
[ -f "$stage/lib/portcullis.aot" ] && java+=(-XX:AOTCache=/opt/portcullis/lib/portcullis.aot -Xlog:aot=off -Xlog:cds=off)
[ -f "$stage/lib/portcullis.jsa" ] && java+=(-XX:SharedArchiveFile=/opt/portcullis/lib/portcullis.jsa -Xlog:cds=off)
# shellcheck source=bin/jdk-major
. "$(cd "$(dirname "$0")/.." && pwd)/bin/jdk-major"
jdk_major "$stage/runtime"
[ "$major" -ge 24 ] && java+=(--sun-misc-unsafe-memory-access=allow)
java+=(-XX:-UsePerfData --enable-native-access=ALL-UNNAMED -cp /opt/portcullis/lib/portcullis.jar dev.portcullis.cli.Main)
entrypoint=$(printf '"%s",' "${java[@]}")

c=$("${b[@]}" from --quiet scratch)
"${b[@]}" copy --quiet "$c" "$rootfs/" /
"${b[@]}" copy --quiet --chown 65532:65532 "$c" "$work/home/" /home/
"${b[@]}" config --user 65532:65532 --workingdir /home/nonroot --env HOME=/home/nonroot \
  --entrypoint "[${entrypoint%,}]" --cmd '["--help"]' \
  --label "org.opencontainers.image.title=portcullis" --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.description=Portcullis: scans, scores, signs and gates container images" "$c"
"${b[@]}" commit --quiet --disable-compression=false --timestamp "$epoch" --format oci "$c" "oci-archive:$out:portcullis:$version" >/dev/null
