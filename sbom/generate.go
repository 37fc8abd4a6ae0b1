package sbom

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gobinary"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagejson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/wheelegg"
	"github.com/google/osv-scalibr/extractor/filesystem/os/apk"
	"github.com/google/osv-scalibr/extractor/filesystem/os/dpkg"
	"github.com/google/osv-scalibr/extractor/filesystem/os/osrelease"
	"github.com/google/osv-scalibr/purl"
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// osReleaseWant keeps /etc/os-release (and the file it usually links to).
func osReleaseWant() fsindex.Want {
	return fsindex.Want{
		Name:    "sbom/os-release",
		MaxSize: 64 << 10,
		Match: fsindex.MatchPath(func(p string) bool {
			return p == "/etc/os-release" || p == "/usr/lib/os-release"
		}),
	}
}

// Wants returns what the filesystem walk must keep for Generate: pass them
// to fsindex.Build (with any other analyzer's wants) before calling it.
func Wants(opts ...Option) []fsindex.Want {
	o, err := makeOptions(opts...)
	if err != nil {
		o, _ = makeOptions() // Generate reports the bad option
	}
	var ws []fsindex.Want
	for _, s := range sources() {
		ws = append(ws, s.want())
	}
	ws = append(ws, osReleaseWant(), facts.DpkgFiles.Want(), facts.ApkInstalled.Want(), binaryHits.Want())
	if !o.noLicenses {
		ws = append(ws, debCopyright.Want())
	}
	return ws
}

// Generate lists the packages of an indexed image. The index must have been
// built with the wants of Wants (same options).
func Generate(ctx context.Context, x *fsindex.Index, opts ...Option) (*SBOM, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	g := &gen{x: x, v: &view{x: x}, o: o, byKey: map[string]int{}}
	g.s = &SBOM{Source: o.source, Created: o.now().UTC().Truncate(time.Second), Packages: []Package{}}
	if g.s.Source.Kind == "" {
		g.s.Source.Kind = "image"
	}
	g.s.OS = osInfo(g.v)
	for i, l := range x.Layers {
		g.s.Layers = append(g.s.Layers, Layer{Index: i, DiffID: l.DiffID.String(), Instruction: l.Instruction(), Origin: string(l.Origin)})
	}
	kept := x.KeptPaths()
	for _, src := range sources() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if src.atWalk {
			g.fromWalk(src)
			continue
		}
		if err := g.fromKept(ctx, src, kept); err != nil {
			return nil, err
		}
	}
	g.fromBinaries()
	for _, sk := range x.Skipped {
		switch {
		case strings.HasPrefix(sk.Want, "sbom/") && sk.Want != debCopyright.Name():
			g.problem(sk.Path, strings.TrimPrefix(sk.Want, "sbom/"), "not read: "+sk.Reason)
		case sk.Want == facts.DpkgFiles.Name() && isDpkgList(sk.Path):
			g.problem(sk.Path, "dpkg-list", "not read: "+sk.Reason)
		}
	}
	g.markOwned()
	sortPackages(g.s.Packages)
	g.s.Summarize()
	return g.s, nil
}

// gen holds the state of one Generate call.
type gen struct {
	apkOwner map[string]string
	x        *fsindex.Index
	v        *view
	o        *options
	s        *SBOM
	byKey    map[string]int
}

func (g *gen) problem(p, ex, msg string) {
	g.s.Problems = append(g.s.Problems, Problem{Path: p, Extractor: ex, Error: msg})
}

// fromWalk collects what an at-walk extractor found.
func (g *gen) fromWalk(src *source) {
	for _, p := range fsindex.Paths(g.x, src.found()) {
		wr, ok := fsindex.Get(g.x, src.found(), p)
		if !ok || wr == nil {
			continue
		}
		g.addAll(src, p, wr.pkgs, nil)
	}
}

// fromKept runs an extractor on every kept file it requires.
func (g *gen) fromKept(ctx context.Context, src *source, kept []string) error {
	for _, p := range kept {
		e, ok := g.x.Lookup(p)
		if !ok {
			continue
		}
		info := entryInfo{e: e, name: path.Base(p)}
		if !src.ex.FileRequired(fileAPI{path: rel(p), info: info}) {
			continue
		}
		data, _ := g.x.Content(p)
		inv, err := src.ex.Extract(ctx, &filesystem.ScanInput{FS: g.v, Path: rel(p), Info: info, Reader: bytes.NewReader(data)})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			g.o.log.Debug("extractor failed", "extractor", src.ex.Name(), "path", p, "err", err)
			g.problem(p, src.ex.Name(), err.Error())
		}
		g.addAll(src, p, inv.Packages, data)
	}
	return nil
}

// addAll converts and records the packages found in file p.
func (g *gen) addAll(src *source, p string, pkgs []*extractor.Package, data []byte) {
	var apkFiles map[string]string
	if src.ex.Name() == apk.Name && data != nil {
		var owner map[string]string
		db, _ := fsindex.Get(g.x, facts.ApkInstalled, p)
		apkFiles, owner = apkOwnedFiles(db)
		if g.apkOwner == nil {
			g.apkOwner = map[string]string{}
		}
		for p, pkg := range owner {
			g.apkOwner[p] = pkg
		}
	}
	for _, sp := range pkgs {
		if sp == nil || sp.Name == "" {
			continue
		}
		if src.ex.Name() == gobinary.Name && sp.Name == "go" {
			sp.Name = "stdlib" // the Go toolchain, as OSV's Go data names it
		}
		pkg := g.convert(src, p, sp)
		g.addEvidence(src, &pkg, p, data, apkFiles)
		g.merge(pkg)
	}
}

// convert turns a scalibr package into harden's.
func (g *gen) convert(src *source, file string, sp *extractor.Package) Package {
	pkg := Package{Name: sp.Name, Version: sp.Version, Type: sp.PURLType, FoundBy: src.ex.Name()}
	if pu := sp.PURL(); pu != nil {
		if pu.Type == "npm" {
			// scalibr's own "source" qualifier (UNKNOWN, LOCAL, ...) is not
			// part of the npm purl spec; other tools leave it out
			var qs purl.Qualifiers
			for _, q := range pu.Qualifiers {
				if q.Key != "source" {
					qs = append(qs, q)
				}
			}
			pu.Qualifiers = qs
		}
		pkg.PURL = pu.String()
	}
	pkg.Ecosystem = sp.Ecosystem().String()
	for _, l := range sp.Licenses {
		if l = strings.TrimSpace(l); l != "" {
			pkg.Licenses = append(pkg.Licenses, l)
		}
	}
	osMetadata(&pkg, sp.Metadata)
	var paths []string
	if d := sp.Location.Descriptor; d != nil && d.File != nil && d.File.Path != "" {
		paths = append(paths, d.File.Path)
	}
	for _, r := range sp.Location.Related {
		if r.File != nil && r.File.Path != "" {
			paths = append(paths, r.File.Path)
		}
	}
	if len(paths) == 0 {
		paths = []string{rel(file)}
	}
	seen := map[string]bool{}
	for _, rp := range paths {
		abs := "/" + strings.TrimPrefix(rp, "/")
		if !seen[abs] {
			seen[abs] = true
			pkg.Locations = append(pkg.Locations, g.location(abs))
		}
	}
	return pkg
}

// location attributes a path to the layer holding its visible version. A
// path inside an archive ("/app.jar:BOOT-INF/lib/x.jar") is attributed to
// the archive.
func (g *gen) location(p string) Location {
	l := Location{Path: p}
	e, ok := g.x.Lookup(p)
	if !ok {
		if file, _, cut := strings.Cut(p, ":"); cut {
			e, ok = g.x.Lookup(file)
		}
	}
	if ok {
		li := e.Layer
		l.Layer = &li
		if li >= 0 && li < len(g.x.Layers) {
			l.Origin = string(g.x.Layers[li].Origin)
		}
	}
	return l
}

// addEvidence adds what harden knows beyond scalibr: the file list a dpkg
// install wrote (which tells the layer that installed the package), the
// first file an apk package owns, and licenses scalibr does not read.
func (g *gen) addEvidence(src *source, pkg *Package, file string, data []byte, apkFiles map[string]string) {
	switch src.ex.Name() {
	case dpkg.Name:
		if !strings.HasPrefix(file, "/var/lib/dpkg/status.d/") {
			for _, name := range []string{pkg.Name + ":" + pkg.Arch + ".list", pkg.Name + ".list"} {
				lp := "/var/lib/dpkg/info/" + name
				if _, ok := g.x.Lookup(lp); ok {
					pkg.Locations = append([]Location{g.location(lp)}, pkg.Locations...)
					break
				}
			}
		}
		if len(pkg.Licenses) == 0 {
			pkg.Licenses = g.debLicenses(pkg.Name)
		}
	case apk.Name:
		if f, ok := apkFiles[pkg.Name]; ok {
			if _, ok := g.x.Lookup(f); ok {
				pkg.Locations = append([]Location{g.location(f)}, pkg.Locations...)
			}
		}
	case packagejson.Name:
		if len(pkg.Licenses) == 0 && data != nil {
			pkg.Licenses = packageJSONLicenses(data)
		}
	case wheelegg.Name:
		if len(pkg.Licenses) == 0 && data != nil && !strings.HasSuffix(file, ".egg") {
			pkg.Licenses = pythonLicenses(data)
		}
	}
}

// debLicenses returns the licenses of /usr/share/doc/NAME/copyright, found
// through symlinked doc directories too.
func (g *gen) debLicenses(name string) []string {
	r, err := g.x.Resolve("/usr/share/doc/" + name + "/copyright")
	if err != nil {
		return nil
	}
	ls, ok := fsindex.Get(g.x, debCopyright, r.Path)
	if !ok {
		return nil
	}
	return append([]string(nil), ls...)
}

// merge adds pkg, or folds it into the same package found elsewhere.
func (g *gen) merge(pkg Package) {
	k := pkg.key()
	i, ok := g.byKey[k]
	if !ok {
		g.byKey[k] = len(g.s.Packages)
		g.s.Packages = append(g.s.Packages, pkg)
		return
	}
	have := &g.s.Packages[i]
	for _, l := range pkg.Locations {
		dup := false
		for _, h := range have.Locations {
			if h.Path == l.Path {
				dup = true
				break
			}
		}
		if !dup {
			have.Locations = append(have.Locations, l)
		}
	}
	if len(have.Licenses) == 0 {
		have.Licenses = pkg.Licenses
	}
}

// osInfo reads os-release through the view.
func osInfo(v *view) *OS {
	m, err := osrelease.GetOSRelease(v)
	if err != nil || m["ID"] == "" {
		return nil
	}
	o := &OS{ID: m["ID"], VersionID: m["VERSION_ID"], Codename: m["VERSION_CODENAME"], PrettyName: m["PRETTY_NAME"]}
	o.Ecosystem = osEcosystem(o)
	return o
}

// osEcosystem is the OSV ecosystem of a distribution's packages.
func osEcosystem(o *OS) string {
	switch o.ID {
	case "debian":
		if major, _, _ := strings.Cut(o.VersionID, "."); major != "" {
			return "Debian:" + major
		}
		return "Debian"
	case "ubuntu":
		return "Ubuntu:" + o.VersionID
	case "alpine":
		parts := strings.Split(o.VersionID, ".")
		if len(parts) >= 2 {
			return fmt.Sprintf("Alpine:v%s.%s", parts[0], parts[1])
		}
		return "Alpine"
	}
	return ""
}
