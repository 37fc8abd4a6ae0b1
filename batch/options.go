package batch

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/harden-dev/harden/image"
)

// Option configures Expand.
type Option func(*options) error

type options struct {
	imagesFrom string
	stdin      io.Reader
	allTags    bool
	imageOpts  []image.Option
	log        *slog.Logger
	pageSize   int   // registry page size; 0 is go-containerregistry's default
	maxPage    int64 // bytes one registry answer may hold
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{stdin: os.Stdin, log: slog.New(slog.NewTextHandler(io.Discard, nil)), maxPage: maxPageBytes}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithImagesFrom adds the references listed in a file, one a line; "-"
// reads them from standard input (see WithStdin). Blank lines and lines
// starting with # are skipped.
func WithImagesFrom(file string) Option {
	return func(o *options) error {
		if file == "" {
			return fmt.Errorf("--images-from needs a file name (or - for standard input)")
		}
		o.imagesFrom = file
		return nil
	}
}

// WithStdin is what "--images-from -" reads; the default is os.Stdin.
func WithStdin(r io.Reader) Option {
	return func(o *options) error {
		if r == nil {
			return fmt.Errorf("nil standard input")
		}
		o.stdin = r
		return nil
	}
}

// WithAllTags makes a registry:HOST or registry:HOST/REPO argument expand to
// every tag of every repository it names. Without it, registry:HOST expands
// to the latest tag of each repository that has one, and registry:HOST/REPO
// stays the one image HOST/REPO:latest.
func WithAllTags(all bool) Option {
	return func(o *options) error { o.allTags = all; return nil }
}

// WithImageOptions reaches registries the way image.Open does with these
// options (credentials, image.WithInsecure for plain HTTP and unverified
// TLS). The CLI passes the same options it opens images with.
func WithImageOptions(opts ...image.Option) Option {
	return func(o *options) error { o.imageOpts = append(o.imageOpts, opts...); return nil }
}

// WithLogger receives notes about the expansion (repositories skipped for
// having no latest tag).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l != nil {
			o.log = l
		}
		return nil
	}
}

// withPageSize asks registries for pages of n entries (tests use a small n
// to walk the pagination).
func withPageSize(n int) Option {
	return func(o *options) error { o.pageSize = n; return nil }
}

// withMaxPage bounds one registry answer to n bytes (tests use a small n).
func withMaxPage(n int64) Option {
	return func(o *options) error { o.maxPage = n; return nil }
}
