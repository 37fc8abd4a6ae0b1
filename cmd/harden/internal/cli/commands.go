package cli

import "github.com/spf13/cobra"

// Command groups, in the order help shows them.
var commandGroups = []*cobra.Group{
	{ID: "harden", Title: "Harden a Dockerfile or an image:"},
	{ID: "inspect", Title: "Look inside an image:"},
	{ID: "prove", Title: "Prove it with numbers:"},
}

// commands lists every subcommand with its help group.
func commands(g *globals) []*cobra.Command {
	grouped := map[string][]*cobra.Command{
		"harden":  {newLintCmd(g), newFixCmd(g), newPinCmd(g), newMinifyCmd(g), newBaseCmd(g), newPatchCmd(g), newRuntimeCmd(g), newDebugCmd(g)},
		"inspect": {newAuditCmd(g), newLayersCmd(g), newFilesCmd(g), newSbomCmd(g), newScanCmd(g), newResultsCmd(g), newDBCmd(g), newCacheCmd(g), newFleetCmd(g)},
		"prove":   {newCompareCmd(g), newReportCmd(g), newDemoCmd(g)},
	}
	var out []*cobra.Command
	for _, grp := range commandGroups {
		for _, c := range grouped[grp.ID] {
			c.GroupID = grp.ID
			out = append(out, c)
		}
	}
	return append(out, newVersionCmd(g), newProbeCmd(g))
}
