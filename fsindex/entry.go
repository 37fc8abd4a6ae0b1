package fsindex

import (
	"fmt"
	"io/fs"
	"time"
)

// Type is the kind of a filesystem entry.
type Type uint8

// The entry types a layer tar can hold.
const (
	TypeRegular Type = iota + 1
	TypeDir
	TypeSymlink
	TypeHardlink
	TypeChar
	TypeBlock
	TypeFIFO
)

var typeNames = map[Type]string{
	TypeRegular: "file", TypeDir: "dir", TypeSymlink: "symlink", TypeHardlink: "hardlink",
	TypeChar: "char", TypeBlock: "block", TypeFIFO: "fifo",
}

// String names the type as harden's JSON output does.
func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return "unknown"
}

// MarshalText writes the type's name.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a name MarshalText wrote.
func (t *Type) UnmarshalText(b []byte) error {
	for ty, name := range typeNames {
		if name == string(b) {
			*t = ty
			return nil
		}
	}
	return fmt.Errorf("unknown entry type %q", b)
}

// Entry is one path of the squashed filesystem.
type Entry struct {
	// Path is absolute and clean: "/usr/bin/node".
	Path string
	Type Type
	// Mode holds the permission bits plus fs.ModeSetuid, fs.ModeSetgid and
	// fs.ModeSticky. The type is in Type, not in Mode.
	Mode     fs.FileMode
	UID, GID int
	// Size is the content size of a regular file (0 for other types).
	Size int64
	// Link is a symlink's target as written in the layer, or a hardlink's
	// target as an absolute clean path.
	Link    string
	ModTime time.Time
	// Layer is the index of the layer that wrote the visible version.
	Layer int
	// Added is the layer that created the path (since it was last removed);
	// Modified lists later layers that rewrote it, in order.
	Added    int
	Modified []int
	// Xattrs holds extended attributes from PAX headers (security.capability).
	Xattrs map[string]string
	// implicit marks a parent directory no layer listed.
	implicit bool
}

// IsDir reports whether the entry is a directory.
func (e *Entry) IsDir() bool { return e.Type == TypeDir }

// IsRegular reports whether the entry is a regular file (hardlinks are
// reported separately: see Index.Target).
func (e *Entry) IsRegular() bool { return e.Type == TypeRegular }

// IsExecutable reports whether the entry is a regular file or hardlink with
// an execute bit.
func (e *Entry) IsExecutable() bool {
	return (e.Type == TypeRegular || e.Type == TypeHardlink) && e.Mode&0o111 != 0
}

// Implicit reports whether the entry is a parent directory that no layer
// listed (it gets mode 0755, owner root).
func (e *Entry) Implicit() bool { return e.implicit }

// Removal records a path that a whiteout, an opaque directory or a
// replacement took out of the filesystem.
type Removal struct {
	Path string
	Type Type
	Size int64
	// Layer wrote the removed version; RemovedIn is the layer that removed it.
	Layer     int
	RemovedIn int
}

// Anomaly is something suspicious in a layer: a path that tried to leave the
// root, a hardlink to nothing, an entry through a non-directory. The walker
// records it and goes on without letting it take effect outside the root.
type Anomaly struct {
	Layer   int    `json:"layer"`
	Name    string `json:"name"`
	Problem string `json:"problem"`
}
