package minify

import (
	"sort"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// Summary is the attack-surface view of one image, for the before/after
// table.
type Summary struct {
	// Size is the sum of the regular files' sizes; ImageSize the size of
	// the layers' tars (uncompressed, as docker images reports).
	Size      int64 `json:"size"`
	ImageSize int64 `json:"imageSize"`
	Layers    int   `json:"layers"`
	// Files counts regular files, symlinks and hardlinks.
	Files       int `json:"files"`
	Executables int `json:"executables"`
	Packages    int `json:"packages"`
	// Shells, PackageManagers and Tools list the executables the deny list
	// names, by path.
	Shells          []string `json:"shells"`
	PackageManagers []string `json:"packageManagers"`
	Tools           []string `json:"tools"`
	User            string   `json:"user"`
}

// SummaryWants are the wants Summarize needs (the package databases).
func SummaryWants() []fsindex.Want {
	return []fsindex.Want{facts.DpkgStatus.Want(), facts.ApkInstalled.Want()}
}

// Summarize counts what an indexed image carries. x must have been built
// with SummaryWants (or Wants).
func Summarize(x *fsindex.Index) Summary {
	s := Summary{Layers: len(x.Layers)}
	if x.Config != nil {
		s.User = x.Config.Config.User
	}
	if s.User == "" {
		s.User = "root (unset)"
	}
	for _, l := range x.Layers {
		s.ImageSize += l.UncompressedSize
	}
	for _, e := range x.Entries() {
		switch e.Type {
		case fsindex.TypeRegular, fsindex.TypeSymlink, fsindex.TypeHardlink:
			s.Files++
		default:
			continue
		}
		if e.Type == fsindex.TypeRegular {
			s.Size += e.Size
		}
		exe := e.IsExecutable()
		if e.Type == fsindex.TypeSymlink {
			if t, err := x.Stat(e.Path); err == nil && t.IsExecutable() {
				exe = true
			}
		}
		if !exe {
			continue
		}
		if e.Type != fsindex.TypeSymlink {
			s.Executables++
		}
		switch deniedKindByName(e.Path) {
		case KindShell:
			s.Shells = append(s.Shells, e.Path)
		case KindPackageManager:
			s.PackageManagers = append(s.PackageManagers, e.Path)
		case KindTool:
			s.Tools = append(s.Tools, e.Path)
		}
	}
	s.Packages = countPackages(x)
	return s
}

// countPackages counts installed packages in dpkg's status file, its
// status.d directory (distroless) and apk's database.
func countPackages(x *fsindex.Index) int {
	n := len(dpkgParagraphs(x))
	db, _ := fsindex.Get(x, facts.ApkInstalled, facts.ApkInstalledPath)
	n += len(db)
	return n
}

// Denied lists the shells, package managers and tools in the summary.
func (s Summary) Denied() []string {
	out := append(append(append([]string{}, s.Shells...), s.PackageManagers...), s.Tools...)
	sort.Strings(out)
	return out
}
