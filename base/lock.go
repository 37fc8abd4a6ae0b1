package base

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/harden-dev/harden/debian"
)

// LockVersion is the lock file format version this package writes.
const LockVersion = 1

// maxLockFile bounds a lock file read.
const maxLockFile = 16 << 20

// Lock pins a resolved package set: with it, a rebuild downloads exactly
// the same files (checked by SHA256) and gives the same image digest.
type Lock struct {
	Version int    `json:"version"`
	Arch    string `json:"arch"`
	// Request is what was resolved; a lock is reused only for the same request.
	Request LockRequest `json:"request"`
	// Packages are sorted by name.
	Packages []LockedPackage `json:"packages"`
}

// LockRequest records the packages asked for and the exclusions.
type LockRequest struct {
	Packages []string `json:"packages"`
	Exclude  []string `json:"exclude,omitempty"`
}

// LockedPackage is one pinned .deb.
type LockedPackage struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Architecture string `json:"architecture"`
	// Filename is the pool path below a repository URI, or a local path
	// for a package read from a --debs folder.
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// Package returns the package as the debian client fetches it, from repo
// (nil for a local file).
func (lp LockedPackage) Package(repo *debian.Repo) *debian.Package {
	p := &debian.Package{Name: lp.Name, Architecture: lp.Architecture, Filename: lp.Filename, Size: lp.Size, SHA256: lp.SHA256, Repo: repo}
	_ = p.Version.UnmarshalControl(lp.Version) // validated by ReadLock
	return p
}

// newLock pins a resolution.
func newLock(arch string, spec Spec, res *debian.Resolution) *Lock {
	l := &Lock{Version: LockVersion, Arch: arch, Request: spec.lockRequest()}
	for _, p := range res.Packages {
		l.Packages = append(l.Packages, LockedPackage{
			Name: p.Name, Version: p.Version.String(), Architecture: p.Architecture,
			Filename: lockFilename(p), Size: p.Size, SHA256: p.SHA256,
		})
	}
	sort.Slice(l.Packages, func(i, j int) bool { return l.Packages[i].Name < l.Packages[j].Name })
	return l
}

func (s Spec) lockRequest() LockRequest {
	r := LockRequest{Packages: dedupe(slices.Clone(s.Packages)), Exclude: dedupe(s.excludes())}
	sort.Strings(r.Packages)
	sort.Strings(r.Exclude)
	return r
}

// Matches reports whether the lock was made for spec on arch.
func (l *Lock) Matches(spec Spec, arch string) bool {
	want := spec.lockRequest()
	return l.Arch == arch && slices.Equal(l.Request.Packages, want.Packages) && slices.Equal(l.Request.Exclude, want.Exclude)
}

// Write writes the lock as indented JSON.
func (l *Lock) Write(w io.Writer) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadLock reads and checks a lock file.
func ReadLock(r io.Reader) (*Lock, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxLockFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading lock: %w", err)
	}
	if len(data) > maxLockFile {
		return nil, fmt.Errorf("lock file is larger than %d bytes", maxLockFile)
	}
	var l Lock
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("parsing lock: %w", err)
	}
	if l.Version != LockVersion {
		return nil, fmt.Errorf("lock version %d is not supported (want %d)", l.Version, LockVersion)
	}
	if len(l.Packages) == 0 {
		return nil, fmt.Errorf("lock pins no packages")
	}
	seen := map[string]bool{}
	for _, p := range l.Packages {
		var probe debian.Package
		if p.Name == "" || seen[p.Name] {
			return nil, fmt.Errorf("lock: empty or repeated package name %q", p.Name)
		}
		seen[p.Name] = true
		if err := probe.Version.UnmarshalControl(p.Version); err != nil || p.Version == "" {
			return nil, fmt.Errorf("lock: package %s: bad version %q", p.Name, p.Version)
		}
		if len(p.SHA256) != 64 || strings.Trim(p.SHA256, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("lock: package %s: bad sha256 %q", p.Name, p.SHA256)
		}
		if p.Size <= 0 || p.Filename == "" || strings.Contains(p.Filename, "..") {
			return nil, fmt.Errorf("lock: package %s: bad size or filename", p.Name)
		}
	}
	return &l, nil
}

// lockFilename is the pool path, or for a local .deb its base name (local
// packages are found again by SHA256, wherever the folder is).
func lockFilename(p *debian.Package) string {
	if p.Repo == nil {
		return filepath.Base(p.Filename)
	}
	return p.Filename
}
