package batch

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
)

// Dir writes one JSON file per image into a directory.
type Dir struct {
	root   *os.Root
	filter func([]byte) []byte
	mu     sync.Mutex
	// written holds the status of each digest's file this run, so two
	// references to one image write one file (a good result replaces a
	// failed one, not the other way round).
	written map[string]Status
}

// NewDir writes results into dir, which must exist. filter, when not nil,
// transforms each file's bytes before they are written: the CLI passes
// redact.Bytes, as it does for its other report files. Files are written
// through os.Root, so nothing lands outside dir even if dir holds links.
func NewDir(dir string, filter func([]byte) []byte) (*Dir, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("--output-dir: %w", err)
	}
	return &Dir{root: root, filter: filter, written: map[string]Status{}}, nil
}

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// digestRE is a digest that can name a file as it is: algorithm and lower
// hex, nothing a path could be made of.
var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$`)

// FileName is the file a result goes to: "sha256-<hex>.json" from the
// image's digest, or, for an image that was not read (no digest),
// "ref-<first 16 hex of sha256(ref)>.json". Neither depends on characters
// of the reference, so any reference gives a safe name inside the
// directory; the reference itself is in the file.
func FileName(r Result) string {
	if digestRE.MatchString(r.Digest) {
		return strings.Replace(r.Digest, ":", "-", 1) + ".json"
	}
	sum := sha256.Sum256([]byte(r.Ref))
	return "ref-" + hex.EncodeToString(sum[:8]) + ".json"
}

// Put writes r to its file atomically: to a temporary file in the
// directory, synced, then renamed over the final name, so a reader (or a
// second harden) never sees half a file. A second result for a digest
// already written this run is skipped, unless it is good and the first
// was not.
func (d *Dir) Put(r Result) error {
	name := FileName(r)
	d.mu.Lock()
	defer d.mu.Unlock()
	if prev, ok := d.written[name]; ok && (prev != StatusError || r.Status == StatusError) {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the result of %s: %w", r.Ref, err)
	}
	b = append(b, '\n')
	if d.filter != nil {
		b = d.filter(b)
	}
	if err := d.writeAtomic(name, b); err != nil {
		return fmt.Errorf("writing the result of %s: %w", r.Ref, err)
	}
	d.written[name] = r.Status
	return nil
}

// writeAtomic writes data to name inside the root through a temporary
// file: create exclusively, write, sync, close, rename.
func (d *Dir) writeAtomic(name string, data []byte) error {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := "." + name + "." + hex.EncodeToString(rnd[:]) + ".tmp"
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.root.Rename(tmp, name)
	}
	if err != nil {
		d.root.Remove(tmp)
		return err
	}
	return nil
}
