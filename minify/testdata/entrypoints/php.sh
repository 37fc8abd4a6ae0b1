#!/bin/sh
set -e

# "-f" or "--an-option": hand it to php
if [ "${1#-}" != "$1" ]; then
	set -- php "$@"
fi

exec "$@"
