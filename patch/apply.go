package patch

import (
	"archive/tar"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/internal/layerfile"
)

// Fetcher downloads a package's .deb and checks it against its checksum
// (a *debian.Client is one).
type Fetcher interface {
	// Fetch downloads p's .deb, verifies it and returns the local path.
	Fetch(ctx context.Context, p *debian.Package) (string, error)
}

// LayerInfo describes the patch layer.
type LayerInfo struct {
	Size             int64     `json:"size"`
	UncompressedSize int64     `json:"uncompressedSize"`
	Files            int64     `json:"files"`
	Whiteouts        int       `json:"whiteouts"`
	DiffID           string    `json:"diffID"`
	Epoch            time.Time `json:"epoch"`
	// Path is the layer file; Close removes it.
	path string
}

// Labels Apply adds to the image config.
const (
	LabelPackages = "dev.harden.patch.packages"
	LabelFindings = "dev.harden.patch.findings-fixed"
)

// Option configures Apply.
type Option func(*options)

type options struct {
	epoch   time.Time
	tempDir string
	log     *slog.Logger
}

// WithEpoch sets the time of the layer's files and of the image (default:
// the newest package's build date, so the same updates give the same image).
func WithEpoch(t time.Time) Option { return func(o *options) { o.epoch = t.UTC() } }

// WithTempDir sets where the layer file is written (default os.TempDir()).
func WithTempDir(dir string) Option { return func(o *options) { o.tempDir = dir } }

// WithLogger sets where progress is logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Close removes the layer file Apply wrote. Call it once the image is written.
func (r *Result) Close() error {
	if r.Layer != nil && r.Layer.path != "" {
		return os.Remove(r.Layer.path)
	}
	return nil
}

// opened is a fetched and opened .deb.
type opened struct {
	u *Update
	f *os.File
	d *debian.Deb
}

// Apply downloads the plan's packages through fetch (each one checked
// against the signed index's checksum: a mismatch stops it with nothing
// written) and returns img with one more layer holding the new files, the
// whiteouts and the updated package database, and labels naming the
// updates. x is img's index, built with Wants. Nothing is run.
func Apply(ctx context.Context, img v1.Image, x *fsindex.Index, r *Result, fetch Fetcher, opts ...Option) (v1.Image, error) {
	o := options{tempDir: os.TempDir(), log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	if r.Empty() {
		return nil, fmt.Errorf("nothing to patch")
	}
	debs := make([]opened, 0, len(r.Updates))
	defer func() {
		for _, d := range debs {
			d.f.Close()
		}
	}()
	epoch := o.epoch
	for i := range r.Updates {
		u := &r.Updates[i]
		p, err := fetch.Fetch(ctx, u.pkg)
		if err != nil {
			return nil, fmt.Errorf("fetching %s %s: %w", u.Name, u.To, err)
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		d, err := debian.ReadDeb(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s %s: %w", u.Name, u.To, err)
		}
		debs = append(debs, opened{u, f, d})
		if o.epoch.IsZero() && d.DataModTime.After(epoch) {
			epoch = d.DataModTime
		}
		o.log.Debug("fetched", "package", u.Name, "version", u.To)
	}
	keep, err := changedConffiles(ctx, img, x, r)
	if err != nil {
		return nil, err
	}
	lw, err := layerfile.Create(o.tempDir, "harden-patch-*.tar.gz")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			lw.Abort()
		}
	}()
	w := &layerWriter{tw: tar.NewWriter(lw), x: x, epoch: epoch, distroless: r.Distroless, written: map[string]string{}, newDirs: map[string]bool{}, keep: keep}
	info, err := w.write(ctx, r, debs)
	if err != nil {
		return nil, err
	}
	if err := w.tw.Close(); err != nil {
		return nil, err
	}
	fl, err := lw.Close()
	if err != nil {
		return nil, err
	}
	ok = true
	info.path, info.Epoch = fl.Path, epoch
	info.Size, _ = fl.Size()
	info.UncompressedSize = fl.UncompressedSize()
	d, _ := fl.DiffID()
	info.DiffID = d.String()
	r.Layer = info
	layer, err := fl.V1()
	if err != nil {
		return nil, err
	}
	return r.image(img, layer, epoch)
}

// write fills the layer: each package's files, then the whiteouts, then
// the database.
func (w *layerWriter) write(ctx context.Context, r *Result, debs []opened) (*LayerInfo, error) {
	d := r.db
	shipped := map[string]bool{}
	files := make([]*pkgFiles, len(debs))
	for i, od := range debs {
		data, err := od.d.Data()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", od.u.Name, err)
		}
		files[i], err = w.addPackage(ctx, od.u.Name, od.u.From == "", data)
		data.Close()
		if err != nil {
			return nil, err
		}
		for c := range files[i].canon {
			shipped[c] = true
		}
	}
	updated := map[string]bool{}
	for _, od := range debs {
		updated[od.u.Name] = true
	}
	others := map[string]bool{}
	for name, in := range d.pkgs {
		if !updated[name] {
			for _, p := range in.files {
				others[p] = true
			}
		}
	}
	info := &LayerInfo{}
	var gone []string
	for _, od := range debs {
		if in, ok := d.pkgs[od.u.Name]; ok {
			gone = append(gone, w.removedFiles(in.files, shipped, others)...)
		}
	}
	sort.Strings(gone)
	for i, c := range gone {
		if i > 0 && gone[i-1] == c {
			continue
		}
		if err := w.whiteout(c); err != nil {
			return nil, err
		}
		info.Whiteouts++
	}
	if err := w.database(r, debs, files); err != nil {
		return nil, fmt.Errorf("writing the package database: %w", err)
	}
	r.Notes = notes(r, debs, files, w)
	info.Files = w.files
	return info, nil
}

// changedConffiles returns the conffiles of the updated packages whose
// content in the image differs from the md5 dpkg recorded: a local change
// that dpkg would keep.
func changedConffiles(ctx context.Context, img v1.Image, x *fsindex.Index, r *Result) (map[string]bool, error) {
	recorded := map[string]string{}
	for _, u := range r.Updates {
		if in, ok := r.db.pkgs[u.Name]; ok {
			for p, sum := range in.conffiles {
				recorded[p] = sum
			}
		}
	}
	keep := map[string]bool{}
	if len(recorded) == 0 {
		return keep, nil
	}
	err := x.ReadFiles(ctx, img, func(e *fsindex.Entry) bool { _, ok := recorded[e.Path]; return ok }, func(e *fsindex.Entry, rd io.Reader) error {
		h := md5.New()
		if _, err := io.Copy(h, rd); err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != recorded[e.Path] {
			keep[e.Path] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the image's conffiles: %w", err)
	}
	return keep, nil
}

// image appends the layer and records the patch in the config.
func (r *Result) image(img v1.Image, layer v1.Layer, epoch time.Time) (v1.Image, error) {
	out, err := mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created:   v1.Time{Time: epoch},
		CreatedBy: "harden patch",
		Comment:   fmt.Sprintf("%d Debian packages updated, no maintainer scripts run", len(r.Updates)),
	}})
	if err != nil {
		return nil, err
	}
	cf, err := out.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg := cf.Config.DeepCopy()
	labels := map[string]string{}
	for k, v := range cfg.Labels {
		labels[k] = v
	}
	labels[LabelPackages] = r.summary()
	labels[LabelFindings] = fmt.Sprint(r.FindingsFixed)
	cfg.Labels = labels
	if out, err = mutate.Config(out, *cfg); err != nil {
		return nil, err
	}
	return mutate.CreatedAt(out, v1.Time{Time: epoch})
}
