package minify

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// Package is an OS package that keeps at least one file in the new image.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Manager is "dpkg" or "apk".
	Manager string `json:"manager"`
	// Files lists the kept files as the package database names them.
	Files []string `json:"files"`
	// Total is how many files the package had.
	Total int `json:"total"`
}

// Where the package metadata of a minified image goes.
const (
	statusDir    = "/var/lib/dpkg/status.d"
	apkInstalled = "/lib/apk/db/installed"
)

// packages writes truthful package metadata: for every Debian package with
// kept files, a control file in /var/lib/dpkg/status.d and an md5sums file
// listing only the kept files (as distroless does); for apk, an installed
// database with only the kept packages and files.
func (k *Keeper) packages() {
	k.dpkgPackages()
	k.apkPackages()
	sort.Slice(k.plan.Packages, func(i, j int) bool { return k.plan.Packages[i].Name < k.plan.Packages[j].Name })
}

// controlText is a paragraph's control data as status.d holds it: its
// text without dpkg's own bookkeeping (Status, Conffiles, Config-Version
// and their continuation lines).
func controlText(p facts.DpkgParagraph) string {
	var kept []string
	skipping := false
	for _, line := range strings.Split(strings.TrimSuffix(p.Text, "\n"), "\n") {
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			if !skipping {
				kept = append(kept, line)
			}
			continue
		}
		key, _, _ := strings.Cut(line, ":")
		switch key {
		case "Status", "Conffiles", "Config-Version":
			skipping = true
			continue
		}
		skipping = false
		kept = append(kept, line)
	}
	return strings.Join(kept, "\n") + "\n"
}

// dpkgParagraphs returns the packages of the status file that dpkg counts
// as installed and every paragraph of status.d, with valid names.
func dpkgParagraphs(x *fsindex.Index) []facts.DpkgParagraph {
	var out []facts.DpkgParagraph
	add := func(paras []facts.DpkgParagraph, onlyInstalled bool) {
		for _, p := range paras {
			if validPackageName(p.Name()) && (!onlyInstalled || p.Installed()) {
				out = append(out, p)
			}
		}
	}
	if paras, ok := fsindex.Get(x, facts.DpkgStatus, facts.DpkgStatusPath); ok {
		add(paras, true)
	}
	for _, c := range x.Children(statusDir) {
		if paras, ok := fsindex.Get(x, facts.DpkgStatus, c.Path); ok {
			add(paras, false)
		}
	}
	return out
}

func validPackageName(n string) bool {
	if n == "" || len(n) > 128 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+-._", r)) {
			return false
		}
	}
	return n[0] != '.'
}

func (k *Keeper) dpkgPackages() {
	paras := dpkgParagraphs(k.x)
	if len(paras) == 0 {
		return
	}
	for _, para := range paras {
		files := dpkgListOf(k.x, para)
		var kept []string
		total := 0
		for _, f := range files {
			e, canonical, ok := k.canonical(f)
			if !ok || e.IsDir() {
				continue
			}
			if st, err := k.x.Stat(canonical); err == nil && st.IsDir() {
				continue // /lib, /bin: usrmerge links to directories
			}
			total++
			if it, ok := k.plan.items[canonical]; ok && !it.Generated() {
				kept = append(kept, f)
			}
		}
		if len(kept) == 0 {
			continue
		}
		pkg := Package{Name: para.Name(), Version: para.Version(), Manager: "dpkg", Files: kept, Total: total}
		k.plan.Packages = append(k.plan.Packages, pkg)
		r := Reason{Rule: "package-metadata", Why: fmt.Sprintf("%s keeps %d of its %d files", para.Name(), len(kept), total)}
		k.generate(&Item{Path: path.Join(statusDir, para.Name()), Type: fsindex.TypeRegular, Mode: 0o644, Data: []byte(controlText(para))}, r)
		k.generate(&Item{Path: path.Join(statusDir, para.Name()+".md5sums"), Type: fsindex.TypeRegular, Mode: 0o644, md5sumsOf: para.Name()}, r)
	}
}

// dpkgListOf returns the file list of a package from /var/lib/dpkg/info.
func dpkgListOf(x *fsindex.Index, para facts.DpkgParagraph) []string {
	for _, name := range []string{para.Name() + ":" + para.Arch(), para.Name()} {
		if files, ok := fsindex.Get(x, facts.DpkgFiles, facts.DpkgInfoDir+"/"+name+".list"); ok {
			return files
		}
	}
	return nil
}

// canonical resolves the directories of a package database path (usrmerge
// moved /lib to /usr/lib), not its last component.
func (k *Keeper) canonical(p string) (*fsindex.Entry, string, bool) {
	res, err := k.x.ResolveParent(p)
	if err != nil || res.Entry == nil {
		return nil, "", false
	}
	return res.Entry, res.Path, true
}

// apkPackages rewrites /lib/apk/db/installed with the kept files only.
func (k *Keeper) apkPackages() {
	data, ok := k.x.Content(apkInstalled)
	if !ok {
		return
	}
	var out bytes.Buffer
	for _, block := range strings.Split(string(data), "\n\n") {
		text, pkg := k.filterApk(block)
		if pkg == nil {
			continue
		}
		k.plan.Packages = append(k.plan.Packages, *pkg)
		out.WriteString(text)
		out.WriteString("\n")
	}
	if out.Len() == 0 {
		return
	}
	k.generate(&Item{Path: apkInstalled, Type: fsindex.TypeRegular, Mode: 0o644, Data: out.Bytes()},
		Reason{Rule: "package-metadata", Why: "apk database with the kept packages and files only"})
}

// filterApk keeps one apk stanza's kept files: F: lines name a directory,
// R: lines a file in it, followed by its a:/M:/Z: lines.
func (k *Keeper) filterApk(block string) (string, *Package) {
	var head, body []string
	pkg := &Package{Manager: "apk"}
	dir := ""
	var dirLines []string
	keepFile, dirFiles := false, false
	flushDir := func() {
		if dirFiles {
			body = append(body, dirLines...)
		}
		dirLines, dirFiles = nil, false
	}
	for _, line := range strings.Split(strings.Trim(block, "\n"), "\n") {
		if len(line) < 2 || line[1] != ':' {
			continue
		}
		key, val := line[0], line[2:]
		switch key {
		case 'P':
			pkg.Name = val
			head = append(head, line)
		case 'V':
			pkg.Version = val
			head = append(head, line)
		case 'F':
			flushDir()
			dir = "/" + strings.Trim(val, "/")
			dirLines = []string{line}
			keepFile = false
		case 'R':
			p := path.Join(dir, val)
			pkg.Total++
			keepFile = false
			if _, canonical, ok := k.canonical(p); ok {
				if it, ok := k.plan.items[canonical]; ok && !it.Generated() {
					keepFile, dirFiles = true, true
					pkg.Files = append(pkg.Files, p)
					dirLines = append(dirLines, line)
				}
			}
		case 'a', 'Z':
			if dirLines == nil {
				head = append(head, line)
			} else if keepFile {
				dirLines = append(dirLines, line)
			}
		case 'M':
			if dirLines == nil {
				head = append(head, line)
			} else if !keepFile {
				dirLines = append(dirLines, line)
			}
		default:
			head = append(head, line)
		}
	}
	flushDir()
	if pkg.Name == "" || len(pkg.Files) == 0 {
		return "", nil
	}
	return strings.Join(append(head, body...), "\n") + "\n", pkg
}
