#!/usr/bin/env bash
# Pin k8s.io/kubernetes at a release and regenerate the `replace` directives for its staging
# modules. k8s.io/kubernetes requires every staging module (k8s.io/api, k8s.io/apiserver, ...) at the
# non-existent version v0.0.0 and maps them to ./staging/... with replaces that Go ignores in a
# dependency, so a consumer must replace each one with the published v0.X.Y matching v1.X.Y.
#
# Usage: hack/update-replaces.sh [v1.X.Y]    (default: the version currently required in go.mod)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

version="${1:-$(go list -m -f '{{.Version}}' k8s.io/kubernetes 2>/dev/null || true)}"
if [[ ! "$version" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "usage: $0 v1.X.Y  (got '${version}')" >&2
  exit 2
fi
staging="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"

gomod="$(go mod download -json "k8s.io/kubernetes@${version}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[[ -f "$gomod" ]] || { echo "could not download k8s.io/kubernetes@${version}" >&2; exit 1; }

upstream_go="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
local_go="$(go env GOVERSION | sed 's/^go//')"
if [[ "$(printf '%s\n%s\n' "$upstream_go" "$local_go" | sort -V | head -1)" != "$upstream_go" ]]; then
  echo "k8s.io/kubernetes@${version} needs Go >= ${upstream_go}; this Go is ${local_go}" >&2
  exit 1
fi

# Drop the old staging replaces, then add one per `k8s.io/<m> v0.0.0` requirement upstream.
for old in $(go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(k8s\.io\/[^"]*\)",*$/\1/p' | sort -u); do
  go mod edit -dropreplace="$old" 2>/dev/null || true
done
mods="$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" { print $1 } $2 ~ /^k8s\.io\// && $3 == "v0.0.0" { print $2 }' "$gomod" | sort -u)"
for m in $mods; do
  go mod edit -replace="${m}=${m}@${staging}"
done

# Keep the GODEBUG defaults of the real release (otherwise go 1.26 defaults apply to TLS/x509).
godebug="$(awk '$1 == "godebug" { print $2; exit }' "$gomod")"
[[ -n "$godebug" ]] && go mod edit -godebug="$godebug"

go mod edit -require="k8s.io/kubernetes@${version}"
go mod tidy
# The version stamped into the binary (/version) is read from go.mod by the build script.
echo "k8s.io/kubernetes ${version}: $(echo "$mods" | wc -l) staging replaces at ${staging}, go ${upstream_go}, godebug ${godebug:-none}"
