package image

import (
	"errors"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image is an opened image: a v1.Image plus where it came from. Close it to
// remove the spool files some sources need.
type Image struct {
	v1.Image
	// Ref is the reference with its transport resolved (never Auto).
	Ref Reference
	// Tags are the names the source knows the image by (repo tags in an
	// archive or the engine, the reference for a registry).
	Tags []string
	// Source says in words how the image was read, for --debug.
	Source string

	layers  []v1.Layer
	cleanup []func() error
}

// Layers returns the image's layers wrapped so that RawStream hands out the
// bytes as stored, without the recompression go-containerregistry does when
// Compressed is called on an uncompressed archive.
func (i *Image) Layers() ([]v1.Layer, error) {
	if i.layers != nil {
		return i.layers, nil
	}
	return i.Image.Layers()
}

// Close removes temporary files made while opening the image.
func (i *Image) Close() error {
	var errs []error
	for j := len(i.cleanup) - 1; j >= 0; j-- {
		errs = append(errs, i.cleanup[j]())
	}
	i.cleanup = nil
	return errors.Join(errs...)
}

// rawLayer is a layer that knows the cheapest way to read its stored bytes,
// and its stored digest without computing one.
type rawLayer struct {
	v1.Layer
	open      func() (io.ReadCloser, error)
	size      int64
	digest    v1.Hash
	mediaType types.MediaType
}

// StoredDigest returns the digest and media type of the blob as stored,
// known without reading it (zero when the source does not say).
func (l *rawLayer) StoredDigest() (v1.Hash, types.MediaType) { return l.digest, l.mediaType }

// RawStream returns the layer blob as stored (gzip, zstd or plain tar) and
// its size, or -1 when the size is not known without reading.
func (l *rawLayer) RawStream() (io.ReadCloser, int64, error) {
	rc, err := l.open()
	return rc, l.size, err
}

// RawSize is the stored size, or -1 when it is not known without reading.
func (l *rawLayer) RawSize() int64 { return l.size }

// wrapCompressed wraps layers whose Compressed stream is their stored form
// (registry, OCI layout, compressed archives).
func wrapCompressed(ls []v1.Layer) []v1.Layer {
	out := make([]v1.Layer, len(ls))
	for i, l := range ls {
		size, err := l.Size()
		if err != nil {
			size = -1
		}
		d, _ := l.Digest()
		mt, _ := l.MediaType()
		out[i] = &rawLayer{Layer: l, open: l.Compressed, size: size, digest: d, mediaType: mt}
	}
	return out
}
