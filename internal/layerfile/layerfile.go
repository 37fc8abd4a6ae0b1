// Package layerfile writes an image layer once: the tar goes through gzip
// into a file (or memory) while its diff ID and digest are computed, so the
// layer never has to be read again to be described. base and minify build
// their layers with it.
package layerfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// Level is the gzip level: 6, gzip's default, a good trade of size for
// speed (the best compression takes about four times as long for 2 %).
const Level = 6

// Writer compresses a layer tar and hashes both streams on the way.
type Writer struct {
	f       *os.File
	buf     *bytes.Buffer
	gz      *gzip.Writer
	tarHash hash.Hash
	gzHash  hash.Hash
	tarN    int64
	gzN     int64
}

// Create writes the layer into a new temp file in dir (named by pattern,
// as os.CreateTemp takes it), or into memory when dir is "".
func Create(dir, pattern string) (*Writer, error) {
	if dir == "" {
		return newWriter(nil, &bytes.Buffer{})
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("creating layer file: %w", err)
	}
	return newWriter(f, nil)
}

// NewFile writes the layer into f, which the caller created.
func NewFile(f *os.File) (*Writer, error) { return newWriter(f, nil) }

func newWriter(f *os.File, buf *bytes.Buffer) (*Writer, error) {
	w := &Writer{f: f, buf: buf, tarHash: sha256.New(), gzHash: sha256.New()}
	var sink io.Writer = buf
	if f != nil {
		sink = f
	}
	gz, err := gzip.NewWriterLevel(io.MultiWriter(sink, w.gzHash, counter{&w.gzN}), Level)
	if err != nil {
		return nil, err
	}
	w.gz = gz
	return w, nil
}

type counter struct{ n *int64 }

func (c counter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

// Write takes the next bytes of the layer tar.
func (w *Writer) Write(p []byte) (int, error) {
	w.tarHash.Write(p)
	w.tarN += int64(len(p))
	return w.gz.Write(p)
}

// Abort drops the layer: the gzip stream is closed and the file removed.
func (w *Writer) Abort() {
	w.gz.Close()
	if w.f != nil {
		w.f.Close()
		os.Remove(w.f.Name())
	}
}

// Close ends the gzip stream and returns the layer.
func (w *Writer) Close() (*Layer, error) {
	if err := w.gz.Close(); err != nil {
		w.Abort()
		return nil, fmt.Errorf("compressing layer: %w", err)
	}
	l := &Layer{
		digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(w.gzHash.Sum(nil))},
		diffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(w.tarHash.Sum(nil))},
		size:   w.gzN,
		usize:  w.tarN,
	}
	if w.f != nil {
		if err := w.f.Close(); err != nil {
			os.Remove(w.f.Name())
			return nil, fmt.Errorf("writing layer: %w", err)
		}
		l.Path = w.f.Name()
	} else {
		l.data = w.buf.Bytes()
	}
	return l, nil
}

// Layer is a gzip layer written once. Its file, if any, belongs to the
// caller, who removes it when the image has been written.
type Layer struct {
	// Path is the layer file ("" for a layer in memory).
	Path           string
	data           []byte
	digest, diffID v1.Hash
	size, usize    int64
}

var (
	_ partial.CompressedLayer = (*Layer)(nil)
	_ partial.WithDiffID      = (*Layer)(nil)
)

// Digest is the SHA-256 of the compressed bytes.
func (l *Layer) Digest() (v1.Hash, error) { return l.digest, nil }

// DiffID is the SHA-256 of the tar.
func (l *Layer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// Size is the compressed size.
func (l *Layer) Size() (int64, error) { return l.size, nil }

// UncompressedSize is the size of the tar.
func (l *Layer) UncompressedSize() int64 { return l.usize }

// MediaType is the Docker gzip layer type (OCI writers convert it).
func (l *Layer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

// Compressed returns the stored bytes.
func (l *Layer) Compressed() (io.ReadCloser, error) {
	if l.Path != "" {
		return os.Open(l.Path)
	}
	return io.NopCloser(bytes.NewReader(l.data)), nil
}

// V1 is the layer as a go-containerregistry v1.Layer.
func (l *Layer) V1() (v1.Layer, error) { return partial.CompressedToLayer(l) }
