#!/usr/bin/env bash
# make bench: harden next to its peers on the same inputs, median of 5 runs
# and peak RSS for each, printed side by side in one run.
#
#   layers: harden layers vs dive --ci vs the floor (tar -xOf of the tarball)
#
# The big image is built by scripts/fixtures.sh big (debootstrap, ~1 GB) and
# saved once to $BENCH_DIR (default ~/.cache/harden/bench). Peers are
# installed with go install when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-5}
dir=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/harden/bench}
mkdir -p "$dir"
gobin=$(go env GOPATH)/bin
export PATH=$gobin:$PATH

log() { printf '[bench] %s\n' "$*" >&2; }

need_tool() { # name install-command...
	local name=$1; shift
	command -v "$name" >/dev/null && return
	log "installing $name: $*"
	"$@" >/dev/null
}
need_tool dive go install github.com/wagoodman/dive/cmd/dive@v0.13.2-0.20250516191726-d6c691947f8f

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

# measure NAME CMD...: runs CMD $runs times; prints "median_seconds peak_rss_kb"
measure() {
	local name=$1; shift
	local times=() rss=0
	for _ in $(seq "$runs"); do
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
read -r h h_rss < <(measure harden bin/harden layers --quiet "$tarball")
read -r d d_rss < <(measure dive dive --ci --source docker-archive "$tarball")
row() { printf '%-34s %10s %12d %10s\n' "$1" "$2" "$(($3 / 1024))" "$(awk -v a="$2" -v b="$floor" 'BEGIN{printf "%.2fx", a/b}')"; }
row "floor: tar -xOf >/dev/null" "$floor" "$floor_rss"
row "harden layers" "$h" "$h_rss"
row "dive --ci" "$d" "$d_rss"
awk -v h="$h" -v d="$d" 'BEGIN{printf "harden layers is %.1fx faster than dive\n", d/h}'
