#!/usr/bin/env bash
# Builds kube-apiserver v1.20.2 from Debian bookworm's "kubernetes" source package (the upstream tree with vendor/)
# with Debian's Go, once, and caches the binary; prints the binary's path. Idempotent: a cached binary is reused.
# Needs: golang-go, rsync, etcd-server (for the tests), network access to the Debian mirror apt already uses.
# Cache: ${PORTCULLIS_KUBE_CACHE:-~/.cache/portcullis/kube-apiserver-v1.20.2} (binary ~110 MB; Go build cache removed).
set -euo pipefail
cache=${PORTCULLIS_KUBE_CACHE:-$HOME/.cache/portcullis/kube-apiserver-v1.20.2}
bin=$cache/bin/kube-apiserver
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
deb_version=1.20.5+really1.20.2-1.1+deb12u1
version=v1.20.2
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # one build at a time, whoever asks
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
work=$cache/work
rm -rf "$work"; mkdir -p "$work"/{apt/lists/partial,apt/cache/archives/partial,apt/etc,src,debs}
log=$cache/build.log; : > "$log"
fail() { echo "build-kube-apiserver: $1 (log: $log)" >&2; tail -15 "$log" >&2; exit 1; }
start=$(date +%s)
# Debian source through a private apt configuration, so /etc/apt stays as it is
# the Debian archive this machine's apt uses (deb822 .sources or one-line .list files; disabled files are skipped)
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -oE '^(URIs:|deb) +[a-z]+://[^ ]+' | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
[ -n "$mirror" ] || fail "no Debian mirror in the apt configuration"
echo "deb-src $mirror bookworm main" > "$work/apt/etc/sources.list"
apt_private=(-o Dir::Etc::SourceList="$work/apt/etc/sources.list" -o Dir::Etc::SourceParts="$work/apt/etc/none"
  -o Dir::State::Lists="$work/apt/lists" -o Dir::Cache="$work/apt/cache")
apt-get "${apt_private[@]}" update >>"$log" 2>&1 || fail "apt-get update of the deb-src list failed"
( cd "$work/src" && apt-get "${apt_private[@]}" source --download-only "kubernetes=$deb_version" ) >>"$log" 2>&1 \
  || fail "apt-get source kubernetes=$deb_version failed"
tar xzf "$work"/src/kubernetes_*.orig.tar.gz -C "$work/src"
tree=$work/src/kubernetes-1.20.2
[ -d "$tree/cmd/kube-apiserver" ] || fail "the source package has no cmd/kube-apiserver"
# The vendored reflect2 1.0.1 crashes under Go >= 1.18; Debian's 1.0.2 replaces it.
( cd "$work/debs" && apt-get download golang-github-modern-go-reflect2-dev ) >>"$log" 2>&1 || fail "reflect2 download failed"
dpkg-deb -x "$work"/debs/golang-github-modern-go-reflect2-dev_*.deb "$work/debs/root"
rm -rf "$tree/vendor/github.com/modern-go/reflect2"
cp -r "$work/debs/root/usr/share/gocode/src/github.com/modern-go/reflect2" "$tree/vendor/github.com/modern-go/reflect2"
export GOCACHE=$work/gocache
( cd "$tree" && make gen_openapi ) >>"$log" 2>&1 || fail "make gen_openapi failed"
export GOPATH=$work/gopath GO111MODULE=off CGO_ENABLED=0 GOPROXY=off
mkdir -p "$GOPATH/src/k8s.io"; ln -sfn "$tree" "$GOPATH/src/k8s.io/kubernetes"
flags="-s -w"
for p in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  flags="$flags -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=20 -X $p.gitTreeState=clean"
done
mkdir -p "$cache/bin"
( cd "$GOPATH/src/k8s.io/kubernetes" && go build -ldflags "$flags" -o "$bin.tmp" ./cmd/kube-apiserver ) >>"$log" 2>&1 \
  || fail "go build ./cmd/kube-apiserver failed"
mv "$bin.tmp" "$bin"
chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"
echo "build-kube-apiserver: built $version in $(( $(date +%s) - start )) s" >&2
echo "$bin"
