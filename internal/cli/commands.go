package cli

import "github.com/spf13/cobra"

// commands lists every subcommand, in the order help prints them.
func commands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newLintCmd(g),
		newFixCmd(g),
		newAuditCmd(g),
		newCompareCmd(g),
		newReportCmd(g),
		newSbomCmd(g),
		newScanCmd(g),
		newDBCmd(g),
		newMinifyCmd(g),
		newProbeCmd(g),
		newLayersCmd(g),
		newFilesCmd(g),
		newBaseCmd(g),
		newVersionCmd(g),
	}
}
