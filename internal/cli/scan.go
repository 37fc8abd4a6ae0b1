package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
	"github.com/openvex/go-vex/pkg/vex"
	"github.com/spf13/cobra"
)

type scanFlags struct {
	image     imageFlags
	db        string
	failOn    string
	onlyFixed bool
	vex       []string
	maxAge    time.Duration
	config    string
	osOwned   bool
	// allowIncomplete lets --fail-on pass a scan with unmatched packages.
	allowIncomplete bool
}

func newScanCmd(g *globals) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "scan IMAGE|dir:PATH|sbom:FILE",
		Short: "Find known vulnerabilities in an image's packages, offline, from OSV data",
		Long: `scan inventories the packages (as harden sbom does) and matches them against
the local OSV database (harden db) with each ecosystem's version order: Debian
packages through their source package and release, npm by semver, Python by
PEP 440, Go, Maven, Alpine, RPM. Records naming the same CVE are one finding.
Each finding says where the package is: the file, the layer, the instruction
that made it, and whether that layer is the base image's or yours.

scan never uses the network. It prints the database's age and warns when it
is older than --max-db-age (or scan.maxDBAge in .harden.yaml; default 7 days).
Findings are suppressed by .harden.yaml ignore entries (id, expires, reason)
and by OpenVEX statements (--vex) saying not_affected or fixed.

Formats: table (grouped by severity), json, sarif, cyclonedx (the SBOM with
its vulnerabilities; cyclonedx-json is accepted too). --fail-on makes the exit
code 1 when a finding is at least that severe, or when the scan is incomplete
(a package of an unknown ecosystem or with a version that does not parse
could not be matched; the summary lists them) unless --allow-incomplete.`,
		Example: `  harden scan node:18
  harden scan docker-archive:app.tar --fail-on high --only-fixed
  harden scan sbom:app.cdx.json --format sarif > scan.sarif
  harden scan dir:./rootfs --vex vex.json`,
		Args: exactArgs(1, "IMAGE, dir:PATH or sbom:FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runScan(cmd, f, args[0])
		},
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "database directory (default $XDG_CACHE_HOME/harden/db)")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding is at least this severe (low, medium, high, critical)")
	fl.BoolVar(&f.onlyFixed, "only-fixed", false, "report only vulnerabilities that have a fixed version")
	fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
	fl.DurationVar(&f.maxAge, "max-db-age", 0, "warn when the database is older than this (default 168h, or scan.maxDBAge)")
	fl.StringVar(&f.config, "config", policy.FileName, "policy file (ignore entries, scan settings)")
	fl.BoolVar(&f.osOwned, "include-os-owned", false, "also match language packages an OS package installed (by default its distribution's advisories cover them)")
	fl.BoolVar(&f.allowIncomplete, "allow-incomplete", false, "let --fail-on pass when some packages could not be matched (otherwise an incomplete scan exits 1)")
	return cmd
}

func scanFormat(format string) (string, error) {
	switch format {
	case "table", "json", "sarif":
		return format, nil
	case "cyclonedx", "cyclonedx-json":
		return "cyclonedx", nil
	}
	return "", usageError{fmt.Errorf("unknown --format %q for this command (want table, json, sarif or cyclonedx)", format)}
}

func (g *globals) runScan(cmd *cobra.Command, f *scanFlags, arg string) error {
	format, err := scanFormat(g.format)
	if err != nil {
		return err
	}
	cfg, err := policy.LoadFile(f.config, !cmd.Flags().Changed("config"))
	if err != nil {
		return usageError{err}
	}
	failOn := report.Severity(-1)
	if s := firstNonEmpty(f.failOn, cfg.FailOn); s != "" {
		if failOn, err = report.ParseSeverity(s); err != nil {
			return usageError{fmt.Errorf("--fail-on: %w", err)}
		}
	}
	opts, err := g.scanOptions(cmd, f, cfg)
	if err != nil {
		return err
	}
	dir, err := g.dbDir(f.db, cfg.Scan.DB)
	if err != nil {
		return err
	}
	db, err := vuln.Open(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := g.scanInput(cmd.Context(), arg, &f.image)
	if err != nil {
		return err
	}
	res, err := vuln.Match(cmd.Context(), db, s, opts...)
	if err != nil {
		return err
	}
	g.info("vulnerability data as of %s (%s old), from %s", dataTime(res.DB), age(time.Duration(res.DB.Age*float64(time.Second))), res.DB.Path)
	if res.DB.Stale {
		g.log.Warn("the vulnerability database is older than the limit; run `harden db update`", "age", age(time.Duration(res.DB.Age*float64(time.Second))))
	}
	for _, p := range res.Problems {
		g.log.Debug("not matched", "package", p.Package, "record", p.Record, "err", p.Error)
	}
	switch format {
	case "json":
		err = report.WriteJSON(g.stdout, res)
	case "sarif":
		err = writeScanSARIF(g.stdout, res)
	case "cyclonedx":
		err = sbom.WriteCycloneDX(g.stdout, vuln.CycloneDX(s, res))
	default:
		err = writeScanTable(g.stdout, res)
	}
	if err != nil {
		return err
	}
	if failOn >= report.Unknown {
		for i := range res.Findings {
			if res.Findings[i].Severity >= failOn {
				return errPolicy("scan: %d findings, at least one %s or worse", len(res.Findings), failOn)
			}
		}
		if res.Incomplete() && !f.allowIncomplete {
			return errPolicy("scan: the result is incomplete (%d packages could not be matched); --allow-incomplete accepts it", len(res.Unmatched))
		}
	}
	return nil
}

// scanOptions turns flags and the policy into Match options.
func (g *globals) scanOptions(cmd *cobra.Command, f *scanFlags, cfg *policy.Config) ([]vuln.Option, error) {
	opts := []vuln.Option{vuln.WithSuppressor(func(fd report.Finding, now time.Time) (string, bool) {
		ig, ok := cfg.Suppressed(fd, now)
		if !ok {
			return "", false
		}
		reason := "ignored by " + policy.FileName + " (" + ig.ID + ")"
		if ig.Reason != "" {
			reason += ": " + ig.Reason
		}
		return reason, true
	})}
	if f.osOwned {
		opts = append(opts, vuln.WithOSOwned())
	}
	if f.onlyFixed || cfg.Scan.OnlyFixed {
		opts = append(opts, vuln.WithOnlyFixed())
	}
	maxAge := cfg.Scan.MaxAge()
	if cmd.Flags().Changed("max-db-age") {
		maxAge = f.maxAge
	}
	opts = append(opts, vuln.WithMaxAge(maxAge))
	var docs []*vex.VEX
	for _, p := range append(append([]string(nil), cfg.Scan.VEX...), f.vex...) {
		file, err := os.Open(p)
		if err != nil {
			return nil, usageError{fmt.Errorf("--vex: %w", err)}
		}
		doc, err := vuln.ReadVEX(file)
		file.Close()
		if err != nil {
			return nil, usageError{fmt.Errorf("--vex %s: %w", p, err)}
		}
		docs = append(docs, doc)
	}
	if len(docs) > 0 {
		opts = append(opts, vuln.WithVEX(docs...))
	}
	return opts, nil
}

// scanInput inventories the image or directory, or reads an SBOM file.
func (g *globals) scanInput(ctx context.Context, arg string, f *imageFlags) (*sbom.SBOM, error) {
	if p, ok := strings.CutPrefix(arg, "sbom:"); ok {
		file, err := os.Open(p)
		if err != nil {
			return nil, usageError{err}
		}
		defer file.Close()
		s, err := sbom.Decode(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if s.Source.Name == "" {
			s.Source.Name = p
		}
		return s, nil
	}
	return g.makeSBOM(ctx, arg, f, sbom.WithoutLicenses())
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func dataTime(d vuln.DBState) string {
	t := d.Newest
	if t.IsZero() {
		t = d.Imported
	}
	return t.Format(time.DateOnly)
}

// writeScanTable prints the summary, then one table per severity.
func writeScanTable(w io.Writer, res *vuln.Result) error {
	sum := res.Summary
	fmt.Fprintf(w, "%s: %d vulnerabilities in %d of %d packages", nonEmptyStr(res.Source.Name, "input"), sum.Findings, sum.Packages, sum.Scanned)
	var parts []string
	for _, s := range report.Severities() {
		if n := sum.BySeverity[s.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "by origin: %d in base-image layers, %d in your own layers, %d unknown; %d fixable", sum.Base, sum.Own, sum.UnknownOrigin, sum.Fixable)
	if sum.Suppressed > 0 {
		fmt.Fprintf(w, "; %d suppressed", sum.Suppressed)
	}
	if sum.OSOwned > 0 {
		fmt.Fprintf(w, "; %d language packages left to their OS package (--include-os-owned)", sum.OSOwned)
	}
	fmt.Fprintln(w)
	if line := unmatchedLine(res.Unmatched); line != "" {
		fmt.Fprintln(w, line)
	}
	for _, sev := range report.Severities() {
		var rows []*vuln.Finding
		for i := range res.Findings {
			if res.Findings[i].Severity == sev {
				rows = append(rows, &res.Findings[i])
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d)\n", strings.ToUpper(sev.String()), len(rows))
		t := report.NewTable("PACKAGE", "INSTALLED", "FIXED", "ID", "LAYER", "ORIGIN", "SUMMARY").AlignRight(4)
		for _, f := range rows {
			layer, origin := "", ""
			if len(f.Locations) > 0 {
				if l := f.Locations[0].Layer; l != nil {
					layer = fmt.Sprint(*l)
				}
				origin = f.Locations[0].Origin
			}
			name := f.Package.Name
			if f.Package.SourceName != "" {
				name += " (" + f.Package.SourceName + ")"
			}
			t.Add(name, f.Installed, f.Fixed, f.ID, layer, origin, truncate(f.Summary, 60))
		}
		if err := t.WriteText(w); err != nil {
			return err
		}
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "\nSUPPRESSED (%d)\n", len(res.Suppressed))
		t := report.NewTable("PACKAGE", "ID", "BY", "REASON")
		for _, s := range res.Suppressed {
			t.Add(s.Finding.Package.Name, s.Finding.ID, s.By, truncate(s.Reason, 80))
		}
		return t.WriteText(w)
	}
	return nil
}

// unmatchedLine is the table's incomplete mark: how many packages could not
// be matched and the first few of them ("" when every package was).
func unmatchedLine(us []vuln.Unmatched) string {
	if len(us) == 0 {
		return ""
	}
	const shown = 5
	var parts []string
	for i, u := range us {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more (--format json lists them)", len(us)-shown))
			break
		}
		parts = append(parts, u.Package+" ("+u.Reason+")")
	}
	return fmt.Sprintf("incomplete: %d packages could not be matched: %s", len(us), strings.Join(parts, "; "))
}

func nonEmptyStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// writeScanSARIF writes findings as SARIF 2.1.0, one rule per vulnerability.
func writeScanSARIF(w io.Writer, res *vuln.Result) error {
	var rules []report.Rule
	var findings []report.Finding
	seen := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		rf := f.Report()
		findings = append(findings, rf)
		if !seen[f.ID] {
			seen[f.ID] = true
			rules = append(rules, report.Rule{ID: f.ID, Aliases: f.Aliases, Title: rf.Title, Help: rf.Fix, HelpURI: f.URL, Severity: f.Severity})
		}
	}
	var opts []report.SARIFOption
	if res.Incomplete() {
		opts = append(opts, report.WithRunProperties(map[string]any{"incomplete": true, "unmatched": res.Unmatched}))
	}
	return report.WriteSARIF(w, report.SARIFTool{Name: "harden", Version: version, InformationURI: "https://github.com/harden-dev/harden"}, res.Source.Name, rules, findings, opts...)
}
