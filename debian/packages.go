package debian

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"pault.ag/go/debian/control"
	"pault.ag/go/debian/version"
)

// Package is one binary package as a Packages index (or a local .deb's
// control file) describes it.
type Package struct {
	Name         string
	Version      version.Version
	Architecture string
	Source       string
	Essential    bool
	Priority     string
	Section      string
	// Depends, PreDepends and Provides are the raw relation fields; the
	// resolver parses them when it needs them.
	Depends, PreDepends, Provides string
	// Filename is the pool path below the repository URI, or the path of a
	// local .deb when Repo is nil.
	Filename string
	// Size, SHA256 (and MD5 when given) vouch for the .deb.
	Size        int64
	SHA256, MD5 string
	// InstalledSize is Installed-Size in bytes (an estimate, in KiB units).
	InstalledSize int64
	// Repo is where the package comes from; nil for a local .deb.
	Repo *Repo
}

// ID is "name=version:arch", unique in an index.
func (p *Package) ID() string { return p.Name + "=" + p.Version.String() + ":" + p.Architecture }

// FileInfo is what vouches for the package's .deb file.
func (p *Package) FileInfo() FileInfo {
	return FileInfo{Size: p.Size, SHA256: p.SHA256, MD5: p.MD5}
}

// URL is where the .deb is downloaded from, or the local path.
func (p *Package) URL() string {
	if p.Repo == nil {
		return p.Filename
	}
	return p.Repo.URI + "/" + strings.TrimPrefix(p.Filename, "/")
}

// ParsePackages reads a Packages index. Stanzas of another architecture
// than arch or "all" are skipped when arch is not empty. repo is recorded in
// each package (it may be nil).
func ParsePackages(r io.Reader, arch string, repo *Repo) ([]*Package, error) {
	pr, err := control.NewParagraphReader(r, nil)
	if err != nil {
		return nil, fmt.Errorf("reading Packages: %w", err)
	}
	var out []*Package
	for {
		para, err := pr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading Packages: %w", err)
		}
		p, err := packageFromParagraph(para.Values)
		if err != nil {
			return nil, fmt.Errorf("reading Packages: %w", err)
		}
		if arch != "" && p.Architecture != arch && p.Architecture != "all" {
			continue
		}
		p.Repo = repo
		out = append(out, p)
	}
}

// packageFromParagraph builds a Package from control fields. It checks what
// a build depends on: name, version, architecture, and for index entries
// the Filename, Size and SHA256.
func packageFromParagraph(v map[string]string) (*Package, error) {
	name := v["Package"]
	if name == "" {
		return nil, fmt.Errorf("stanza without Package")
	}
	ver, err := version.Parse(v["Version"])
	if err != nil || v["Version"] == "" {
		return nil, fmt.Errorf("package %s: bad Version %q", name, v["Version"])
	}
	p := &Package{
		Name:         name,
		Version:      ver,
		Architecture: v["Architecture"],
		Source:       v["Source"],
		Essential:    v["Essential"] == "yes",
		Priority:     v["Priority"],
		Section:      v["Section"],
		Depends:      v["Depends"],
		PreDepends:   v["Pre-Depends"],
		Provides:     v["Provides"],
		Filename:     v["Filename"],
		SHA256:       strings.ToLower(v["SHA256"]),
		MD5:          strings.ToLower(v["MD5sum"]),
	}
	if p.Architecture == "" {
		return nil, fmt.Errorf("package %s: no Architecture", name)
	}
	if s := v["Installed-Size"]; s != "" {
		if kib, err := strconv.ParseInt(s, 10, 64); err == nil && kib >= 0 && kib < 1<<40 {
			p.InstalledSize = kib * 1024
		}
	}
	if s := v["Size"]; s != "" {
		if p.Size, err = strconv.ParseInt(s, 10, 64); err != nil || p.Size < 0 {
			return nil, fmt.Errorf("package %s: bad Size %q", name, s)
		}
	}
	return p, nil
}
