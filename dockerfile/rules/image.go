package rules

import (
	"strings"

	"github.com/harden-dev/harden/dockerfile"
)

// imageRef is a FROM reference split into its parts, as written.
type imageRef struct {
	Registry string // "" means Docker Hub
	Repo     string // path without registry, e.g. "library/node" or "node"
	Tag      string
	Digest   string
}

// parseImage splits an image reference. It does not validate.
func parseImage(s string) imageRef {
	var r imageRef
	if i := strings.Index(s, "@"); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	slash := strings.LastIndex(s, "/")
	if i := strings.LastIndex(s, ":"); i > slash {
		s, r.Tag = s[:i], s[i+1:]
	}
	if i := strings.Index(s, "/"); i >= 0 {
		first := s[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			r.Registry, s = first, s[i+1:]
		}
	}
	r.Repo = s
	return r
}

// Name returns the last path element of the repository ("node").
func (r imageRef) Name() string {
	if i := strings.LastIndex(r.Repo, "/"); i >= 0 {
		return r.Repo[i+1:]
	}
	return r.Repo
}

// RegistryOrHub returns the registry, docker.io when none is written.
func (r imageRef) RegistryOrHub() string {
	if r.Registry == "" {
		return "docker.io"
	}
	return r.Registry
}

// baseImage reports the image a FROM names, or ok=false for scratch, a
// stage alias, or a reference that starts with a variable.
func baseImage(s *dockerfile.Stage) (imageRef, bool) {
	if s.Parent != nil || s.Base == "" || strings.EqualFold(s.Base, "scratch") || strings.HasPrefix(s.Base, "$") {
		return imageRef{}, false
	}
	return parseImage(s.Base), true
}

// resolvedImage is baseImage after expanding the global ARG defaults, as
// Trivy does (ARG TAG=latest, FROM alpine:${TAG} is alpine:latest). A
// reference that needs a build argument without a default is not resolved.
func resolvedImage(f *dockerfile.File, s *dockerfile.Stage) (imageRef, bool) {
	ref, ok := resolvedBase(f, s)
	if !ok || s.Parent != nil || !validReference(ref) || strings.EqualFold(ref, "scratch") || f.StageByName(ref, s.Index) != nil {
		return imageRef{}, false
	}
	return parseImage(ref), true
}

// resolvedBase expands the FROM reference with the global ARG defaults,
// for the checks that look through variables (Trivy does).
func resolvedBase(f *dockerfile.File, s *dockerfile.Stage) (string, bool) {
	if !strings.Contains(s.Base, "$") {
		return s.Base, true
	}
	v, unmatched, err := dockerfile.Expand(s.Base, f.MetaArgs(), f.Escape)
	if err != nil || len(unmatched) > 0 {
		return "", false
	}
	return v, true
}

// isDistrolessLike reports bases that already carry no shell or package
// manager: scratch, distroless, Chainguard, Google's static images.
func isDistrolessLike(ref string) bool {
	l := strings.ToLower(ref)
	for _, s := range []string{"distroless", "chainguard", "cgr.dev/", "scratch", "wolfi", "static-debian", "/static:", "ubi-micro", "ubi9-micro", "ubi8-micro"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
