#!/usr/bin/env bash
# Installs bin/harden as the Docker CLI plugin docker-harden, so that
# `docker harden audit IMAGE` works like `harden audit IMAGE`.
#
#   scripts/install-plugin.sh            for this user: ${DOCKER_CONFIG:-~/.docker}/cli-plugins
#   scripts/install-plugin.sh --system   for everyone: /usr/local/lib/docker/cli-plugins
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../bin/harden
[ -x "$bin" ] || { echo "install-plugin: $bin is missing; run make build" >&2; exit 1; }
dir=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
[ "${1:-}" = --system ] && dir=/usr/local/lib/docker/cli-plugins
mkdir -p "$dir"
install -m 0755 "$bin" "$dir/docker-harden.tmp"
mv "$dir/docker-harden.tmp" "$dir/docker-harden"
echo "installed $dir/docker-harden; try: docker harden version" >&2
