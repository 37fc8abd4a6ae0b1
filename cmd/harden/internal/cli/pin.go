package cli

import (
	"bytes"
	"context"
	"errors"
	"os"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/lint"
	"github.com/harden-dev/harden/image"
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
		Use:   "pin [DOCKERFILE]",
		Short: "Pin a Dockerfile's images to digests (name:tag@sha256:…), check for drift, update pins",
		Long: `pin resolves every image the Dockerfile names (FROM, COPY --from=IMAGE,
RUN --mount=from=IMAGE) to the digest its tag points to now, in its registry
(credentials from ~/.docker/config.json and credential helpers; --insecure
for a plain-HTTP registry) or, with --from-daemon, in the local engine's
record of where it pulled the image. A multi-platform image is pinned by its
index digest. Images built from a global ARG (FROM node:${TAG}) are pinned
through the ARG's default. The file is rewritten atomically.

--check changes nothing and exits 1 when an image is unpinned or its tag now
points to another digest (drift). --update moves existing pins to the tags'
current digests (without it, pins are left alone). --diff prints the change
instead of writing it.`,
		Example: `  harden pin Dockerfile
  harden pin --check Dockerfile
  harden pin --update --diff Dockerfile
  harden pin --insecure --check Dockerfile.local`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
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
	src, err := os.ReadFile(name)
	if err != nil {
		return usageError{err}
	}
	f, err := dockerfile.ParseBytes(name, src)
	if err != nil {
		return usageError{err}
	}
	mode := pin.Pin
	switch {
	case o.check:
		mode = pin.Check
	case o.update:
		mode = pin.Update
	}
	var res pin.Resolver = pin.ResolverFunc(func(ctx context.Context, ref string) (string, error) {
		return image.Digest(ctx, ref, image.WithInsecure(o.insecure))
	})
	if o.fromDaemon {
		res = pin.ResolverFunc(func(ctx context.Context, ref string) (string, error) { return image.DaemonDigest(ctx, ref) })
	}
	r, err := pin.Run(ctx, f, res, mode)
	if err != nil {
		return err
	}
	switch {
	case o.diff:
		if err := lint.WriteDiff(g.stdout, name, src, r.Source); err != nil {
			return err
		}
	case r.Changed:
		if err := writeFileAtomic(name, r.Source); err != nil {
			return err
		}
	}
	if !o.diff {
		if g.format == "json" {
			if err := report.WriteJSON(g.stdout, r); err != nil {
				return err
			}
		} else if err := writePinTable(g, r); err != nil {
			return err
		}
	}
	if n := r.Problems(); n > 0 && (o.check || anyUnresolved(r)) {
		return errPolicy("pin: %d of %d images unpinned, drifted or unresolved in %s", n, len(r.Refs), name)
	}
	return nil
}

func anyUnresolved(r *pin.Result) bool {
	for _, x := range r.Refs {
		if x.Status == pin.StatusError || x.Status == pin.StatusTemplated {
			return true
		}
	}
	return false
}

func writePinTable(g *globals, r *pin.Result) error {
	var b bytes.Buffer
	t := report.NewTable("LINE", "KIND", "IMAGE", "STATUS", "DIGEST").AlignRight(0)
	for _, x := range r.Refs {
		d := x.New
		if d == "" {
			d = x.Digest
		}
		if x.Error != "" {
			d = x.Error
		}
		kind := x.Kind
		if x.Arg != "" {
			kind += " " + x.Arg
		}
		t.Add(x.Line, kind, x.Image, x.Status, d)
	}
	if err := t.WriteText(&b); err != nil {
		return err
	}
	_, err := g.stdout.Write(b.Bytes())
	if r.Changed {
		g.info("pinned %s", r.File)
	}
	return err
}
