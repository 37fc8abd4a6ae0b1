package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/atomicfile"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type resultsFlags struct {
	platform string
	insecure bool
	kind     string
	fetch    bool
	digest   string
	output   string
}

// resultsJSON is the stable JSON shape of `harden results`.
type resultsJSON struct {
	Image   string            `json:"image"`
	Results []attach.Attached `json:"results"`
}

func newResultsCmd(g *globals) *cobra.Command {
	f := &resultsFlags{}
	cmd := &cobra.Command{
		Use:   "results IMAGE",
		Short: "List and fetch the results --attach keeps in an image's registry",
		Long: `results lists the results that audit, sbom and scan --attach pushed to the
image's registry, newest first: OCI artifacts whose subject is the image
manifest, read through the registry's Referrers API or, where it has none,
the referrers tag (sha256-<digest>). For a multi-platform image the results
of the platform's image are listed (--platform). Artifacts other tools
attached (signatures, attestations) are listed with type "-".

--fetch writes the newest result (of --type) to stdout or --output; --digest
picks one from the list. A fetched result is checked against its digest,
bounded in size and redacted like everything harden prints.`,
		Example: `  harden results registry.example/app:1
  harden results registry.example/app:1 --type sbom --fetch --output app.cdx.json
  harden results localhost:5000/app:1 --insecure --format json`,
		Args: exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			var kind attach.Kind
			if f.kind != "" {
				k, err := attach.ParseKind(f.kind)
				if err != nil {
					return usageError{fmt.Errorf("--type: %w", err)}
				}
				kind = k
			}
			if (f.output != "" || f.digest != "") && !f.fetch {
				return usageError{fmt.Errorf("--output and --digest go with --fetch")}
			}
			ref, err := image.ParseReference(args[0])
			if err != nil {
				return usageError{err}
			}
			if ref.Transport != image.Registry && ref.Transport != image.Auto {
				return usageError{fmt.Errorf("%s: results live in a registry; give a registry image name", args[0])}
			}
			opts := []attach.Option{attach.WithInsecure(f.insecure), attach.WithPlatform(f.platform)}
			sub, err := attach.Resolve(cmd.Context(), ref.Name, opts...)
			if err != nil {
				return err
			}
			if f.fetch {
				return g.fetchResult(cmd, f, sub, kind, opts)
			}
			list, err := attach.List(cmd.Context(), sub, kind, opts...)
			if err != nil {
				return err
			}
			if g.format == "json" {
				return report.WriteJSON(g.stdout, resultsJSON{Image: sub.String(), Results: list})
			}
			return writeResultsTable(g.stdout, sub.String(), list)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.platform, "platform", "", "os/arch[/variant] to pick from a multi-platform image (default linux/<host arch>)")
	fl.BoolVar(&f.insecure, "insecure", false, "allow plain-HTTP or self-signed registries (e.g. a registry on localhost)")
	fl.StringVar(&f.kind, "type", "", "only results of this type: audit, sbom or scan")
	fl.BoolVar(&f.fetch, "fetch", false, "write the newest result (of --type) instead of the list")
	fl.StringVar(&f.digest, "digest", "", "with --fetch: the result with this artifact digest (from the list)")
	fl.StringVarP(&f.output, "output", "o", "", "with --fetch: write the result to this file (atomically) instead of stdout")
	return cmd
}

func (g *globals) fetchResult(cmd *cobra.Command, f *resultsFlags, sub attach.Subject, kind attach.Kind, opts []attach.Option) error {
	var body []byte
	var info attach.Attached
	var err error
	if f.digest != "" {
		body, info, err = attach.Fetch(cmd.Context(), sub, f.digest, opts...)
		if err == nil && kind != "" && info.Kind != kind {
			err = fmt.Errorf("%s: result %s is of type %s, not %s", sub, f.digest, info.Kind, kind)
		}
	} else {
		body, info, err = attach.Latest(cmd.Context(), sub, kind, opts...)
	}
	if err != nil {
		return err
	}
	g.info("%s result (%s) of %s, attached %s by harden %s", info.Kind, info.Format, sub, info.Created.Format(time.RFC3339), info.Version)
	if f.output == "" {
		_, err := g.stdout.Write(body)
		return err
	}
	var buf bytes.Buffer
	w := redact.NewWriter(&buf)
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return atomicfile.Write(f.output, buf.Bytes())
}

func writeResultsTable(w io.Writer, image string, list []attach.Attached) error {
	fmt.Fprintf(w, "%s\n\n", image)
	if len(list) == 0 {
		fmt.Fprintln(w, "No results attached.")
		return nil
	}
	t := report.NewTable("CREATED", "TYPE", "FORMAT", "HARDEN", "DIGEST")
	for _, a := range list {
		created, kind, format := "-", "-", a.Format
		if !a.Created.IsZero() {
			created = a.Created.Format(time.RFC3339)
		}
		if a.Kind != "" {
			kind = string(a.Kind)
		}
		if format == "" {
			format = a.MediaType
		}
		t.Add(created, kind, format, strings.TrimSpace(a.Version), a.Digest)
	}
	return t.WriteText(w)
}
