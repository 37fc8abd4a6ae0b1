package debian

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Source is one apt source: a deb822 stanza of a .sources file or one line
// of a sources.list file. A one-line source has exactly one URI and suite.
type Source struct {
	// Types are "deb" and/or "deb-src"; only "deb" sources are used.
	Types []string
	// URIs are the repository roots, e.g. "http://mirror/debian".
	URIs []string
	// Suites are release names ("bookworm", "bookworm-security") or, for a
	// flat repository, a path ending in "/".
	Suites []string
	// Components are archive areas such as "main"; empty for a flat repository.
	Components []string
	// SignedBy is what the source's Signed-By names: keyring file paths
	// (separated by commas or spaces) or an inline armored public key block.
	SignedBy string
	// Architectures restricts the source to these architectures when set.
	Architectures []string
	// Enabled is false when the stanza says "Enabled: no".
	Enabled bool
	// Origin says where the source was read, as "file:line", for messages.
	Origin string
}

// Repo is one suite of one source: the unit that has an InRelease file.
type Repo struct {
	// URI is the repository root, without a trailing slash.
	URI string
	// Suite is the release name or flat path.
	Suite string
	// Components are the areas to read; empty for a flat repository.
	Components []string
	// SignedBy is copied from the source (see Source.SignedBy).
	SignedBy string
	// Architectures is copied from the source.
	Architectures []string
}

// Flat reports whether the repository is a flat one (a suite ending in "/").
func (r Repo) Flat() bool { return strings.HasSuffix(r.Suite, "/") }

// DistURL returns the URL of a file below the suite's directory: dists/SUITE/NAME,
// or SUITE/NAME for a flat repository.
func (r Repo) DistURL(name string) string {
	if r.Flat() {
		return r.URI + "/" + strings.TrimPrefix(r.Suite, "/") + name
	}
	return r.URI + "/dists/" + r.Suite + "/" + name
}

// String names the repository for messages, e.g. "http://m/debian bookworm".
func (r Repo) String() string { return r.URI + " " + r.Suite }

// Repos expands sources into one Repo per (URI, suite), keeping only enabled
// "deb" sources that serve arch (when arch is not empty). Duplicates are dropped.
func Repos(sources []Source, arch string) []Repo {
	var out []Repo
	seen := map[string]bool{}
	for _, s := range sources {
		if !s.Enabled || !contains(s.Types, "deb") {
			continue
		}
		if arch != "" && len(s.Architectures) > 0 && !contains(s.Architectures, arch) {
			continue
		}
		for _, u := range s.URIs {
			u = strings.TrimRight(u, "/")
			for _, suite := range s.Suites {
				key := u + " " + suite
				if seen[key] {
					continue
				}
				seen[key] = true
				out = append(out, Repo{URI: u, Suite: suite, Components: s.Components, SignedBy: s.SignedBy, Architectures: s.Architectures})
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ParseDeb822Sources reads a deb822 .sources file. name is used in messages.
// Comment lines ("#") are ignored; a continuation line of a single "." is an
// empty line inside a value (as in an inline Signed-By key).
func ParseDeb822Sources(r io.Reader, name string) ([]Source, error) {
	var out []Source
	var (
		fields  map[string]string
		lastKey string
		start   int
	)
	flush := func() error {
		if fields == nil {
			return nil
		}
		s, err := sourceFromFields(fields, fmt.Sprintf("%s:%d", name, start))
		fields, lastKey = nil, ""
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "#"):
			continue
		case strings.TrimSpace(line) == "":
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		case line[0] == ' ' || line[0] == '\t':
			if lastKey == "" {
				return nil, fmt.Errorf("%s:%d: continuation line without a field", name, n)
			}
			v := strings.TrimSpace(line)
			if v == "." {
				v = ""
			}
			fields[lastKey] += "\n" + v
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"Field: value\", got %q", name, n, line)
		}
		if fields == nil {
			fields, start = map[string]string{}, n
		}
		lastKey = strings.ToLower(strings.TrimSpace(k))
		fields[lastKey] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

func sourceFromFields(f map[string]string, origin string) (Source, error) {
	s := Source{
		Types:         strings.Fields(f["types"]),
		URIs:          strings.Fields(f["uris"]),
		Suites:        strings.Fields(f["suites"]),
		Components:    strings.Fields(f["components"]),
		SignedBy:      strings.TrimSpace(f["signed-by"]),
		Architectures: strings.Fields(f["architectures"]),
		Enabled:       !strings.EqualFold(strings.TrimSpace(f["enabled"]), "no"),
		Origin:        origin,
	}
	if len(s.Types) == 0 || len(s.URIs) == 0 || len(s.Suites) == 0 {
		return Source{}, fmt.Errorf("%s: a source needs Types, URIs and Suites", origin)
	}
	for _, suite := range s.Suites {
		flat := strings.HasSuffix(suite, "/")
		if flat && len(s.Components) > 0 {
			return Source{}, fmt.Errorf("%s: flat suite %q cannot have Components", origin, suite)
		}
		if !flat && len(s.Components) == 0 {
			return Source{}, fmt.Errorf("%s: suite %q needs Components", origin, suite)
		}
	}
	return s, nil
}

// ParseSourcesList reads a one-line-style sources.list file:
//
//	deb [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] URI SUITE [COMPONENT...]
func ParseSourcesList(r io.Reader, name string) ([]Source, error) {
	var out []Source
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		origin := fmt.Sprintf("%s:%d", name, n)
		s, err := parseSourceLine(line, origin)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

func parseSourceLine(line, origin string) (Source, error) {
	typ, rest, _ := strings.Cut(line, " ")
	if typ != "deb" && typ != "deb-src" {
		return Source{}, fmt.Errorf("%s: unknown source type %q (want deb or deb-src)", origin, typ)
	}
	s := Source{Types: []string{typ}, Enabled: true, Origin: origin}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return Source{}, fmt.Errorf("%s: unclosed [ in options", origin)
		}
		for _, opt := range strings.Fields(rest[1:end]) {
			k, v, ok := strings.Cut(opt, "=")
			if !ok {
				return Source{}, fmt.Errorf("%s: option %q is not key=value", origin, opt)
			}
			switch strings.ToLower(k) {
			case "arch":
				s.Architectures = strings.Split(v, ",")
			case "signed-by":
				s.SignedBy = v
			}
		}
		rest = rest[end+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 2 {
		return Source{}, fmt.Errorf("%s: want URI and suite", origin)
	}
	s.URIs, s.Suites, s.Components = f[:1], f[1:2], f[2:]
	suite := s.Suites[0]
	if strings.HasSuffix(suite, "/") != (len(s.Components) == 0) {
		return Source{}, fmt.Errorf("%s: suite %q: a flat suite ends in / and has no components; others need components", origin, suite)
	}
	return s, nil
}

// SystemSources reads the apt sources below root ("/" for this machine):
// etc/apt/sources.list, then etc/apt/sources.list.d/*.list and *.sources in
// name order. Missing files are skipped; it is an error if none is found.
func SystemSources(root string) ([]Source, error) {
	dir := filepath.Join(root, "etc", "apt")
	files := []string{filepath.Join(dir, "sources.list")}
	entries, err := os.ReadDir(filepath.Join(dir, "sources.list.d"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading apt sources: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".list") || strings.HasSuffix(n, ".sources")) {
			names = append(names, filepath.Join(dir, "sources.list.d", n))
		}
	}
	sort.Strings(names)
	files = append(files, names...)
	var out []Source
	for _, f := range files {
		srcs, err := readSourcesFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no apt sources found in %s", dir)
	}
	return out, nil
}

func readSourcesFile(path string) ([]Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(path, ".sources") {
		return ParseDeb822Sources(f, path)
	}
	return ParseSourcesList(f, path)
}
