// Package attach keeps harden's results next to the images they describe:
// a result (an audit, an SBOM, a vulnerability scan) is pushed to the
// image's registry as an OCI artifact whose subject is the image manifest,
// and listed and fetched back from there.
//
// The registry's Referrers API is used where it answers; elsewhere
// go-containerregistry keeps the OCI referrers tag schema (a tag
// sha256-<digest> holding an index of the referrers, updated
// read-modify-write) on push and reads it on list. See docs/fleet.md.
package attach

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/harden-dev/harden/image"
)

// Kind is the harden command a result came from.
type Kind string

// The kinds of result harden attaches.
const (
	Audit Kind = "audit"
	SBOM  Kind = "sbom"
	Scan  Kind = "scan"
)

// ParseKind reads a --type value.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(s)); k {
	case Audit, SBOM, Scan:
		return k, nil
	}
	return "", fmt.Errorf("unknown result type %q (want audit, sbom or scan)", s)
}

// Artifact types (the manifest's artifactType and the media type of its one
// layer) by what the result is, not which command made it: a SARIF log is
// application/sarif+json from audit and scan alike, and the kind annotation
// tells them apart.
const (
	TypeAudit     = "application/vnd.harden.audit.v1+json"
	TypeScan      = "application/vnd.harden.scan.v1+json"
	TypeSBOM      = "application/vnd.harden.sbom.v1+json"
	TypeCycloneDX = "application/vnd.cyclonedx+json"
	TypeSPDX      = "application/spdx+json"
	TypeSARIF     = "application/sarif+json"
)

// formats maps each kind's --format names that can be attached to their
// artifact type; the first entry of order is the one attached when the
// user's format is for people (table, markdown).
var formats = map[Kind]struct {
	types map[string]string
	order []string
}{
	Audit: {map[string]string{"json": TypeAudit, "sarif": TypeSARIF}, []string{"json", "sarif"}},
	SBOM:  {map[string]string{"cyclonedx": TypeCycloneDX, "spdx": TypeSPDX, "json": TypeSBOM}, []string{"cyclonedx", "spdx", "json"}},
	Scan:  {map[string]string{"json": TypeScan, "sarif": TypeSARIF, "cyclonedx": TypeCycloneDX}, []string{"json", "sarif", "cyclonedx"}},
}

// Format picks the rendering to attach for a command run with --format
// format: that format when it is one a machine reads, else the kind's
// default (audit and scan JSON, a CycloneDX SBOM). It returns the format
// name and its artifact type.
func Format(k Kind, format string) (string, string) {
	f := formats[k]
	if t, ok := f.types[format]; ok {
		return format, t
	}
	return f.order[0], f.types[f.order[0]]
}

// knownType reports whether t is a media type harden attaches, the only
// ones Fetch hands back.
func knownType(t string) bool {
	switch t {
	case TypeAudit, TypeScan, TypeSBOM, TypeCycloneDX, TypeSPDX, TypeSARIF:
		return true
	}
	return false
}

// Annotations harden sets on the artifact manifest (copied into the
// referrers index, so listing needs no further request).
const (
	// AnnotationCreated is when the result was pushed (RFC 3339, UTC,
	// nanoseconds), the order List returns.
	AnnotationCreated = "org.opencontainers.image.created"
	// AnnotationTitle is a file name for the result (oras pull uses it).
	AnnotationTitle = "org.opencontainers.image.title"
	// AnnotationKind is the Kind.
	AnnotationKind = "dev.harden.kind"
	// AnnotationFormat is the --format the result was rendered with.
	AnnotationFormat = "dev.harden.format"
	// AnnotationVersion is the version of harden that made the result.
	AnnotationVersion = "dev.harden.version"
)

// DefaultMaxSize bounds a result Fetch reads (a CycloneDX SBOM of a large
// image is a few MB).
const DefaultMaxSize = 64 << 20

// maxReferrers bounds how many referrers List looks at.
const maxReferrers = 10000

// Option configures the registry access.
type Option func(*options) error

type options struct {
	// registry is how the registry is reached (credentials, platform,
	// --insecure): package image's options, its one definition.
	registry []image.Option
	names    []name.Option
	remote   []remote.Option
	version  string
	maxSize  int64
	now      func() time.Time
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{
		version: "dev",
		maxSize: DefaultMaxSize,
		now:     time.Now,
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	var err error
	o.names, o.remote, err = image.RegistryOptions(context.Background(), o.registry...)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// WithInsecure allows plain-HTTP and unverified-TLS registries, for a
// registry on localhost (image.WithInsecure).
func WithInsecure(insecure bool) Option {
	return func(o *options) error { o.registry = append(o.registry, image.WithInsecure(insecure)); return nil }
}

// WithKeychain replaces the default keychain (~/.docker/config.json, or
// $DOCKER_CONFIG/config.json, and its credential helpers; image.WithKeychain).
func WithKeychain(k authn.Keychain) Option {
	return func(o *options) error { o.registry = append(o.registry, image.WithKeychain(k)); return nil }
}

// WithPlatform picks the image of a multi-platform index whose results
// are listed (default linux and the host's architecture), as image.Open
// picks the one it reads (image.WithPlatform).
func WithPlatform(p string) Option {
	return func(o *options) error { o.registry = append(o.registry, image.WithPlatform(p)); return nil }
}

// WithVersion is harden's version, recorded on what Push writes.
func WithVersion(v string) Option {
	return func(o *options) error { o.version = v; return nil }
}

// WithMaxSize bounds the result Fetch reads.
func WithMaxSize(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("max size %d is not positive", n)
		}
		o.maxSize = n
		return nil
	}
}

// WithClock sets the clock that dates what Push writes (tests).
func WithClock(now func() time.Time) Option {
	return func(o *options) error { o.now = now; return nil }
}

func (o *options) nameOptions() []name.Option { return o.names }

// remoteOptions reaches the registry as image.Open does; callers add the
// request's context.
func (o *options) remoteOptions() []remote.Option { return slices.Clone(o.remote) }
