package base

import (
	"fmt"
	"sort"
	"strings"
)

// Spec says what to build: the packages to resolve and the image
// configuration. Presets.Spec makes one from a preset; callers may add to it.
type Spec struct {
	// Preset is the preset's name, for messages and image labels ("" if none).
	Preset string
	// Packages are the requests: NAME, NAME=VERSION or "NAME (>= VERSION)".
	Packages []string
	// Exclude names packages (or virtual names) left out. A requested
	// package is never excluded.
	Exclude []string
	// Entrypoint and Cmd go into the image config as they are.
	Entrypoint, Cmd []string
	// Env adds to the default PATH and SSL_CERT_FILE.
	Env map[string]string
	// Symlinks are created in the image: link path → target.
	Symlinks map[string]string
	// WorkingDir is the image's working directory (default /home/nonroot).
	WorkingDir string
}

// Validate checks that the spec can be built.
func (s Spec) Validate() error {
	if len(s.Packages) == 0 {
		return fmt.Errorf("no packages to build from (give a preset or packages)")
	}
	for link, target := range s.Symlinks {
		if !strings.HasPrefix(link, "/") || target == "" {
			return fmt.Errorf("symlink %q -> %q: want an absolute link path and a target", link, target)
		}
	}
	for k := range s.Env {
		if k == "" || strings.ContainsAny(k, "= ") {
			return fmt.Errorf("bad environment variable name %q", k)
		}
	}
	return nil
}

// requestNames returns the package names requested, without versions.
func (s Spec) requestNames() map[string]bool {
	out := map[string]bool{}
	for _, p := range s.Packages {
		name := strings.TrimSpace(p)
		if i := strings.IndexAny(name, "=( "); i >= 0 {
			name = name[:i]
		}
		out[name] = true
	}
	return out
}

// excludes returns the exclusions that are not also requested.
func (s Spec) excludes() []string {
	req := s.requestNames()
	var out []string
	for _, e := range s.Exclude {
		if !req[e] {
			out = append(out, e)
		}
	}
	return out
}

// env returns the image environment: PATH, SSL_CERT_FILE, then Env sorted.
func (s Spec) env() []string {
	out := []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"SSL_CERT_FILE=" + caBundlePath,
	}
	var keys []string
	for k := range s.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "PATH" || k == "SSL_CERT_FILE" {
			for i, e := range out {
				if strings.HasPrefix(e, k+"=") {
					out[i] = k + "=" + s.Env[k]
				}
			}
			continue
		}
		out = append(out, k+"="+s.Env[k])
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
