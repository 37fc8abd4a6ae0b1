#!/usr/bin/env bash
# Builds the real images the integration tests and the demo run against. No
# registry is reachable, so every image is made here from Debian packages
# (debootstrap) or from a Dockerfile on top of those.
#
#   scripts/fixtures.sh [FIXTURE...]     default: node18 app python3 java goapp
#
# Fixtures:
#   node18  a node:18-like image: Debian bookworm minbase + nodejs, ca-certificates,
#           npm and the tools the real node:18 (buildpack-deps) carries: curl,
#           wget, git, ssh client, procps, less, gnupg; tagged node:18 (the seed
#           Dockerfile says FROM node:18) and harden-fixture/node18
#   app     the seed's reference app (examples/node-app) built FROM node:18,
#           tagged harden-fixture/app
#   big     a ~1 GB image with many packages (scripts/big-image.packages), tagged
#           harden-fixture/big; used by make bench
#   debian  Debian bookworm minbase + ca-certificates, no command; tagged
#           harden-fixture/debian (the base of goapp)
#   python3 bookworm minbase + python3 with minify/testdata/apps/python/server.py
#           (CMD python3 /app/server.py); tagged harden-fixture/python3
#   java    bookworm minbase + default-jre-headless and what eclipse-temurin's
#           JRE images add (curl, wget, fontconfig, locales, tzdata), with an
#           app.jar built here by javac/jar from minify/testdata/apps/java
#           (CMD java -jar /app/app.jar); tagged harden-fixture/java
#   goapp   a static Go server (minify/testdata/apps/goapp, CGO_ENABLED=0) on
#           harden-fixture/debian (ENTRYPOINT goapp); tagged harden-fixture/goapp
#
# Each rootfs tarball is cached under $HARDEN_FIXTURE_CACHE (default
# ~/.cache/harden/fixtures) keyed by a hash of its inputs, and each image carries
# that key as a label, so a re-run does nothing unless an input changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${HARDEN_FIXTURE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harden/fixtures}
suite=bookworm
mkdir -p "$cache"

log() { printf '[fixtures %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# key NAME FILE... : a short hash of this script and the given inputs
key() {
	local name=$1; shift
	cat "$0" "$@" | sha256sum | cut -c1-16
}

# current_key IMAGE : the fixture key label of a local image, or nothing
current_key() {
	docker image inspect --format '{{index .Config.Labels "dev.harden.fixture.key"}}' "$1" 2>/dev/null || true
}

# rootfs NAME KEY INCLUDE EXTRA_APT... : a cached debootstrap tarball path
rootfs() {
	local name=$1 k=$2 include=$3; shift 3
	local tarball="$cache/$name-$k.tar"
	if [ -s "$tarball" ]; then
		log "$name: rootfs cached ($tarball)"
		echo "$tarball"; return
	fi
	local mirror dir
	mirror=$("$here/apt-mirror.sh")
	dir=$(mktemp -d "$cache/$name-rootfs.XXXXXX")
	trap 'umount "$dir/proc" 2>/dev/null || true; rm -rf "$dir"' RETURN
	log "$name: debootstrap --variant=minbase --include=$include $suite (from $mirror)"
	debootstrap --variant=minbase --include="$include" "$suite" "$dir" "$mirror" >"$cache/$name-debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/$name-debootstrap.log" >&2; return 1; }
	if [ $# -gt 0 ]; then
		# debootstrap's own --include fails on some dependency cycles (npm), so
		# the rest goes in with apt inside the new root.
		log "$name: apt-get install --no-install-recommends $*"
		mount -t proc proc "$dir/proc"
		cp /etc/resolv.conf "$dir/etc/resolv.conf"
		chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q update >>"$cache/$name-debootstrap.log" 2>&1
		chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "$@" >>"$cache/$name-debootstrap.log" 2>&1 ||
			{ tail -20 "$cache/$name-debootstrap.log" >&2; return 1; }
		umount "$dir/proc"
		: >"$dir/etc/resolv.conf"
	fi
	# like the official images: no downloaded .debs, no package lists
	chroot "$dir" apt-get clean
	rm -rf "$dir"/var/lib/apt/lists/*
	tar -C "$dir" --numeric-owner -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	echo "$tarball"
}

# import TARBALL KEY TAG... : docker import with a node:18-like config
import() {
	local tarball=$1 k=$2 first=$3; shift 3
	docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change "LABEL dev.harden.fixture.key=$k" \
		--change 'CMD ["node"]' \
		"$tarball" "$first" >/dev/null
	for t in "$@"; do docker tag "$first" "$t"; done
}

fixture_node18() {
	local k
	k=$(key node18)
	if [ "$(current_key harden-fixture/node18:latest)" = "$k" ]; then
		log "node18: up to date"; docker tag harden-fixture/node18:latest node:18; return
	fi
	local tarball
	tarball=$(rootfs node18 "$k" nodejs,ca-certificates npm curl wget git openssh-client procps less xz-utils gnupg dirmngr)
	log "node18: docker import"
	import "$tarball" "$k" harden-fixture/node18:latest node:18
}

fixture_app() {
	fixture_node18
	local k
	k=$(key app "$repo"/examples/node-app/* <(current_key harden-fixture/node18:latest))
	if [ "$(current_key harden-fixture/app:latest)" = "$k" ]; then
		log "app: up to date"; return
	fi
	log "app: docker build examples/node-app"
	DOCKER_BUILDKIT=0 docker build -q --network host --label "dev.harden.fixture.key=$k" \
		-t harden-fixture/app:latest "$repo/examples/node-app" >/dev/null
}

fixture_big() {
	local k
	k=$(key big "$here/big-image.packages")
	if [ "$(current_key harden-fixture/big:latest)" = "$k" ]; then
		log "big: up to date"; return
	fi
	local tarball
	# shellcheck disable=SC2046
	tarball=$(rootfs big "$k" ca-certificates $(grep -v '^#' "$here/big-image.packages" | tr '\n' ' '))
	log "big: docker import"
	import "$tarball" "$k" harden-fixture/big:latest
}

# import_plain TARBALL KEY TAG : docker import with PATH and the key label only
import_plain() {
	docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change "LABEL dev.harden.fixture.key=$2" \
		"$1" "$3" >/dev/null
}

# build_app TAG KEY CONTEXT : docker build of a minify reference app
build_app() {
	DOCKER_BUILDKIT=0 docker build -q --network host --label "dev.harden.fixture.key=$2" -t "$1" "$3" >/dev/null
}

apps=$repo/minify/testdata/apps

fixture_debian() {
	local k
	k=$(key debian)
	if [ "$(current_key harden-fixture/debian:latest)" = "$k" ]; then
		log "debian: up to date"; return
	fi
	local tarball
	tarball=$(rootfs debian "$k" ca-certificates)
	log "debian: docker import"
	import_plain "$tarball" "$k" harden-fixture/debian:latest
}

fixture_python3() {
	local k
	k=$(key python3 "$apps"/python/*)
	if [ "$(current_key harden-fixture/python3:latest)" = "$k" ]; then
		log "python3: up to date"; return
	fi
	local tarball ctx
	tarball=$(rootfs python3 "$(key python3)" python3,ca-certificates)
	import_plain "$tarball" "$k" harden-fixture/python3-base:latest
	ctx=$(mktemp -d)
	cp "$apps"/python/server.py "$ctx/"
	cat >"$ctx/Dockerfile" <<-'EOF'
		FROM harden-fixture/python3-base:latest
		WORKDIR /app
		COPY server.py /app/server.py
		EXPOSE 8000
		CMD ["python3", "/app/server.py"]
	EOF
	log "python3: docker build"
	build_app harden-fixture/python3:latest "$k" "$ctx"
	rm -rf "$ctx"
}

fixture_java() {
	local k
	k=$(key java "$apps"/java/*)
	if [ "$(current_key harden-fixture/java:latest)" = "$k" ]; then
		log "java: up to date"; return
	fi
	local tarball ctx
	tarball=$(rootfs java "$(key java)" ca-certificates default-jre-headless curl wget fontconfig locales tzdata)
	import_plain "$tarball" "$k" harden-fixture/java-base:latest
	ctx=$(mktemp -d)
	log "java: javac + jar ($(javac -version 2>&1))"
	mkdir "$ctx/classes"
	javac --release 17 -d "$ctx/classes" "$apps"/java/Main.java
	jar --create --file "$ctx/app.jar" --main-class Main --date 2024-01-01T00:00:00Z -C "$ctx/classes" .
	cat >"$ctx/Dockerfile" <<-'EOF'
		FROM harden-fixture/java-base:latest
		WORKDIR /app
		COPY app.jar /app/app.jar
		EXPOSE 8080
		CMD ["java", "-jar", "/app/app.jar"]
	EOF
	log "java: docker build"
	build_app harden-fixture/java:latest "$k" "$ctx"
	rm -rf "$ctx"
}

fixture_goapp() {
	fixture_debian
	local k
	k=$(key goapp "$apps"/goapp/* <(current_key harden-fixture/debian:latest) <(go version))
	if [ "$(current_key harden-fixture/goapp:latest)" = "$k" ]; then
		log "goapp: up to date"; return
	fi
	local ctx
	ctx=$(mktemp -d)
	log "goapp: CGO_ENABLED=0 go build"
	(cd "$apps/goapp" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$ctx/goapp" .)
	cat >"$ctx/Dockerfile" <<-'EOF'
		FROM harden-fixture/debian:latest
		COPY goapp /usr/local/bin/goapp
		EXPOSE 8080
		ENTRYPOINT ["goapp"]
	EOF
	log "goapp: docker build"
	build_app harden-fixture/goapp:latest "$k" "$ctx"
	rm -rf "$ctx"
}

[ $# -gt 0 ] || set -- node18 app python3 java goapp
for f in "$@"; do
	case $f in
	node18 | app | big | debian | python3 | java | goapp) "fixture_$f" ;;
	*) echo "fixtures: unknown fixture $f (want node18, app, big, debian, python3, java or goapp)" >&2; exit 2 ;;
	esac
done
