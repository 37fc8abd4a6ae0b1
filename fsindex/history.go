package fsindex

import (
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Origin says whether a layer comes from the base image or from the user's
// own build steps.
type Origin string

// The origins a layer can have. Unknown when the history does not tell.
const (
	OriginUnknown Origin = ""
	OriginBase    Origin = "base"
	OriginOwn     Origin = "own"
)

// ChangeKind says what a layer did to a path.
type ChangeKind uint8

// The changes a layer entry can make.
const (
	Added     ChangeKind = iota + 1 // the path did not exist below
	Modified                        // the path existed below and was rewritten
	Removed                         // a whiteout removed the path
	OpaqueDir                       // an opaque marker hid the directory's lower contents
)

var changeNames = map[ChangeKind]string{Added: "added", Modified: "modified", Removed: "removed", OpaqueDir: "opaque"}

// String names the change.
func (k ChangeKind) String() string { return changeNames[k] }

// MarshalText writes the change's name.
func (k ChangeKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Change is one entry of a layer tar, in the order the tar lists them.
type Change struct {
	Path string
	Kind ChangeKind
	Type Type  // for Added and Modified
	Size int64 // content size of a regular file
}

// Layer describes one layer of the image.
type Layer struct {
	Index int
	// DiffID is the digest of the uncompressed tar (from the config);
	// Digest the digest of the stored blob (from the manifest), when known.
	DiffID    v1.Hash
	Digest    v1.Hash
	MediaType types.MediaType
	// Compressed tells whether the stored blob is gzip or zstd.
	Compressed bool
	// Size is the stored size (-1 when unknown); UncompressedSize the tar's.
	Size             int64
	UncompressedSize int64
	// CreatedBy, Comment and Created come from the history entry of the layer.
	CreatedBy string
	Comment   string
	Created   time.Time
	// Origin tells base-image layers from the user's own, where it can be told.
	Origin Origin
	// Changes lists the layer's tar entries.
	Changes []Change
	// Counts of non-directory paths the layer added, modified and removed,
	// and the regular-file bytes involved.
	Added, Modified, Removed                int
	AddedBytes, ModifiedBytes, RemovedBytes int64
	// FileBytes sums the sizes of the regular files in the layer tar.
	FileBytes int64
}

// Instruction returns the layer's build instruction without the shell
// prefix Docker's legacy builder adds, e.g. "RUN npm install". A layer
// without created_by (docker import) shows its history comment.
func (l *Layer) Instruction() string {
	if l.CreatedBy == "" && l.Comment != "" {
		return "(" + l.Comment + ")"
	}
	return Instruction(l.CreatedBy)
}

// Instruction turns a history created_by into the Dockerfile instruction.
func Instruction(createdBy string) string {
	s := strings.TrimSpace(createdBy)
	s = strings.TrimPrefix(s, "|")
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && s[i] == ' ' {
		// BuildKit writes "|2 ARG=a ARG2=b /bin/sh -c ..." for build args
		fields := strings.Fields(s)
		n := 0
		for _, f := range fields[1:] {
			if !strings.Contains(f, "=") {
				break
			}
			n++
		}
		s = strings.Join(fields[1+n:], " ")
	}
	for _, p := range []string{"/bin/sh -c #(nop) ", "/bin/sh -c #(nop)"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return strings.TrimSpace(rest)
		}
	}
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c "); ok {
		return "RUN " + strings.TrimSpace(rest)
	}
	if rest, ok := strings.CutSuffix(s, " # buildkit"); ok {
		return strings.TrimSpace(rest)
	}
	return s
}

// layerHistory pairs each layer with its history entry: history entries
// marked empty_layer made no layer. Missing entries stay zero.
func layerHistory(cfg *v1.ConfigFile, n int) []v1.History {
	out := make([]v1.History, n)
	if cfg == nil {
		return out
	}
	i := 0
	for _, h := range cfg.History {
		if h.EmptyLayer {
			continue
		}
		if i >= n {
			break
		}
		out[i] = h
		i++
	}
	return out
}

// guessOrigins marks base-image layers. BuildKit and the legacy builder do
// not record where the base ends, so this uses Trivy's heuristic: skip the
// metadata-only steps at the end of the history; the last CMD or ENTRYPOINT
// before them closed the base image, so every layer above it is the base's.
// When no such step exists but the first layer is a root filesystem import
// (ADD file:… in /, or "Imported from") followed by more layers, that first
// layer is the base. Otherwise origins stay unknown.
func guessOrigins(cfg *v1.ConfigFile, layers []Layer) {
	if cfg == nil || len(layers) == 0 {
		return
	}
	hist := cfg.History
	end := len(hist) - 1
	for end >= 0 && hist[end].EmptyLayer {
		end--
	}
	base := -1 // number of layers in the base
	layer := 0
	for i := 0; i <= end; i++ {
		h := hist[i]
		if !h.EmptyLayer {
			layer++
			continue
		}
		ins := Instruction(h.CreatedBy)
		if strings.HasPrefix(ins, "CMD") || strings.HasPrefix(ins, "ENTRYPOINT") {
			base = layer
		}
	}
	if base <= 0 {
		first := Instruction(layers[0].CreatedBy)
		rootfs := strings.HasPrefix(first, "ADD file:") && strings.HasSuffix(first, " in / ") ||
			strings.HasPrefix(first, "ADD file:") && strings.HasSuffix(first, " in /") ||
			strings.HasPrefix(layers[0].Comment, "Imported from") ||
			strings.HasPrefix(first, "ADD rootfs")
		if rootfs && len(layers) > 1 {
			base = 1
		}
	}
	if base <= 0 || base >= len(layers)+1 {
		return
	}
	for i := range layers {
		if i < base {
			layers[i].Origin = OriginBase
		} else {
			layers[i].Origin = OriginOwn
		}
	}
}
