#!/bin/sh
set -e

# options or a config file: run them with redis-server
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

# as root: fix the data directory's owner, then come back as redis
if [ "$1" = 'redis-server' -a "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec gosu redis "$0" "$@"
fi

# a tighter umask unless one was chosen
um="$(umask)"
if [ "$um" = '0022' ]; then
	umask 0077
fi

exec "$@"
