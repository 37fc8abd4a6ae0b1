package audit

import (
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/report"
)

// DefaultMaxSecretFileSize caps the text files scanned for secrets.
const DefaultMaxSecretFileSize = 1 << 20

// Option configures Wants, NewInput and Run. Pass the same options to
// Wants and Run.
type Option func(*options) error

type options struct {
	reference     string
	tags          []string
	acceptFiles   []string
	acceptKeys    []string
	requireELF    bool
	ignore        func(report.Finding) bool
	checks        []Check
	maxSecretSize int64
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{maxSecretSize: DefaultMaxSecretFileSize}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if o.checks == nil {
		o.checks = All()
	}
	checks := make([]Check, len(o.checks))
	for i, c := range o.checks {
		if s, ok := c.(secretInFile); ok {
			s.max = o.maxSecretSize
			c = s
		}
		checks[i] = c
	}
	o.checks = checks
	return o, nil
}

// CheckOptions validates options without running anything, so a command
// can reject bad flags before it reads an image.
func CheckOptions(opts ...Option) error {
	_, err := makeOptions(opts...)
	return err
}

// WithReference gives the image reference as the user wrote it and the
// tags its source knows (for the latest-tag check and the summary).
func WithReference(ref string, tags ...string) Option {
	return func(o *options) error {
		o.reference, o.tags = ref, tags
		return nil
	}
}

// WithAcceptFiles accepts files as Dockle's --accept-file does: a secret
// file or a secret found in a file whose path or base name matches one of
// the globs (path.Match syntax; "dir/**" for a tree) is not reported.
func WithAcceptFiles(globs ...string) Option {
	return func(o *options) error {
		for _, g := range globs {
			if _, err := path.Match(strings.TrimSuffix(g, "/**"), "x"); err != nil || g == "" {
				return fmt.Errorf("bad accept-file pattern %q", g)
			}
		}
		o.acceptFiles = append(o.acceptFiles, globs...)
		return nil
	}
}

// WithAcceptKeys accepts environment, label and build-arg names as
// Dockle's --accept-key does (globs, case-insensitive): their values are
// not reported as secrets.
func WithAcceptKeys(globs ...string) Option {
	return func(o *options) error {
		for _, g := range globs {
			if _, err := path.Match(g, "x"); err != nil || g == "" {
				return fmt.Errorf("bad accept-key pattern %q", g)
			}
		}
		o.acceptKeys = append(o.acceptKeys, globs...)
		return nil
	}
}

// WithRequireELFHardening raises ELF files of the image's own layers that
// lack PIE, full RELRO, NX or a stack canary to high severity, so
// --fail-on high fails on them.
func WithRequireELFHardening(on bool) Option {
	return func(o *options) error { o.requireELF = on; return nil }
}

// WithIgnore drops findings the predicate matches (a policy's ignore list)
// before the score is computed; Result.Suppressed keeps them.
func WithIgnore(ignored func(report.Finding) bool) Option {
	return func(o *options) error { o.ignore = ignored; return nil }
}

// WithChecks runs only these checks instead of All().
func WithChecks(checks ...Check) Option {
	return func(o *options) error {
		if len(checks) == 0 {
			return fmt.Errorf("no checks given")
		}
		o.checks = checks
		return nil
	}
}

// WithMaxSecretFileSize caps the size of text files scanned for secrets
// (default DefaultMaxSecretFileSize).
func WithMaxSecretFileSize(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("max secret file size must be positive, got %d", n)
		}
		o.maxSecretSize = n
		return nil
	}
}

func (o *options) acceptFile(p string) bool {
	b := path.Base(p)
	for _, g := range o.acceptFiles {
		if dir, ok := strings.CutSuffix(g, "/**"); ok {
			dir = "/" + strings.Trim(dir, "/")
			if p == dir || strings.HasPrefix(p, dir+"/") {
				return true
			}
			continue
		}
		if ok, _ := path.Match(g, p); ok {
			return true
		}
		if ok, _ := path.Match(g, b); ok {
			return true
		}
	}
	return false
}

func (o *options) acceptKey(k string) bool {
	k = strings.ToUpper(k)
	for _, g := range o.acceptKeys {
		if ok, _ := path.Match(strings.ToUpper(g), k); ok {
			return true
		}
	}
	return false
}
