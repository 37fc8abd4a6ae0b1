#!/bin/sh
set -e

say() {
    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
        echo "$@"
    fi
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if /usr/bin/find "/docker-entrypoint.d/" -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | read v; then
        say "$0: running the hooks of /docker-entrypoint.d/"
        find "/docker-entrypoint.d/" -follow -type f -print | sort -V | while read -r f; do
            case "$f" in
                *.envsh)
                    if [ -x "$f" ]; then
                        . "$f"
                    else
                        say "$0: $f is not executable, skipped"
                    fi
                    ;;
                *.sh)
                    if [ -x "$f" ]; then
                        "$f"
                    else
                        say "$0: $f is not executable, skipped"
                    fi
                    ;;
                *) say "$0: $f skipped";;
            esac
        done
    else
        say "$0: no hooks"
    fi
fi

exec "$@"
