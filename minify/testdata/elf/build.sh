#!/usr/bin/env bash
# Rebuilds the tiny ELF files the resolver tests use (x86-64, no libc, a
# few hundred bytes each). Run from this directory: ./build.sh
#
#   libb.so.1   soname libb.so.1, needs nothing
#   liba.so.1   needs libb.so.1, DT_RUNPATH $ORIGIN/../b
#   libc.so.6   a stand-in C library (soname libc.so.6)
#   app-runpath PT_INTERP /lib64/ld-linux-x86-64.so.2, needs liba.so.1 and
#               libmissing.so.1, DT_RUNPATH /opt/app/lib
#   app-rpath   needs liba.so.1 and libc.so.6, DT_RPATH $ORIGIN/lib (old tags)
#   app-plain   needs libb.so.1 and libc.so.6, no search path
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(-L. -Wl,-rpath-link,. -Wl,--no-as-needed -nostdlib -Os -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-s -Wl,--hash-style=gnu)
echo 'int b(void){return 1;}' >"$tmp/b.c"
echo 'int b(void); int a(void){return b();}' >"$tmp/a.c"
echo 'int c(void){return 3;}' >"$tmp/c.c"
echo 'int a(void); void _start(void){a();}' >"$tmp/app.c"
echo 'int b(void); void _start(void){b();}' >"$tmp/plain.c"
gcc "${flags[@]}" -shared -fPIC -Wl,-soname,libb.so.1 -o libb.so.1 "$tmp/b.c"
gcc "${flags[@]}" -shared -fPIC -Wl,-soname,libc.so.6 -o libc.so.6 "$tmp/c.c"
gcc "${flags[@]}" -shared -fPIC -Wl,-soname,libmissing.so.1 -o "$tmp/libmissing.so.1" "$tmp/c.c"
gcc "${flags[@]}" -shared -fPIC -Wl,-soname,liba.so.1 -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../b' \
	-o liba.so.1 "$tmp/a.c" ./libb.so.1
gcc "${flags[@]}" -fPIE -pie -Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2 -Wl,--enable-new-dtags \
	-Wl,-rpath,/opt/app/lib -o app-runpath "$tmp/app.c" ./liba.so.1 "$tmp/libmissing.so.1"
gcc "${flags[@]}" -fPIE -pie -Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2 -Wl,--disable-new-dtags \
	-Wl,-rpath,'$ORIGIN/lib' -o app-rpath "$tmp/app.c" ./liba.so.1 ./libc.so.6
gcc "${flags[@]}" -fPIE -pie -Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2 \
	-o app-plain "$tmp/plain.c" ./libb.so.1 ./libc.so.6
ls -l
