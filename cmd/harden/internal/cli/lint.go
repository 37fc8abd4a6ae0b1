package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/lint"
	"github.com/harden-dev/harden/dockerfile/rules"
	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// lintOptions are the flags of harden lint.
type lintOptions struct {
	config        string
	ignore        []string
	threshold     string
	trusted       []string
	requireDigest bool
	fix, diff     bool
	exitCode      bool
	listRules     bool
	// wouldChange counts the files --diff shows a change for.
	wouldChange int
}

func (o *lintOptions) addFlags(cmd *cobra.Command) {
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
}

func newLintCmd(g *globals) *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [FILE|DIR|-]...",
		Short: "Lint Dockerfiles: hadolint, Trivy and BuildKit checks plus the distroless practice",
		Long: `lint checks Dockerfiles with every hadolint rule, every Trivy Dockerfile check,
every BuildKit build check and harden's distroless-practice rules (HD0xx).
A directory is searched for Dockerfile, *.Dockerfile, Dockerfile.* and
Containerfile; - reads standard input.

Exit codes: 0 no finding at the threshold, 1 a finding at or above it
(a file that does not parse is a DL1000 finding at level error),
2 bad flags or configuration, a path that cannot be read, or no file parsed.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runLint(cmd, g, o, args) },
	}
	o.addFlags(cmd)
	return cmd
}

func runLint(cmd *cobra.Command, g *globals, o *lintOptions, args []string) error {
	all := rules.All()
	if o.listRules {
		if err := g.checkFormat("table", "json", "markdown"); err != nil {
			return err
		}
		if g.format == "json" {
			return report.WriteJSON(g.stdout, ruleList(all))
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
	conf, err := loadLintConfig(o.config)
	if err != nil {
		return usageError{err}
	}
	threshold, err := lintThreshold(o.threshold, conf.FailureThreshold)
	if err != nil {
		return usageError{err}
	}
	if len(args) == 0 {
		if _, err := os.Stat("Dockerfile"); err != nil {
			return usageError{errors.New("no Dockerfile given and none in the working directory (use - for standard input)")}
		}
		args = []string{"Dockerfile"}
	}

	var results []*lint.Result
	var failed []error
	for _, arg := range args {
		if arg == "-" {
			src, err := io.ReadAll(io.LimitReader(g.stdin, dockerfile.MaxSize+1))
			if err != nil {
				failed = append(failed, fmt.Errorf("reading standard input: %w", err))
				continue
			}
			c, err := lintConfig(conf.For("-"), o)
			if err != nil {
				return usageError{err}
			}
			results = append(results, lint.Bytes("-", src, c))
			continue
		}
		paths, err := lint.Discover(cmd.Context(), []string{arg})
		if err != nil {
			failed = append(failed, err)
		}
		if err == nil && len(paths) == 0 {
			g.info("harden: no Dockerfile found in %s", arg)
		}
		for _, p := range paths {
			c, err := lintConfig(conf.For(p), o)
			if err != nil {
				return usageError{err}
			}
			r, err := lint.File(p, c)
			if err != nil {
				failed = append(failed, err)
				continue
			}
			results = append(results, r)
		}
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(g.stderr, "harden: %v\n", r.Err)
		}
	}

	if o.fix || o.diff {
		if err := applyFixes(g, o, conf, results); err != nil {
			failed = append(failed, err)
		}
	}
	if !o.diff && !(o.fix && len(results) == 1 && results[0].File == "-") {
		if err := lint.Write(g.stdout, g.format, results, all, version); err != nil {
			return err
		}
	}
	for _, err := range failed {
		fmt.Fprintf(g.stderr, "harden: %v\n", err)
	}
	parsed := 0
	for _, r := range results {
		if r.Err == nil {
			parsed++
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Errorf("%d %s could not be read", len(failed), pluralWord(len(failed), "path"))
	case parsed == 0 && len(results) > 0:
		return errors.New("no Dockerfile could be parsed")
	}
	if o.exitCode && o.wouldChange > 0 {
		return errPolicy("%d %s would change with harden lint --fix", o.wouldChange, pluralWord(o.wouldChange, "file"))
	}
	if threshold != dockerfile.Off && !o.diff {
		if n := lint.Count(results, threshold); n > 0 {
			return errPolicy("%d %s at or above %s", n, pluralWord(n, "finding"), threshold)
		}
	}
	return nil
}

func pluralWord(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// applyFixes writes the fixed files (--fix) or prints their diff (--diff).
// Fixed files are linted again so the report shows what is left.
func applyFixes(g *globals, o *lintOptions, conf policy.Lint, results []*lint.Result) error {
	for i, r := range results {
		if r.Err != nil {
			continue
		}
		fixed, n := r.Fix()
		if n == 0 {
			if r.File == "-" && o.fix {
				_, _ = g.stdout.Write(r.Source())
			}
			continue
		}
		if o.diff {
			if err := lint.WriteDiff(g.stdout, r.File, r.Source(), fixed); err != nil {
				return err
			}
			o.wouldChange++
			continue
		}
		if r.File == "-" {
			if _, err := g.stdout.Write(fixed); err != nil {
				return err
			}
			c, err := lintConfig(conf.For("-"), o)
			if err != nil {
				return err
			}
			results[i] = lint.Bytes("-", fixed, c)
			continue
		}
		if err := writeFileAtomic(r.File, fixed); err != nil {
			return err
		}
		g.info("harden: fixed %d %s in %s", n, pluralWord(n, "finding"), r.File)
		c, err := lintConfig(conf.For(r.File), o)
		if err != nil {
			return err
		}
		again, err := lint.File(r.File, c)
		if err != nil {
			return err
		}
		results[i] = again
	}
	return nil
}

// writeFileAtomic replaces name with data through a temporary file in the
// same directory, keeping the file's mode.
func writeFileAtomic(name string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".harden-fix-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// loadLintConfig reads the lint section of --config or ./.harden.yaml.
func loadLintConfig(name string) (policy.Lint, error) {
	optional := name == ""
	if optional {
		name = policy.FileName
	}
	c, err := policy.LoadFile(name, optional)
	if err != nil {
		return policy.Lint{}, err
	}
	if err := c.Lint.Validate(); err != nil {
		return policy.Lint{}, fmt.Errorf("%s: %w", name, err)
	}
	// Top-level ignores without paths or expiry apply to lint too.
	for _, ig := range c.Ignore {
		if len(ig.Paths) == 0 && ig.Expires == "" {
			c.Lint.Ignore = append(c.Lint.Ignore, ig.ID)
		}
	}
	return c.Lint, nil
}

// lintThreshold picks the failure threshold: the flag, the config, then
// warning. "none" never fails.
func lintThreshold(flag, conf string) (dockerfile.Level, error) {
	s := flag
	if s == "" {
		s = conf
	}
	if s == "" {
		return dockerfile.Warning, nil
	}
	lv, err := dockerfile.ParseLevel(s)
	if err != nil {
		return 0, fmt.Errorf("--severity-threshold: %w", err)
	}
	return lv, nil
}

// lintConfig turns the lint section and the flags into the library's Config.
func lintConfig(l policy.Lint, o *lintOptions) (lint.Config, error) {
	c := lint.Config{
		Ignore:              append(append([]string(nil), l.Ignore...), splitList(o.ignore)...),
		DisableIgnorePragma: l.DisableIgnorePragma,
		Settings: rules.Config{
			TrustedRegistries: append(append([]string(nil), l.TrustedRegistries...), splitList(o.trusted)...),
			RequireDigest:     l.RequireDigest || o.requireDigest,
			LabelSchema:       l.LabelSchema,
			StrictLabels:      l.StrictLabels,
		},
	}
	if len(l.Severity) > 0 {
		c.Levels = map[string]dockerfile.Level{}
		for id, s := range l.Severity {
			lv, err := dockerfile.ParseLevel(s)
			if err != nil {
				return c, fmt.Errorf("lint.severity.%s: %w", id, err)
			}
			c.Levels[id] = lv
		}
	}
	return c, nil
}

func splitList(ss []string) []string {
	var out []string
	for _, s := range ss {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// ruleInfo is one rule in --list-rules --format json.
type ruleInfo struct {
	ID          string           `json:"id"`
	Aliases     []string         `json:"aliases"`
	Source      string           `json:"source"`
	Level       dockerfile.Level `json:"level"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	Fix         string           `json:"fix"`
	Fixable     bool             `json:"fixable"`
	Needs       string           `json:"needs,omitempty"`
}

func ruleList(rs []rules.Rule) []ruleInfo {
	out := make([]ruleInfo, 0, len(rs))
	for _, r := range rs {
		m := r.Meta()
		al := m.Aliases
		if al == nil {
			al = []string{}
		}
		out = append(out, ruleInfo{ID: m.ID, Aliases: al, Source: rules.Source(m.ID), Level: m.Level(), Title: m.Title,
			Description: m.Help, Fix: m.Fix, Fixable: m.Fixable, Needs: m.Needs})
	}
	return out
}
