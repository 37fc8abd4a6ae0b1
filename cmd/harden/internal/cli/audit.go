package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type auditFlags struct {
	image       imageFlags
	failOn      string
	ignore      []string
	acceptFiles []string
	acceptKeys  []string
	config      string
	requireELF  bool
	minScore    int
	all         bool
	// allowIncomplete lets --fail-on and --min-score pass an audit some
	// of whose checks failed to run.
	allowIncomplete bool
	attach          bool
}

// auditJSON is the stable JSON shape of `harden audit`.
type auditJSON struct {
	Image string `json:"image"`
	*audit.Result
}

func newAuditCmd(g *globals) *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "audit IMAGE",
		Short: "What an attacker could use in an image: shells, package managers, tools, setuid, root, secrets; a score and grade",
		Long: `audit reads the image once and reports what it carries that an attacker could
use: shells (busybox applets too), package managers and language installers,
debug and network tools, setuid/setgid and world-writable files, root and
account problems, secrets in the config, history and files (always redacted),
every Dockle check (CIS-DI-*, DKL-*), ELF hardening and stale package metadata.
Each finding names the path, the layer, the instruction that made it and
whether that layer is the base image's or your own.

The summary scores the image 0-100 and grades it A-F (see docs/audit.md).
Findings are suppressed by ID (harden, Dockle or CIS) with --ignore or the
ignore list of .harden.yaml; --fail-on and --min-score set the exit code. A
check that fails to run marks the score incomplete (it counts only the checks
that ran); --fail-on and --min-score then exit 1 unless --allow-incomplete.`,
		Example: `  harden audit node:18
  harden audit docker-archive:app.tar --fail-on high --ignore CIS-DI-0006
  harden audit oci:./layout --format sarif > audit.sarif
  harden audit app:1.0 --accept-key GPG_KEY --accept-file /app/certs/**`,
		Args: exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json", "sarif", "markdown"); err != nil {
				return err
			}
			cfg, threshold, err := f.policy(cmd)
			if err != nil {
				return err
			}
			opts := []audit.Option{
				audit.WithAcceptFiles(append(cfg.Audit.AcceptFiles, f.acceptFiles...)...),
				audit.WithAcceptKeys(append(cfg.Audit.AcceptKeys, f.acceptKeys...)...),
				audit.WithRequireELFHardening(f.requireELF || cfg.Audit.RequireELFHardening),
				audit.WithIgnore(func(fd report.Finding) bool { _, ok := cfg.Suppressed(fd, time.Now()); return ok }),
			}
			if err := audit.CheckOptions(opts...); err != nil {
				return usageError{err}
			}
			img, x, err := g.indexImage(cmd.Context(), args[0], &f.image, audit.Wants(opts...)...)
			if err != nil {
				return err
			}
			defer img.Close()
			ref := img.Ref.String()
			opts = append(opts, audit.WithReference(imageName(img), img.Tags...))
			res, err := audit.Run(cmd.Context(), x, opts...)
			if err != nil {
				return err
			}
			res.Summary.Image = ref
			redact.Value(res) // before any renderer cuts or escapes a string
			if err := writeAudit(g, f, ref, res); err != nil {
				return err
			}
			if f.attach {
				if err := g.attachImage(cmd.Context(), &f.image, img, attach.Audit, func(w io.Writer, format string) error {
					return writeAudit(g.withOutput(w, format), f, ref, res)
				}); err != nil {
					return err
				}
			}
			for _, c := range res.Checks {
				if c.Status == audit.StatusError {
					g.log.Warn("check failed", "check", c.ID, "error", c.Message)
				}
			}
			if threshold > report.Unknown && report.AtLeast(res.Findings, threshold) {
				n := 0
				for _, fd := range res.Findings {
					if fd.Severity >= threshold {
						n++
					}
				}
				return errPolicy("audit: %d findings at or above %s", n, threshold)
			}
			minScore := max(f.minScore, cfg.Audit.MinScore)
			if minScore > 0 && res.Summary.Score < minScore {
				return errPolicy("audit: score %d is below the minimum %d", res.Summary.Score, minScore)
			}
			if (threshold > report.Unknown || minScore > 0) && len(res.Summary.Incomplete) > 0 && !f.allowIncomplete {
				return errPolicy("audit: the result is incomplete (%s did not run); --allow-incomplete accepts it", strings.Join(res.Summary.Incomplete, ", "))
			}
			return nil
		},
	}
	addImageFlags(cmd, &f.image)
	addAttachFlag(cmd, &f.attach)
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

// policy loads the policy file, adds --ignore, and works out --fail-on.
func (f *auditFlags) policy(cmd *cobra.Command) (*policy.Config, report.Severity, error) {
	name, optional := policy.FileName, true
	if f.config != "" {
		name, optional = f.config, false
	}
	cfg, err := policy.LoadFile(name, optional)
	if err != nil {
		return nil, 0, usageError{err}
	}
	if err := cfg.Audit.Validate(); err != nil {
		return nil, 0, usageError{fmt.Errorf("%s: %w", name, err)}
	}
	for _, id := range f.ignore {
		if strings.TrimSpace(id) == "" {
			return nil, 0, usageError{fmt.Errorf("--ignore needs an ID")}
		}
		cfg.Ignore = append(cfg.Ignore, policy.Ignore{ID: id, Reason: "--ignore"})
	}
	if f.minScore < 0 || f.minScore > 100 {
		return nil, 0, usageError{fmt.Errorf("--min-score %d is not between 0 and 100", f.minScore)}
	}
	failOn := cfg.FailOn
	if cmd.Flags().Changed("fail-on") {
		failOn = f.failOn
	}
	var threshold report.Severity
	if failOn != "" && failOn != "none" {
		if threshold, err = report.ParseSeverity(failOn); err != nil || threshold == report.Unknown {
			return nil, 0, usageError{fmt.Errorf("--fail-on: unknown severity %q (want low, medium, high or critical)", failOn)}
		}
	}
	return cfg, threshold, nil
}

// imageName is the name the user gave for daemon and registry images; for
// archives and layouts the tags inside say more.
func imageName(img *image.Image) string {
	switch img.Ref.Transport {
	case image.DockerDaemon, image.Registry:
		return img.Ref.Name
	}
	return ""
}

func writeAudit(g *globals, f *auditFlags, ref string, res *audit.Result) error {
	switch g.format {
	case "json":
		return report.WriteJSON(g.stdout, auditJSON{Image: ref, Result: res})
	case "sarif":
		return report.WriteSARIF(g.stdout, report.SARIFTool{Name: "harden", Version: readBuildInfo().Version,
			InformationURI: "https://github.com/harden-dev/harden"}, ref, audit.ReportRules(), res.Findings,
			report.WithRunProperties(auditRunProperties(res.Summary)))
	case "markdown":
		return writeAuditMarkdown(g.stdout, ref, res)
	}
	return writeAuditTable(g.stdout, ref, res, f.all)
}

// auditRunProperties are the SARIF run's score, grade and, when some
// checks did not run, their IDs under "incomplete".
func auditRunProperties(s audit.Summary) map[string]any {
	p := map[string]any{"score": s.Score, "grade": s.Grade}
	if len(s.Incomplete) > 0 {
		p["incomplete"] = s.Incomplete
	}
	return p
}

// summaryTable is the summary block every format but JSON and SARIF prints.
func summaryTable(s audit.Summary) *report.Table {
	t := report.NewTable("PROPERTY", "VALUE")
	t.Add("Score", s.ScoreText())
	for _, r := range s.Rows {
		t.Add(r.Property, r.Value)
	}
	user := s.User
	if user == "" {
		user = "(none: root)"
	}
	if s.RunsAsRoot {
		user += ", runs as root"
	}
	t.Add("User", user)
	pk := fmt.Sprintf("%d", s.Packages.Total)
	if s.Packages.Total > 0 {
		pk += fmt.Sprintf(" (dpkg %d, apk %d)", s.Packages.Dpkg, s.Packages.Apk)
	}
	t.Add("Packages", pk)
	t.Add("Files", fmt.Sprintf("%d (%d executable), %d layers", s.Files, s.Executables, s.Layers))
	t.Add("Setuid/setgid files", s.SetuidFiles)
	t.Add("Secrets", s.Secrets)
	return t
}

func countLine(s audit.Summary) string {
	var parts []string
	for _, sev := range report.Severities() {
		if n := s.Findings[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

func writeAuditTable(w io.Writer, ref string, res *audit.Result, all bool) error {
	fmt.Fprintf(w, "%s\n\n", ref)
	if err := summaryTable(res.Summary).WriteText(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFindings: %s\n", countLine(res.Summary))
	if len(res.Findings) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	t := report.NewTable("SEVERITY", "ID", "FINDING", "LAYER")
	hidden := map[string]int{}
	for _, fd := range res.Findings {
		if fd.Severity <= report.Info && !all {
			hidden[fd.ID]++
			continue
		}
		evs := fd.Evidence
		if len(evs) == 0 {
			evs = []report.Evidence{{}}
		}
		t.Add(fd.Severity, fd.ID, truncate(fd.Message, 100), report.LayerText(evs[0], 60))
		if all {
			for _, ev := range evs[1:] {
				loc := report.Location(ev)
				if ev.Value != "" {
					loc += " " + ev.Value
				}
				t.Add("", "", "  "+truncate(loc, 98), report.LayerText(ev, 60))
			}
		}
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	if len(hidden) > 0 {
		ids := make([]string, 0, len(hidden))
		for id := range hidden {
			ids = append(ids, fmt.Sprintf("%s %d", id, hidden[id]))
		}
		sort.Strings(ids)
		fmt.Fprintf(w, "\nInfo findings not listed (--all lists them): %s\n", strings.Join(ids, ", "))
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "Suppressed by policy: %d\n", len(res.Suppressed))
	}
	return nil
}

func writeAuditMarkdown(w io.Writer, ref string, res *audit.Result) error {
	fmt.Fprintf(w, "## harden audit: `%s`\n\n", strings.ReplaceAll(ref, "`", "'"))
	grade := fmt.Sprintf("Score %d/100, grade %s", res.Summary.Score, res.Summary.Grade)
	if inc := res.Summary.IncompleteText(); inc != "" {
		grade += ", " + inc
	}
	fmt.Fprintf(w, "**%s** — %s\n\n", grade, countLine(res.Summary))
	if err := summaryTable(res.Summary).WriteMarkdown(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n### Findings\n\n")
	if err := report.WriteMarkdownFindings(w, res.Findings); err != nil {
		return err
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "\n%d findings suppressed by policy.\n", len(res.Suppressed))
	}
	return nil
}
