package fsindex

import (
	"fmt"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"io"
	"log/slog"
	"runtime"
)

// Default limits. Images are untrusted: these keep a hostile layer from
// taking all memory.
const (
	// HeadSize is how many leading bytes of each regular file Want.Match sees.
	HeadSize = 512
	// DefaultMaxFileSize caps one kept file when a Want sets no MaxSize.
	DefaultMaxFileSize = 8 << 20
	// DefaultMaxKeptBytes caps all kept contents together.
	DefaultMaxKeptBytes = 1 << 30
	// DefaultMaxEntries caps the entries of one image (all layers).
	DefaultMaxEntries = 10_000_000
	// maxPathLen is PATH_MAX: longer names are recorded as anomalies and skipped.
	maxPathLen = 4096
)

// Progress receives how far the walk is, in bytes of layer data as stored
// (compressed where the source is). Start is called once with the total, or
// -1 when it is unknown; Add as bytes are read; Done at the end.
type Progress interface {
	// Start is called once, before the walk, with the total bytes or -1.
	Start(total int64)
	// Add reports n more bytes read.
	Add(n int64)
	// Done is called once when the walk ends.
	Done()
}

// Option configures Build.
type Option func(*options) error

type options struct {
	wants        []Want
	progress     Progress
	log          *slog.Logger
	workers      int
	maxKeptBytes int64
	maxEntries   int
	verify       bool
	baseDiffIDs  []v1.Hash
	cache        Cache
	cacheSecret  func(string) bool
	config       *v1.ConfigFile
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{
		log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		workers:      runtime.GOMAXPROCS(0),
		maxKeptBytes: DefaultMaxKeptBytes,
		maxEntries:   DefaultMaxEntries,
		verify:       true,
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithWants asks the walker to keep the contents these wants match. A want
// whose name is already asked for is the same want (a shared Key) and is
// run once.
func WithWants(ws ...Want) Option {
	return func(o *options) error {
		for _, w := range ws {
			if w.Name == "" || w.Match == nil {
				return fmt.Errorf("want needs a name and a match function")
			}
			if w.MaxSize < 0 {
				return fmt.Errorf("want %s: negative MaxSize", w.Name)
			}
		}
		o.wants = Merge(o.wants, ws)
		return nil
	}
}

// WithProgress reports bytes read to p.
func WithProgress(p Progress) Option {
	return func(o *options) error { o.progress = p; return nil }
}

// WithLogger sends debug messages to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l != nil {
			o.log = l
		}
		return nil
	}
}

// WithWorkers sets how many layers are decompressed and parsed at once
// (default GOMAXPROCS). The index is still applied in layer order.
func WithWorkers(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("workers must be at least 1, got %d", n)
		}
		o.workers = n
		return nil
	}
}

// WithMaxKeptBytes caps the contents kept for all wants together; files
// past the cap are listed in Index.Skipped.
func WithMaxKeptBytes(n int64) Option {
	return func(o *options) error {
		if n < 0 {
			return fmt.Errorf("max kept bytes must not be negative")
		}
		o.maxKeptBytes = n
		return nil
	}
}

// WithMaxEntries caps the number of tar entries over all layers; an image
// with more is refused.
func WithMaxEntries(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("max entries must be at least 1")
		}
		o.maxEntries = n
		return nil
	}
}

// WithoutVerify skips checking each layer's content against its digest.
// Only for benchmarks and for sources that verify on their own.
func WithoutVerify() Option {
	return func(o *options) error { o.verify = false; return nil }
}

// WithBase names the base image's layers (its diff IDs): layers of the image
// that start with the same diff IDs are marked OriginBase, the rest
// OriginOwn. Without it, Build guesses from the history.
func WithBase(diffIDs []v1.Hash) Option {
	return func(o *options) error { o.baseDiffIDs = diffIDs; return nil }
}

// WithConfig is the image config FromFS gives the index (Env, User,
// History, ...); Build reads the image's own and ignores it.
func WithConfig(cfg *v1.ConfigFile) Option {
	return func(o *options) error { o.config = cfg; return nil }
}

// parses reports whether any want parses what it matches.
func (o *options) parses() bool {
	for i := range o.wants {
		if o.wants[i].parse != nil {
			return true
		}
	}
	return false
}
