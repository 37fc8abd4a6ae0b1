#!/usr/bin/env bash
# make demo: the main job end to end on the seed's reference app.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/harden version
