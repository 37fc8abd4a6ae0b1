// Package layercache keeps, on disk, what fsindex learns from a layer, so a
// layer already indexed (a base image's, shared by many images) is not read
// again. It is a content-addressed store: an entry is named by the layer's
// diff_id and a part name chosen by fsindex, under a directory named by the
// analyzer version (the running executable's Go build ID), so a new harden
// never reads what an older one wrote.
//
// Entries are local files that other processes (or a full disk) may have
// cut short, and that anyone with access to the directory could edit:
// every entry carries a SHA-256 of its payload, is size-capped before it is
// read, and is written under a temporary name, synced and renamed, so two
// processes sharing the directory never see half an entry. A corrupt entry
// is a miss (and removed), never an error.
package layercache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// MaxEntrySize caps one stored part; larger parts are not stored, and a
// larger file is not read.
const MaxEntrySize = 512 << 20

// magic starts every entry file: format name and version.
var magic = []byte("HLC1")

// headerSize is the magic plus the SHA-256 of the payload.
const headerSize = 4 + sha256.Size

// Cache is a layer cache directory. Its methods are safe for concurrent use
// by goroutines and by processes sharing the directory.
type Cache struct {
	dir     string
	version string
}

// Open returns the cache in dir (created on first store) for the running
// executable's analyzer version.
func Open(dir string) (*Cache, error) {
	v, err := AnalyzerVersion()
	if err != nil {
		return nil, err
	}
	return OpenVersion(dir, v)
}

// OpenVersion returns the cache in dir for an explicit analyzer version
// (letters, digits, '-', '.', '_'): tests use it to share entries between
// builds, or to keep them apart.
func OpenVersion(dir, version string) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("layer cache: no directory")
	}
	if !safeName(version) {
		return nil, fmt.Errorf("layer cache: bad version %q", version)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("layer cache: %w", err)
	}
	return &Cache{dir: abs, version: version}, nil
}

// Dir returns the cache directory.
func (c *Cache) Dir() string { return c.dir }

// Version returns the analyzer version entries are stored under.
func (c *Cache) Version() string { return c.version }

// layerDir is where the parts of one layer live.
func (c *Cache) layerDir(diffID v1.Hash) (string, bool) {
	if diffID.Algorithm != "sha256" || len(diffID.Hex) != 64 || !isHex(diffID.Hex) {
		return "", false
	}
	return filepath.Join(c.dir, c.version, diffID.Hex), true
}

// Get returns the payload stored for the layer's part, or false when there
// is none or it is corrupt (then the file is removed so a store replaces it).
func (c *Cache) Get(diffID v1.Hash, part string) ([]byte, bool) {
	dir, ok := c.layerDir(diffID)
	if !ok || !safeName(part) {
		return nil, false
	}
	name := filepath.Join(dir, part)
	data, err := readCapped(name)
	if err != nil {
		return nil, false
	}
	payload, ok := check(data)
	if !ok {
		_ = os.Remove(name)
		return nil, false
	}
	// The layer directory's time is its last use, for Prune.
	now := time.Now()
	_ = os.Chtimes(dir, now, now)
	return payload, true
}

// readCapped reads a file of at most headerSize+MaxEntrySize bytes.
func readCapped(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > headerSize+MaxEntrySize {
		return nil, errors.New("not a cache entry")
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	return data, nil
}

// check verifies an entry's magic and checksum and returns its payload.
func check(data []byte) ([]byte, bool) {
	if len(data) < headerSize || !bytes.Equal(data[:len(magic)], magic) {
		return nil, false
	}
	payload := data[headerSize:]
	sum := sha256.Sum256(payload)
	if !bytes.Equal(sum[:], data[len(magic):headerSize]) {
		return nil, false
	}
	return payload, true
}

// Put stores what write writes as the layer's part, atomically: readers
// see the old entry, no entry, or the whole new one. The payload streams to
// the file (a layer's records are megabytes: no second copy in memory).
func (c *Cache) Put(diffID v1.Hash, part string, write func(io.Writer) error) error {
	dir, ok := c.layerDir(diffID)
	if !ok {
		return fmt.Errorf("layer cache: unusable diff_id %q", diffID)
	}
	if !safeName(part) {
		return fmt.Errorf("layer cache: bad part name %q", part)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("layer cache: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+part+"-*")
	if err != nil {
		return fmt.Errorf("layer cache: %w", err)
	}
	tmp := f.Name()
	err = writeEntry(f, write)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, part))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("layer cache: %w", err)
	}
	return nil
}

// writeEntry writes the header with room for the checksum, streams the
// payload through the hash, fills the checksum in and syncs the file, so a
// crash after the rename cannot leave a named entry with missing bytes.
func writeEntry(f *os.File, write func(io.Writer) error) error {
	if _, err := f.Write(append(append([]byte{}, magic...), make([]byte, sha256.Size)...)); err != nil {
		return err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(f, 256<<10)
	lw := &limitedWriter{w: io.MultiWriter(bw, h), n: MaxEntrySize}
	if err := write(lw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if _, err := f.WriteAt(h.Sum(nil), int64(len(magic))); err != nil {
		return err
	}
	return f.Sync()
}

// limitedWriter fails once more than n bytes are written.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, fmt.Errorf("entry over the %d-byte cap", MaxEntrySize)
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// safeName accepts the names the cache makes files and directories of.
func safeName(s string) bool {
	if s == "" || len(s) > 128 || strings.HasPrefix(s, ".") {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
