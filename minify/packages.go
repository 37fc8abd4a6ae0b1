package minify

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

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

// dpkgParagraph is one stanza of a dpkg status file.
type dpkgParagraph struct {
	name, version, arch, status string
	text                        string
}

// parseDpkgStatus splits a dpkg status file into its stanzas. Malformed
// stanzas (no Package field) are skipped.
func parseDpkgStatus(data []byte) []dpkgParagraph {
	var out []dpkgParagraph
	for _, block := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\n") {
		block = strings.Trim(block, "\n")
		if block == "" {
			continue
		}
		var p dpkgParagraph
		var kept []string
		skipping := false
		for _, line := range strings.Split(block, "\n") {
			if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
				if !skipping {
					kept = append(kept, line)
				}
				continue
			}
			key, val, _ := strings.Cut(line, ":")
			val = strings.TrimSpace(val)
			skipping = false
			switch key {
			case "Package":
				p.name = val
			case "Version":
				p.version = val
			case "Architecture":
				p.arch = val
			case "Status":
				p.status = val
			}
			switch key {
			case "Status", "Conffiles", "Config-Version":
				// dpkg's own bookkeeping, not the package's control data
				skipping = true
				continue
			}
			kept = append(kept, line)
		}
		if p.name == "" || !validPackageName(p.name) {
			continue
		}
		p.text = strings.Join(kept, "\n") + "\n"
		out = append(out, p)
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
	var paras []dpkgParagraph
	if data, ok := k.x.Content("/var/lib/dpkg/status"); ok {
		for _, p := range parseDpkgStatus(data) {
			if p.status == "" || strings.HasSuffix(p.status, " installed") {
				paras = append(paras, p)
			}
		}
	}
	for _, data := range k.statusD() {
		paras = append(paras, parseDpkgStatus(data)...)
	}
	if len(paras) == 0 {
		return
	}
	lists := k.x.ParsedAll(WantDpkgList)
	for _, para := range paras {
		files := k.dpkgFiles(lists, para)
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
		pkg := Package{Name: para.name, Version: para.version, Manager: "dpkg", Files: kept, Total: total}
		k.plan.Packages = append(k.plan.Packages, pkg)
		r := Reason{Rule: "package-metadata", Why: fmt.Sprintf("%s keeps %d of its %d files", para.name, len(kept), total)}
		k.generate(&Item{Path: path.Join(statusDir, para.name), Type: fsindex.TypeRegular, Mode: 0o644, Data: []byte(para.text)}, r)
		k.generate(&Item{Path: path.Join(statusDir, para.name+".md5sums"), Type: fsindex.TypeRegular, Mode: 0o644, md5sumsOf: para.name}, r)
	}
}

// statusD returns the control files of an image that already uses
// status.d (a distroless base).
func (k *Keeper) statusD() map[string][]byte {
	out := map[string][]byte{}
	for _, c := range k.x.Children(statusDir) {
		if data, ok := k.x.Content(c.Path); ok {
			out[c.Path] = data
		}
	}
	return out
}

// dpkgFiles returns the file list of a package from /var/lib/dpkg/info.
func (k *Keeper) dpkgFiles(lists map[string]any, para dpkgParagraph) []string {
	for _, name := range []string{para.name + ":" + para.arch, para.name} {
		if v, ok := lists["/var/lib/dpkg/info/"+name+".list"]; ok {
			if files, ok := v.([]string); ok {
				return files
			}
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
