package cli

import (
	"bytes"
	"errors"
	"fmt"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/harden-dev/harden/base"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// defaultKeyring is used with --mirror when no --keyring is given.
const defaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// baseOptions are the flags of `harden base`.
type baseOptions struct {
	preset, presetsFile         string
	packages, exclude           []string
	listPresets                 bool
	mirrors, suites, components []string
	keyring, debs, arch, cache  string
	lock                        string
	updateLock, resolveOnly     bool
	outputs, entrypoint         []string
	add, labels                 []string
	keepDocs, insecure          bool
}

func addBaseFlags(cmd *cobra.Command, o *baseOptions) {
	f := cmd.Flags()
	f.StringVar(&o.preset, "preset", "", "preset to build: static, base, cc, nodejs, python3, java, or one from --presets")
	f.StringVar(&o.presetsFile, "presets", "", "YAML file with more presets (same shape as the built-in presets.yaml)")
	f.BoolVar(&o.listPresets, "list-presets", false, "list the presets and exit")
	f.StringArrayVarP(&o.packages, "package", "p", nil, "Debian package to add (NAME, NAME=VERSION); repeatable")
	f.StringArrayVar(&o.exclude, "exclude", nil, "package to leave out (a dependency it meets is cut, with a warning); repeatable")
	f.StringArrayVar(&o.mirrors, "mirror", nil, "repository URL instead of the machine's apt sources; repeatable")
	f.StringArrayVar(&o.suites, "suite", nil, "suite for --mirror (e.g. bookworm); repeatable, paired with --mirror in order")
	f.StringArrayVar(&o.components, "component", nil, "component for --mirror (default main); repeatable")
	f.StringVar(&o.keyring, "keyring", "", "OpenPGP keyring to verify InRelease with, instead of each source's Signed-By")
	f.StringVar(&o.debs, "debs", "", "folder of .deb files to build from (offline; with --mirror, both are used)")
	f.StringVar(&o.arch, "arch", "amd64", "architecture: amd64 or arm64")
	f.StringVar(&o.cache, "cache", "", "download cache (default: the user cache dir/harden/debs)")
	f.StringVar(&o.lock, "lock", "", "lock file: read it if it exists (same packages, same image), else write it")
	f.BoolVar(&o.updateLock, "update-lock", false, "resolve again and rewrite --lock")
	f.BoolVar(&o.resolveOnly, "resolve-only", false, "print the resolved packages (and write --lock) without building")
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "where to write the image: docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH, registry:REF; repeatable")
	f.StringArrayVar(&o.entrypoint, "entrypoint", nil, "image entrypoint, one argument per flag (replaces the preset's)")
	f.StringArrayVar(&o.add, "add", nil, "HOSTFILE:/PATH to put into the image in a layer of its own, owned by root (an app on the base); repeatable")
	f.StringArrayVar(&o.labels, "label", nil, "KEY=VALUE image label; repeatable")
	f.BoolVar(&o.keepDocs, "keep-docs", false, "keep /usr/share/doc, man and info pages (default: copyright files only)")
	f.BoolVar(&o.insecure, "insecure", false, "allow plain-HTTP registries for registry: outputs")
}

func newBaseCmd(g *globals) *cobra.Command {
	o := &baseOptions{}
	cmd := &cobra.Command{
		Use:   "base [PRESET]",
		Short: "Build a distroless base image from Debian packages, without Docker",
		Long: `base resolves Debian packages (a preset and/or --package) through their
Depends and Pre-Depends, downloads them from the machine's apt sources (or
--mirror, or --debs) with every signature and checksum checked, and writes
one image layer from their files: no maintainer scripts, no shell, user
65532. Same --lock, same digest.`,
		Example: `  harden base nodejs -o docker-daemon:my/node-base:18
  harden base --package python3 --exclude libsqlite3-0 -o oci:out
  harden base static --lock static.lock -o docker-archive:static.tar`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if o.preset != "" && o.preset != args[0] {
					return usageError{fmt.Errorf("give the preset once: %q or --preset %q", args[0], o.preset)}
				}
				o.preset = args[0]
			}
			return runBase(cmd, g, o)
		},
	}
	addBaseFlags(cmd, o)
	return cmd
}

func runBase(cmd *cobra.Command, g *globals, o *baseOptions) error {
	if err := g.checkFormat("table", "json"); err != nil {
		return err
	}
	presets, err := loadPresets(o.presetsFile)
	if err != nil {
		return usageError{err}
	}
	if o.listPresets {
		return listPresets(g, presets)
	}
	if err := base.CheckArch(o.arch); err != nil {
		return usageError{err}
	}
	spec, err := baseSpec(presets, o)
	if err != nil {
		return usageError{err}
	}
	src, err := baseSource(g, o)
	if err != nil {
		return err
	}
	ctx := cmd.Context()

	var lock *base.Lock
	if o.lock != "" && !o.updateLock {
		if lock, err = readLockFile(o.lock); err != nil {
			return err
		}
	}
	if o.resolveOnly {
		r, err := base.Plan(ctx, spec, src, o.arch)
		if err != nil {
			return err
		}
		return finishBase(g, o, r, lock == nil)
	}
	opts := []base.Option{base.WithLogger(g.log), base.WithDocs(o.keepDocs)}
	if lock != nil {
		opts = append(opts, base.WithLock(lock))
	}
	if s := g.getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return usageError{fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)}
		}
		opts = append(opts, base.WithEpoch(time.Unix(sec, 0)))
	}
	start := time.Now()
	img, r, err := base.Build(ctx, spec, src, o.arch, opts...)
	if errors.Is(err, base.ErrStaleLock) {
		return usageError{fmt.Errorf("%s: %w; pass --update-lock to resolve again", o.lock, err)}
	}
	if err != nil {
		return err
	}
	defer r.Close()
	if img, err = addToBase(img, o, r.Epoch); err != nil {
		return err
	}
	for _, out := range o.outputs {
		if err := image.Write(ctx, img, out, image.WithInsecure(o.insecure), image.WithLogger(g.log)); err != nil {
			return fmt.Errorf("writing %s: %w", out, err)
		}
	}
	if err := finishBase(g, o, r, lock == nil); err != nil {
		return err
	}
	g.info("built %s for %s in %s: %d packages, layer %s (%s uncompressed), %s",
		nameOr(spec.Preset, "base"), r.Arch, time.Since(start).Round(time.Millisecond), len(r.Packages),
		report.Bytes(r.LayerSize), report.Bytes(r.LayerUncompressedSize), r.Digest)
	for _, out := range o.outputs {
		g.info("wrote %s", out)
	}
	if len(o.outputs) == 0 {
		g.info("no -o given: the image was built but not written")
	}
	return nil
}

// finishBase warns about cut dependencies, writes the lock if it is new,
// and prints the package set.
func finishBase(g *globals, o *baseOptions, r *base.Result, writeLock bool) error {
	if !g.quiet {
		for _, c := range r.Cut {
			fmt.Fprintf(g.stderr, "harden: warning: dependency cut: %s\n", c)
		}
	}
	if o.lock != "" && writeLock {
		if err := writeLockFile(o.lock, r.Lock); err != nil {
			return err
		}
		g.info("wrote lock %s (%d packages)", o.lock, len(r.Lock.Packages))
	}
	if g.format == "json" {
		return report.WriteJSON(g.stdout, r)
	}
	t := report.NewTable("PACKAGE", "VERSION", "ARCH", "SIZE", "WHY").AlignRight(3)
	for _, p := range r.Packages {
		t.Add(p.Name, p.Version, p.Architecture, report.Bytes(p.Size), nameOr(p.Reason, "locked"))
	}
	return t.WriteText(g.stdout)
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func loadPresets(file string) (*base.Presets, error) {
	ps, err := base.BuiltinPresets()
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
	user, err := base.ParsePresets(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ps.Merge(user)
	return ps, nil
}

func listPresets(g *globals, ps *base.Presets) error {
	type row struct {
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Packages    []string `json:"packages"`
		Entrypoint  []string `json:"entrypoint,omitempty"`
	}
	var rows []row
	for _, n := range ps.Names() {
		s, err := ps.Spec(n, "amd64")
		if err != nil {
			return usageError{err}
		}
		rows = append(rows, row{n, ps.Presets[n].Description, s.Packages, s.Entrypoint})
	}
	if g.format == "json" {
		return report.WriteJSON(g.stdout, rows)
	}
	t := report.NewTable("PRESET", "PACKAGES", "ENTRYPOINT", "DESCRIPTION")
	for _, r := range rows {
		t.Add(r.Name, strings.Join(r.Packages, " "), strings.Join(r.Entrypoint, " "), r.Description)
	}
	return t.WriteText(g.stdout)
}

// baseSpec is the preset's spec plus --package, --exclude and --entrypoint.
func baseSpec(ps *base.Presets, o *baseOptions) (base.Spec, error) {
	if o.preset == "" && len(o.packages) == 0 {
		return base.Spec{}, fmt.Errorf("give a preset (%s) or --package", strings.Join(ps.Names(), ", "))
	}
	spec := base.Spec{Exclude: ps.Exclude}
	if o.preset != "" {
		var err error
		if spec, err = ps.Spec(o.preset, o.arch); err != nil {
			return base.Spec{}, err
		}
	}
	spec.Packages = append(spec.Packages, o.packages...)
	spec.Exclude = append(spec.Exclude, o.exclude...)
	if len(o.entrypoint) > 0 {
		spec.Entrypoint = o.entrypoint
	}
	return spec, spec.Validate()
}

// baseSource builds the package source from --mirror/--suite/--component,
// --debs, or else the machine's apt sources.
func baseSource(g *globals, o *baseOptions) (*base.Source, error) {
	client, err := debianClient(g, o)
	if err != nil {
		return nil, err
	}
	repos, err := baseRepos(o)
	if err != nil {
		return nil, usageError{err}
	}
	var local []*debian.Package
	if o.debs != "" {
		if local, err = debian.ReadDebDir(o.debs, o.arch); err != nil {
			return nil, usageError{err}
		}
	}
	return base.NewSource(client, repos, local)
}

// debianClient makes the repository client of --cache and --keyring (the
// Debian archive keyring with --mirror, else each source's Signed-By).
func debianClient(g *globals, o *baseOptions) (*debian.Client, error) {
	cache := o.cache
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, usageError{fmt.Errorf("no user cache dir (%v); give --cache", err)}
		}
		cache = filepath.Join(dir, "harden", "debs")
	}
	copts := []debian.Option{debian.WithLogger(g.log)}
	keyring := o.keyring
	if keyring == "" && len(o.mirrors) > 0 {
		keyring = defaultKeyring
	}
	if keyring != "" {
		keys, err := debian.LoadKeyring(keyring)
		if err != nil {
			return nil, usageError{err}
		}
		copts = append(copts, debian.WithKeyring(keys))
	}
	return debian.NewClient(cache, copts...)
}

func baseRepos(o *baseOptions) ([]debian.Repo, error) {
	if len(o.mirrors) == 0 {
		if len(o.suites) > 0 || len(o.components) > 0 {
			return nil, fmt.Errorf("--suite and --component go with --mirror")
		}
		if o.debs != "" {
			return nil, nil
		}
		srcs, err := debian.SystemSources("/")
		if err != nil {
			return nil, err
		}
		repos := debian.Repos(srcs, o.arch)
		if len(repos) == 0 {
			return nil, fmt.Errorf("the machine's apt sources have no enabled deb source for %s", o.arch)
		}
		return repos, nil
	}
	if len(o.suites) == 0 {
		return nil, fmt.Errorf("--mirror needs --suite (e.g. bookworm)")
	}
	comps := o.components
	if len(comps) == 0 {
		comps = []string{"main"}
	}
	var repos []debian.Repo
	switch {
	case len(o.mirrors) == 1:
		for _, s := range o.suites {
			repos = append(repos, debian.Repo{URI: strings.TrimRight(o.mirrors[0], "/"), Suite: s, Components: comps})
		}
	case len(o.suites) == 1 || len(o.suites) == len(o.mirrors):
		for i, m := range o.mirrors {
			s := o.suites[0]
			if len(o.suites) > 1 {
				s = o.suites[i]
			}
			repos = append(repos, debian.Repo{URI: strings.TrimRight(m, "/"), Suite: s, Components: comps})
		}
	default:
		return nil, fmt.Errorf("give one --suite per --mirror (in order), or one --mirror, or one --suite")
	}
	for _, r := range repos {
		if !strings.HasPrefix(r.URI, "http://") && !strings.HasPrefix(r.URI, "https://") {
			return nil, fmt.Errorf("--mirror %q: want an http:// or https:// URL", r.URI)
		}
	}
	return repos, nil
}

func readLockFile(path string) (*base.Lock, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close()
	l, err := base.ReadLock(f)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", path, err)}
	}
	return l, nil
}

// writeLockFile writes the lock atomically (temp file, then rename).
func writeLockFile(path string, l *base.Lock) error {
	var buf bytes.Buffer
	if err := l.Write(&buf); err != nil {
		return fmt.Errorf("writing lock: %w", err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// addToBase applies --add and --label.
func addToBase(img v1.Image, o *baseOptions, epoch time.Time) (v1.Image, error) {
	var files []base.AddFile
	for _, a := range o.add {
		f, err := base.ParseAdd(a)
		if err != nil {
			return nil, usageError{err}
		}
		files = append(files, f)
	}
	img, err := base.AddFiles(img, files, epoch)
	if err != nil {
		return nil, err
	}
	if len(o.labels) == 0 {
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
	for _, l := range o.labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--label %q: want KEY=VALUE", l)}
		}
		cf.Config.Labels[k] = v
	}
	return mutate.ConfigFile(img, cf)
}
