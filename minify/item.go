package minify

import (
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Reason says why a path is in the new image: the rule that kept it and
// what asked for it.
type Reason struct {
	// Rule is a stable name: entrypoint, elf-needed, profile/node, ...
	Rule string `json:"rule"`
	// Why says what asked, e.g. "libc.so.6, needed by /usr/bin/node".
	Why string `json:"why"`
}

// String is "rule: why".
func (r Reason) String() string { return r.Rule + ": " + r.Why }

// Item is one path of the new filesystem.
type Item struct {
	// Path is absolute and clean.
	Path string `json:"path"`
	// Type, Mode and owner are what the new image gets: modes come from the
	// original without setuid/setgid, owners are fixed (root, except the
	// nonroot home).
	Type fsindex.Type `json:"type"`
	Mode fs.FileMode  `json:"-"`
	UID  int          `json:"uid"`
	GID  int          `json:"gid"`
	// Link is a symlink's target as written, or a hardlink's target path.
	Link string `json:"link,omitempty"`
	// Size is the content size of a regular file.
	Size int64 `json:"size"`
	// Source is the original entry the item is copied from; nil for files
	// harden writes (passwd, package metadata, the probe).
	Source *fsindex.Entry `json:"-"`
	// Data is the content of a generated file.
	Data []byte `json:"-"`
	// App marks the app's files (the second layer with LayersApp).
	App bool `json:"app,omitempty"`
	// Reasons lists every rule that kept the path, the first one first.
	Reasons []Reason `json:"reasons"`

	open      func() (io.ReadCloser, error) // content of a generated binary
	md5sumsOf string                        // the package whose md5sums this file lists
}

// Generated reports whether harden wrote the item rather than copying it.
func (it *Item) Generated() bool { return it.Source == nil }

func (it *Item) addReason(r Reason) {
	for _, old := range it.Reasons {
		if old == r {
			return
		}
	}
	if len(it.Reasons) < 8 {
		it.Reasons = append(it.Reasons, r)
	}
}

// matchGlob reports whether p matches pattern: path.Match per component,
// "**" matching any number of components. A pattern naming a directory
// matches everything below it too.
func matchGlob(pattern, p string) bool {
	pp := strings.Split(strings.Trim(pattern, "/"), "/")
	ps := strings.Split(strings.Trim(p, "/"), "/")
	if p == "/" {
		ps = nil
	}
	return matchParts(pp, ps, true)
}

func matchParts(pat, parts []string, prefixOK bool) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			if len(pat) == 1 {
				return true
			}
			for i := 0; i <= len(parts); i++ {
				if matchParts(pat[1:], parts[i:], prefixOK) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	return len(parts) == 0 || prefixOK
}
