#!/bin/sh
set -e

# Prepend "node" when the first argument is an option, is no command on
# PATH, or is a file that is not executable (a script name).
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
