package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Magic numbers of the compressions an archive or a layer may use.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// maxMetadataSize bounds the JSON files read from an archive (manifest.json,
// index.json, configs): real ones are kilobytes.
const maxMetadataSize = 16 << 20

// archiveMember is what a scan of an archive's tar headers records.
type archiveMember struct {
	size int64
	typ  byte
}

// archiveInfo is the result of scanning an image archive once.
type archiveInfo struct {
	members  map[string]archiveMember
	manifest []byte // manifest.json, when present
}

func (a *archiveInfo) has(name string) bool { _, ok := a.members[name]; return ok }

// scanArchive lists the members of a tar file and reads manifest.json. It
// fails on anything that is not a readable tar, with the cause.
func scanArchive(p string) (*archiveInfo, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info := &archiveInfo{members: map[string]archiveMember{}}
	tr := tar.NewReader(f)
	n := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if n == 0 {
				return nil, fmt.Errorf("not a tar archive: %w", err)
			}
			return nil, fmt.Errorf("corrupt or truncated tar archive after %d entries: %w", n, err)
		}
		n++
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		info.members[name] = archiveMember{size: h.Size, typ: h.Typeflag}
		if name == "manifest.json" {
			if h.Size > maxMetadataSize {
				return nil, fmt.Errorf("manifest.json is %d bytes, more than the %d allowed", h.Size, maxMetadataSize)
			}
			if info.manifest, err = io.ReadAll(tr); err != nil {
				return nil, fmt.Errorf("reading manifest.json: %w", err)
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("not a tar archive: it has no entries")
	}
	return info, nil
}

// sniff returns the first bytes of a file.
func sniff(p string, n int) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:m], nil
}

// decompressArchive spools a gzip- or zstd-compressed archive into an
// uncompressed temp file, since reading an image needs random access. It
// returns the path to read and whether it made a temp file.
func (o *options) decompressArchive(p string) (string, bool, error) {
	head, err := sniff(p, 4)
	if err != nil {
		return "", false, err
	}
	var open func(io.Reader) (io.Reader, error)
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		open = func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }
	case bytes.HasPrefix(head, zstdMagic):
		open = func(r io.Reader) (io.Reader, error) {
			d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
			if err != nil {
				return nil, err
			}
			return d.IOReadCloser(), nil
		}
	default:
		return p, false, nil
	}
	src, err := os.Open(p)
	if err != nil {
		return "", false, err
	}
	defer src.Close()
	zr, err := open(bufio.NewReaderSize(src, 1<<20))
	if err != nil {
		return "", false, fmt.Errorf("bad compressed archive: %w", err)
	}
	tmp, err := os.CreateTemp(o.tempDir, "harden-archive-*.tar")
	if err != nil {
		return "", false, fmt.Errorf("spooling archive: %w", err)
	}
	o.log.Debug("decompressing archive to a spool file", "archive", p, "spool", tmp.Name())
	if _, err := io.Copy(tmp, zr); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", false, fmt.Errorf("bad compressed archive: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", false, err
	}
	return tmp.Name(), true, nil
}

// dockerManifest is one entry of a `docker save` manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// openArchive opens a `docker save` tarball (plain, gzip or zstd). An archive
// that is only an OCI layout is read as one, with a debug note.
func (o *options) openArchive(ref Reference, preferOCI bool) (*Image, error) {
	st, err := os.Stat(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, pathError(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not an archive (use oci:%s or dir:%s)", ref, ref.Path, ref.Path)
	}
	img := &Image{Ref: ref}
	p, temp, err := o.decompressArchive(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	if temp {
		img.cleanup = append(img.cleanup, func() error { return os.Remove(p) })
	}
	info, err := scanArchive(p)
	if err != nil {
		img.Close()
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	useOCI := info.has("oci-layout") && (preferOCI || info.manifest == nil)
	switch {
	case useOCI:
		if ref.Transport == DockerArchive {
			o.log.Debug("archive has no manifest.json but is an OCI layout; reading it as oci-archive", "archive", ref.Path)
		}
		if err := o.fromOCITar(img, p, ""); err != nil {
			img.Close()
			return nil, err
		}
		img.Ref.Transport = OCIArchive
		return img, nil
	case info.manifest == nil:
		img.Close()
		return nil, fmt.Errorf("%s: not an image archive: no manifest.json (docker save) and no oci-layout (OCI)", ref)
	}
	if err := o.fromDockerTar(img, p, info); err != nil {
		img.Close()
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	img.Ref.Transport = DockerArchive
	return img, nil
}

// fromDockerTar fills img from an uncompressed `docker save` tar at p.
func (o *options) fromDockerTar(img *Image, p string, info *archiveInfo) error {
	var ms []dockerManifest
	if err := json.Unmarshal(info.manifest, &ms); err != nil {
		return fmt.Errorf("bad manifest.json: %w", err)
	}
	switch len(ms) {
	case 0:
		return fmt.Errorf("manifest.json lists no image")
	case 1:
	default:
		var tags []string
		for _, m := range ms {
			tags = append(tags, m.RepoTags...)
		}
		return fmt.Errorf("archive holds %d images (%s); harden reads one image per archive", len(ms), strings.Join(tags, ", "))
	}
	m := ms[0]
	for _, l := range append([]string{m.Config}, m.Layers...) {
		if !info.has(path.Clean(l)) {
			return fmt.Errorf("manifest.json names %s, which the archive does not contain (truncated?)", l)
		}
	}
	timg, err := tarball.ImageFromPath(p, nil)
	if err != nil {
		return fmt.Errorf("reading archive: %w", err)
	}
	if _, err := timg.ConfigFile(); err != nil {
		return fmt.Errorf("reading image config %s: %w", m.Config, err)
	}
	ls, err := timg.Layers()
	if err != nil {
		return fmt.Errorf("reading layers: %w", err)
	}
	if len(ls) != len(m.Layers) {
		return fmt.Errorf("config lists %d layers but manifest.json %d", len(ls), len(m.Layers))
	}
	compressed, err := archiveLayersCompressed(p, m.Layers)
	if err != nil {
		return err
	}
	if compressed {
		img.layers = wrapCompressed(ls)
	} else {
		// The layer files are plain tars: Uncompressed reads them as they
		// are, while Compressed would gzip them first.
		img.layers = make([]v1.Layer, len(ls))
		for i, l := range ls {
			// a plain tar's digest is its diff ID, which the config holds
			d, _ := l.DiffID()
			img.layers[i] = &rawLayer{Layer: l, open: l.Uncompressed, size: info.members[path.Clean(m.Layers[i])].size,
				digest: d, mediaType: types.DockerUncompressedLayer}
		}
	}
	img.Image = timg
	img.Tags = m.RepoTags
	img.Source = "docker save archive " + img.Ref.Path
	return nil
}

// archiveLayersCompressed peeks at the first layer the way
// go-containerregistry does to decide whether layers are compressed.
func archiveLayersCompressed(p string, layers []string) (bool, error) {
	if len(layers) == 0 {
		return false, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	want := path.Clean(layers[0])
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			return false, fmt.Errorf("finding layer %s: %w", layers[0], err)
		}
		if path.Clean(strings.TrimPrefix(h.Name, "./")) != want {
			continue
		}
		head := make([]byte, 4)
		n, _ := io.ReadFull(tr, head)
		head = head[:n]
		return bytes.HasPrefix(head, gzipMagic) || bytes.HasPrefix(head, zstdMagic), nil
	}
}

// fromOCITar unpacks an OCI layout archive into a temp dir and opens it.
func (o *options) fromOCITar(img *Image, p, tag string) error {
	dir, err := os.MkdirTemp(o.tempDir, "harden-oci-*")
	if err != nil {
		return fmt.Errorf("unpacking OCI archive: %w", err)
	}
	img.cleanup = append(img.cleanup, func() error { return os.RemoveAll(dir) })
	if err := untarLayout(p, dir); err != nil {
		return fmt.Errorf("%s: %w", img.Ref, err)
	}
	if err := o.fromLayout(img, dir, tag); err != nil {
		return fmt.Errorf("%s: %w", img.Ref, err)
	}
	img.Source = "OCI archive " + img.Ref.Path
	return nil
}

// untarLayout extracts the files of an OCI layout (oci-layout, index.json,
// blobs/ALG/HEX) and nothing else: other names, links and paths that would
// leave dir are skipped.
func untarLayout(p, dir string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("corrupt or truncated tar archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if !layoutMember(name) {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, tr)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("extracting %s: %w", name, err)
		}
	}
}

// layoutMember reports whether name is a file an OCI layout consists of.
func layoutMember(name string) bool {
	if name == "oci-layout" || name == "index.json" {
		return true
	}
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[0] != "blobs" {
		return false
	}
	for _, part := range parts[1:] {
		if part == "" || part == "." || part == ".." || strings.ContainsAny(part, `\`) {
			return false
		}
	}
	return true
}

// pathError shortens os errors to their cause ("no such file or directory").
func pathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
