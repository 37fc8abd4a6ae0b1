package cli

import (
	"context"
	"errors"

	"github.com/harden-dev/harden/pin"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type pinOptions struct {
	check, update, diff bool
	fromDaemon          bool
	insecure            bool
}

func newPinCmd(g *globals) *cobra.Command {
	o := &pinOptions{}
	cmd := &cobra.Command{
		Use:     "pin [DOCKERFILE]",
		Short:   "Pin a Dockerfile's images to digests (name:tag@sha256:…), check for drift, update pins",
		Args:    cobra.MaximumNArgs(1),
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := "Dockerfile"
			if len(args) == 1 {
				name = args[0]
			}
			return g.runPin(cmd.Context(), o, name)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.check, "check", false, "change nothing; exit 1 on unpinned images and drift")
	f.BoolVar(&o.update, "update", false, "move existing pins to the digests the tags point to now")
	f.BoolVar(&o.diff, "diff", false, "print the change as a unified diff instead of writing the file")
	f.BoolVar(&o.fromDaemon, "from-daemon", false, "take digests from the local Docker engine (its RepoDigests) instead of the registry")
	f.BoolVar(&o.insecure, "insecure", false, "allow plain-HTTP and unverified-TLS registries")
	return cmd
}

func (g *globals) runPin(ctx context.Context, o *pinOptions, name string) error {
	if o.check && (o.update || o.diff) {
		return usageError{errors.New("--check changes nothing: it goes without --update and --diff")}
	}
	mode := pin.Pin
	switch {
	case o.check:
		mode = pin.Check
	case o.update:
		mode = pin.Update
	}
	r, err := pin.File(ctx, name, pin.FileOptions{Mode: mode, FromDaemon: o.fromDaemon, Insecure: o.insecure, Diff: o.diff, Stdout: g.stdout})
	if err != nil {
		return err
	}
	if !o.diff {
		if g.format == "json" {
			err = report.WriteJSON(g.stdout, r)
		} else if err = r.WriteTable(g.stdout); err == nil && r.Changed {
			g.info("pinned %s", r.File)
		}
		if err != nil {
			return err
		}
	}
	if n := r.Problems(); n > 0 && (o.check || r.Unresolved()) {
		return errPolicy("pin: %d of %d images unpinned, drifted or unresolved in %s", n, len(r.Refs), name)
	}
	return nil
}
