#!/bin/bash
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then
	set -- mongod "$@"
fi

first="$1"

# usage: env_or_file VAR [DEFAULT]: VAR or the content of VAR_FILE
env_or_file() {
	local var="$1"
	local fileVar="${var}_FILE"
	local def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		echo >&2 "error: both $var and $fileVar are set"
		exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(< "${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

if [[ "$first" == mongo* ]] && [ "$(id -u)" = '0' ]; then
	if [ "$first" = 'mongod' ]; then
		find /data/configdb /data/db \! -user mongodb -exec chown mongodb '{}' +
	fi
	exec gosu mongodb "$BASH_SOURCE" "$@"
fi

if [[ "$first" == mongo* ]]; then
	numa='numactl --interleave=all'
	if $numa true &> /dev/null; then
		set -- $numa "$@"
	fi
fi

if [ "$first" = 'mongod' ]; then
	env_or_file 'MONGO_INITDB_ROOT_USERNAME'
	env_or_file 'MONGO_INITDB_ROOT_PASSWORD'
	if [ -n "$MONGO_INITDB_ROOT_USERNAME" ]; then
		mongod --version > /dev/null
	fi
	unset MONGO_INITDB_ROOT_USERNAME MONGO_INITDB_ROOT_PASSWORD
fi

exec "$@"
