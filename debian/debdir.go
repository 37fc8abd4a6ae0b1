package debian

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadDebDir returns the packages of the .deb files in dir (and below it)
// for arch ("all" packages included): an offline source. Their SHA256 is
// computed here, so a build from them is still checked and can be locked.
func ReadDebDir(dir, arch string) ([]*Package, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".deb") && e.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no .deb files in %s", dir)
	}
	var out []*Package
	for _, p := range paths {
		pkg, err := readLocalDeb(p)
		if err != nil {
			return nil, err
		}
		if arch != "" && pkg.Architecture != arch && pkg.Architecture != "all" {
			continue
		}
		out = append(out, pkg)
	}
	return out, nil
}

func readLocalDeb(path string) (*Package, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ReadDeb(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, err := d.Package()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	s, m := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(s, m), f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg.Filename = abs
	pkg.Size = n
	pkg.SHA256 = hex.EncodeToString(s.Sum(nil))
	pkg.MD5 = hex.EncodeToString(m.Sum(nil))
	return pkg, nil
}
