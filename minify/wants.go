package minify

import (
	"bytes"
	"path"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/fsindex"
)

// Names of the wants minify declares; Index.Parsed and Index.Content are
// asked with them.
const (
	// WantELF keeps an *elfinfo.Info for every ELF file.
	WantELF = "minify/elf"
	// WantShebang keeps the first line of every file that starts with "#!".
	WantShebang = "minify/shebang"
	// WantText keeps the bytes of the small text files minify reads:
	// nsswitch.conf, ld.so.conf and its includes, passwd, group, os-release,
	// the dpkg and apk databases.
	WantText = "minify/text"
	// WantDpkgList keeps the file list ([]string) of every Debian package.
	WantDpkgList = "minify/dpkg-list"
)

// maxELFSize bounds the ELF files parsed (libnode, libjvm and the like are
// tens of megabytes; nothing sane is larger).
const maxELFSize = 512 << 20

// maxShebang is how much of a script's first line is kept.
const maxShebang = 256

// Wants returns what the walk must keep for Plan: ELF summaries, shebang
// lines, the text files the rules read, and what each runtime profile asks
// for (WithProfiles adds profiles; other options are accepted for symmetry
// with Plan and Build).
func Wants(opts ...Option) []fsindex.Want {
	o, err := makeOptions(opts...)
	if err != nil {
		o = &options{} // Plan reports the bad option
	}
	ws := []fsindex.Want{
		{Name: WantELF, MaxSize: maxELFSize,
			Match: func(c *fsindex.Candidate) bool { return elfinfo.IsELF(c.Head) },
			Parse: parseELF},
		{Name: WantShebang, MaxSize: 64 << 20,
			Match: func(c *fsindex.Candidate) bool { return bytes.HasPrefix(c.Head, []byte("#!")) },
			Parse: func(_ string, data []byte) (any, error) { return headLine(data, maxShebang), nil }},
		{Name: WantText, MaxSize: 32 << 20, Match: fsindex.MatchPath(isTextWanted)},
		{Name: WantDpkgList, MaxSize: 16 << 20,
			Match: fsindex.MatchPath(func(p string) bool {
				return path.Dir(p) == "/var/lib/dpkg/info" && strings.HasSuffix(p, ".list")
			}),
			Parse: func(_ string, data []byte) (any, error) { return parseLines(data), nil }},
		scriptWant(),
	}
	seen := map[string]bool{}
	for _, p := range profilesFor(o.profiles) {
		for _, w := range p.Wants() {
			if !seen[w.Name] {
				seen[w.Name] = true
				ws = append(ws, w)
			}
		}
	}
	return ws
}

// isTextWanted selects the text files the planner and the summary read.
func isTextWanted(p string) bool {
	switch p {
	case "/etc/nsswitch.conf", "/etc/ld.so.conf", "/etc/passwd", "/etc/group",
		"/etc/os-release", "/usr/lib/os-release", "/var/lib/dpkg/status", "/lib/apk/db/installed":
		return true
	}
	dir, base := path.Split(p)
	switch dir {
	case "/etc/ld.so.conf.d/":
		return true
	case "/var/lib/dpkg/status.d/":
		return !strings.HasSuffix(base, ".md5sums")
	case "/etc/":
		return strings.HasPrefix(base, "ld-musl-") && strings.HasSuffix(base, ".path")
	}
	return false
}

// headLine returns data up to the first newline, at most max bytes.
func headLine(data []byte, max int) string {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	if len(data) > max {
		data = data[:max]
	}
	return string(data)
}

// parseLines splits a file list into its non-empty lines.
func parseLines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ELFSummary is what WantELF keeps of an ELF file.
type ELFSummary struct {
	*elfinfo.Info
	// UsesIconv is true when the file names iconv_open (glibc loads gconv
	// modules for it); the C library itself does not count.
	UsesIconv bool
	// Dlopen lists the library file names in the file's strings that are
	// not in DT_NEEDED: what it may load with dlopen.
	Dlopen []string
}

func parseELF(p string, data []byte) (any, error) {
	info, err := elfinfo.Parse(data)
	if err != nil {
		return nil, err
	}
	s := &ELFSummary{Info: info}
	// libstdc++ names iconv_open for the codecvt facets of named locales,
	// which a minified image does not keep: it does not count either.
	if !isLibc(info.SOName) && !strings.HasPrefix(path.Base(p), "libc.so") && !strings.HasPrefix(info.SOName, "libstdc++") {
		s.UsesIconv = bytes.Contains(data, []byte("\x00iconv_open\x00"))
	}
	s.Dlopen = dlopenNames(info, elfinfo.LibraryNames(data))
	return s, nil
}

// elfSummary returns what WantELF kept of the file at p (canonical).
func elfSummary(x *fsindex.Index, p string) (*ELFSummary, bool) {
	v, ok := x.Parsed(WantELF, p)
	if !ok {
		return nil, false
	}
	s, ok := v.(*ELFSummary)
	return s, ok && s != nil && s.Info != nil
}

// elfInfo returns the ELF summary of the file at p (a canonical path).
func elfInfo(x *fsindex.Index, p string) (*elfinfo.Info, bool) {
	s, ok := elfSummary(x, p)
	if !ok {
		return nil, false
	}
	return s.Info, true
}

// shebang returns the first line of the script at p, if it has one.
func shebang(x *fsindex.Index, p string) (string, bool) {
	v, ok := x.Parsed(WantShebang, p)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}
