package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X ...cli.version=v1.2.3".
var version = "dev"

// buildInfo is what `harden version` prints.
type buildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Modified  bool   `json:"modified"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: "unknown", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
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

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print harden's version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			b := readBuildInfo()
			if g.format == "json" {
				return report.WriteJSON(g.stdout, b)
			}
			dirty := ""
			if b.Modified {
				dirty = " (modified)"
			}
			_, err := fmt.Fprintf(g.stdout, "harden %s\ncommit %s%s\n%s %s\n", b.Version, b.Commit, dirty, b.GoVersion, b.Platform)
			return err
		},
	}
}
