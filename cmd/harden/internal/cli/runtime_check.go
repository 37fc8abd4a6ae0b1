package cli

import (
	"fmt"

	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/workload"
	"github.com/spf13/cobra"
)

func newRuntimeCheckCmd(g *globals) *cobra.Command {
	var failOn string
	cmd := &cobra.Command{
		Use:     "check FILE|DIR...",
		Short:   "Check Kubernetes manifests and Compose files for containers that run unhardened",
		Args:    minArgs(1, "check wants at least one FILE or DIR"),
		PreRunE: g.formats("table", "json", "sarif", "markdown"),
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold := report.Severity(-1)
			if failOn != "" {
				s, err := report.ParseSeverity(failOn)
				if err != nil {
					return usageError{fmt.Errorf("--fail-on: %w", err)}
				}
				threshold = s
			}
			res, err := workload.CheckFiles(args, g.stdin)
			if err != nil {
				return usageError{err}
			}
			if err := workload.Write(g.stdout, g.format, res, version); err != nil {
				return err
			}
			if threshold >= report.Unknown && report.AtLeast(res.Findings, threshold) {
				return errPolicy("runtime check: %d findings, at least one %s or worse", len(res.Findings), threshold)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 1 when a finding is at least this severe (low, medium, high, critical)")
	return cmd
}
