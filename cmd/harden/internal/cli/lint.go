package cli

import (
	"errors"
	"fmt"

	"github.com/harden-dev/harden/dockerfile/lint"
	"github.com/harden-dev/harden/dockerfile/rules"
	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// lintOptions are the flags of harden lint.
type lintOptions struct {
	config, threshold                             string
	ignore, trusted                               []string
	requireDigest, fix, diff, exitCode, listRules bool
}

func newLintCmd(g *globals) *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [FILE|DIR|-]...",
		Short: "Lint Dockerfiles: hadolint, Trivy and BuildKit checks plus the distroless practice",
		RunE: func(cmd *cobra.Command, args []string) error {
			all := rules.All()
			if o.listRules {
				if err := g.checkFormat("table", "json", "markdown"); err != nil {
					return err
				}
				if g.format == "json" {
					return report.WriteJSON(g.stdout, lint.RuleList(all))
				}
				return lint.WriteRules(g.stdout, all, g.format == "markdown")
			}
			if err := g.checkFormat(lint.Formats()...); err != nil {
				return err
			}
			if o.fix && o.diff {
				return usageError{errors.New("--fix and --diff cannot be used together")}
			}
			if o.exitCode && !o.diff {
				return usageError{errors.New("--exit-code goes with --diff")}
			}
			conf, err := lint.LoadPolicy(o.config)
			if err != nil {
				return usageError{err}
			}
			threshold, err := lint.Threshold(o.threshold, conf.FailureThreshold)
			if err != nil {
				return usageError{err}
			}
			paths, err := lint.DefaultPaths(args)
			if err != nil {
				return usageError{err}
			}
			req := lint.Request{Paths: paths, Stdin: g.stdin, Policy: conf, Ignore: o.ignore, Trusted: o.trusted, RequireDigest: o.requireDigest,
				Fix: o.fix, Diff: o.diff, Stdout: g.stdout, Info: g.info,
				Warn: func(err error) { fmt.Fprintf(g.stderr, "harden: %v\n", err) }}
			res, err := lint.Run(cmd.Context(), req)
			if err != nil {
				return usageError{err}
			}
			if !o.diff && !(o.fix && len(res.Results) == 1 && res.Results[0].File == "-") {
				if err := lint.Write(g.stdout, g.format, res.Results, all, version); err != nil {
					return err
				}
			}
			for _, err := range res.Failed {
				fmt.Fprintf(g.stderr, "harden: %v\n", err)
			}
			if err := res.Err(); err != nil {
				return err
			}
			if msg := res.Gate(threshold, o.exitCode, o.diff); msg != "" {
				return errPolicy("%s", msg)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file (default: "+policy.FileName+" in the working directory, if present)")
	f.StringSliceVar(&o.ignore, "ignore", nil, "rule IDs or aliases to skip (repeatable, comma-separated)")
	f.StringVar(&o.threshold, "severity-threshold", "", "exit 1 when a finding reaches this level: error, warning, info, style or none (default: lint.failureThreshold, else warning)")
	f.StringVar(&o.threshold, "failure-threshold", "", "alias of --severity-threshold, as in hadolint")
	f.StringSliceVar(&o.trusted, "trusted-registry", nil, "registries FROM may use (enables DL3026; repeatable)")
	f.BoolVar(&o.requireDigest, "require-digest", false, "report base images without a digest as warnings (HD005)")
	f.BoolVar(&o.fix, "fix", false, "apply the safe fixes in place, then report what is left")
	f.BoolVar(&o.diff, "diff", false, "print the safe fixes as a unified diff instead of applying them")
	f.BoolVar(&o.exitCode, "exit-code", false, "with --diff: exit 1 when a fix would change a file (as git diff --exit-code; the pre-commit hook harden-fix-check)")
	f.BoolVar(&o.listRules, "list-rules", false, "list the rules (table, json or markdown) and exit")
	_ = f.MarkHidden("failure-threshold")
	return cmd
}
