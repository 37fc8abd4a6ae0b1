package base

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/debian"
	himage "github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/atomicfile"
)

// DefaultKeyring verifies --mirror repositories when no keyring is given.
const DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// Repository says where packages come from: mirrors with their suites and
// components, a keyring, a folder of .deb files, a download cache. Without
// mirrors the machine's apt sources are used.
type Repository struct {
	Mirrors, Suites, Components []string
	Keyring, Debs, Cache        string
}

// Request is one base image to build (or, with ResolveOnly, to resolve).
type Request struct {
	// Presets are the presets Preset names (BuiltinPresets and LoadPresets).
	Presets           *Presets
	Preset            string
	Packages, Exclude []string
	Entrypoint        []string
	Arch              string
	Repo              Repository
	// Lock is the lock file: read when it exists (unless UpdateLock), else
	// written.
	Lock                    string
	UpdateLock, ResolveOnly bool
	// Outputs are image.Write destinations; Add and Labels go on top.
	Outputs, Add, Labels []string
	KeepDocs, Insecure   bool
	// Epoch, when set, is every timestamp of the image.
	Epoch  *time.Time
	Logger *slog.Logger
}

// Outcome is what Run did.
type Outcome struct {
	*Result
	Spec Spec `json:"-"`
	// WroteLock is true when Run wrote Request.Lock.
	WroteLock bool          `json:"-"`
	Elapsed   time.Duration `json:"-"`
}

// Run builds the request's image and writes it to each output, then writes
// the lock when it is new.
func Run(ctx context.Context, req Request) (*Outcome, error) {
	log := req.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := CheckArch(req.Arch); err != nil {
		return nil, err
	}
	spec, err := req.spec()
	if err != nil {
		return nil, err
	}
	src, _, err := req.Repo.Source(req.Arch, log)
	if err != nil {
		return nil, err
	}
	var lock *Lock
	if req.Lock != "" && !req.UpdateLock {
		if lock, err = readLockFile(req.Lock); err != nil {
			return nil, err
		}
	}
	out := &Outcome{Spec: spec}
	start := time.Now()
	if req.ResolveOnly {
		if out.Result, err = Plan(ctx, spec, src, req.Arch); err != nil {
			return nil, err
		}
		return out, out.writeLock(req.Lock, lock == nil)
	}
	opts := []Option{WithLogger(log), WithDocs(req.KeepDocs)}
	if lock != nil {
		opts = append(opts, WithLock(lock))
	}
	if req.Epoch != nil {
		opts = append(opts, WithEpoch(*req.Epoch))
	}
	img, r, err := Build(ctx, spec, src, req.Arch, opts...)
	if errors.Is(err, ErrStaleLock) {
		return nil, fmt.Errorf("%s: %w; pass --update-lock to resolve again", req.Lock, err)
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out.Result = r
	if img, err = addToImage(img, req.Add, req.Labels, r.Epoch); err != nil {
		return nil, err
	}
	for _, o := range req.Outputs {
		if err := himage.Write(ctx, img, o, himage.WithInsecure(req.Insecure), himage.WithLogger(log)); err != nil {
			return nil, fmt.Errorf("writing %s: %w", o, err)
		}
	}
	out.Elapsed = time.Since(start)
	return out, out.writeLock(req.Lock, lock == nil)
}

func (o *Outcome) writeLock(path string, isNew bool) error {
	if path == "" || !isNew {
		return nil
	}
	var buf bytes.Buffer
	if err := o.Lock.Write(&buf); err != nil {
		return fmt.Errorf("writing lock: %w", err)
	}
	o.WroteLock = true
	return atomicfile.Write(path, buf.Bytes())
}

// LoadPresets is the built-in presets merged with those of a YAML file
// ("": none).
func LoadPresets(file string) (*Presets, error) {
	ps, err := BuiltinPresets()
	if err != nil {
		return nil, err
	}
	if file == "" {
		return ps, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	user, err := ParsePresets(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ps.Merge(user)
	return ps, nil
}

// PresetInfo is one preset as `harden base --list-presets` lists it.
type PresetInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Packages    []string `json:"packages"`
	Entrypoint  []string `json:"entrypoint,omitempty"`
}

// List describes every preset, for amd64.
func (ps *Presets) List() ([]PresetInfo, error) {
	var rows []PresetInfo
	for _, n := range ps.Names() {
		s, err := ps.Spec(n, "amd64")
		if err != nil {
			return nil, err
		}
		rows = append(rows, PresetInfo{n, ps.Presets[n].Description, s.Packages, s.Entrypoint})
	}
	return rows, nil
}

// spec is the preset's spec plus the request's packages, exclusions and
// entrypoint.
func (req *Request) spec() (Spec, error) {
	ps := req.Presets
	if req.Preset == "" && len(req.Packages) == 0 {
		return Spec{}, fmt.Errorf("give a preset (%s) or --package", strings.Join(ps.Names(), ", "))
	}
	spec := Spec{Exclude: ps.Exclude}
	if req.Preset != "" {
		var err error
		if spec, err = ps.Spec(req.Preset, req.Arch); err != nil {
			return Spec{}, err
		}
	}
	spec.Packages = append(spec.Packages, req.Packages...)
	spec.Exclude = append(spec.Exclude, req.Exclude...)
	if len(req.Entrypoint) > 0 {
		spec.Entrypoint = req.Entrypoint
	}
	return spec, spec.Validate()
}

// Source is the package source of the repository for arch, and the client
// that downloads from it.
func (r Repository) Source(arch string, log *slog.Logger) (*Source, *debian.Client, error) {
	client, err := r.client(log)
	if err != nil {
		return nil, nil, err
	}
	repos, err := r.repos(arch)
	if err != nil {
		return nil, nil, err
	}
	var local []*debian.Package
	if r.Debs != "" {
		if local, err = debian.ReadDebDir(r.Debs, arch); err != nil {
			return nil, nil, err
		}
	}
	src, err := NewSource(client, repos, local)
	return src, client, err
}

// client is the repository client of the cache and keyring (the Debian
// archive keyring with mirrors, else each source's Signed-By).
func (r Repository) client(log *slog.Logger) (*debian.Client, error) {
	cache := r.Cache
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no user cache dir (%v); give --cache", err)
		}
		cache = filepath.Join(dir, "harden", "debs")
	}
	copts := []debian.Option{debian.WithLogger(log)}
	keyring := r.Keyring
	if keyring == "" && len(r.Mirrors) > 0 {
		keyring = DefaultKeyring
	}
	if keyring != "" {
		keys, err := debian.LoadKeyring(keyring)
		if err != nil {
			return nil, err
		}
		copts = append(copts, debian.WithKeyring(keys))
	}
	return debian.NewClient(cache, copts...)
}

func (r Repository) repos(arch string) ([]debian.Repo, error) {
	if len(r.Mirrors) == 0 {
		if len(r.Suites) > 0 || len(r.Components) > 0 {
			return nil, fmt.Errorf("--suite and --component go with --mirror")
		}
		if r.Debs != "" {
			return nil, nil
		}
		srcs, err := debian.SystemSources("/")
		if err != nil {
			return nil, err
		}
		repos := debian.Repos(srcs, arch)
		if len(repos) == 0 {
			return nil, fmt.Errorf("the machine's apt sources have no enabled deb source for %s", arch)
		}
		return repos, nil
	}
	if len(r.Suites) == 0 {
		return nil, fmt.Errorf("--mirror needs --suite (e.g. bookworm)")
	}
	comps := r.Components
	if len(comps) == 0 {
		comps = []string{"main"}
	}
	var repos []debian.Repo
	switch {
	case len(r.Mirrors) == 1:
		for _, s := range r.Suites {
			repos = append(repos, debian.Repo{URI: strings.TrimRight(r.Mirrors[0], "/"), Suite: s, Components: comps})
		}
	case len(r.Suites) == 1 || len(r.Suites) == len(r.Mirrors):
		for i, m := range r.Mirrors {
			s := r.Suites[0]
			if len(r.Suites) > 1 {
				s = r.Suites[i]
			}
			repos = append(repos, debian.Repo{URI: strings.TrimRight(m, "/"), Suite: s, Components: comps})
		}
	default:
		return nil, fmt.Errorf("give one --suite per --mirror (in order), or one --mirror, or one --suite")
	}
	for _, repo := range repos {
		if !strings.HasPrefix(repo.URI, "http://") && !strings.HasPrefix(repo.URI, "https://") {
			return nil, fmt.Errorf("--mirror %q: want an http:// or https:// URL", repo.URI)
		}
	}
	return repos, nil
}

func readLockFile(path string) (*Lock, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := ReadLock(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// addToImage puts the add files (HOSTFILE:/PATH) in a layer and sets the
// labels (KEY=VALUE).
func addToImage(img v1.Image, add, labels []string, epoch time.Time) (v1.Image, error) {
	var files []AddFile
	for _, a := range add {
		f, err := ParseAdd(a)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	img, err := AddFiles(img, files, epoch)
	if err != nil {
		return nil, err
	}
	if len(labels) == 0 {
		return img, nil
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	if cf.Config.Labels == nil {
		cf.Config.Labels = map[string]string{}
	}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--label %q: want KEY=VALUE", l)
		}
		cf.Config.Labels[k] = v
	}
	return mutate.ConfigFile(img, cf)
}
