#!/usr/bin/env bash
# make demo: `harden demo`, the main job end to end on the seed's reference
# app, with the OSV data beside the repository when it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
if [ -d ../shared/vulndb ]; then
	args+=(--vulndb ../shared/vulndb)
fi
exec bin/harden demo "${args[@]}" "$@"
