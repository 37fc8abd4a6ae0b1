package cli

import (
	"errors"

	"github.com/harden-dev/harden/pin"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

func newPinCmd(g *globals) *cobra.Command {
	var check, update bool
	var o pin.FileOptions
	cmd := &cobra.Command{
		Use:     "pin [DOCKERFILE]",
		Short:   "Pin a Dockerfile's images to digests (name:tag@sha256:…), check for drift, update pins",
		Args:    cobra.MaximumNArgs(1),
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := argOr(args, 0, "Dockerfile")
			if check && (update || o.Diff) {
				return usageError{errors.New("--check changes nothing: it goes without --update and --diff")}
			}
			o.Mode, o.Stdout = pin.Pin, g.stdout
			switch {
			case check:
				o.Mode = pin.Check
			case update:
				o.Mode = pin.Update
			}
			r, err := pin.File(cmd.Context(), name, o)
			if err != nil {
				return err
			}
			if !o.Diff {
				if g.format == "json" {
					err = report.WriteJSON(g.stdout, r)
				} else if err = r.WriteTable(g.stdout); err == nil && r.Changed {
					g.info("pinned %s", r.File)
				}
				if err != nil {
					return err
				}
			}
			if n := r.Problems(); n > 0 && (check || r.Unresolved()) {
				return errPolicy("pin: %d of %d images unpinned, drifted or unresolved in %s", n, len(r.Refs), name)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&check, "check", false, "change nothing; exit 1 on unpinned images and drift")
	f.BoolVar(&update, "update", false, "move existing pins to the digests the tags point to now")
	f.BoolVar(&o.Diff, "diff", false, "print the change as a unified diff instead of writing the file")
	f.BoolVar(&o.FromDaemon, "from-daemon", false, "take digests from the local Docker engine (its RepoDigests) instead of the registry")
	f.BoolVar(&o.Insecure, "insecure", false, "allow plain-HTTP and unverified-TLS registries")
	return cmd
}
