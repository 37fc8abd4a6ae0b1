#!/bin/sh
# The entrypoint of harden's nginx fixture, like the official nginx image's:
# when the command is nginx, run the hooks in /docker-entrypoint.d (*.sh,
# in name order, those that are executable), then exec the command.
set -e

if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
	for hook in /docker-entrypoint.d/*.sh; do
		[ -e "$hook" ] || continue
		if [ -x "$hook" ]; then
			echo "$0: running $hook"
			"$hook"
		else
			echo "$0: ignoring $hook, not executable"
		fi
	done
	echo "$0: ready for start up"
fi

exec "$@"
