package sbom

import (
	"bytes"
	"path"
	"regexp"

	"github.com/harden-dev/harden/fsindex"
)

// Binary classifiers find runtimes installed from a tarball rather than a
// package manager (the official node, python, openjdk, redis, nginx, php
// images build them into /usr/local or /opt): the version is read from a
// string the build embeds in the executable or library, or from a JDK's
// release file, as Syft's binary classifiers do. Go executables are left
// to scalibr's gobinary extractor, which reads their build info.

// binaryWantName is the want whose Parse runs the classifiers.
const binaryWantName = "sbom/binary"

// maxClassifiedSize bounds the files read: a node executable is ~100 MB.
const maxClassifiedSize = 256 << 20

// maxReleaseFile bounds a JDK release file (about 1 KiB).
const maxReleaseFile = 64 << 10

// binaryClassifier recognises one runtime by file name and content.
type binaryClassifier struct {
	// class is a stable identifier, used as FoundBy ("binary/node").
	class string
	// pkg names the package the runtime is listed as.
	pkg string
	// file matches the base name; its first submatch, if any, is handed
	// to version (python3.12 -> "3.12").
	file *regexp.Regexp
	// version finds the version in the content.
	version func(data []byte, nameMatch string) string
}

// firstMatch returns a version finder trying each pattern in order; the
// version is each pattern's first group.
func firstMatch(patterns ...string) func([]byte, string) string {
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	return func(data []byte, _ string) string {
		for _, re := range res {
			if m := re.FindSubmatch(data); m != nil {
				return string(m[1])
			}
		}
		return ""
	}
}

// inStrings is a version finder for patterns without a literal to search
// for, which a regexp would try at every offset of a binary: it tries them
// on the binary's NUL-terminated strings of printable length.
func inStrings(patterns ...string) func([]byte, string) string {
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	return func(data []byte, _ string) string {
		for _, re := range res {
			for rest := data; len(rest) > 0; {
				end := bytes.IndexByte(rest, 0)
				if end < 0 {
					end = len(rest)
				}
				str := rest[:end]
				rest = rest[min(end+1, len(rest)):]
				if len(str) < 5 || len(str) > 200 || bytes.IndexByte(str, '.') < 0 {
					continue
				}
				if m := re.FindSubmatch(str); m != nil {
					return string(m[1])
				}
			}
		}
		return ""
	}
}

// pythonVersion finds "\x003.12.4\x00" for the major.minor in the file name.
func pythonVersion(data []byte, mm string) string {
	if mm == "" {
		return ""
	}
	re, err := regexp.Compile(`\x00(` + regexp.QuoteMeta(mm) + `\.[0-9]+(?:(?:a|b|rc)[0-9]+)?)\x00`)
	if err != nil {
		return ""
	}
	if m := re.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}

// javaVersion turns the launcher's or the release file's full version
// ("17.0.12+7", "17.0.19+10-1-deb12u2-Debian") into the feature version.
var javaNumber = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*`)

func javaVersion(patterns ...string) func([]byte, string) string {
	find := firstMatch(patterns...)
	return func(data []byte, n string) string {
		return javaNumber.FindString(find(data, n))
	}
}

// binaryClassifiers lists the classifiers, in a fixed order.
func binaryClassifiers() []binaryClassifier {
	return []binaryClassifier{
		{class: "node", pkg: "node", file: regexp.MustCompile(`^(?:node|nodejs|libnode\.so(?:\.[0-9]+)*)$`),
			version: firstMatch(`node\.js/v([0-9]+\.[0-9]+\.[0-9]+)`, `\x00(?:node )?v((?:0|4|5|6)\.[0-9]+\.[0-9]+)\x00`)},
		{class: "python", pkg: "python", file: regexp.MustCompile(`^(?:python|libpython)([0-9]+\.[0-9]+)(?:[a-z]?\.so(?:\.[0-9.]+)?)?$`),
			version: pythonVersion},
		{class: "openjdk-release", pkg: "openjdk", file: regexp.MustCompile(`^release$`),
			version: javaVersion(`(?m)^JAVA_VERSION="([^"]+)"`)},
		{class: "openjdk", pkg: "openjdk", file: regexp.MustCompile(`^java$`),
			version: javaVersion(`\x00openjdk\x00java\x00[^\x00]*\x00([0-9][^\x00]*)\x00`)},
		{class: "redis", pkg: "redis", file: regexp.MustCompile(`^(?:redis-server|redis-check-rdb|redis-check-aof)$`),
			// the version glued to the build id: 7.0.15 1778644800000000000,
			// 7.2.4 buildkitsandbox-1702957741000000000, 4.0.11 841ce7054bd9-...
			version: inStrings(`^(?:.*[^0-9.])?([0-9]+\.[0-9]+\.[0-9]+)(?:[0-9a-f]{12}-|buildkitsandbox-)?[0-9]{19}$`,
				`Redis version ([0-9]+\.[0-9]+\.[0-9]+)`)},
		{class: "nginx", pkg: "nginx", file: regexp.MustCompile(`^nginx$`),
			version: firstMatch(`nginx version: [^/\x00]+/([0-9]+\.[0-9]+\.[0-9]+)`)},
		{class: "php", pkg: "php", file: regexp.MustCompile(`^(?:php|php-fpm|php-cgi|php[0-9]+(?:\.[0-9]+)?|php-fpm[0-9]+(?:\.[0-9]+)?|libphp[0-9]*\.so)$`),
			version: firstMatch(`X-Powered-By: PHP/([0-9]+\.[0-9]+\.[0-9]+(?:alpha[0-9]+|beta[0-9]+|RC[0-9]+)?)`)},
		{class: "httpd", pkg: "httpd", file: regexp.MustCompile(`^httpd$`),
			version: firstMatch(`Apache/([0-9]+\.[0-9]+\.[0-9]+)`)},
	}
}

// classifiers is the list every walk uses; nothing writes it.
var classifiers = binaryClassifiers()

// classifiedName says whether a classifier reads files named base (so a
// dpkg file list that installs one says the runtime came from Debian).
func classifiedName(base string) bool {
	for _, cl := range classifiers {
		if cl.file.MatchString(base) {
			return true
		}
	}
	return false
}

// binaryHit is what the classifiers found in one file.
type binaryHit struct {
	Class, Pkg, Version string
}

// binaryHits reads the files a classifier names and keeps only what they
// found; no bytes stay in the index.
var binaryHits = fsindex.NewKey(binaryWantName, maxClassifiedSize, func(c *fsindex.Candidate) bool {
	base := path.Base(c.Path)
	for _, cl := range classifiers {
		if cl.file.MatchString(base) && (isELF(c.Head) || cl.class == "openjdk-release" && c.Size <= maxReleaseFile) {
			return true
		}
	}
	return false
}, classify)

// classify runs the classifier a file's name selects on its bytes.
func classify(p string, data []byte) (*binaryHit, error) {
	base := path.Base(p)
	for _, cl := range classifiers {
		m := cl.file.FindStringSubmatch(base)
		if m == nil {
			continue
		}
		sub := ""
		if len(m) > 1 {
			sub = m[1]
		}
		if v := cl.version(data, sub); v != "" {
			return &binaryHit{Class: cl.class, Pkg: cl.pkg, Version: v}, nil
		}
	}
	return nil, nil
}

// fromBinaries lists what the classifiers found.
func (g *gen) fromBinaries() {
	for _, p := range fsindex.Paths(g.x, binaryHits) {
		h, ok := fsindex.Get(g.x, binaryHits, p)
		if !ok || h == nil {
			continue
		}
		if e, ok := g.x.Lookup(p); !ok || e.Type == fsindex.TypeSymlink {
			continue // replaced by a later layer
		}
		g.merge(Package{
			Name: h.Pkg, Version: h.Version, Type: "generic",
			PURL:      "pkg:generic/" + h.Pkg + "@" + h.Version,
			Locations: []Location{g.location(p)},
			FoundBy:   "binary/" + h.Class,
		})
	}
}
