package cli

import (
	"io"

	"github.com/harden-dev/harden/internal/dockerplugin"
)

// pluginArgs answers a Docker CLI plugin call (dockerplugin.Args).
func pluginArgs(args []string, stdout io.Writer) ([]string, bool) {
	return dockerplugin.Args(args, stdout, readBuildInfo().Version)
}
