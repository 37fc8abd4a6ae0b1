package cli

import (
	"encoding/json"
	"io"
)

// The Docker CLI plugin protocol (docker/cli's cli-plugins/manager): the
// CLI finds docker-harden in ~/.docker/cli-plugins (or the system plugin
// directories), asks it for its metadata with this subcommand, and runs
// `docker harden ARGS` as `docker-harden harden ARGS`, with the
// environment (DOCKER_HOST, DOCKER_CONTEXT) of the user's CLI.
const (
	pluginMetadataCmd = "docker-cli-plugin-metadata"
	pluginName        = "harden"
)

// pluginMetadata is what the Docker CLI reads to list the plugin.
type pluginMetadata struct {
	SchemaVersion    string
	Vendor           string
	Version          string
	ShortDescription string
	URL              string
}

// pluginArgs recognises a Docker CLI plugin call: it answers the metadata
// request (done is true), and strips the plugin's own name the CLI puts
// first. Outside the Docker CLI, args pass unchanged.
func pluginArgs(args []string, stdout io.Writer) (rest []string, done bool) {
	if len(args) == 1 && args[0] == pluginMetadataCmd {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(pluginMetadata{SchemaVersion: "0.1.0", Vendor: "harden-dev", Version: readBuildInfo().Version,
			ShortDescription: "Harden container images the way distroless does", URL: "https://github.com/harden-dev/harden"})
		return nil, true
	}
	if len(args) > 0 && args[0] == pluginName {
		return args[1:], false
	}
	return args, false
}
