#!/usr/bin/env bash
# Build bin/kube-testenv (embedded etcd + kube-apiserver + GC/namespace controllers) from Go modules.
# Called by `nx run kube-testenv:build`; Nx caches bin/ keyed on go.mod, go.sum and *.go, and the Go
# build cache makes a rebuild after a small main.go change take well under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

need_go="$(awk '$1 == "go" { print $2; exit }' go.mod)"
k8s_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v1\./ { print $2; exit }' go.mod)"

fail() {
  echo "kube-testenv: $*" >&2
  echo "kube-testenv: building the test Kubernetes API server needs Go >= ${need_go} (https://go.dev/dl/)" \
    "and access to the Go module proxy (or a warm GOMODCACHE). Tests that need a cluster cannot run without it." >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "'go' was not found on PATH."
# GOTOOLCHAIN=local: never try to download another toolchain; fail fast instead.
export GOTOOLCHAIN=local CGO_ENABLED=0
have_go="$(go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p')"
[[ -n "$have_go" ]] || fail "could not determine the Go version ('go env GOVERSION' failed)."
if [[ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -1)" != "$need_go" ]]; then
  fail "found Go ${have_go}, which is too old."
fi

[[ "$k8s_version" =~ ^v1\.([0-9]+)\. ]] || fail "cannot read the k8s.io/kubernetes version from go.mod."
minor="${BASH_REMATCH[1]}"
# /version must report the real release; without these, it says v0.0.0-master+$Format:%H$.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${k8s_version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean"
done

mkdir -p bin
# Several checkouts on one machine share one Go build cache; concurrent cold builds would each
# compile everything. Serialize them: the first one fills the cache, the others then only link.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$(go env GOCACHE)/.kube-testenv-build.lock"
  flock 9
fi
if ! go build -trimpath -ldflags "$ldflags" -o bin/kube-testenv.tmp .; then
  echo "kube-testenv: go build failed (see above)." >&2
  exit 1
fi
mv -f bin/kube-testenv.tmp bin/kube-testenv
echo "kube-testenv: built bin/kube-testenv (Kubernetes ${k8s_version}, $(du -m bin/kube-testenv | cut -f1) MB)"
