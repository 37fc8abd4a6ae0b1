// Package scripts embeds the shell scripts that build harden's test and
// demo images, so `harden demo` can run them on a machine without the
// repository.
package scripts

import "embed"

// Files holds setup.sh, fixtures.sh, apt-mirror.sh and big-image.packages.
//
//go:embed setup.sh fixtures.sh apt-mirror.sh big-image.packages
var Files embed.FS
