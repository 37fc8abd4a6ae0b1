#!/bin/sh
# The entrypoint of harden's node-official fixture, behaving like the one of
# the official node image: when the first argument is an option (-e, --version)
# or is not a command found in PATH, run it with node; then hand over to the
# command with exec so it is PID 1 and gets the signals.
set -e

if [ "${1#-}" != "$1" ] || ! command -v -- "$1" >/dev/null 2>&1; then
	set -- node "$@"
fi

exec "$@"
