package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/harden-dev/harden/attach"
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
	maxAge    string
	config    string
	osOwned   bool
	// allowIncomplete lets --fail-on pass a scan with unmatched packages.
	allowIncomplete bool
	attach          bool
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

scan never uses the network. Each finding's severity is resolved from its
OSV records, the distribution's rating, the CNA's, NVD's and CISA's CVSS
(harden db import of NVD and CVE JSON 5 records) and Debian's urgency, in
that order, and says which source it came from. Findings are sorted by risk:
known exploited (CISA KEV) first, then CISA's SSVC exploitation, EPSS, CVSS
and whether a fix exists. scan prints the age of every data source it uses;
with --max-db-age (or scan.maxDBAge in .harden.yaml) it fails when one is
older, else it warns after 7 days.
Findings are suppressed by .harden.yaml ignore entries (id, expires, reason)
and by OpenVEX statements (--vex) saying not_affected or fixed.

Formats: table (in priority order), json, sarif, cyclonedx (the SBOM with
its vulnerabilities; cyclonedx-json is accepted too), gitlab (GitLab's
container scanning report, schema 15.0.7). --fail-on makes the exit
code 1 when a finding is at least that severe, or with --fail-on kev when one
is known to be exploited; and when the scan is incomplete (a package of an
unknown ecosystem or with a version that does not parse could not be matched;
the summary lists them) unless --allow-incomplete.`,
		Example: `  harden scan node:18
  harden scan docker-archive:app.tar --fail-on high --only-fixed
  harden scan app:1 --fail-on kev --max-db-age 5d
  harden scan sbom:app.cdx.json --format sarif > scan.sarif
  harden scan dir:./rootfs --vex vex.json`,
		Args: exactArgs(1, "IMAGE, dir:PATH or sbom:FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runScan(cmd, f, args[0])
		},
	}
	addImageFlags(cmd, &f.image)
	addAttachFlag(cmd, &f.attach)
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "database directory (default $XDG_CACHE_HOME/harden/db)")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding is at least this severe (low, medium, high, critical), or known exploited (kev)")
	fl.BoolVar(&f.onlyFixed, "only-fixed", false, "report only vulnerabilities that have a fixed version")
	fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
	fl.StringVar(&f.maxAge, "max-db-age", "", "fail (exit 2) when a data source the scan uses is older than this, e.g. 5d or 36h (default: warn after 7d; or scan.maxDBAge)")
	fl.StringVar(&f.config, "config", policy.FileName, "policy file (ignore entries, scan settings)")
	fl.BoolVar(&f.osOwned, "include-os-owned", false, "also match language packages an OS package installed (by default its distribution's advisories cover them)")
	fl.BoolVar(&f.allowIncomplete, "allow-incomplete", false, "let --fail-on pass when some packages could not be matched (otherwise an incomplete scan exits 1)")
	return cmd
}

func scanFormat(format string) (string, error) {
	switch format {
	case "table", "json", "sarif":
		return format, nil
	case "gitlab", "gitlab-container-scanning":
		return "gitlab", nil
	case "cyclonedx", "cyclonedx-json":
		return "cyclonedx", nil
	}
	return "", usageError{fmt.Errorf("unknown --format %q for this command (want table, json, sarif, cyclonedx or gitlab)", format)}
}

func (g *globals) runScan(cmd *cobra.Command, f *scanFlags, arg string) error {
	format, err := scanFormat(g.format)
	if err != nil {
		return err
	}
	if f.attach && strings.HasPrefix(arg, "sbom:") { // the SBOM names an image, but not one that was read
		return usageError{fmt.Errorf("--attach needs an image from a registry, not an SBOM file")}
	}
	cfg, err := policy.LoadFile(f.config, !cmd.Flags().Changed("config"))
	if err != nil {
		return usageError{err}
	}
	failOn, failOnKEV := report.Severity(-1), false
	if s := firstNonEmpty(f.failOn, cfg.FailOn); strings.EqualFold(s, "kev") {
		failOnKEV = true
	} else if s != "" {
		if failOn, err = report.ParseSeverity(s); err != nil {
			return usageError{fmt.Errorf("--fail-on: %w (or kev)", err)}
		}
	}
	opts, enforceAge, err := g.scanOptions(cmd, f, cfg)
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
	started := time.Now()
	res, err := vuln.Match(cmd.Context(), db, s, opts...)
	if err != nil {
		return err
	}
	g.info("vulnerability data from %s: %s", res.DB.Path, sourceAges(res.DB.Sources))
	if res.DB.Stale {
		if enforceAge {
			return usageError{fmt.Errorf("scan: the vulnerability data is older than --max-db-age (%s): %s; run `harden db update` or import fresh data",
				strings.Join(res.DB.StaleSources, ", "), sourceAges(res.DB.Sources))}
		}
		g.log.Warn("the vulnerability data is older than 7 days; run `harden db update`", "sources", strings.Join(res.DB.StaleSources, ","))
	}
	for _, p := range res.Problems {
		g.log.Debug("not matched", "package", p.Package, "record", p.Record, "err", p.Error)
	}
	render := func(w io.Writer, format string) error { return writeScan(w, format, s, res, started) }
	if err := render(g.stdout, format); err != nil {
		return err
	}
	if f.attach {
		if err := g.attachResult(cmd.Context(), &f.image, s.Source.Name, s.Source.Digest, attach.Scan, render); err != nil {
			return err
		}
	}
	if failOnKEV && res.Summary.KEV > 0 {
		return errPolicy("scan: %d findings, %d known exploited (CISA KEV)", len(res.Findings), res.Summary.KEV)
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

func writeScan(w io.Writer, format string, s *sbom.SBOM, res *vuln.Result, started time.Time) error {
	switch format {
	case "json":
		return report.WriteJSON(w, res)
	case "sarif":
		return writeScanSARIF(w, res)
	case "cyclonedx":
		return sbom.WriteCycloneDX(w, vuln.CycloneDX(s, res))
	case "gitlab":
		return report.WriteJSON(w, vuln.GitLab(res, version, started, time.Now()))
	}
	return writeScanTable(w, res)
}

// scanOptions turns flags and the policy into Match options.
func (g *globals) scanOptions(cmd *cobra.Command, f *scanFlags, cfg *policy.Config) ([]vuln.Option, bool, error) {
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
	maxAge, enforce := cfg.Scan.MaxAge(), cfg.Scan.MaxDBAge != ""
	if cmd.Flags().Changed("max-db-age") {
		d, err := policy.ParseAge(f.maxAge)
		if err != nil {
			return nil, false, usageError{fmt.Errorf("--max-db-age: %w", err)}
		}
		maxAge, enforce = d, true
	}
	opts = append(opts, vuln.WithMaxAge(maxAge))
	var docs []*vex.VEX
	for _, p := range append(append([]string(nil), cfg.Scan.VEX...), f.vex...) {
		file, err := os.Open(p)
		if err != nil {
			return nil, false, usageError{fmt.Errorf("--vex: %w", err)}
		}
		doc, err := vuln.ReadVEX(file)
		file.Close()
		if err != nil {
			return nil, false, usageError{fmt.Errorf("--vex %s: %w", p, err)}
		}
		docs = append(docs, doc)
	}
	if len(docs) > 0 {
		opts = append(opts, vuln.WithVEX(docs...))
	}
	return opts, enforce, nil
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

// writeScanTable prints the summary, then the findings in priority order.
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
	fmt.Fprintf(w, "; %d known exploited (KEV)\n", sum.KEV)
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
	if len(sum.BySeveritySource) > 0 {
		fmt.Fprintf(w, "severity from: %s\n", report.CountList(sum.BySeveritySource))
	}
	if len(res.Findings) > 0 {
		fmt.Fprintln(w)
		t := report.NewTable("PRIORITY", "SEVERITY", "SOURCE", "PACKAGE", "INSTALLED", "FIXED", "ID", "EXPLOITED", "LAYER", "ORIGIN", "SUMMARY").AlignRight(0, 8)
		for i := range res.Findings {
			f := &res.Findings[i]
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
			sev := f.Severity.String()
			if f.CVSS != nil && f.CVSS.Score > 0 {
				sev += fmt.Sprintf(" %.1f", f.CVSS.Score)
			}
			t.Add(fmt.Sprint(f.Priority), sev, f.SeveritySource, name, f.Installed, f.Fixed, f.ID, exploited(f), layer, origin, truncate(f.Summary, 50))
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

// exploited says briefly what is known of a finding's exploitation.
func exploited(f *vuln.Finding) string {
	var parts []string
	if f.KEV != nil {
		parts = append(parts, "KEV")
	}
	if f.SSVC != nil && f.SSVC.Exploitation != "" && f.SSVC.Exploitation != "none" {
		parts = append(parts, f.SSVC.Exploitation)
	}
	if f.EPSS != nil {
		parts = append(parts, fmt.Sprintf("EPSS %.1f%%", f.EPSS.Score*100))
	}
	return strings.Join(parts, " ")
}

// sourceAges prints each data source with its date and age.
func sourceAges(us []vuln.UsedSource) string {
	parts := make([]string, 0, len(us))
	for _, u := range us {
		t := u.Newest
		if t.IsZero() {
			t = u.Imported
		}
		parts = append(parts, fmt.Sprintf("%s as of %s (%s old, %d records)", u.Name, t.Format(time.DateOnly), age(time.Duration(u.Age*float64(time.Second))), u.Records))
	}
	return strings.Join(parts, "; ")
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
			rules = append(rules, report.Rule{ID: f.ID, Aliases: f.Aliases, Title: rf.Title, Fix: rf.Fix, HelpURI: f.URL, Severity: f.Severity})
		}
	}
	var opts []report.SARIFOption
	if res.Incomplete() {
		opts = append(opts, report.WithRunProperties(map[string]any{"incomplete": true, "unmatched": res.Unmatched}))
	}
	return report.WriteSARIF(w, report.SARIFTool{Name: "harden", Version: version, InformationURI: "https://github.com/harden-dev/harden"}, res.Source.Name, rules, findings, opts...)
}
