package cli

import "github.com/spf13/cobra"

// commands lists every subcommand, in the order help prints them: the
// hardening workflow first (lint, fix, audit, ...), then the tools.
func commands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newLintCmd(g),
		newFixCmd(g),
		newAuditCmd(g),
		newLayersCmd(g),
		newFilesCmd(g),
		newSbomCmd(g),
		newScanCmd(g),
		newDBCmd(g),
		newMinifyCmd(g),
		newBaseCmd(g),
		newCompareCmd(g),
		newReportCmd(g),
		newDemoCmd(g),
		newVersionCmd(g),
		newProbeCmd(g),
	}
}
