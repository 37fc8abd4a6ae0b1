package base

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Option configures Build and Assemble.
type Option func(*options) error

type options struct {
	log      *slog.Logger
	epoch    time.Time
	tempDir  string
	keepDocs bool
	lock     *Lock
}

func makeOptions(opts []Option) (*options, error) {
	o := &options{log: slog.New(slog.DiscardHandler), tempDir: os.TempDir()}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithLogger sets where warnings (such as a file shipped by two packages)
// and progress are logged. The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return fmt.Errorf("nil logger")
		}
		o.log = l
		return nil
	}
}

// WithEpoch sets the time of every file and of the image (clamped: older
// package files keep their time). The default is the newest package's build
// date, so the same packages always give the same image.
func WithEpoch(t time.Time) Option {
	return func(o *options) error {
		if t.Unix() < 0 {
			return fmt.Errorf("epoch %s is before 1970", t)
		}
		o.epoch = t.UTC()
		return nil
	}
}

// WithTempDir sets where the layer file is written (default os.TempDir()).
func WithTempDir(dir string) Option {
	return func(o *options) error {
		if dir == "" {
			return fmt.Errorf("empty temporary directory")
		}
		o.tempDir = dir
		return nil
	}
}

// WithDocs keeps all of /usr/share/doc, man and info pages; by default only
// copyright files are kept.
func WithDocs(keep bool) Option {
	return func(o *options) error {
		o.keepDocs = keep
		return nil
	}
}

// WithLock makes Build use the lock instead of resolving. The lock must
// have been made for the same request and architecture (see Lock.Matches).
func WithLock(l *Lock) Option {
	return func(o *options) error {
		if l == nil {
			return fmt.Errorf("nil lock")
		}
		o.lock = l
		return nil
	}
}
