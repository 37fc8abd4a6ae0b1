#!/usr/bin/env bash
# Builds harden's own image with harden's own tools: `harden base static`
# (base-files, netbase, tzdata, CA certificates; no shell, user 65532) plus
# the static, stripped harden binary in a layer of its own. The same commit
# gives the same digest: SOURCE_DATE_EPOCH is the commit's time and the
# package set is locked in bin/harden-image.lock after the first build.
#
#   scripts/image.sh [TAG]      default harden:$VERSION, into the Docker engine
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
version=${VERSION:-$(git -C "$repo" describe --tags --always --dirty 2>/dev/null || echo dev)}
tag=${1:-harden:$version}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}
[ -x "$repo/bin/harden" ] && [ -x "$repo/bin/harden-release" ] || { echo "image: run make release build first" >&2; exit 1; }
"$repo/bin/harden" base static --lock "$repo/bin/harden-image.lock" \
	--add "$repo/bin/harden-release:/usr/local/bin/harden" \
	--entrypoint /usr/local/bin/harden \
	--label "org.opencontainers.image.title=harden" \
	--label "org.opencontainers.image.version=$version" \
	--label "org.opencontainers.image.source=https://github.com/harden-dev/harden" \
	-o "docker-daemon:$tag" -q
echo "$tag"
