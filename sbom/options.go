package sbom

import (
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Option configures Wants, Generate and FromPath.
type Option func(*options) error

type options struct {
	now        func() time.Time
	log        *slog.Logger
	source     Source
	noLicenses bool
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithLogger sends debug messages (files an extractor skipped) to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l != nil {
			o.log = l
		}
		return nil
	}
}

// WithSource names what the SBOM describes (the image reference, say).
func WithSource(s Source) Option {
	return func(o *options) error {
		switch s.Kind {
		case "", "image", "directory", "file":
		default:
			return fmt.Errorf("source kind %q is not image, directory or file", s.Kind)
		}
		o.source = s
		return nil
	}
}

// WithoutLicenses skips reading Debian copyright files: a smaller walk when
// only versions matter (vulnerability matching).
func WithoutLicenses() Option {
	return func(o *options) error { o.noLicenses = true; return nil }
}

// WithClock sets the clock that stamps the SBOM's creation time (tests,
// reproducible documents).
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return fmt.Errorf("clock must not be nil")
		}
		o.now = now
		return nil
	}
}
