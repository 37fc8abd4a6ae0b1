package fsindex

// Want asks the walker to keep the contents of some files. Analyzers
// declare their wants before the walk; the walker never reads a layer twice.
type Want struct {
	// Name identifies the analyzer that asks, e.g. "sbom/dpkg".
	Name string
	// Match is asked once per regular file with its path and its first
	// bytes (at most HeadSize; fewer for small files). It runs on the
	// walker's goroutines and must not keep head.
	Match func(path string, head []byte) bool
	// MaxSize skips larger files (they are listed in Index.Skipped); zero
	// means DefaultMaxFileSize.
	MaxSize int64
	// Parse, when set, turns the content into a small value that is kept
	// instead of the bytes (an ELF summary, say). It runs on the walker's
	// goroutines, may be called for files a higher layer later replaces,
	// and must not keep data.
	Parse func(path string, data []byte) (any, error)
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
