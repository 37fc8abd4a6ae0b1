package fsindex

import (
	"fmt"
	"sort"
)

// Key names a typed fact the walk computes from the files it matches: an
// ELF summary, a parsed package database, an account file. The walk runs
// parse once per matching file (in the one pass over the layers) and keeps
// the value instead of the bytes; Get and All read it back with its type.
//
// Values must stay plain data (exported fields, no funcs, no pointers to
// shared state) so that a cache can encode them (gob or JSON).
type Key[T any] struct {
	want Want
}

// NewKey declares a fact. name must be unique among the wants of one walk
// ("facts/dpkg-status", "minify/python"); match selects the files; maxSize
// bounds the files read (0: DefaultMaxFileSize); parse turns one file into
// its value. parse runs on the walker's goroutines, may be called for files
// a higher layer later replaces, and must not keep data.
func NewKey[T any](name string, maxSize int64, match func(*Candidate) bool, parse func(path string, data []byte) (T, error)) Key[T] {
	return Key[T]{want: Want{
		Name:    name,
		Match:   match,
		MaxSize: maxSize,
		parse: func(p string, data []byte) (any, error) {
			v, err := parse(p, data)
			if err != nil {
				return nil, err
			}
			return v, nil
		},
		codec: typedCodec[T]{},
	}}
}

// NewHeadKey declares a fact that the first HeadSize bytes of a file
// decide (a shebang line, a magic number): parse gets the head only, the
// walk reads no body for it, and files of any size are parsed.
func NewHeadKey[T any](name string, match func(*Candidate) bool, parse func(path string, head []byte) (T, error)) Key[T] {
	k := NewKey(name, 0, match, parse)
	k.want.headOnly = true
	return k
}

// Name returns the key's want name.
func (k Key[T]) Name() string { return k.want.Name }

// Want returns the want the walk must run to compute the key; pass it to
// WithWants (or list it in an analyzer's Wants).
func (k Key[T]) Want() Want { return k.want }

// Get returns the value the key's parse made of the file at p. Hardlinks
// return their target's value. It reports false when the walk did not
// parse p for this key (no match, too large, parse error: see
// Index.Skipped).
func Get[T any](x *Index, k Key[T], p string) (T, bool) {
	var zero T
	v, ok := x.parsedAt(k.want.Name, p)
	if !ok {
		return zero, false
	}
	t, ok := v.(T)
	if !ok {
		// Two keys of different types under one name: a programming error.
		panic(fmt.Sprintf("fsindex: key %s holds a %T, not a %T", k.want.Name, v, zero))
	}
	return t, true
}

// All returns every value the key's parse made, by path.
func All[T any](x *Index, k Key[T]) map[string]T {
	m := x.parsed[k.want.Name]
	out := make(map[string]T, len(m))
	for p := range m {
		out[p], _ = Get(x, k, p)
	}
	return out
}

// Paths returns the paths the key has a value for, sorted.
func Paths[T any](x *Index, k Key[T]) []string {
	m := x.parsed[k.want.Name]
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
