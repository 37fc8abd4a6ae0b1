#!/bin/sh
# A start-up hook: report which port the configuration listens on.
set -e
port=$(sed -n 's/^[[:space:]]*listen[[:space:]]*\([0-9]*\);/\1/p' /etc/nginx/nginx.conf | head -n 1)
echo "$0: nginx will listen on ${port:-?}"
