#!/usr/bin/env bash
# Installs the peer tools harden is compared with, at pinned versions, with
# go install into $(go env GOPATH)/bin: osv-scanner (vuln's peer tests),
# Syft (sbom's peer test), Dive and Dockle (make bench) and govulncheck (the test that
# checks harden's own dependencies, internal/govulndb). Called by scripts/setup.sh
# (osv-scanner, syft) and scripts/bench.sh (all three). Idempotent: a tool
# already built at its pinned version is left alone (go version -m reads the
# module version from the binary), so a second run takes well under a
# second. Syft and osv-scanner need Go 1.27, which the go command fetches
# from the module proxy (GOTOOLCHAIN).
#
#   scripts/peers.sh                  every peer
#   scripts/peers.sh syft osv-scanner only those
set -euo pipefail

log() { printf '[peers] %s\n' "$*" >&2; }

# name  module-path  version  package  GOTOOLCHAIN ("-" = the local go)  [moddir]
# moddir: built with CGO_ENABLED=0 inside the downloaded module, because the
# proxy refuses the module's version list that `go install pkg@version`
# reads (Dockle); a stamp file beside the binary records the version.
peers=(
	"osv-scanner github.com/google/osv-scanner/v2 v2.6.0 ./cmd/osv-scanner go1.27.4"
	"syft github.com/anchore/syft v1.57.2 ./cmd/syft go1.27.4"
	"dive github.com/wagoodman/dive v0.13.2-0.20250516191726-d6c691947f8f ./cmd/dive -"
	"govulncheck golang.org/x/vuln v1.10.0 ./cmd/govulncheck -"
	"dockle github.com/goodwithtech/dockle v0.4.15 ./cmd/dockle - moddir"
)

gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin=$(go env GOPATH)/bin

# wanted NAME: whether NAME was asked for (no argument asks for all)
wanted() {
	[ ${#want[@]} -eq 0 ] && return 0
	local w
	for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
	return 1
}

want=("$@")
for w in "${want[@]}"; do
	printf '%s\n' "${peers[@]}" | grep -q "^$w " || { echo "peers: unknown tool $w" >&2; exit 2; }
done

for p in "${peers[@]}"; do
	read -r name mod version pkg toolchain how <<<"$p"
	wanted "$name" || continue
	bin=$gobin/$name
	if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | awk '$1 == "mod" {print $2, $3}' | grep -qx "$mod $version"; then
		continue
	fi
	if [ "${how:-}" = moddir ] && [ -x "$bin" ] && [ "$(cat "$bin.peer-version" 2>/dev/null)" = "$mod $version" ]; then
		continue
	fi
	log "installing $name $version (GOTOOLCHAIN=$toolchain ${how:-go install})"
	start=$(date +%s)
	if [ "${how:-}" = moddir ]; then
		src=$(go mod download -json "$mod@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		(cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin" "$pkg")
		echo "$mod $version" >"$bin.peer-version"
	elif [ "$toolchain" = - ]; then
		go install "$mod/${pkg#./}@$version"
	else
		GOTOOLCHAIN=$toolchain go install "$mod/${pkg#./}@$version"
	fi
	log "$name installed in $(($(date +%s) - start))s: $bin"
done
