package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

// addAttachFlag adds --attach to a command whose result can be kept in
// the image's registry.
func addAttachFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "attach", false, "push the result to the image's registry as an OCI artifact referring to the image "+
		"(see harden results); table and markdown attach JSON, an SBOM table attaches CycloneDX")
}

// attachOptions are the registry settings of the image flags.
func (g *globals) attachOptions(f *imageFlags) []attach.Option {
	return []attach.Option{attach.WithInsecure(f.insecure), attach.WithPlatform(f.platform), attach.WithVersion(readBuildInfo().Version)}
}

// attachResult renders the result again in the format to attach (the
// user's --format when a machine reads it, else the kind's default),
// redacted as stdout is, and pushes it to the registry of ref, the image
// read with config digest config. render writes the result to w in format.
func (g *globals) attachResult(ctx context.Context, f *imageFlags, ref, config string, kind attach.Kind, render func(w io.Writer, format string) error) error {
	r, err := image.ParseReference(ref)
	if err != nil {
		return err
	}
	if r.Transport != image.Registry {
		return usageError{fmt.Errorf("--attach: %s was not read from a registry (name it registry:NAME)", ref)}
	}
	format, mediaType := attach.Format(kind, g.format)
	var buf bytes.Buffer
	w := redact.NewWriter(&buf)
	if err := render(w, format); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	opts := g.attachOptions(f)
	sub, err := attach.Resolve(ctx, r.Name, opts...)
	if err != nil {
		return fmt.Errorf("--attach: %w", err)
	}
	if sub.Config.String() != config {
		return fmt.Errorf("--attach: %s now names image %s, not the %s that was read; nothing attached", ref, sub.Config, config)
	}
	a, err := attach.Push(ctx, sub, attach.Result{Kind: kind, Format: format, MediaType: mediaType, Body: buf.Bytes()}, opts...)
	if err != nil {
		return err
	}
	g.info("attached the %s result (%s) to %s as %s", kind, format, sub, a.Digest)
	return nil
}
