// Package buildinfo says which harden this is: the version set at build
// time, the commit and the Go toolchain.
package buildinfo

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Info is what `harden version` prints.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Modified  bool   `json:"modified"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Read completes version (the one set at build time, "dev" when none was)
// from the binary's build information: the module version of a go install,
// the VCS commit and whether the tree was modified.
func Read(version string) Info {
	b := Info{Version: version, Commit: "unknown", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
		if b.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
	}
	return b
}

// WriteText writes the information in three lines.
func (b Info) WriteText(w io.Writer) error {
	dirty := ""
	if b.Modified {
		dirty = " (modified)"
	}
	_, err := fmt.Fprintf(w, "harden %s\ncommit %s%s\n%s %s\n", b.Version, b.Commit, dirty, b.GoVersion, b.Platform)
	return err
}
