package fsindex

import "io/fs"

// Want asks the walker to keep the contents of some files, or (made by
// NewKey) a typed value parsed from them. Analyzers
// declare their wants before the walk; the walker never reads a layer twice.
type Want struct {
	// Name identifies the analyzer that asks, e.g. "sbom/dpkg".
	Name string
	// Match is asked once per regular file of every layer. It runs on the
	// walker's goroutines and must not keep the candidate.
	Match func(c *Candidate) bool
	// MaxSize skips larger files (they are listed in Index.Skipped); zero
	// means DefaultMaxFileSize.
	MaxSize int64
	// parse, set by NewKey, turns the content into a small value that is
	// kept instead of the bytes (an ELF summary, say). A Want without it
	// keeps the bytes (Index.Content).
	parse func(path string, data []byte) (any, error)
	// headOnly, set by NewHeadKey, gives parse the Candidate's head only:
	// the body is not read for it, whatever its size.
	headOnly bool

	// codec encodes parse's values for a Cache (set by NewKey, from the
	// key's type).
	codec valueCodec
}

// Candidate is a regular file as the walker meets it in a layer tar.
type Candidate struct {
	// Path is absolute and clean.
	Path string
	// Mode holds permission bits and setuid/setgid/sticky; Size the length.
	Mode fs.FileMode
	Size int64
	// Head is the file's first bytes: at most HeadSize, fewer for small files.
	Head []byte
}

// MatchPath makes a Match function from a path predicate.
func MatchPath(f func(path string) bool) func(*Candidate) bool {
	return func(c *Candidate) bool { return f(c.Path) }
}

func (w *Want) maxSize() int64 {
	if w.MaxSize > 0 {
		return w.MaxSize
	}
	return DefaultMaxFileSize
}

// Skipped is a file a want matched but that was not kept.
type Skipped struct {
	Path   string `json:"path"`
	Want   string `json:"want"`
	Size   int64  `json:"size"`
	Reason string `json:"reason"`
}
