package sbom

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// Hand-written: scalibr's apk extractor does not keep the files a package
// owns. harden reads them from the installed database to tell which layer
// installed each package.

// apkOwnedFiles maps each package name of an apk installed database to the
// first file it owns (absolute path), as the "F:" (directory) and "R:"
// (file) lines list them, and each owned file to its package.
func apkOwnedFiles(db []byte) (first, owner map[string]string) {
	out := map[string]string{}
	owner = map[string]string{}
	var pkg, dir string
	s := bufio.NewScanner(bytes.NewReader(db))
	s.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for s.Scan() {
		line := s.Text()
		if line == "" {
			pkg, dir = "", ""
			continue
		}
		if len(line) < 2 || line[1] != ':' {
			continue
		}
		v := line[2:]
		switch line[0] {
		case 'P':
			pkg = v
		case 'F':
			dir = v
		case 'R':
			if pkg == "" || strings.Contains(v, "/") {
				continue
			}
			p := path.Join("/", dir, v)
			if out[pkg] == "" {
				out[pkg] = p
			}
			owner[p] = pkg
		}
	}
	return out, owner
}
