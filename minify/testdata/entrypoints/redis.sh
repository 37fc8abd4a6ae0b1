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

# turn protected mode off unless a config file given as $2 sets it
if [ "$1" = 'redis-server' ]; then
	protect=1
	conf=
	if [ -f "$2" ]; then
		conf="$2"
		if grep -q '^protected-mode' "$conf"; then
			protect=
		fi
	fi
	if [ -n "$protect" ]; then
		shift
		if [ -n "$conf" ]; then
			shift
		fi
		set -- --protected-mode no "$@"
		if [ -n "$conf" ]; then
			set -- "$conf" "$@"
		fi
		set -- redis-server "$@"
	fi
fi

# a tighter umask unless one was chosen
um="$(umask)"
if [ "$um" = '0022' ]; then
	umask 0077
fi

exec "$@"
