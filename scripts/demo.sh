#!/usr/bin/env bash
# make demo: `harden demo`, the main job end to end on the seed's reference
# app, with the OSV data beside the repository when it is there. The demo's
# traditional image is built here first (fixtures.sh caches it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fixtures.sh node18 app
args=()
if [ -d ../shared/vulndb ]; then
	args+=(--vulndb ../shared/vulndb)
fi
exec bin/harden demo "${args[@]}" "$@"
