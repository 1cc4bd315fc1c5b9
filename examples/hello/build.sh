#!/usr/bin/env bash
# Rebuilds image/ (committed, so the Quick start needs no tools): buildah builds the Dockerfile,
# umoci adds a last layer that deletes the debug settings (a whiteout the file tree must honour).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
b=(buildah --storage-driver vfs --root "$work/root" --runroot "$work/runroot")
"${b[@]}" bud --isolation chroot --layers --timestamp 0 -q -t hello "$here/context" >/dev/null
rm -rf "$here/image"
"${b[@]}" push -q hello "oci:$here/image:1.0"
umoci insert --image "$here/image:1.0" --whiteout /app/debug.properties
umoci gc --layout "$here/image"
