package facts

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Where apk keeps its installed database (newer Alpine releases: /usr/lib).
const (
	ApkInstalledPath    = "/lib/apk/db/installed"
	ApkInstalledUsrPath = "/usr/lib/apk/db/installed"
)

// maxApkFiles bounds the files recorded for one package.
const maxApkFiles = 100_000

// ApkPackage is one package of apk's installed database.
type ApkPackage struct {
	Name    string
	Version string
	// Files are the paths the package owns (F: directory, R: file in it),
	// absolute and clean, in database order.
	Files []string
}

// ApkInstalled is the parsed apk installed database.
var ApkInstalled = fsindex.NewKey("facts/apk-installed", maxDpkgDB, fsindex.MatchPath(func(p string) bool {
	return p == ApkInstalledPath || p == ApkInstalledUsrPath
}), func(_ string, data []byte) ([]ApkPackage, error) { return ParseApkInstalled(data) })

// ParseApkInstalled reads apk's installed database. Hand-written: its
// single-letter fields repeat within a paragraph (F:, R:), which a control
// file reader folds into one value. R: lines naming a subdirectory are
// malformed and left out.
func ParseApkInstalled(data []byte) ([]ApkPackage, error) {
	var out []ApkPackage
	var cur ApkPackage
	dir := ""
	flush := func() error {
		if cur.Name != "" {
			if len(out) == maxParagraphs {
				return fmt.Errorf("more than %d packages", maxParagraphs)
			}
			out = append(out, cur)
		}
		cur, dir = ApkPackage{}, ""
		return nil
	}
	for len(data) > 0 {
		var l []byte
		l, data, _ = bytes.Cut(data, newline)
		l = bytes.TrimRight(l, "\r")
		if len(bytes.TrimSpace(l)) == 0 {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		if len(l) < 2 || l[1] != ':' {
			continue
		}
		v := strings.TrimSpace(string(l[2:]))
		switch l[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'F':
			dir = v
		case 'R':
			if !strings.Contains(v, "/") && len(cur.Files) < maxApkFiles {
				cur.Files = append(cur.Files, path.Join("/", dir, v))
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}
