package layerfile

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func tarOf(t *testing.T) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "a.txt", Mode: 0o644, Size: 5})
	tw.Write([]byte("hello"))
	tw.Close()
	return buf.Bytes()
}

func TestLayerInFileAndMemory(t *testing.T) {
	data := tarOf(t)
	sum := sha256.Sum256(data)
	for _, dir := range []string{"", t.TempDir()} {
		w, err := Create(dir, "layer-*.tar.gz")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		l, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := l.DiffID(); d.Hex != hex.EncodeToString(sum[:]) || l.UncompressedSize() != int64(len(data)) {
			t.Errorf("dir %q: diff ID %s, size %d; want the tar's", dir, d, l.UncompressedSize())
		}
		rc, _ := l.Compressed()
		gz, _ := io.ReadAll(rc)
		rc.Close()
		gsum := sha256.Sum256(gz)
		if d, _ := l.Digest(); d.Hex != hex.EncodeToString(gsum[:]) {
			t.Errorf("dir %q: digest does not match the stored bytes", dir)
		}
		v, err := l.V1()
		if err != nil {
			t.Fatal(err)
		}
		img, err := mutate.AppendLayers(empty.Image, v)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Image(img); err != nil {
			t.Errorf("dir %q: %v", dir, err)
		}
		if (dir == "") != (l.Path == "") {
			t.Errorf("dir %q: path %q", dir, l.Path)
		}
	}
}

func TestAbortRemovesTheFile(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "layer-*.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("partial"))
	w.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("abort left %d files", len(entries))
	}
}
