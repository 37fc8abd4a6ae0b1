package lint

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
)

// IsDockerfile reports whether a file name looks like a Dockerfile:
// Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.* and
// Containerfile.* (but not Dockerfile.dockerignore).
func IsDockerfile(name string) bool {
	base := filepath.Base(name)
	l := strings.ToLower(base)
	if strings.HasSuffix(l, ".dockerignore") || strings.HasSuffix(l, ".md") || strings.HasSuffix(l, ".orig") {
		return false
	}
	return l == "dockerfile" || l == "containerfile" || strings.HasSuffix(l, ".dockerfile") ||
		strings.HasPrefix(l, "dockerfile.") || strings.HasPrefix(l, "containerfile.")
}

// skipDirs are not walked when a directory is given.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".hg": true, ".svn": true}

// Discover expands paths into Dockerfiles: a file is taken as given, a
// directory is walked for files IsDockerfile accepts (skipping .git,
// node_modules and vendor). Paths are returned sorted per argument.
func Discover(ctx context.Context, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return out, fmt.Errorf("reading %s: %w", p, err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if d.IsDir() {
				if path != p && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && IsDockerfile(d.Name()) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("walking %s: %w", p, err)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// maxIgnoreSize bounds the .dockerignore read.
const maxIgnoreSize = 1 << 20

// ReadDockerignore returns the patterns of the .dockerignore that applies
// to the Dockerfile at path: <path>.dockerignore first, as BuildKit does,
// then .dockerignore in the same directory. found is false when neither
// exists.
func ReadDockerignore(path string) (patterns []string, found bool, err error) {
	for _, cand := range []string{path + ".dockerignore", filepath.Join(filepath.Dir(path), ".dockerignore")} {
		data, err := os.ReadFile(cand)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("reading %s: %w", cand, err)
		}
		if len(data) > maxIgnoreSize {
			data = data[:maxIgnoreSize]
		}
		patterns = []string{}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l != "" && !strings.HasPrefix(l, "#") {
				patterns = append(patterns, l)
			}
		}
		return patterns, true, nil
	}
	return nil, false, nil
}

// File lints the Dockerfile at path, looking up its .dockerignore. An
// error means the file could not be read; a file that does not parse is a
// Result with Err set.
func File(path string, cfg Config) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, dockerfile.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	pats, found, err := ReadDockerignore(path)
	if err != nil {
		return nil, err
	}
	cfg.Settings.DockerignoreKnown = true
	cfg.Settings.Dockerignore = nil
	if found {
		cfg.Settings.Dockerignore = pats
	}
	return Bytes(path, src, cfg), nil
}
