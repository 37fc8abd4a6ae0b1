package audit

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Package databases audit reads, only as far as counting packages and
// finding stale entries needs. The sbom package builds the full inventory.
const (
	dpkgStatus   = "/var/lib/dpkg/status"
	dpkgStatusD  = "/var/lib/dpkg/status.d" // distroless: one stanza per file
	dpkgInfo     = "/var/lib/dpkg/info"
	apkInstalled = "/lib/apk/db/installed"
	// apkInstalledUsr is where newer Alpine releases keep the database.
	apkInstalledUsr = "/usr/lib/apk/db/installed"
	maxPkgStanzas   = 200_000
)

// pkg is one installed package.
type pkg struct {
	Manager string // "dpkg" or "apk"
	Name    string
	Version string
	// Files lists the package's paths where the database itself holds
	// them (apk); dpkg's are in info/*.list, read by the stale check.
	Files []string
}

func isPkgDB(p string) bool {
	switch p {
	case dpkgStatus, apkInstalled, apkInstalledUsr:
		return true
	}
	return path.Dir(p) == dpkgStatusD && !strings.Contains(path.Base(p), ".")
}

// pkgdbWant keeps the parsed package databases.
func pkgdbWant() fsindex.Want {
	return fsindex.Want{
		Name:    "audit/pkgdb",
		Match:   fsindex.MatchPath(isPkgDB),
		MaxSize: 64 << 20,
		Parse: func(p string, data []byte) (any, error) {
			if strings.HasSuffix(p, "/apk/db/installed") {
				return parseApkInstalled(data)
			}
			return parseDpkgStatus(data)
		},
	}
}

// stanzas calls fn with the fields of each blank-line-separated stanza
// (RFC 822 style; continuation lines are ignored, multi-letter apk keys
// work the same way).
func stanzas(data []byte, fn func(fields [][2]string)) error {
	var cur [][2]string
	n := 0
	flush := func() error {
		if len(cur) > 0 {
			n++
			if n > maxPkgStanzas {
				return fmt.Errorf("more than %d packages", maxPkgStanzas)
			}
			fn(cur)
			cur = nil
		}
		return nil
	}
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		l = bytes.TrimRight(l, "\r")
		if len(bytes.TrimSpace(l)) == 0 {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			continue
		}
		k, v, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			continue
		}
		cur = append(cur, [2]string{string(k), string(bytes.TrimSpace(v))})
	}
	return flush()
}

// parseDpkgStatus reads a dpkg status file (or one distroless status.d
// stanza) and returns the installed packages.
func parseDpkgStatus(data []byte) ([]pkg, error) {
	var out []pkg
	err := stanzas(data, func(f [][2]string) {
		p := pkg{Manager: "dpkg"}
		installed := true
		for _, kv := range f {
			switch kv[0] {
			case "Package":
				p.Name = kv[1]
			case "Version":
				p.Version = kv[1]
			case "Status":
				installed = strings.HasSuffix(kv[1], " installed") && !strings.HasSuffix(kv[1], "not-installed")
			}
		}
		if p.Name != "" && installed {
			out = append(out, p)
		}
	})
	return out, err
}

// parseApkInstalled reads apk's installed database, with each package's
// files (F: directory, R: file in it).
func parseApkInstalled(data []byte) ([]pkg, error) {
	var out []pkg
	err := stanzas(data, func(f [][2]string) {
		p := pkg{Manager: "apk"}
		dir := ""
		for _, kv := range f {
			switch kv[0] {
			case "P":
				p.Name = kv[1]
			case "V":
				p.Version = kv[1]
			case "F":
				dir = kv[1]
			case "R":
				if len(p.Files) < 100_000 {
					p.Files = append(p.Files, "/"+path.Join(dir, kv[1]))
				}
			}
		}
		if p.Name != "" {
			out = append(out, p)
		}
	})
	return out, err
}

// packagesOf returns every installed package the index's databases list,
// sorted by manager and name.
func packagesOf(x *fsindex.Index) []pkg {
	var out []pkg
	for _, v := range x.ParsedAll("audit/pkgdb") {
		out = append(out, v.([]pkg)...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Manager != out[j].Manager {
			return out[i].Manager < out[j].Manager
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// parseFileList reads a dpkg info/*.list (one path a line) or *.md5sums
// ("<md5>  <path>" without the leading slash) into clean absolute paths.
func parseFileList(p string, data []byte) ([]string, error) {
	md5 := strings.HasSuffix(p, ".md5sums")
	var out []string
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		s := strings.TrimRight(string(l), "\r")
		if md5 {
			_, rest, ok := strings.Cut(s, "  ")
			if !ok {
				continue
			}
			s = rest
		}
		if s == "" || s == "/." {
			continue
		}
		out = append(out, path.Clean("/"+s))
		if len(out) > 200_000 {
			return nil, fmt.Errorf("file list longer than 200000 paths")
		}
	}
	return out, nil
}
