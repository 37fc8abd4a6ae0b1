package fsindex

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// rawStreamer is implemented by layers that know the cheapest way to read
// their stored bytes (harden's image package wraps every layer with one).
type rawStreamer interface {
	RawStream() (io.ReadCloser, int64, error)
}

// openRaw returns a layer's stored bytes and their size (-1 if unknown).
// Layers of other origins are read through Uncompressed, which never
// recompresses.
func openRaw(l v1.Layer) (io.ReadCloser, int64, error) {
	if r, ok := l.(rawStreamer); ok {
		return r.RawStream()
	}
	rc, err := l.Uncompressed()
	return rc, -1, err
}

// rawSize is the stored size of a layer without reading it, or -1.
func rawSize(l v1.Layer) int64 {
	if r, ok := l.(interface{ RawSize() int64 }); ok {
		return r.RawSize()
	}
	return -1
}

// countingReader counts bytes, reports them to a Progress, and stops when
// the context is done.
type countingReader struct {
	r   io.Reader
	p   Progress
	ctx context.Context
	n   int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	if c.ctx != nil {
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
	}
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.p != nil && n > 0 {
		c.p.Add(int64(n))
	}
	return n, err
}

// tarStream is a layer's uncompressed tar as the tar reader reads it. It
// counts the bytes, and its Seek lets archive/tar skip the bodies of files
// nobody wants as a bufio discard, so those bytes (still hashed upstream)
// are not copied out once more through io.Discard.
type tarStream struct {
	br *bufio.Reader
	n  int64
}

func (t *tarStream) Read(p []byte) (int, error) {
	n, err := t.br.Read(p)
	t.n += int64(n)
	return n, err
}

// Seek moves forward only (io.SeekCurrent, offset >= 0), which is all
// archive/tar asks of it. A stream that ends early is io.ErrUnexpectedEOF:
// archive/tar passes a Seek error on unchanged, and a bare io.EOF would read
// as a clean end of the archive.
func (t *tarStream) Seek(offset int64, whence int) (int64, error) {
	if whence != io.SeekCurrent || offset < 0 {
		return t.n, errors.New("tar stream: only forward seeks")
	}
	for offset > 0 {
		step := int(min(offset, 1<<30))
		d, err := t.br.Discard(step)
		t.n += int64(d)
		offset -= int64(d)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return t.n, err
		}
	}
	return t.n, nil
}

// layerStream is a layer's tar stream: decompressed, counted and hashed, so
// its digests can be checked once it has been read to the end.
type layerStream struct {
	raw        io.ReadCloser
	closers    []func()
	tar        *tarStream     // the uncompressed tar bytes
	diffHash   *hashingReader // nil when digests are not checked
	rawHash    *hashingReader // nil when the blob is not compressed or digests are not checked
	compressed bool
}

// openLayerStream opens layer l for one sequential read. With verify, the
// compressed and uncompressed bytes are hashed on the way for finish.
func openLayerStream(ctx context.Context, l v1.Layer, progress Progress, verify bool) (*layerStream, error) {
	raw, _, err := openRaw(l)
	if err != nil {
		return nil, fmt.Errorf("opening: %w", err)
	}
	s := &layerStream{raw: raw}
	counted := &countingReader{r: raw, p: progress, ctx: ctx}
	br := bufio.NewReaderSize(counted, hashChunk)
	magic, _ := br.Peek(4)
	var src io.Reader = br
	hashed := func(r io.Reader) (*hashingReader, io.Reader) {
		if !verify {
			return nil, r
		}
		h := newHashingReader(r, sha256.New())
		s.closers = append(s.closers, h.stop)
		return h, h
	}
	var compressed io.Reader
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		s.compressed = true
		s.rawHash, compressed = hashed(br)
		zr, err := gzip.NewReader(compressed)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("bad gzip stream: %w", err)
		}
		s.closers = append(s.closers, func() { zr.Close() })
		src = zr
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		s.compressed = true
		s.rawHash, compressed = hashed(br)
		zr, err := zstd.NewReader(compressed, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("bad zstd stream: %w", err)
		}
		s.closers = append(s.closers, zr.Close)
		src = zr
	}
	s.diffHash, src = hashed(src)
	s.tar = &tarStream{br: bufio.NewReaderSize(src, hashChunk)}
	return s, nil
}

// finish drains what follows the tar end, so the digests cover the whole
// blob, and checks them: the uncompressed digest against the config's
// diff_id, the stored digest against the manifest's.
func (s *layerStream) finish(l v1.Layer, wantDiffID v1.Hash) error {
	if _, err := io.Copy(io.Discard, s.tar); err != nil {
		return fmt.Errorf("reading layer end: %w", decompressError(err))
	}
	if s.diffHash == nil {
		return nil
	}
	if wantDiffID.Hex != "" && wantDiffID.Algorithm == "sha256" {
		got := "sha256:" + hex.EncodeToString(s.diffHash.Sum())
		if got != wantDiffID.String() {
			return fmt.Errorf("content digest %s does not match the diff_id %s in the image config (corrupt or tampered layer)", got, wantDiffID)
		}
	}
	if s.rawHash != nil {
		if d, _ := storedDigest(l); d.Algorithm == "sha256" {
			got := "sha256:" + hex.EncodeToString(s.rawHash.Sum())
			if got != d.String() {
				return fmt.Errorf("blob digest %s does not match the manifest digest %s (corrupt or tampered layer)", got, d)
			}
		}
	}
	return nil
}

// Close stops the hashing goroutines and closes the decompressor and blob.
func (s *layerStream) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.raw.Close()
}

// decompressError names a decompression failure as such.
func decompressError(err error) error {
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("bad gzip stream: %w", err)
	}
	return err
}
