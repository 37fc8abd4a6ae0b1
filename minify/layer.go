package minify

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

// builtLayer is a gzip layer written once, with its digests computed on the
// way; its bytes are in a file or in memory.
type builtLayer struct {
	digest, diffID v1.Hash
	size           int64
	file           string
	data           []byte
}

var _ partial.CompressedLayer = (*builtLayer)(nil)

// Digest is the SHA-256 of the compressed bytes.
func (l *builtLayer) Digest() (v1.Hash, error) { return l.digest, nil }

// DiffID is the SHA-256 of the tar.
func (l *builtLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// Size is the compressed size.
func (l *builtLayer) Size() (int64, error) { return l.size, nil }

// MediaType is the Docker gzip layer type.
func (l *builtLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

// Compressed returns the stored bytes.
func (l *builtLayer) Compressed() (io.ReadCloser, error) {
	if l.file != "" {
		return os.Open(l.file)
	}
	return io.NopCloser(bytes.NewReader(l.data)), nil
}

// layerOut receives a layer tar, compresses it and hashes both streams.
type layerOut struct {
	f       *os.File
	buf     *bytes.Buffer
	gz      *gzip.Writer
	tarHash hash.Hash
	gzHash  hash.Hash
	gzN     int64
}

func newLayerOut(dir string) (*layerOut, error) {
	lo := &layerOut{tarHash: sha256.New(), gzHash: sha256.New()}
	var sink io.Writer
	if dir != "" {
		f, err := os.CreateTemp(dir, "layer-*.tar.gz")
		if err != nil {
			return nil, fmt.Errorf("creating layer file: %w", err)
		}
		lo.f, sink = f, f
	} else {
		lo.buf = &bytes.Buffer{}
		sink = lo.buf
	}
	gz, err := gzip.NewWriterLevel(io.MultiWriter(sink, lo.gzHash, countWriter{&lo.gzN}), gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	lo.gz = gz
	return lo, nil
}

type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

func (lo *layerOut) Write(p []byte) (int, error) {
	lo.tarHash.Write(p)
	return lo.gz.Write(p)
}

func (lo *layerOut) abort() {
	lo.gz.Close()
	if lo.f != nil {
		lo.f.Close()
		os.Remove(lo.f.Name())
	}
}

// finish closes the gzip stream and returns the layer.
func (lo *layerOut) finish() (v1.Layer, error) {
	if err := lo.gz.Close(); err != nil {
		lo.abort()
		return nil, fmt.Errorf("compressing layer: %w", err)
	}
	l := &builtLayer{
		digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(lo.gzHash.Sum(nil))},
		diffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(lo.tarHash.Sum(nil))},
		size:   lo.gzN,
	}
	if lo.f != nil {
		if err := lo.f.Close(); err != nil {
			return nil, fmt.Errorf("writing layer: %w", err)
		}
		l.file = lo.f.Name()
	} else {
		l.data = lo.buf.Bytes()
	}
	return partial.CompressedToLayer(l)
}
