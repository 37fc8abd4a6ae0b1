#!/usr/bin/env bash
# Installs and starts what harden's tests and demo need on a Debian machine:
# a Docker engine (docker.io, started in the background when its socket does
# not answer), debootstrap for the fixture images, skopeo and docker-registry
# for the registry tests, Chromium for the HTML report test, strace for
# minify's size floor, npm, gcc and javac for the fixtures' apps, and the
# peer tools osv-scanner and Syft for the accuracy tests (scripts/peers.sh:
# pinned, go install; with empty Go caches that took 39 min on two cores
# shared with eight other builds, 75 s with a warm build cache, 0.1 s once
# built). Idempotent: a second run installs nothing and starts nothing.
#
#   scripts/setup.sh            everything
#   scripts/setup.sh --demo     only what `harden demo` needs (Docker, debootstrap)
set -euo pipefail
demo_only=false
[ "${1:-}" = --demo ] && demo_only=true

log() { printf '[setup] %s\n' "$*" >&2; }

sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
	sudo=sudo
fi

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if ! $demo_only; then
	command -v skopeo >/dev/null || need+=(skopeo)
	command -v docker-registry >/dev/null || need+=(docker-registry)
	command -v chromium >/dev/null || need+=(chromium)
	command -v strace >/dev/null || need+=(strace)
	# the fixtures: npm ci and npm pack on the host, cgo, javac for app.jar
	command -v npm >/dev/null || need+=(npm)
	command -v gcc >/dev/null || need+=(gcc libc6-dev)
	command -v javac >/dev/null || need+=(default-jdk-headless)
	command -v pre-commit >/dev/null || need+=(pre-commit)
fi
if [ ${#need[@]} -gt 0 ]; then
	log "apt-get install ${need[*]}"
	$sudo apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi

if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
	log "starting dockerd in the background (log: /var/log/harden-dockerd.log)"
	$sudo sh -c 'nohup dockerd >/var/log/harden-dockerd.log 2>&1 &'
	for _ in $(seq 1 60); do
		docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
		sleep 1
	done
	docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
		{ echo "setup: dockerd did not answer within 60s; see /var/log/harden-dockerd.log" >&2; exit 1; }
fi
log "docker engine $(docker version --format '{{.Server.Version}}') is up"

if ! $demo_only; then
	"$(dirname "$0")/peers.sh" osv-scanner syft govulncheck
fi
