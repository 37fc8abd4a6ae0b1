package sbom

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/textproto"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Hand-written: scalibr reads no licenses for dpkg, npm or Python packages.

// debCopyright keeps only the license names of Debian copyright files
// (/usr/share/doc/PKG/copyright), parsed during the walk.
var debCopyright = fsindex.NewKey("sbom/deb-copyright", 1<<20, fsindex.MatchPath(func(p string) bool {
	dir, file := path.Split(p)
	return file == "copyright" && path.Dir(path.Dir(dir)) == "/usr/share/doc"
}), func(_ string, data []byte) ([]string, error) { return copyrightLicenses(data), nil })

// maxLicenses bounds what one file can declare.
const maxLicenses = 32

// copyrightLicenses reads the license names of a Debian copyright file: the
// "License:" fields of the machine-readable format (DEP-5), and references
// to /usr/share/common-licenses/NAME in free-form files.
func copyrightLicenses(data []byte) []string {
	seen := map[string]bool{}
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for s.Scan() && len(seen) < maxLicenses {
		line := s.Text()
		if v, ok := strings.CutPrefix(line, "License:"); ok {
			if name := strings.TrimSpace(v); name != "" && len(name) < 100 {
				seen[name] = true
			}
			continue
		}
		if i := strings.Index(line, "/usr/share/common-licenses/"); i >= 0 {
			rest := line[i+len("/usr/share/common-licenses/"):]
			end := strings.IndexFunc(rest, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '+')
			})
			if end >= 0 {
				rest = rest[:end]
			}
			rest = strings.TrimRight(rest, ".")
			if rest != "" {
				seen[rest] = true
			}
		}
	}
	return sortedKeys(seen)
}

// packageJSONLicenses reads the "license" (or old-style "licenses") field of
// an npm package.json.
func packageJSONLicenses(data []byte) []string {
	var pj struct {
		License  json.RawMessage   `json:"license"`
		Licenses []json.RawMessage `json:"licenses"`
	}
	if json.Unmarshal(data, &pj) != nil {
		return nil
	}
	seen := map[string]bool{}
	add := func(raw json.RawMessage) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s = strings.TrimSpace(s); s != "" && len(s) < 200 {
				seen[s] = true
			}
			return
		}
		var obj struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(raw, &obj) == nil && obj.Type != "" && len(obj.Type) < 200 {
			seen[obj.Type] = true
		}
	}
	if len(pj.License) > 0 {
		add(pj.License)
	}
	for i, l := range pj.Licenses {
		if i == maxLicenses {
			break
		}
		add(l)
	}
	return sortedKeys(seen)
}

// pythonLicenses reads License-Expression, License and the license
// classifiers of a Python METADATA or PKG-INFO file.
func pythonLicenses(data []byte) []string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	h, _ := r.ReadMIMEHeader() // the header ends at the first blank line; a bad line ends it early
	if expr := strings.TrimSpace(h.Get("License-Expression")); expr != "" {
		return []string{expr}
	}
	seen := map[string]bool{}
	if l := strings.TrimSpace(h.Get("License")); l != "" && !strings.EqualFold(l, "UNKNOWN") && len(l) < 100 && !strings.Contains(l, "\n") {
		seen[l] = true
	}
	for _, c := range h.Values("Classifier") {
		if rest, ok := strings.CutPrefix(c, "License :: "); ok {
			parts := strings.Split(rest, " :: ")
			seen[strings.TrimSpace(parts[len(parts)-1])] = true
		}
	}
	return sortedKeys(seen)
}

// sortedKeys returns the keys of m in order (nil when there are none).
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
