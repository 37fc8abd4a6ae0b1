package base

import (
	"context"
	"errors"
	"fmt"
	"github.com/harden-dev/harden/internal/layerfile"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/debian"
)

// ErrStaleLock is returned when a lock was made for another request or
// architecture than the one being built.
var ErrStaleLock = errors.New("lock file does not match the request")

// Arches are the architectures harden builds bases for.
var Arches = []string{"amd64", "arm64"}

// CheckArch refuses an architecture harden does not build for.
func CheckArch(arch string) error {
	for _, a := range Arches {
		if a == arch {
			return nil
		}
	}
	return fmt.Errorf("unsupported architecture %q (want amd64 or arm64)", arch)
}

// Result describes a build. Close it after the image is written: the
// image's layer lives in a temporary file until then.
type Result struct {
	Preset string `json:"preset,omitempty"`
	Arch   string `json:"arch"`
	// Packages are the packages in the image, by name.
	Packages []BuiltPackage `json:"packages"`
	// Cut lists dependencies dropped by exclusions.
	Cut []string `json:"cut,omitempty"`
	// Lock pins the package set; write it to rebuild the same image.
	Lock  *Lock     `json:"-"`
	Epoch time.Time `json:"epoch,omitzero"`
	// Digest is the image manifest digest.
	Digest string `json:"digest"`
	// LayerSize and LayerUncompressedSize are the bytes of the one layer.
	LayerSize             int64 `json:"layerSize"`
	LayerUncompressedSize int64 `json:"layerUncompressedSize"`
	// Entries counts the files, directories and links taken from packages.
	Entries int `json:"entries"`

	layerPath string
}

// BuiltPackage is one package in the image.
type BuiltPackage struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Architecture string `json:"architecture"`
	Size         int64  `json:"size"`
	// Reason is why the package is there ("requested", "dependency of X"),
	// empty when the set came from a lock file.
	Reason string `json:"reason,omitempty"`
}

// Close removes the temporary layer file.
func (r *Result) Close() error {
	if r == nil || r.layerPath == "" {
		return nil
	}
	err := os.Remove(r.layerPath)
	r.layerPath = ""
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Resolve resolves spec against ix into a lock. The resolution says why
// each package is there and which dependencies exclusions cut.
func Resolve(ix *debian.Index, spec Spec) (*Lock, *debian.Resolution, error) {
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	res, err := ix.Resolve(spec.Packages, debian.WithExclude(spec.excludes()...))
	if err != nil {
		return nil, nil, fmt.Errorf("resolving: %w", err)
	}
	return newLock(ix.Arch(), spec, res), res, nil
}

// FetchFunc returns the local path of a locked package's .deb after
// checking it against the lock's size and SHA256.
type FetchFunc func(ctx context.Context, p LockedPackage) (string, error)

// Build makes the image for spec from src: it resolves the packages (or
// takes them from WithLock), fetches and checks each .deb, and assembles them.
func Build(ctx context.Context, spec Spec, src *Source, arch string, opts ...Option) (v1.Image, *Result, error) {
	if err := CheckArch(arch); err != nil {
		return nil, nil, err
	}
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	o, err := makeOptions(opts)
	if err != nil {
		return nil, nil, err
	}
	lock := o.lock
	var plan *Result
	if lock != nil {
		if !lock.Matches(spec, arch) {
			return nil, nil, fmt.Errorf("%w: it was made for %s on %s, with %d exclusions", ErrStaleLock, strings.Join(lock.Request.Packages, " "), lock.Arch, len(lock.Request.Exclude))
		}
	} else {
		if plan, err = Plan(ctx, spec, src, arch); err != nil {
			return nil, nil, err
		}
		lock = plan.Lock
	}
	img, r, err := assemble(ctx, lock, spec, src.Fetch, o)
	if err != nil {
		return nil, nil, err
	}
	if plan != nil {
		r.Packages, r.Cut = plan.Packages, plan.Cut
	}
	return img, r, nil
}

// Assemble builds the image from the packages lock pins, which fetch
// provides.
func Assemble(ctx context.Context, lock *Lock, spec Spec, fetch FetchFunc, opts ...Option) (v1.Image, *Result, error) {
	o, err := makeOptions(opts)
	if err != nil {
		return nil, nil, err
	}
	return assemble(ctx, lock, spec, fetch, o)
}

func assemble(ctx context.Context, lock *Lock, spec Spec, fetch FetchFunc, o *options) (v1.Image, *Result, error) {
	if err := CheckArch(lock.Arch); err != nil {
		return nil, nil, err
	}
	pkgs := append([]LockedPackage(nil), lock.Packages...)
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Name < pkgs[j].Name })
	debs, err := openDebs(ctx, pkgs, fetch)
	if err != nil {
		return nil, nil, err
	}
	defer debs.close()

	epoch := o.epoch
	if epoch.IsZero() {
		for _, d := range debs.debs {
			if d.DataModTime.After(epoch) {
				epoch = d.DataModTime
			}
		}
	}
	f, err := os.CreateTemp(o.tempDir, "harden-base-*.tar.gz")
	if err != nil {
		return nil, nil, fmt.Errorf("creating layer file: %w", err)
	}
	r := &Result{Preset: spec.Preset, Arch: lock.Arch, Lock: lock, Epoch: epoch, layerPath: f.Name()}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			r.Close()
		}
	}()
	lw, err := layerfile.NewFile(f)
	if err != nil {
		return nil, nil, err
	}
	a := newAssembler(lw, epoch, o.keepDocs, spec, o.log)
	names := make([]string, len(pkgs))
	for i, lp := range pkgs {
		names[i] = lp.Name
	}
	stages, cleanup := stageAll(ctx, names, debs.debs, o.tempDir)
	defer cleanup()
	for i, lp := range pkgs {
		data, err := stages[i].wait(ctx)
		if err != nil {
			return nil, nil, err
		}
		n, err := a.addDeb(ctx, lp.Name, debs.debs[i], data)
		data.Close()
		os.Remove(stages[i].path)
		if err != nil {
			return nil, nil, err
		}
		r.Entries += n
		r.Packages = append(r.Packages, BuiltPackage{Name: lp.Name, Version: lp.Version, Architecture: lp.Architecture, Size: lp.Size})
	}
	if err := a.finish(spec); err != nil {
		return nil, nil, fmt.Errorf("writing layer: %w", err)
	}
	fl, err := lw.Close()
	if err != nil {
		return nil, nil, err
	}
	r.LayerSize, _ = fl.Size()
	r.LayerUncompressedSize = fl.UncompressedSize()
	img, err := image(fl, spec, lock.Arch, epoch, len(pkgs))
	if err != nil {
		return nil, nil, err
	}
	d, err := img.Digest()
	if err != nil {
		return nil, nil, err
	}
	r.Digest = d.String()
	ok = true
	return img, r, nil
}

// image puts the layer in an image with the config distroless uses.
func image(fl *layerfile.Layer, spec Spec, arch string, epoch time.Time, npkgs int) (v1.Image, error) {
	layer, err := fl.V1()
	if err != nil {
		return nil, err
	}
	wd := spec.WorkingDir
	if wd == "" {
		wd = "/home/nonroot"
	}
	cfg := &v1.ConfigFile{
		Architecture: arch,
		OS:           "linux",
		Created:      v1.Time{Time: epoch},
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:       fmt.Sprint(nonrootUID),
			Env:        spec.env(),
			Entrypoint: spec.Entrypoint,
			Cmd:        spec.Cmd,
			WorkingDir: wd,
		},
	}
	if arch == "arm64" {
		cfg.Variant = "v8"
	}
	if spec.Preset != "" {
		cfg.Config.Labels = map[string]string{"dev.harden.base.preset": spec.Preset}
	}
	img, err := mutate.ConfigFile(empty.Image, cfg)
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: epoch},
			CreatedBy: "harden base",
			Comment:   fmt.Sprintf("%d Debian packages, no maintainer scripts", npkgs),
		},
	})
}

// openedDebs holds the open .deb files of a build, in lock order.
type openedDebs struct {
	files []*os.File
	debs  []*debian.Deb
}

func (o *openedDebs) close() {
	for _, f := range o.files {
		f.Close()
	}
}

// openDebs fetches every locked package and checks that each .deb is the
// package the lock names.
func openDebs(ctx context.Context, pkgs []LockedPackage, fetch FetchFunc) (*openedDebs, error) {
	out := &openedDebs{}
	for _, lp := range pkgs {
		path, err := fetch(ctx, lp)
		if err != nil {
			out.close()
			return nil, err
		}
		f, err := os.Open(filepath.Clean(path))
		if err != nil {
			out.close()
			return nil, err
		}
		out.files = append(out.files, f)
		d, err := debian.ReadDeb(f)
		if err != nil {
			out.close()
			return nil, fmt.Errorf("package %s: %w", lp.Name, err)
		}
		p, err := d.Package()
		if err != nil {
			out.close()
			return nil, fmt.Errorf("package %s: %w", lp.Name, err)
		}
		if p.Name != lp.Name || p.Version.String() != lp.Version || p.Architecture != lp.Architecture {
			out.close()
			return nil, fmt.Errorf("package %s: the .deb is %s, not %s=%s:%s", lp.Name, p.ID(), lp.Name, lp.Version, lp.Architecture)
		}
		out.debs = append(out.debs, d)
	}
	return out, nil
}

// Plan resolves spec from src without downloading any .deb: it returns a
// result with the packages, why each is there, the cut dependencies and
// the lock, but no image.
func Plan(ctx context.Context, spec Spec, src *Source, arch string) (*Result, error) {
	if err := CheckArch(arch); err != nil {
		return nil, err
	}
	ix, err := src.Index(ctx, arch)
	if err != nil {
		return nil, err
	}
	lock, res, err := Resolve(ix, spec)
	if err != nil {
		return nil, err
	}
	r := &Result{Preset: spec.Preset, Arch: arch, Lock: lock}
	for _, lp := range lock.Packages {
		r.Packages = append(r.Packages, BuiltPackage{Name: lp.Name, Version: lp.Version, Architecture: lp.Architecture, Size: lp.Size, Reason: res.Reasons[lp.Name]})
	}
	for _, c := range res.Cut {
		r.Cut = append(r.Cut, c.String())
	}
	return r, nil
}
