package cli

import (
	"github.com/harden-dev/harden/internal/buildinfo"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X ...cli.version=v1.2.3".
var version = "dev"

func readBuildInfo() buildinfo.Info { return buildinfo.Read(version) }

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print harden's version, commit and Go version",
		Args:    cobra.NoArgs,
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.format == "json" {
				return report.WriteJSON(g.stdout, readBuildInfo())
			}
			return readBuildInfo().WriteText(g.stdout)
		},
	}
}
