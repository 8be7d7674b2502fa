#!/usr/bin/env bash
# Build bin/external-dns from the sigs.k8s.io/external-dns Go module (version: go.mod), for tests.
# Called by `nx run external-dns:build`; Nx caches bin/ keyed on go.mod, go.sum and this script,
# and the Go build cache (GOCACHE) makes a rebuild after a cache miss mostly a link.
#
# The binary is upstream's own main, controller, sources, registry and planner. Only its provider
# table (provider/factory/provider.go) is narrowed, at build time, to the providers in
# KEEP_PROVIDERS: the tests need `webhook` (and `inmemory`), the cloud SDKs behind the others are
# most of the build time, and two of them (civo, exoscale) are not served by the module proxy at
# the versions external-dns pins. No upstream file is copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

KEEP_PROVIDERS="webhook inmemory"
need_go="$(awk '$1 == "go" { print $2; exit }' go.mod)"
version="$(awk '$1 == "require" && $2 == "sigs.k8s.io/external-dns" { print $3; exit }' go.mod)"

fail() {
  echo "external-dns: $*" >&2
  echo "external-dns: building it needs Go (https://go.dev/dl/) and the Go module proxy (or a warm GOMODCACHE);" \
    "external-dns ${version} needs Go >= ${need_go}, which an older local Go fetches as the golang.org/toolchain module." >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "'go' was not found on PATH."
have_go="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p')"
[[ -n "$have_go" ]] || fail "could not determine the Go version ('go env GOVERSION' failed)."
# A local Go that is new enough is used as is; an older one switches to exactly go${need_go}
# (downloaded once from the module proxy into GOMODCACHE, like any module).
if [[ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -1)" == "$need_go" ]]; then
  export GOTOOLCHAIN=local
else
  export GOTOOLCHAIN="go${need_go}"
fi
export CGO_ENABLED=0

module_dir="$(go mod download -json sigs.k8s.io/external-dns | awk -F'"' '$2 == "Dir" { print $4 }')"
[[ -n "$module_dir" && -f "$module_dir/provider/factory/provider.go" ]] ||
  fail "could not download sigs.k8s.io/external-dns ${version} (go mod download failed)."

# The build reads a copy of the module (in build/, git-ignored; a fixed path keeps GOCACHE hits)
# through a generated go.mod that replaces sigs.k8s.io/external-dns with it: `go build -overlay`
# refuses files under GOMODCACHE.
src="build/external-dns-${version}"
rm -rf build
mkdir -p "$src"
cp -R "$module_dir/." "$src/"
chmod -R u+w build
factory="$src/provider/factory/provider.go"
# Drop the imports and table entries of every provider package not kept.
awk -v keep=" $KEEP_PROVIDERS " '
  match($0, /^[[:space:]]*"sigs\.k8s\.io\/external-dns\/provider\/[a-z0-9]+"$/) {
    name = $0; sub(/.*\/provider\//, "", name); sub(/".*/, "", name)
    if (index(keep, " " name " ") == 0) next
  }
  match($0, /^[[:space:]]*externaldns\.Provider[A-Za-z0-9]+:[[:space:]]+[a-z0-9]+\.New[A-Za-z]*,$/) {
    name = $2; sub(/\..*/, "", name)
    if (index(keep, " " name " ") == 0) next
  }
  { print }
' "$module_dir/provider/factory/provider.go" >"$factory"
for provider in $KEEP_PROVIDERS; do
  grep -q "${provider}\.New" "$factory" ||
    fail "provider/factory/provider.go of ${version} no longer has the expected shape (no ${provider}.New): update hack/build.sh."
done
cp go.mod build/go.mod
[[ -f go.sum ]] && cp go.sum build/go.sum
printf '\nreplace sigs.k8s.io/external-dns => ./%s\n' "$src" >>build/go.mod

mkdir -p bin
ldflags="-s -w -X sigs.k8s.io/external-dns/pkg/apis/externaldns.Version=${version}"
if ! go build -modfile build/go.mod -trimpath -ldflags "$ldflags" -o bin/external-dns.tmp sigs.k8s.io/external-dns; then
  echo "external-dns: go build failed (see above)." >&2
  exit 1
fi
mv -f bin/external-dns.tmp bin/external-dns
echo "external-dns: built bin/external-dns ${version} (providers: ${KEEP_PROVIDERS}; $(du -m bin/external-dns | cut -f1) MB)"
