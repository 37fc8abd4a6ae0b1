package audit

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/audit/secrets"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// noScanDirs hold text no one writes secrets into: documentation, locale
// data, headers, public certificates, interpreters' standard libraries.
var noScanDirs = []string{"/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/locale/",
	"/usr/share/i18n/", "/usr/share/zoneinfo/", "/usr/include/", "/usr/share/perl", "/usr/lib/x86_64-linux-gnu/perl",
	"/usr/lib/aarch64-linux-gnu/perl", "/usr/share/mime/", "/usr/share/terminfo/", "/usr/lib/locale/",
	"/etc/ssl/certs/", "/usr/share/ca-certificates/", "/var/lib/dpkg/", "/usr/share/common-licenses/",
	"/usr/share/lintian/", "/usr/share/bash-completion/", "/usr/share/vim/", "/proc/", "/sys/",
	// language libraries the distribution packages
	"/usr/share/nodejs/", "/usr/share/javascript/", "/usr/lib/python3/dist-packages/", "/usr/share/ruby-", "/usr/lib/ruby/"}

// noScanExts are documentation and generated files.
var noScanExts = set(".md", ".markdown", ".rst", ".html", ".htm", ".map", ".ts", ".css", ".svg", ".po", ".pot", ".txt.gz")

// scanTarget reports whether the secret scan reads the file at p.
func scanTarget(p string) bool {
	for _, d := range noScanDirs {
		if strings.HasPrefix(p, d) {
			return false
		}
	}
	if strings.Contains(p, "/node_modules/") {
		for _, d := range []string{"/test/", "/tests/", "/__tests__/", "/example/", "/examples/", "/docs/", "/fixtures/"} {
			if strings.Contains(p, d) {
				return false
			}
		}
	}
	if strings.HasPrefix(p, "/usr/lib/python3") && !strings.Contains(p, "-packages/") {
		return false
	}
	return !noScanExts[path.Ext(p)] || strings.HasPrefix(path.Base(p), ".env")
}

// secretInFile reports secrets in file contents: private keys, cloud and
// SaaS tokens, registry credentials in .npmrc, .pypirc, .netrc,
// .git-credentials and Docker's config.json, .env values and generic
// high-entropy password= assignments (CIS-DI-0010). Only the matches are
// kept during the walk, never the file.
type secretInFile struct{ max int64 }

func (secretInFile) ID() string { return "secret-in-file" }

func (c secretInFile) Rule() Rule {
	return Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0010"}, Title: "Secret in a file", Severity: report.Critical, Weight: 20, Cap: 30,
		Fix: "Remove the secret from the build context, rebuild without it (earlier layers keep it too), and rotate it"}
}

func (c secretInFile) maxSize() int64 {
	if c.max > 0 {
		return c.max
	}
	return DefaultMaxSecretFileSize
}

// matches is the key under which the walk keeps each scanned file's
// secret matches (never the file): small text files outside
// documentation and vendor trees.
func (c secretInFile) matches() fsindex.Key[[]secrets.Match] {
	return fsindex.NewKey("audit/"+c.ID(), c.maxSize(), func(f *fsindex.Candidate) bool {
		return f.Size > 0 && f.Size <= c.maxSize() && scanTarget(f.Path) && !secrets.LooksBinary(f.Head)
	}, func(p string, data []byte) ([]secrets.Match, error) { return secrets.Scan(p, data), nil })
}

// Wants reads the secret matches.
func (c secretInFile) Wants() []fsindex.Want { return []fsindex.Want{c.matches().Want()} }

func (c secretInFile) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	parsed := fsindex.All(in.Index, c.matches())
	paths := make([]string, 0, len(parsed))
	for p, ms := range parsed {
		if len(ms) > 0 {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []report.Finding
	for _, p := range paths {
		if in.acceptedFile(p) {
			continue
		}
		for _, m := range parsed[p] {
			if m.Key != "" && in.acceptedKey(m.Key) {
				continue
			}
			ev := in.pathEvidence(p)
			ev.Line = m.Line
			ev.Value = m.Redacted
			if m.Key != "" {
				ev.Value = m.Key + "=" + m.Redacted
			}
			out = append(out, c.Rule().finding(fmt.Sprintf("%s line %d holds a %s", p, m.Line, m.Title), ev))
		}
	}
	return out, nil
}
