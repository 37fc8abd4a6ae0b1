#!/usr/bin/env bash
# make bench: harden next to its peers on the same inputs, median of 5 runs
# and peak RSS for each, printed side by side in one run.
#
#   layers: harden layers vs dive --ci vs the floor (tar -xOf of the tarball)
#   audit:  harden audit vs harden layers (one pass: what the checks add),
#           vs Dockle on the same tarball, with a cold and a warm layer cache,
#           and on an image that adds one small layer to the big one (cold,
#           and with the big image's layers cached)
#   sbom:   harden sbom vs syft (same tarball)
#   scan:   harden scan with the whole ../shared/vulndb imported
#   minify: harden minify of the reference app and of the big image: time,
#           output size, and the floor (the files the app opens, via strace)
#   lint:   go test -bench over the Dockerfile corpus (files/s per core)
#   base:   resolve and assemble the nodejs preset from a warm download cache
#
# The big image is built by scripts/fixtures.sh big (debootstrap, ~1 GB) and
# saved once to $BENCH_DIR (default ~/.cache/harden/bench). Peers are
# installed by scripts/peers.sh when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-5}
dir=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/harden/bench}
mkdir -p "$dir"
gobin=$(go env GOPATH)/bin
export PATH=$gobin:$PATH

log() { printf '[bench] %s\n' "$*" >&2; }

scripts/peers.sh # dive, dockle, syft and osv-scanner at their pinned versions

scripts/fixtures.sh big
tarball=$dir/big.tar
key=$(docker image inspect --format '{{.Id}}' harden-fixture/big:latest)
if [ ! -s "$tarball" ] || [ "$(cat "$tarball.id" 2>/dev/null)" != "$key" ]; then
	log "docker save harden-fixture/big:latest > $tarball"
	docker save -o "$tarball" harden-fixture/big:latest
	echo "$key" >"$tarball.id"
fi
bytes=$(stat -c %s "$tarball")
files=$(bin/harden files --format json "$tarball" | grep -c '"path"')
log "big image: $((bytes / 1000000)) MB tarball, $files entries"

# measure NAME CMD...: runs CMD $runs times; prints "median_seconds peak_rss_kb".
# $before, when set, is run (untimed) before each run.
measure() {
	local name=$1; shift
	local times=() rss=0
	for _ in $(seq "$runs"); do
		[ -z "${before:-}" ] || eval "$before"
		/usr/bin/time -f '%e %M' -o "$dir/time.out" "$@" >/dev/null 2>"$dir/$name.err" ||
			{ local rc=$?; [ "$rc" -le 1 ] || { cat "$dir/$name.err" >&2; echo "bench: $name failed ($rc)" >&2; exit 1; }; }
		read -r t m <"$dir/time.out"
		times+=("$t")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	local median
	median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$median $rss"
}

printf '\n%-34s %10s %12s %10s\n' "layers on the big image ($runs runs)" "median s" "peak RSS MB" "vs floor"
read -r floor floor_rss < <(measure floor tar -xOf "$tarball")
read -r h h_rss < <(measure harden bin/harden --no-cache layers --quiet "$tarball")
read -r d d_rss < <(measure dive dive --ci --source docker-archive "$tarball")
row() { printf '%-34s %10s %12d %10s\n' "$1" "$2" "$(($3 / 1024))" "$(awk -v a="$2" -v b="$floor" 'BEGIN{printf "%.2fx", a/b}')"; }
row "floor: tar -xOf >/dev/null" "$floor" "$floor_rss"
row "harden layers" "$h" "$h_rss"
row "dive --ci" "$d" "$d_rss"
# What the digest checks cost: the index alone, with and without hashing
# the layers (sha256 of 1.6 GB runs at ~1.6 GB/s on one core, and one big
# layer cannot be hashed in parallel). Mean of $runs runs from go test -bench.
HARDEN_BENCH_IMAGE="docker-archive:$tarball" go test ./fsindex -run '^$' -bench 'BenchmarkBuild' -benchtime "${runs}x" |
	awk -v floor="$floor" '/^BenchmarkBuild\// {
		split($1, n, "/"); sub(/-[0-9]+$/, "", n[2]); s = $3 / 1e9
		printf "%-34s %10.2f %12s %10s\n", "fsindex.Build (" n[2] ", mean)", s, "-", sprintf("%.2fx", s / floor) }'
read -r a a_rss < <(measure audit bin/harden --no-cache audit --quiet "$tarball")
row "harden audit" "$a" "$a_rss"
awk -v h="$h" -v d="$d" -v a="$a" 'BEGIN{printf "harden layers is %.1fx faster than dive; audit takes %.2fx the time of layers\n", d/h, a/h}'

# audit next to Dockle, and what the layer cache saves. The bars (issue 18):
# peak RSS at most 150 MB, audit no slower than Dockle, a warm audit at most
# 1/4 of a cold one, an image one small layer above an audited one at most
# 1/3 of its cold time.
plus=$dir/big-plus.tar
if [ ! -s "$plus" ] || [ "$(cat "$plus.id" 2>/dev/null)" != "$key" ]; then
	log "building harden-bench/big-plus: the big image and one small layer"
	ctx=$(mktemp -d)
	printf 'FROM harden-fixture/big:latest\nCOPY small.conf /etc/harden-bench/small.conf\n' >"$ctx/Dockerfile"
	echo "one small layer" >"$ctx/small.conf"
	docker build -q -t harden-bench/big-plus:latest "$ctx" >/dev/null
	rm -rf "$ctx"
	docker save -o "$plus" harden-bench/big-plus:latest
	echo "$key" >"$plus.id"
fi
cache=$dir/layer-cache
base_cache=$dir/layer-cache-base
printf '\n%-34s %10s %12s %10s\n' "audit and the layer cache ($runs runs)" "median s" "peak RSS MB" "ratio"
ratio() { printf '%-34s %10s %12d %10s\n' "$1" "$2" "$(($3 / 1024))" "$(awk -v a="$2" -v b="$4" 'BEGIN{printf "%.2fx", a/b}')"; }
read -r dk dk_rss < <(measure dockle dockle --input "$tarball")
ratio "dockle --input (0.4.15)" "$dk" "$dk_rss" "$dk"
ratio "harden audit --no-cache" "$a" "$a_rss" "$dk"
read -r cold cold_rss < <(before="rm -rf '$cache'" measure audit-cold bin/harden --cache-dir "$cache" audit --quiet "$tarball")
ratio "harden audit, cold cache" "$cold" "$cold_rss" "$cold"
read -r warm warm_rss < <(measure audit-warm bin/harden --cache-dir "$cache" audit --quiet "$tarball")
ratio "harden audit, warm cache (<=.25)" "$warm" "$warm_rss" "$cold"
read -r pcold pcold_rss < <(before="rm -rf '$cache'" measure plus-cold bin/harden --cache-dir "$cache" audit --quiet "$plus")
ratio "big+1 layer, cold" "$pcold" "$pcold_rss" "$pcold"
rm -rf "$base_cache"
bin/harden --cache-dir "$base_cache" audit --quiet "$tarball" >/dev/null || [ $? -le 1 ]
read -r pwarm pwarm_rss < <(before="rm -rf '$cache' && cp -a '$base_cache' '$cache'" measure plus-warm bin/harden --cache-dir "$cache" audit --quiet "$plus")
ratio "big+1 layer, base cached (<=.33)" "$pwarm" "$pwarm_rss" "$pcold"
rm -rf "$cache" "$base_cache"
awk -v a="$a" -v d="$dk" -v c="$cold" -v w="$warm" -v pc="$pcold" -v pw="$pwarm" 'BEGIN{
	printf "audit is %.2fx dockle'"'"'s time; warm/cold %.2f (bar .25); one new layer/cold %.2f (bar .33)\n", a/d, w/c, pw/pc }'

printf '\n%-34s %10s %12s %10s\n' "sbom on the big image ($runs runs)" "median s" "peak RSS MB" "vs syft"
read -r sb sb_rss < <(measure sbom bin/harden --no-cache sbom --quiet --format json "$tarball")
read -r sy sy_rss < <(measure syft syft scan -q -o syft-json "docker-archive:$tarball")
printf '%-34s %10s %12d %10s\n' "harden sbom (RSS bar: 150 MB)" "$sb" "$((sb_rss / 1024))" "$(awk -v a="$sb" -v b="$sy" 'BEGIN{printf "%.2fx", a/b}')"
printf '%-34s %10s %12d %10s\n' "syft scan" "$sy" "$((sy_rss / 1024))" "1.00x"

db=$dir/db
if [ -d ../shared/vulndb ]; then
	bin/harden db import --quiet --replace --db "$db" ../shared/vulndb >/dev/null
	printf '\n%-34s %10s %12s\n' "scan, all of ../shared/vulndb" "median s" "peak RSS MB"
	read -r sc sc_rss < <(measure scan bin/harden --no-cache scan --quiet --db "$db" --max-db-age 87600h "$tarball")
	printf '%-34s %10s %12d\n' "harden scan (big image)" "$sc" "$((sc_rss / 1024))"
fi

# gobench PATTERN ARGS... : a go benchmark, its result lines only (all of
# its output when it fails)
gobench() {
	local pattern=$1; shift
	if ! go test "$@" >"$dir/gobench.out" 2>&1; then
		cat "$dir/gobench.out" >&2; echo "bench: go test $* failed" >&2; exit 1
	fi
	grep -E "$pattern" "$dir/gobench.out"
}

printf '\nminify (go test -bench; the floor is what the app opens, measured with strace):\n'
HARDEN_PROBE_BINARY=$PWD/bin/harden gobench '^Benchmark|floor' ./minify -run '^$' -bench Minify -benchtime 2x

printf '\nlint (go test -bench, one core):\n'
gobench '^Benchmark' ./dockerfile/lint -run '^$' -bench 'Lint$' -cpu 1 -benchtime 2s

printf '\nbase nodejs from a warm cache (go test -bench):\n'
gobench '^Benchmark' ./base -run '^$' -bench Nodejs -benchtime 3x
