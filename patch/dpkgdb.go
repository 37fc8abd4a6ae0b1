package patch

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
	"pault.ag/go/debian/version"
)

// Where dpkg keeps its database, in both layouts.
const (
	dpkgStatus  = "/var/lib/dpkg/status"
	dpkgStatusD = "/var/lib/dpkg/status.d"
	dpkgInfo    = "/var/lib/dpkg/info"
	ldCache     = "/etc/ld.so.cache"
	maxDBFile   = 64 << 20
)

// WantName names the fsindex want that keeps the bytes patch reads
// unparsed (ld.so.cache, dpkg's per-package md5sums and conffiles lists).
const WantName = "patch/dpkg"

// Wants are what Plan and Apply read from the index: the dpkg status (both
// layouts) and file lists as parsed facts, the apk database (to refuse it
// clearly), and the bytes of ld.so.cache and dpkg's info files. Pass them
// to fsindex.Build.
func Wants() []fsindex.Want {
	return []fsindex.Want{facts.DpkgStatus.Want(), facts.DpkgFiles.Want(), facts.ApkInstalled.Want(), {
		Name:    WantName,
		MaxSize: maxDBFile,
		Match: fsindex.MatchPath(func(p string) bool {
			switch {
			case p == ldCache:
				return true
			case path.Dir(p) == dpkgInfo:
				return strings.HasSuffix(p, ".md5sums") || strings.HasSuffix(p, ".conffiles")
			}
			return false
		}),
	}}
}

// installed is one dpkg package of the image.
type installed struct {
	pkg    *debian.Package
	stanza facts.DpkgParagraph
	// controlPath is the status.d file of a distroless image ("" for the
	// status file layout).
	controlPath string
	// infoName is the base name of its info files ("libssl3:amd64").
	infoName string
	// files are the paths the database lists for it (absolute).
	files []string
	// conffiles maps a conffile to its recorded md5.
	conffiles map[string]string
	// sourceName and sourceVersion are what advisories are written against.
	sourceName, sourceVersion string
}

// db is the image's package database.
type db struct {
	// distroless is true for the status.d layout (distroless and minified
	// images): only the files the image still has are replaced.
	distroless bool
	pkgs       map[string]*installed
	order      []facts.DpkgParagraph // the status file's paragraphs, in order
	// owners counts, for each listed path, the packages that list it.
	owners map[string]int
}

// readDB reads the package database from x.
func readDB(x *fsindex.Index) (*db, error) {
	if _, ok := fsindex.Get(x, facts.ApkInstalled, facts.ApkInstalledPath); ok {
		return nil, ErrApk
	}
	d := &db{pkgs: map[string]*installed{}, owners: map[string]int{}}
	if paras, ok := fsindex.Get(x, facts.DpkgStatus, dpkgStatus); ok {
		d.order = paras
		for _, st := range d.order {
			if !st.Installed() {
				continue
			}
			if err := d.add(x, st, ""); err != nil {
				return nil, err
			}
		}
	} else {
		for _, c := range x.Children(dpkgStatusD) {
			if strings.HasSuffix(c.Path, ".md5sums") || !c.IsRegular() {
				continue
			}
			paras, ok := fsindex.Get(x, facts.DpkgStatus, c.Path)
			if !ok {
				continue
			}
			d.distroless = true
			for _, st := range paras {
				if err := d.add(x, st, c.Path); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(d.pkgs) == 0 {
		return nil, ErrNoPackages
	}
	return d, nil
}

func (d *db) add(x *fsindex.Index, st facts.DpkgParagraph, controlPath string) error {
	f := st.Fields
	name, arch := f["Package"], f["Architecture"]
	if name == "" {
		return nil
	}
	if !safeName(name) || !safeName(arch) {
		return fmt.Errorf("%w: bad package name or architecture %q %q", ErrBadDatabase, name, arch)
	}
	v, err := version.Parse(f["Version"])
	if err != nil || f["Version"] == "" {
		return fmt.Errorf("%w: package %s has a bad Version %q", ErrBadDatabase, name, f["Version"])
	}
	p := &debian.Package{Name: name, Version: v, Architecture: arch, Source: f["Source"], Depends: f["Depends"], PreDepends: f["Pre-Depends"], Provides: f["Provides"]}
	in := &installed{pkg: p, stanza: st, controlPath: controlPath, conffiles: map[string]string{}}
	in.sourceName, in.sourceVersion = sourceOf(p)
	if controlPath != "" {
		in.files, _ = fsindex.Get(x, facts.DpkgFiles, controlPath+".md5sums")
	} else {
		for _, n := range []string{name + ":" + arch, name} {
			if files, ok := fsindex.Get(x, facts.DpkgFiles, dpkgInfo+"/"+n+".list"); ok {
				in.infoName, in.files = n, files
				break
			}
		}
		if in.infoName == "" {
			in.infoName = name
			if f["Multi-Arch"] == "same" {
				in.infoName = name + ":" + arch
			}
		}
	}
	for _, line := range strings.Split(f["Conffiles"], "\n") {
		if fs := strings.Fields(line); len(fs) >= 2 {
			in.conffiles[path.Clean(fs[0])] = fs[1]
		}
	}
	for _, fp := range in.files {
		d.owners[fp]++
	}
	d.pkgs[name] = in
	return nil
}

// sourceOf returns the source package name and version of p ("openssl
// (3.0.11-1~deb12u2)", "openssl", or none).
func sourceOf(p *debian.Package) (string, string) {
	s := strings.TrimSpace(p.Source)
	if s == "" {
		return p.Name, p.Version.String()
	}
	if name, v, ok := strings.Cut(s, " ("); ok {
		return name, strings.TrimSuffix(strings.TrimSpace(v), ")")
	}
	return s, p.Version.String()
}

// names returns the installed package names, sorted.
func (d *db) names() []string {
	out := make([]string, 0, len(d.pkgs))
	for n := range d.pkgs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// packages returns the installed packages for the resolver.
func (d *db) packages() []*debian.Package {
	var out []*debian.Package
	for _, n := range d.names() {
		out = append(out, d.pkgs[n].pkg)
	}
	return out
}

// safeName accepts what Debian allows in package and architecture names,
// so a name from the image can be part of a database file name.
func safeName(n string) bool {
	if n == "" || len(n) > 128 || n[0] == '.' {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+-.", r)) {
			return false
		}
	}
	return true
}
