package minify

import (
	"archive/tar"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"github.com/harden-dev/harden/internal/layerfile"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/fsindex"
)

// Build writes the selection as a new image: the kept files of img
// (streamed once more with x.ReadFiles, the only second read of the
// original), the files harden writes, one deterministic layer (two with
// LayersApp) and the new config. The same img, selection and options give
// the same digest: entries are sorted, timestamps are the source date,
// owners are fixed.
//
// With WithWorkDir the layers are files in that directory, which must
// outlive the returned image; otherwise they are kept in memory.
func Build(ctx context.Context, img v1.Image, x *fsindex.Index, sel *Selection, opts ...Option) (v1.Image, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	tmp := o.workDir
	if tmp == "" {
		tmp = os.TempDir()
	}
	sp, err := newSpool(tmp)
	if err != nil {
		return nil, err
	}
	defer sp.close()
	items := sel.Items()
	want := map[string]bool{}
	for _, it := range items {
		if it.Source != nil && it.Source.Type == fsindex.TypeRegular {
			want[it.Source.Path] = true
		}
	}
	err = x.ReadFiles(ctx, img, func(e *fsindex.Entry) bool { return want[e.Path] }, sp.add)
	if err != nil {
		return nil, fmt.Errorf("reading the kept files: %w", err)
	}
	for p := range want {
		if _, ok := sp.files[p]; !ok {
			return nil, fmt.Errorf("reading the kept files: %s was not found in its layer", p)
		}
	}
	var runtime, app []*Item
	for _, it := range items {
		if o.layers == LayersApp && it.App {
			app = append(app, it)
		} else {
			runtime = append(runtime, it)
		}
	}
	w := &layerBuilder{o: o, x: x, sel: sel, sp: sp}
	var layers []v1.Layer
	for _, group := range [][]*Item{runtime, app} {
		if len(group) == 0 {
			continue
		}
		l, err := w.write(ctx, group)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	return assemble(img, x, sel, o, layers)
}

// assemble makes the image from the layers and the selection's config.
func assemble(img v1.Image, x *fsindex.Index, sel *Selection, o *options, layers []v1.Layer) (v1.Image, error) {
	created := v1.Time{Time: o.sourceDate}
	from := o.source
	if id, err := img.ConfigName(); err == nil {
		if from != "" {
			from += " "
		}
		from += "(image id " + id.String() + ")"
	}
	cfg := &v1.ConfigFile{
		Architecture: x.Config.Architecture, OS: x.Config.OS, Variant: x.Config.Variant, OSVersion: x.Config.OSVersion,
		Created: created, Config: sel.Config, RootFS: v1.RootFS{Type: "layers"},
	}
	if cfg.OS == "" {
		cfg.OS = "linux"
	}
	out, err := mutate.ConfigFile(empty.Image, cfg)
	if err != nil {
		return nil, fmt.Errorf("writing the image config: %w", err)
	}
	names := []string{"runtime", "app"}
	if len(layers) == 1 {
		names = []string{"all kept files"}
	}
	for i, l := range layers {
		out, err = mutate.Append(out, mutate.Addendum{Layer: l, History: v1.History{
			Created:   created,
			CreatedBy: "harden minify: " + names[i],
			Comment:   "minified by harden from " + from,
		}})
		if err != nil {
			return nil, fmt.Errorf("adding layer: %w", err)
		}
	}
	return out, nil
}

// spool holds the contents of the kept original files, read in layer order,
// until the layer is written in path order.
type spool struct {
	f     *os.File
	off   int64
	files map[string]spooled
}

type spooled struct {
	off, size int64
	md5       string
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "harden-minify-spool-*")
	if err != nil {
		return nil, fmt.Errorf("creating spool file: %w", err)
	}
	return &spool{f: f, files: map[string]spooled{}}, nil
}

func (s *spool) add(e *fsindex.Entry, r io.Reader) error {
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(s.f, h), r)
	if err != nil {
		return fmt.Errorf("spooling %s: %w", e.Path, err)
	}
	if n != e.Size {
		return fmt.Errorf("spooling %s: read %d bytes, the index says %d", e.Path, n, e.Size)
	}
	s.files[e.Path] = spooled{off: s.off, size: n, md5: hex.EncodeToString(h.Sum(nil))}
	s.off += n
	return nil
}

func (s *spool) open(p string) (io.Reader, bool) {
	sp, ok := s.files[p]
	if !ok {
		return nil, false
	}
	return io.NewSectionReader(s.f, sp.off, sp.size), true
}

func (s *spool) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// layerBuilder writes groups of items as layer tars.
type layerBuilder struct {
	o   *options
	x   *fsindex.Index
	sel *Selection
	sp  *spool
}

// write makes one layer of items (in path order).
func (w *layerBuilder) write(ctx context.Context, items []*Item) (v1.Layer, error) {
	out, err := layerfile.Create(w.o.workDir, "layer-*.tar.gz")
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(out)
	firstOfInode := map[string]string{} // hardlink target → first path written
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			out.Abort()
			return nil, err
		}
		if err := w.entry(tw, it, firstOfInode); err != nil {
			out.Abort()
			return nil, fmt.Errorf("writing %s: %w", it.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		out.Abort()
		return nil, err
	}
	l, err := out.Close()
	if err != nil {
		return nil, err
	}
	return l.V1()
}

func (w *layerBuilder) entry(tw *tar.Writer, it *Item, firstOfInode map[string]string) error {
	h := &tar.Header{
		Name: strings.TrimPrefix(it.Path, "/"), Mode: tarMode(it.Mode), Uid: it.UID, Gid: it.GID,
		ModTime: w.o.sourceDate,
	}
	var body io.Reader
	switch it.Type {
	case fsindex.TypeDir:
		h.Typeflag, h.Name = tar.TypeDir, h.Name+"/"
	case fsindex.TypeSymlink:
		h.Typeflag, h.Linkname = tar.TypeSymlink, it.Link
	case fsindex.TypeRegular, fsindex.TypeHardlink:
		if it.Generated() {
			h.Typeflag = tar.TypeReg
			data, rc, err := w.generated(it)
			if err != nil {
				return err
			}
			if rc != nil {
				defer rc.Close()
				h.Size, body = it.Size, rc
			} else {
				h.Size, body = int64(len(data)), strings.NewReader(string(data))
			}
			break
		}
		target := w.x.Target(it.Source)
		if first, ok := firstOfInode[target.Path]; ok {
			h.Typeflag, h.Linkname = tar.TypeLink, strings.TrimPrefix(first, "/")
			break
		}
		r, ok := w.sp.open(target.Path)
		if !ok {
			return fmt.Errorf("content of %s was not read", target.Path)
		}
		firstOfInode[target.Path] = it.Path
		h.Typeflag, h.Size, body = tar.TypeReg, target.Size, r
	default:
		return nil // devices and FIFOs: the engine provides /dev
	}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	if body != nil {
		n, err := io.Copy(tw, body)
		if err != nil {
			return err
		}
		if n != h.Size {
			return fmt.Errorf("wrote %d bytes, expected %d", n, h.Size)
		}
	}
	return nil
}

// generated returns the content of a file harden writes.
func (w *layerBuilder) generated(it *Item) ([]byte, io.ReadCloser, error) {
	switch {
	case it.open != nil:
		rc, err := it.open()
		return nil, rc, err
	case it.md5sumsOf != "":
		return w.md5sums(it.md5sumsOf), nil, nil
	}
	return it.Data, nil, nil
}

// md5sums lists the kept regular files of a package, as dpkg's md5sums do.
func (w *layerBuilder) md5sums(name string) []byte {
	var b strings.Builder
	for _, pkg := range w.sel.Packages {
		if pkg.Name != name || pkg.Manager != "dpkg" {
			continue
		}
		files := append([]string{}, pkg.Files...)
		sort.Strings(files)
		for _, f := range files {
			res, err := w.x.ResolveParent(f)
			if err != nil || res.Entry == nil {
				continue
			}
			t := w.x.Target(res.Entry)
			if sp, ok := w.sp.files[t.Path]; ok && (res.Entry.Type == fsindex.TypeRegular || res.Entry.Type == fsindex.TypeHardlink) {
				fmt.Fprintf(&b, "%s  %s\n", sp.md5, strings.TrimPrefix(path.Clean(f), "/"))
			}
		}
	}
	return []byte(b.String())
}

// tarMode converts permission and special bits to a tar mode.
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}
