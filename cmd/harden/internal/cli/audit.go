package cli

import (
	"context"
	"github.com/harden-dev/harden/attach"
	"io"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

type auditFlags struct {
	image                           imageFlags
	many                            manyFlags
	failOn, config                  string
	ignore, acceptFiles, acceptKeys []string
	requireELF, all                 bool
	minScore                        int
	// allowIncomplete lets --fail-on and --min-score pass an audit some
	// of whose checks failed to run.
	allowIncomplete bool
}

func newAuditCmd(g *globals) *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:     "audit IMAGE...",
		Short:   "What an attacker could use in an image: shells, package managers, tools, setuid, root, secrets; a score and grade",
		Args:    imageArgs("IMAGE"),
		PreRunE: g.formats("table", "json", "sarif", "markdown", "jsonl"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, threshold, err := policy.LoadAudit(f.config, policy.AuditGates{Ignore: f.ignore, FailOn: f.failOn, FailOnSet: cmd.Flags().Changed("fail-on"), MinScore: f.minScore})
			if err != nil {
				return usageError{err}
			}
			opts := audit.PolicyOptions(cfg, f.acceptFiles, f.acceptKeys, f.requireELF)
			if err := audit.CheckOptions(opts...); err != nil {
				return usageError{err}
			}
			minScore := max(f.minScore, cfg.Audit.MinScore)
			return runImages(cmd, g, &f.many, args, imageRun[*audit.Output]{
				analyze: func(ctx context.Context, ref string) (*audit.Output, error) { return g.audit(ctx, ref, &f.image, opts) },
				render: func(w io.Writer, format string, o *audit.Output) error {
					return o.Write(w, format, readBuildInfo().Version, f.all)
				},
				verdict: func(o *audit.Output) string { return o.Gate(threshold, minScore, f.allowIncomplete) },
			})
		},
	}
	addImageFlags(cmd, &f.image)
	addManyFlags(cmd, &f.many, &f.image, attach.Audit)
	fl := cmd.Flags()
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding is at least this severe (low, medium, high, critical); default from .harden.yaml failOn")
	fl.StringArrayVar(&f.ignore, "ignore", nil, "suppress findings with this ID: harden's, Dockle's or CIS's (repeatable)")
	fl.StringArrayVar(&f.acceptFiles, "accept-file", nil, "accept secrets in files matching this glob or base name, like Dockle's -af (repeatable)")
	fl.StringArrayVar(&f.acceptKeys, "accept-key", nil, "accept env/label/arg names matching this glob as not secret, like Dockle's -ak (repeatable)")
	fl.StringVar(&f.config, "config", "", "policy file (default ./"+policy.FileName+" when it exists)")
	fl.BoolVar(&f.requireELF, "require-elf-hardening", false, "raise ELF files of your own layers without PIE, full RELRO, NX or canary to high")
	fl.IntVar(&f.minScore, "min-score", 0, "exit 1 when the score is below this (0-100)")
	fl.BoolVar(&f.all, "all", false, "table: list info findings and every piece of evidence")
	fl.BoolVar(&f.allowIncomplete, "allow-incomplete", false, "let --fail-on and --min-score pass when a check failed to run (otherwise an incomplete audit exits 1)")
	return cmd
}

// audit opens and audits one image.
func (g *globals) audit(ctx context.Context, ref string, f *imageFlags, opts []audit.Option) (*audit.Output, error) {
	img, x, err := g.indexImage(ctx, ref, f, audit.Wants(opts...)...)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	opts = append(opts[:len(opts):len(opts)], audit.WithReference(img.GivenName(), img.Tags...))
	res, err := audit.Run(ctx, x, opts...)
	if err != nil {
		return nil, err
	}
	res.Summary.Image = img.Ref.String()
	redact.Value(res) // before any renderer cuts or escapes a string
	for _, c := range res.Checks {
		if c.Status == audit.StatusError {
			g.log.Warn("check failed", "check", c.ID, "error", c.Message)
		}
	}
	return &audit.Output{Image: img.Ref.String(), Result: res}, nil
}
