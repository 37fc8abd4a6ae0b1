#!/usr/bin/env bash
# make demo: the main job end to end on the seed's reference app. Each step
# says what it does and how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
h=bin/harden
app=harden-fixture/app:latest

step() {
	local title=$1; shift
	printf '\n==> %s\n    $ %s\n' "$title" "$*"
	local start=$SECONDS
	"$@"
	printf '    (%ds)\n' $((SECONDS - start))
}

step "Layers of the reference app (FROM node:18, COPY . ., npm install)" $h layers --top 5 "$app"
step "The app's own files in the image" $h files "$app" /app
