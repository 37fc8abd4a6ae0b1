package cli

import (
	"fmt"
	"time"

	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/internal/atomicfile"
	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

func newResultsCmd(g *globals) *cobra.Command {
	f := &struct {
		platform, kind, digest, output string
		insecure, fetch                bool
	}{}
	cmd := &cobra.Command{
		Use:     "results IMAGE",
		Short:   "List and fetch the results --attach keeps in an image's registry",
		Args:    exactArgs(1, "IMAGE"),
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			name, err := attach.RegistryName(args[0])
			if err != nil {
				return usageError{err}
			}
			opts := []attach.Option{attach.WithInsecure(f.insecure), attach.WithPlatform(f.platform)}
			sub, err := attach.Resolve(cmd.Context(), name, opts...)
			if err != nil {
				return err
			}
			if !f.fetch {
				list, err := attach.List(cmd.Context(), sub, kind, opts...)
				if err != nil {
					return err
				}
				return attach.WriteList(g.stdout, g.format, sub.String(), list)
			}
			body, info, err := attach.Get(cmd.Context(), sub, kind, f.digest, opts...)
			if err != nil {
				return err
			}
			g.info("%s result (%s) of %s, attached %s by harden %s", info.Kind, info.Format, sub, info.Created.Format(time.RFC3339), info.Version)
			return g.writeOutput(f.output, body, redact.Bytes)
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

// writeOutput writes body to stdout, or atomically to the file path
// through filter (redact.Bytes where the file must be redacted as stdout
// is; nil for the user's own artifact).
func (g *globals) writeOutput(path string, body []byte, filter func([]byte) []byte) error {
	if path == "" {
		_, err := g.stdout.Write(body)
		return err
	}
	if filter != nil {
		body = filter(body)
	}
	return atomicfile.Write(path, body)
}
