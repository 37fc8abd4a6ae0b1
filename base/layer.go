package base

import (
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

// layerGzipLevel is the compression of the layer: level 6, gzip's default,
// a good trade of size for speed (BestCompression takes ~4x the time for ~2%).
const layerGzipLevel = 6

// fileLayer is a gzip-compressed layer kept in a file, with its digest and
// diff ID computed once while it was written.
type fileLayer struct {
	path           string
	digest, diffID v1.Hash
	size, usize    int64
}

var (
	_ partial.CompressedLayer = (*fileLayer)(nil)
	_ partial.WithDiffID      = (*fileLayer)(nil)
)

// Digest is the SHA256 of the compressed bytes.
func (l *fileLayer) Digest() (v1.Hash, error) { return l.digest, nil }

// DiffID is the SHA256 of the uncompressed tar.
func (l *fileLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// Compressed opens the layer file.
func (l *fileLayer) Compressed() (io.ReadCloser, error) { return os.Open(l.path) }

// Size is the compressed size.
func (l *fileLayer) Size() (int64, error) { return l.size, nil }

// MediaType is the Docker gzip layer type (OCI writers convert it).
func (l *fileLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

// layerWriter is where the assembler writes the tar: it counts and hashes
// the tar and the gzip stream on their way to the file.
type layerWriter struct {
	f       *os.File
	gz      *gzip.Writer
	tarHash hash.Hash
	gzHash  hash.Hash
	tarN    int64
	gzN     countWriter
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newLayerWriter(f *os.File) (*layerWriter, error) {
	lw := &layerWriter{f: f, tarHash: sha256.New(), gzHash: sha256.New()}
	lw.gzN = countWriter{w: io.MultiWriter(f, lw.gzHash)}
	gz, err := gzip.NewWriterLevel(&lw.gzN, layerGzipLevel)
	if err != nil {
		return nil, err
	}
	lw.gz = gz
	return lw, nil
}

func (lw *layerWriter) Write(p []byte) (int, error) {
	lw.tarHash.Write(p)
	lw.tarN += int64(len(p))
	return lw.gz.Write(p)
}

// close ends the gzip stream and returns the layer.
func (lw *layerWriter) close() (*fileLayer, error) {
	if err := lw.gz.Close(); err != nil {
		return nil, fmt.Errorf("compressing layer: %w", err)
	}
	if err := lw.f.Close(); err != nil {
		return nil, fmt.Errorf("writing layer: %w", err)
	}
	return &fileLayer{
		path:   lw.f.Name(),
		digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(lw.gzHash.Sum(nil))},
		diffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(lw.tarHash.Sum(nil))},
		size:   lw.gzN.n,
		usize:  lw.tarN,
	}, nil
}
