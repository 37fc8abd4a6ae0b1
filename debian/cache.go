package debian

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Cache is a content-addressed store of downloaded files: each file lives
// at DIR/sha256/HEX and is only ever written after its checksums matched.
// Several processes may share one cache: files appear by atomic rename.
type Cache struct{ dir string }

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// NewCache returns the cache rooted at dir, creating it.
func NewCache(dir string) (*Cache, error) {
	if dir == "" {
		return nil, fmt.Errorf("empty cache directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o755); err != nil {
		return nil, fmt.Errorf("creating cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir is the cache's root directory.
func (c *Cache) Dir() string { return c.dir }

// path returns where the file with this SHA256 lives.
func (c *Cache) path(sha string) (string, error) {
	if !hexSHA256.MatchString(sha) {
		return "", fmt.Errorf("bad SHA256 %q", sha)
	}
	return filepath.Join(c.dir, "sha256", sha), nil
}

// Open returns the cached file matching fi after checking it again (a cache
// is a directory anyone may have touched), or os.ErrNotExist. A cached file
// that no longer matches is removed.
func (c *Cache) Open(fi FileInfo) (*os.File, error) {
	p, err := c.path(fi.SHA256)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	h := fi.newHasher()
	if _, err := io.Copy(h, io.LimitReader(f, fi.Size+1)); err != nil {
		f.Close()
		return nil, fmt.Errorf("reading cached %s: %w", p, err)
	}
	if err := fi.match(h); err != nil {
		f.Close()
		os.Remove(p)
		return nil, os.ErrNotExist
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Put stores what r yields under fi.SHA256 if it matches fi (size and every
// checksum), reading at most fi.Size+1 bytes. It returns the stored path.
func (c *Cache) Put(fi FileInfo, r io.Reader) (string, error) {
	p, err := c.path(fi.SHA256)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".part-*")
	if err != nil {
		return "", fmt.Errorf("writing cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := fi.newHasher()
	if _, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, fi.Size+1)); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("writing cache: %w", err)
	}
	if err := fi.match(h); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("writing cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", fmt.Errorf("writing cache: %w", err)
	}
	return p, nil
}
