#!/bin/sh
# The entrypoint of harden's redis fixture, like the official redis image's:
# options or a *.conf file as the first argument run redis-server; started as
# root, it hands the data directory to the redis user and re-runs itself as
# that user through gosu.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec gosu redis "$0" "$@"
fi

umask 0077
exec "$@"
