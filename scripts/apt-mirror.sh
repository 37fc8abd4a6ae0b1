#!/usr/bin/env bash
# Prints the Debian mirror URL this machine's apt sources use, so nothing in the
# repository names a mirror host. Reads deb822 .sources files first, then sources.list.
set -euo pipefail
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	# the first stanza whose Suites has a plain release name (not -security) is the main archive
	awk 'BEGIN{RS=""; FS="\n"}
	{uri=""; suites=""; for(i=1;i<=NF;i++){ if($i ~ /^URIs:/){sub(/^URIs:[ \t]*/,"",$i); split($i,a," "); uri=a[1]} if($i ~ /^Suites:/){suites=$i} }
	 if(uri!="" && suites !~ /security/ && suites != ""){print uri; exit}}' "$f" | grep . && exit 0
done
if [ -f /etc/apt/sources.list ]; then
	awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; exit}}' /etc/apt/sources.list | grep . && exit 0
fi
echo "apt-mirror: no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources" >&2
exit 1
