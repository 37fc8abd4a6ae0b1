package cli

import (
	"github.com/harden-dev/harden/minify"
	"time"

	"github.com/spf13/cobra"
)

// newProbeCmd is the hidden helper harden runs inside images: a static
// harden binary copied into a minified image answers HEALTHCHECKs with
// `probe http`, and bind-mounted into the original image it holds the app
// with `probe hold` until --trace's strace is attached.
func newProbeCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "probe",
		Short:  "Helpers harden runs inside images (healthcheck probe, trace start)",
		Hidden: true,
	}
	var timeout time.Duration
	httpCmd := &cobra.Command{
		Use:   "http URL",
		Short: "GET URL; exit 0 on a 2xx or 3xx answer, 1 otherwise (for an exec-form HEALTHCHECK)",
		Args:  exactArgs(1, "URL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			status, err := minify.Healthcheck(cmd.Context(), args[0], timeout)
			if err != nil {
				return errPolicy("probe: %v", err)
			}
			if status >= 400 {
				return errPolicy("probe: %s answered %d", args[0], status)
			}
			g.info("%s: %d", args[0], status)
			return nil
		},
	}
	httpCmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "give up after this long")
	var wait time.Duration
	holdCmd := &cobra.Command{
		Use:   "hold -- PROGRAM [ARG...]",
		Short: "Wait for SIGUSR1 (or --wait), then execute PROGRAM in place of harden",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return minify.Hold(cmd.Context(), wait, args)
		},
	}
	holdCmd.Flags().DurationVar(&wait, "wait", time.Minute, "execute PROGRAM after this long without a signal")
	cmd.AddCommand(httpCmd, holdCmd)
	return cmd
}
