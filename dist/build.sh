#!/usr/bin/env bash
# Makes Portcullis's release from the packaged command line (run by `mvn package` in this module):
#   target/portcullis-VERSION-linux-x86_64.tar.gz   a Java runtime made by jlink, the launcher, the jar, its
#                                                   start-up cache, shell completion, man pages, the SBOM
#   target/portcullis-VERSION-image.oci.tar         a container image of the same files (buildah, as root)
#   target/SHA256SUMS, SHA256SUMS.sig               checksums, signed with Portcullis's own sign-blob
#   target/portcullis-release.pub                   the key that signed them
# The signing key is $PORTCULLIS_RELEASE_KEY (its passphrase in $PORTCULLIS_PASSPHRASE); without it the
# build makes a key pair of its own in target/release-key, good for checking the build, not for a release.
# Usage: build.sh VERSION JAR SBOM TARGET
set -euo pipefail
version=$1 jar=$(realpath "$2") sbom=$(realpath "$3") target=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
: "${JAVA_HOME:?JAVA_HOME names the JDK whose jlink makes the runtime}"
name=portcullis-$version-linux-x86_64
stage=$target/$name
# the modules jdeps finds in the jar (DistributionIT checks that it finds no others), and those only
# reached through service loaders: zip file systems, the extra charsets, EC keys
modules=java.base,java.desktop,java.instrument,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.unsupported,jdk.zipfs,jdk.charsets
if "$JAVA_HOME/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then modules=$modules,jdk.crypto.ec; fi
# builds are reproducible where the tools allow: file times from the last commit
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}

rm -rf "$stage" "$target/$name.tar.gz" "$target/portcullis-$version-image.oci.tar" "$target/SHA256SUMS" "$target/SHA256SUMS.sig"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/bash-completion/completions" "$stage/share/man/man1" "$stage/share/doc/portcullis"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive --output "$stage/runtime" >/dev/null
cp "$jar" "$stage/lib/portcullis.jar"
cp "$root/cli/src/main/jvm/compiler-directives.json" "$stage/lib/compiler-directives.json"
# the start-up cache records the jar's size and time and is refused for a jar of another time: the jar gets
# its release time now, before the training run below, not after it with the other files
touch -d "@$epoch" "$stage/lib/portcullis.jar"
# sqlite-jdbc's native library as a file the launcher names, which the JVM loads in place (without it, each
# process copies it out of the jar into /tmp and compares the copy); cli/pom.xml unpacked it beside the jar.
# sqlite-jdbc's temporary directory is the library's own: each process lists it for earlier copies to delete
mkdir -p "$stage/lib/native"
cp "$(dirname "$jar")/native/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so" "$stage/lib/native/libsqlitejdbc.so"
java=("$stage/runtime/bin/java" -Xmx512m -XX:-UsePerfData --enable-native-access=ALL-UNNAMED
  "-Dorg.sqlite.lib.path=$stage/lib/native" -Dorg.sqlite.lib.name=libsqlitejdbc.so "-Dorg.sqlite.tmpdir=$stage/lib/native")
# shellcheck source=bin/jdk-major
. "$root/bin/jdk-major"
jdk_major "$stage/runtime"
# protobuf (under CEL) uses sun.misc.Unsafe: JDK 24 and later warn on stderr unless it is allowed
[ "$major" -ge 24 ] && java+=(--sun-misc-unsafe-memory-access=allow)
if [ "$major" -ge 25 ]; then
  # the launcher names the cache: lib/help.aot for what only prints help or the version, else lib/portcullis.aot
  startup='-XX:AOTCache="$cache" -Xlog:aot=off -Xlog:cds=off'
  train=(-XX:AOTCacheOutput="$stage/lib/portcullis.aot" -Xlog:aot=off -Xlog:cds=off)
  # classes only, no method profiles: profiles of the small example made every measured command slower
  # (docs/BENCHMARKS.md); the switch is a diagnostic one, so a runtime without it records them as before
  if "$stage/runtime/bin/java" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -version >/dev/null 2>&1; then
    train+=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining)
  fi
  train_help=(-XX:AOTCacheOutput="$stage/lib/help.aot" "${train[@]:1}")
else
  startup='-XX:SharedArchiveFile="$home/lib/portcullis.jsa" -Xlog:cds=off'
  train=(-XX:ArchiveClassesAtExit="$stage/lib/portcullis.jsa" -Xlog:cds=off)
fi
[ "$major" -ge 24 ] && startup="$startup --sun-misc-unsafe-memory-access=allow"
startup="$startup -Dorg.sqlite.lib.path=\"\$home/lib/native\" -Dorg.sqlite.lib.name=libsqlitejdbc.so -Dorg.sqlite.tmpdir=\"\$home/lib/native\""
sed "s|@STARTUP@|$startup|" "$here/src/main/dist/bin/portcullis" > "$stage/bin/portcullis"
chmod 755 "$stage/bin/portcullis"
main=(-cp "$stage/lib/portcullis.jar" dev.portcullis.cli.Main)
"${java[@]}" "${main[@]}" generate-completion > "$stage/share/bash-completion/completions/portcullis"
"${java[@]}" "${main[@]}" generate-man-pages "$stage/share/man/man1" >/dev/null
cp "$sbom" "$stage/share/doc/portcullis/portcullis.cdx.json"
cp "$root/README.md" "$stage/share/doc/portcullis/README.md"

# the start-up cache: the classes of a scan of the bundled example against its own advisories
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${java[@]}" "${main[@]}" db import --db "$work/db" "$root/examples/hello/advisories" >/dev/null
(cd "$work" && HOME=$work "${java[@]}" "${train[@]}" "${main[@]}" scan --quiet --no-cache --db "$work/db" \
  "oci-dir:$root/examples/hello/image" >/dev/null 2>&1) || true
[ -s "$stage/lib/portcullis.aot" ] || [ -s "$stage/lib/portcullis.jsa" ] || echo "dist: no start-up cache was made (the release starts without)" >&2
# a second, smaller cache for help and the version, which need none of a scan's classes: the JVM maps the whole
# cache at every start, and with this one --version took 0.13 s against 0.16 s (docs/BENCHMARKS.md)
if [ "$major" -ge 25 ]; then
  (cd "$work" && HOME=$work "${java[@]}" "${train_help[@]}" -cp "$stage/lib/portcullis.jar" dev.portcullis.cli.StartupTraining \
    >/dev/null 2>&1) || echo "dist: no start-up cache for help and the version was made (they use the other)" >&2
fi

find "$stage" -exec touch -h -d "@$epoch" {} +
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$target" -cf - "$name" | gzip -n -6 > "$target/$name.tar.gz.tmp"
mv "$target/$name.tar.gz.tmp" "$target/$name.tar.gz"
artifacts=("$name.tar.gz")

# the container image: the runtime and the jar over the C library they need (as distroless images are
# made: the library's files and its package's status entry, so a scan sees the package), not root
if [ "${PORTCULLIS_DIST_IMAGE:-auto}" != skip ] && command -v buildah >/dev/null && [ "$(id -u)" -eq 0 ]; then
  "$here/image.sh" "$stage" "$version" "$target/portcullis-$version-image.oci.tar" "$epoch"
  artifacts+=("portcullis-$version-image.oci.tar")
else
  echo "dist: no container image (needs buildah and root; PORTCULLIS_DIST_IMAGE=$PORTCULLIS_DIST_IMAGE)" >&2
fi

(cd "$target" && sha256sum "${artifacts[@]}" > SHA256SUMS)
key=${PORTCULLIS_RELEASE_KEY:-}
if [ -z "$key" ]; then
  mkdir -p "$target/release-key"
  key=$target/release-key/release.key
  if [ ! -f "$key" ]; then
    # a passphrase nobody needs to know again: this key signs this build's files only
    head -c 32 /dev/urandom | base64 > "$target/release-key/passphrase"
    chmod 600 "$target/release-key/passphrase"
    PORTCULLIS_PASSPHRASE=$(cat "$target/release-key/passphrase") "${java[@]}" "${main[@]}" key generate \
      --output-prefix "$target/release-key/release" >/dev/null
  fi
  export PORTCULLIS_PASSPHRASE
  PORTCULLIS_PASSPHRASE=$(cat "$target/release-key/passphrase")
  cp "$target/release-key/release.pub" "$target/portcullis-release.pub"
elif [ -f "${key%.key}.pub" ]; then
  cp "${key%.key}.pub" "$target/portcullis-release.pub"
fi
"${java[@]}" "${main[@]}" sign-blob --key "$key" --output-signature "$target/SHA256SUMS.sig" "$target/SHA256SUMS" 2>/dev/null
chmod 644 "$target/SHA256SUMS.sig"
echo "dist: $target/$name.tar.gz ($(du -h "$target/$name.tar.gz" | cut -f1))"
