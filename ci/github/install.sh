#!/usr/bin/env bash
# Builds harden from the action's own checkout (the ref the workflow named)
# into $RUNNER_TEMP/harden-bin, which the action caches.
set -euo pipefail
: "${GITHUB_ACTION_PATH:?run by the harden action}" "${RUNNER_TEMP:?run by the harden action}"
bin=$RUNNER_TEMP/harden-bin
mkdir -p "$bin"
cd "$GITHUB_ACTION_PATH"
ref=${GITHUB_ACTION_REF:-$(git rev-parse --short HEAD 2>/dev/null || echo dev)}
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/harden-dev/harden/cmd/harden/internal/cli.version=$ref" -o "$bin/harden" ./cmd/harden
"$bin/harden" version >&2
