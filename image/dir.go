package image

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/harden-dev/harden/internal/fstar"
)

// openDir presents an unpacked root filesystem as a one-layer image whose
// layer is a tar stream made on the fly. Symlinks are archived as links and
// never followed, so nothing outside the directory is read.
func (o *options) openDir(ref Reference) (*Image, error) {
	st, err := os.Stat(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, pathError(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", ref)
	}
	abs, err := filepath.Abs(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	l := &dirLayer{root: abs}
	img := &dirImage{layer: l, config: v1.ConfigFile{
		OS:           "linux",
		Architecture: runtime.GOARCH,
		RootFS:       v1.RootFS{Type: "layers"},
		Config:       v1.Config{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
		History:      []v1.History{{CreatedBy: "dir:" + abs, Comment: "unpacked root filesystem"}},
	}}
	return &Image{
		Image:  img,
		Ref:    ref,
		Source: "directory " + abs,
		layers: []v1.Layer{&rawLayer{Layer: l, open: l.Uncompressed, size: -1, mediaType: types.OCIUncompressedLayer}},
	}, nil
}

// dirLayer is a directory tree read as an uncompressed layer.
type dirLayer struct {
	root string

	once   sync.Once
	digest v1.Hash
	size   int64
	err    error
}

// Uncompressed streams the directory as a tar.
func (l *dirLayer) Uncompressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeDirTar(pw, l.root)) }()
	return pr, nil
}

// Compressed is the same stream: the layer claims an uncompressed media type.
func (l *dirLayer) Compressed() (io.ReadCloser, error) { return l.Uncompressed() }

// computed hashes the tar stream once; only writers of the image need it.
func (l *dirLayer) computed() (v1.Hash, int64, error) {
	l.once.Do(func() {
		rc, _ := l.Uncompressed()
		defer rc.Close()
		h := sha256.New()
		l.size, l.err = io.Copy(h, rc)
		l.digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	})
	return l.digest, l.size, l.err
}

func (l *dirLayer) Digest() (v1.Hash, error) { d, _, err := l.computed(); return d, err }
func (l *dirLayer) DiffID() (v1.Hash, error) { return l.Digest() }
func (l *dirLayer) Size() (int64, error)     { _, s, err := l.computed(); return s, err }
func (l *dirLayer) MediaType() (types.MediaType, error) {
	return types.OCIUncompressedLayer, nil
}

// writeDirTar writes root as a tar (see fstar.Write); symlinks are
// archived as links, never followed.
func writeDirTar(w io.Writer, root string) error { return fstar.Write(w, os.DirFS(root)) }

// dirImage is the one-layer image around a dirLayer. Only writers ask for
// digests, which hash the directory once.
type dirImage struct {
	layer  *dirLayer
	config v1.ConfigFile
}

func (i *dirImage) Layers() ([]v1.Layer, error)               { return []v1.Layer{i.layer}, nil }
func (i *dirImage) MediaType() (types.MediaType, error)       { return types.OCIManifestSchema1, nil }
func (i *dirImage) ConfigFile() (*v1.ConfigFile, error)       { c := i.config; return &c, nil }
func (i *dirImage) LayerByDigest(h v1.Hash) (v1.Layer, error) { return i.LayerByDiffID(h) }

func (i *dirImage) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	if d, err := i.layer.DiffID(); err == nil && d == h {
		return i.layer, nil
	}
	return nil, fmt.Errorf("no layer %s", h)
}

// fullConfig is the config with the layer's diff ID filled in.
func (i *dirImage) fullConfig() (*v1.ConfigFile, error) {
	d, err := i.layer.DiffID()
	if err != nil {
		return nil, err
	}
	c := i.config
	c.RootFS.DiffIDs = []v1.Hash{d}
	return &c, nil
}

func (i *dirImage) RawConfigFile() ([]byte, error) {
	c, err := i.fullConfig()
	if err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

func (i *dirImage) ConfigName() (v1.Hash, error) {
	b, err := i.RawConfigFile()
	if err != nil {
		return v1.Hash{}, err
	}
	h, _, err := v1.SHA256(bytes.NewReader(b))
	return h, err
}

func (i *dirImage) Manifest() (*v1.Manifest, error) {
	cfg, err := i.RawConfigFile()
	if err != nil {
		return nil, err
	}
	cfgName, err := i.ConfigName()
	if err != nil {
		return nil, err
	}
	d, size, err := i.layer.computed()
	if err != nil {
		return nil, err
	}
	return &v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(len(cfg)), Digest: cfgName},
		Layers:        []v1.Descriptor{{MediaType: types.OCIUncompressedLayer, Size: size, Digest: d}},
	}, nil
}

func (i *dirImage) RawManifest() ([]byte, error) {
	m, err := i.Manifest()
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

func (i *dirImage) Digest() (v1.Hash, error) {
	b, err := i.RawManifest()
	if err != nil {
		return v1.Hash{}, err
	}
	h, _, err := v1.SHA256(bytes.NewReader(b))
	return h, err
}

func (i *dirImage) Size() (int64, error) {
	b, err := i.RawManifest()
	return int64(len(b)), err
}

var (
	_ v1.Image = (*dirImage)(nil)
	_ v1.Layer = (*dirLayer)(nil)
)
