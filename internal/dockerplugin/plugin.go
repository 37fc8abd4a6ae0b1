// Package dockerplugin speaks the Docker CLI plugin protocol (docker/cli's
// cli-plugins/manager): the CLI finds docker-harden in ~/.docker/cli-plugins
// (or the system plugin directories), asks it for its metadata with the
// subcommand MetadataCmd, and runs `docker harden ARGS` as
// `docker-harden harden ARGS`, with the environment (DOCKER_HOST,
// DOCKER_CONTEXT) of the user's CLI.
package dockerplugin

import (
	"encoding/json"
	"io"
)

const (
	// MetadataCmd is the subcommand the Docker CLI asks the metadata with.
	MetadataCmd = "docker-cli-plugin-metadata"
	// Name is the plugin's name, the word the CLI puts first.
	Name = "harden"
)

// metadata is what the Docker CLI reads to list the plugin.
type metadata struct {
	SchemaVersion    string
	Vendor           string
	Version          string
	ShortDescription string
	URL              string
}

// Args recognises a Docker CLI plugin call: it answers the metadata request
// on stdout with harden's version (done is true), and strips the plugin's
// own name the CLI puts first. Outside the Docker CLI, args pass unchanged.
func Args(args []string, stdout io.Writer, version string) (rest []string, done bool) {
	if len(args) == 1 && args[0] == MetadataCmd {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(metadata{SchemaVersion: "0.1.0", Vendor: "harden-dev", Version: version,
			ShortDescription: "Harden container images the way distroless does", URL: "https://github.com/harden-dev/harden"})
		return nil, true
	}
	if len(args) > 0 && args[0] == Name {
		return args[1:], false
	}
	return args, false
}
