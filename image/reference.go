package image

import (
	"fmt"
	"github.com/harden-dev/harden/internal/textdist"
	"strings"
)

// Transport says where an image lives. The names are the ones skopeo and
// syft use, so references users already write keep working.
type Transport string

// The transports harden reads and writes.
const (
	// Auto means no transport was given: Open detects one.
	Auto          Transport = ""
	DockerDaemon  Transport = "docker-daemon"
	DockerArchive Transport = "docker-archive"
	OCILayout     Transport = "oci"
	OCIArchive    Transport = "oci-archive"
	Registry      Transport = "registry"
	Dir           Transport = "dir"
)

// transports lists every explicit transport, for error messages.
var transports = []Transport{DockerDaemon, DockerArchive, OCILayout, OCIArchive, Registry, Dir}

// Reference is a parsed image reference: a transport and what follows it.
type Reference struct {
	Transport Transport
	// Path is the file or directory for archive, layout and dir transports.
	Path string
	// Name is the image name for the daemon and registry transports
	// (e.g. "node:18"), or the tag inside an OCI layout (may be empty).
	Name string
}

// String returns the reference in the form ParseReference reads.
func (r Reference) String() string {
	switch r.Transport {
	case Auto:
		return r.Name
	case DockerDaemon, Registry:
		return string(r.Transport) + ":" + r.Name
	case OCILayout:
		if r.Name != "" {
			return string(r.Transport) + ":" + r.Path + ":" + r.Name
		}
	}
	return string(r.Transport) + ":" + r.Path
}

// ParseReference splits "transport:rest". A string without a known
// transport prefix is returned with Transport Auto and the whole string as
// Name, to be detected by Open. A prefix that looks like a transport but is
// not one ("dockr-archive:x") is an error, so typos are not sent to a registry.
func ParseReference(s string) (Reference, error) {
	if strings.TrimSpace(s) == "" {
		return Reference{}, fmt.Errorf("empty image reference")
	}
	prefix, rest, found := strings.Cut(s, ":")
	if !found {
		return Reference{Transport: Auto, Name: s}, nil
	}
	switch t := Transport(prefix); t {
	case DockerDaemon, Registry:
		if rest == "" {
			return Reference{}, fmt.Errorf("%s: reference needs an image name", t)
		}
		return Reference{Transport: t, Name: strings.TrimPrefix(rest, "//")}, nil
	case DockerArchive, OCIArchive, Dir:
		if rest == "" {
			return Reference{}, fmt.Errorf("%s: reference needs a path", t)
		}
		return Reference{Transport: t, Path: rest}, nil
	case OCILayout:
		if rest == "" {
			return Reference{}, fmt.Errorf("%s: reference needs a directory", t)
		}
		// oci:DIR[:TAG] — the tag is what follows the last colon, unless that
		// colon belongs to the path (a tag never contains a slash).
		path, tag := rest, ""
		if i := strings.LastIndex(rest, ":"); i > 0 && !strings.Contains(rest[i+1:], "/") {
			path, tag = rest[:i], rest[i+1:]
		}
		return Reference{Transport: t, Path: path, Name: tag}, nil
	}
	if looksLikeTransport(prefix) {
		names := make([]string, len(transports))
		for i, t := range transports {
			names[i] = string(t)
		}
		return Reference{}, fmt.Errorf("unknown transport %q (want one of %s, or no prefix)", prefix, strings.Join(names, ", "))
	}
	// "node:18", "localhost:5000/app:1", "/tmp/x:y" are names or paths.
	return Reference{Transport: Auto, Name: s}, nil
}

// looksLikeTransport tells a mistyped transport ("docker-archve") from the
// repository part of an image name ("node", "my-app", "localhost"): it is a
// typo when it is within two edits of a transport name. Short prefixes are
// left alone, since "dis:1" is more likely an image than a typo of "dir".
func looksLikeTransport(p string) bool {
	if len(p) < 6 {
		return false
	}
	for _, t := range transports {
		if textdist.Levenshtein(p, string(t)) <= 2 {
			return true
		}
	}
	return false
}
