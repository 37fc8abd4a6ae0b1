package minify

import (
	"bytes"
	"path"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// WantText names the want that keeps the bytes of the small text files
// minify reads or rewrites: nsswitch.conf, ld.so.conf and its includes,
// os-release, the dpkg and apk databases (patched into the new image's
// metadata). Parsed facts (ELF summaries, shebangs, package databases,
// accounts) come from the facts package.
const WantText = "minify/text"

// maxShebang is how much of a script's first line is read.
const maxShebang = 256

// Wants returns what the walk must keep for Plan: ELF summaries, shebang
// lines, the text files the rules read, the package databases and
// accounts, and what each runtime profile asks for (WithProfiles adds
// profiles; other options are accepted for symmetry with Plan and Build).
func Wants(opts ...Option) []fsindex.Want {
	o, err := makeOptions(opts...)
	if err != nil {
		o = &options{} // Plan reports the bad option
	}
	lists := [][]fsindex.Want{{
		facts.ELF.Want(), facts.ELFStrings.Want(), facts.Shebang.Want(),
		{Name: WantText, MaxSize: 32 << 20, Match: fsindex.MatchPath(isTextWanted)},
		facts.DpkgStatus.Want(), facts.DpkgFiles.Want(), facts.ApkInstalled.Want(),
		facts.Users.Want(), facts.Groups.Want(),
		scriptWant(),
	}}
	for _, p := range profilesFor(o.profiles) {
		lists = append(lists, p.Wants())
	}
	return fsindex.Merge(lists...)
}

// isTextWanted selects the text files the planner and the summary read.
func isTextWanted(p string) bool {
	switch p {
	case "/etc/nsswitch.conf", "/etc/ld.so.conf", "/etc/os-release", "/usr/lib/os-release", "/lib/apk/db/installed":
		return true
	}
	dir, base := path.Split(p)
	switch dir {
	case "/etc/ld.so.conf.d/":
		return true
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

// ELFSummary is what minify makes of an ELF file: its facts.ELF summary
// and what its strings say.
type ELFSummary struct {
	*elfinfo.Info
	// UsesIconv is true when the file names iconv_open (glibc loads gconv
	// modules for it); the C library itself does not count.
	UsesIconv bool
	// Dlopen lists the library file names in the file's strings that are
	// not in DT_NEEDED: what it may load with dlopen.
	Dlopen []string
}

// elfSummary returns the ELF summary of the file at p (canonical), with
// what minify makes of its strings.
func elfSummary(x *fsindex.Index, p string) (*ELFSummary, bool) {
	info, ok := elfInfo(x, p)
	if !ok {
		return nil, false
	}
	s := &ELFSummary{Info: info}
	if text, ok := fsindex.Get(x, facts.ELFStrings, p); ok {
		// libstdc++ names iconv_open for the codecvt facets of named
		// locales, which a minified image does not keep: it does not count
		// either.
		if !isLibc(info.SOName) && !strings.HasPrefix(path.Base(p), "libc.so") && !strings.HasPrefix(info.SOName, "libstdc++") {
			s.UsesIconv = text.NamesIconv
		}
		s.Dlopen = dlopenNames(info, text.LibraryNames)
	}
	return s, true
}

// elfInfo returns the ELF summary of the file at p (a canonical path).
func elfInfo(x *fsindex.Index, p string) (*elfinfo.Info, bool) {
	info, ok := fsindex.Get(x, facts.ELF, p)
	return info, ok && info != nil
}

// shebang returns the first line of the script at p, if it has one.
func shebang(x *fsindex.Index, p string) (string, bool) {
	line, ok := fsindex.Get(x, facts.Shebang, p)
	return line[:min(len(line), maxShebang)], ok
}
