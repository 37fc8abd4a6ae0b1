package pin

import (
	"bytes"
	"context"
	"io"
	"os"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/lint"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/atomicfile"
	"github.com/harden-dev/harden/report"
)

// FileOptions say where digests come from and what to do with the file.
type FileOptions struct {
	Mode Mode
	// FromDaemon takes digests from the local engine instead of the registry;
	// Insecure allows plain-HTTP and unverified-TLS registries.
	FromDaemon, Insecure bool
	// Diff prints the change to Stdout instead of writing the file.
	Diff   bool
	Stdout io.Writer
}

// File pins the Dockerfile name: it resolves each image and rewrites the
// file atomically (or prints the diff).
func File(ctx context.Context, name string, o FileOptions) (*Result, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	f, err := dockerfile.ParseBytes(name, src)
	if err != nil {
		return nil, err
	}
	var res Resolver = ResolverFunc(func(ctx context.Context, ref string) (string, error) {
		return image.Digest(ctx, ref, image.WithInsecure(o.Insecure))
	})
	if o.FromDaemon {
		res = ResolverFunc(func(ctx context.Context, ref string) (string, error) { return image.DaemonDigest(ctx, ref) })
	}
	r, err := Run(ctx, f, res, o.Mode)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Diff:
		err = lint.WriteDiff(o.Stdout, name, src, r.Source)
	case r.Changed:
		err = atomicfile.Write(name, r.Source)
	}
	return r, err
}

// Unresolved reports whether an image could not be resolved or is built
// from a template.
func (r *Result) Unresolved() bool {
	for _, x := range r.Refs {
		if x.Status == StatusError || x.Status == StatusTemplated {
			return true
		}
	}
	return false
}

// WriteTable prints one row per image.
func (r *Result) WriteTable(w io.Writer) error {
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
	_, err := w.Write(b.Bytes())
	return err
}
