package compare

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Parse(pageTemplate))

// HTMLOptions labels the report.
type HTMLOptions struct {
	Title   string
	Version string
	// Now is the report date; zero means time.Now.
	Now time.Time
	// AllFindings lists info findings too (they are counted otherwise).
	AllFindings bool
}

type htmlPage struct {
	Title, Version, Date string
	Cards                []htmlCard
	Rows                 []htmlRow
	Charts               []htmlChart
	Images               []htmlImage
}

type htmlCard struct {
	Name, Ref, Grade string
	Score            int
	Facts            []kv
}

type kv struct{ Key, Value string }

type htmlRow struct {
	Property string
	Cells    []htmlCell
}

type htmlCell struct {
	Value, Delta, DeltaClass string
	Num, HasDelta            bool
}

type htmlChart struct {
	Title string
	SVG   template.HTML
}

type htmlImage struct {
	Name, Ref    string
	FindingCount int
	HiddenInfo   int
	Findings     []htmlFinding
	Sections     []htmlSection
}

type htmlFinding struct {
	Severity, ID, Aliases, Message, Fix, Evidence string
	Rank                                          int
}

type htmlSection struct {
	Title, Note string
	Header      []string
	Rows        [][]string
}

// higherIsBetter lists the rows where a rise is an improvement.
var higherIsBetter = map[string]bool{"Audit score": true}

// WriteHTML writes one self-contained HTML page: no network, no external
// scripts or fonts, charts as inline SVG, readable without JavaScript.
func (c *Comparison) WriteHTML(w io.Writer, o HTMLOptions) error {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Title == "" {
		o.Title = "harden report: " + c.Images[0].Name
	}
	p := htmlPage{Title: o.Title, Version: o.Version, Date: o.Now.UTC().Format("2006-01-02 15:04 MST")}
	for _, pr := range c.Profiles {
		p.Cards = append(p.Cards, card(pr))
	}
	for _, r := range c.Rows {
		hr := htmlRow{Property: r.Property}
		for i, v := range r.Values {
			cell := htmlCell{Value: v, Num: i < len(r.Numbers) && r.Numbers[i] != nil, HasDelta: i > 0, Delta: r.Deltas[i]}
			cell.DeltaClass = deltaClass(r.Deltas[i], higherIsBetter[r.Property])
			hr.Cells = append(hr.Cells, cell)
		}
		p.Rows = append(p.Rows, hr)
	}
	p.Charts = charts(c.Profiles)
	for _, pr := range c.Profiles {
		p.Images = append(p.Images, imageDetail(pr, o.AllFindings))
	}
	return page.Execute(w, p)
}

func card(p *Profile) htmlCard {
	s := p.Audit.Summary
	yesNo := func(names []string) string {
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, ", ")
	}
	facts := []kv{
		{"Size", report.Bytes(s.SizeBytes)},
		{"Files", fmt.Sprint(s.Files)},
		{"Packages", fmt.Sprint(p.PackageTotal())},
		{"Shells", yesNo(s.Shells)},
		{"Package managers", yesNo(s.PackageManagers)},
		{"Runs as root", map[bool]string{true: "yes", false: "no"}[s.RunsAsRoot]},
	}
	if p.Vulns != nil {
		facts = append(facts, kv{"Known vulnerabilities", fmt.Sprint(p.Vulns.Total)})
	}
	return htmlCard{Name: p.Name, Ref: p.Ref, Grade: s.Grade, Score: s.Score, Facts: facts}
}

// deltaClass colours a change: good when it goes the right way.
func deltaClass(d string, higherBetter bool) string {
	switch {
	case strings.HasPrefix(d, "−") || d == "removed":
		if higherBetter {
			return "delta-bad"
		}
		return "delta-good"
	case strings.HasPrefix(d, "+") || d == "added" || d == "new":
		if higherBetter {
			return "delta-good"
		}
		return "delta-bad"
	}
	return ""
}

func charts(ps []*Profile) []htmlChart {
	var out []htmlChart
	for _, p := range ps {
		var bars []report.Bar
		for _, l := range p.Layers.Layers {
			label := fmt.Sprintf("layer %d", l.Index)
			if l.Origin != "" {
				label += " (" + l.Origin + ")"
			}
			if cmd := strings.TrimSpace(l.Command); cmd != "" {
				label += " " + truncate(cmd, 60)
			}
			bars = append(bars, report.Bar{Label: label, Value: float64(l.Size)})
		}
		title := "Size by layer: " + p.Name
		out = append(out, htmlChart{title, template.HTML(report.StackedBarSVG(title, bars, report.FormatBytes))})
	}
	for _, p := range []*Profile{ps[0], ps[len(ps)-1]} {
		var bars []report.Bar
		for _, d := range p.TopDirs {
			bars = append(bars, report.Bar{Label: d.Path, Value: float64(d.Bytes)})
		}
		title := "Largest directories: " + p.Name
		out = append(out, htmlChart{title, template.HTML(report.BarChartSVG(title, bars, report.FormatBytes))})
		if len(ps) == 1 {
			break
		}
	}
	if anyVulns(ps) {
		var bars []report.Bar
		for _, p := range ps {
			if p.Vulns == nil {
				continue
			}
			for _, sev := range []report.Severity{report.Critical, report.High, report.Medium, report.Low, report.Info, report.Unknown} {
				bars = append(bars, report.Bar{Label: p.Name + " — " + sev.String(), Value: float64(p.Vulns.BySeverity[sev.String()]), Color: report.SeverityColor(sev)})
			}
		}
		title := "Known vulnerabilities by severity"
		out = append(out, htmlChart{title, template.HTML(report.BarChartSVG(title, bars, report.FormatInt))})
	}
	var bars []report.Bar
	for i, p := range ps {
		bars = append(bars, report.Bar{Label: p.Name, Value: float64(p.PackageTotal()), Color: report.PaletteColor(i)})
	}
	title := "Installed packages"
	out = append(out, htmlChart{title, template.HTML(report.BarChartSVG(title, bars, report.FormatInt))})
	return out
}

func imageDetail(p *Profile, all bool) htmlImage {
	d := htmlImage{Name: p.Name, Ref: p.Ref, FindingCount: len(p.Audit.Findings)}
	for _, f := range p.Audit.Findings {
		if f.Severity <= report.Info && !all {
			d.HiddenInfo++
			continue
		}
		d.Findings = append(d.Findings, htmlFinding{
			Severity: f.Severity.String(), Rank: 10 - int(f.Severity), ID: f.ID, Aliases: strings.Join(f.Aliases, ", "),
			Message: f.Message, Fix: f.Fix, Evidence: evidenceText(f.Evidence),
		})
	}
	if p.Vulns != nil && len(p.Vulns.Rows) > 0 {
		note := fmt.Sprintf("In priority order (known exploited first). %d known exploited (CISA KEV); severities from: %s.", p.Vulns.KEV, report.CountList(p.Vulns.BySeveritySource))
		d.Sections = append(d.Sections, htmlSection{Title: "Known vulnerabilities", Note: note, Header: []string{"ID", "Package", "Installed", "Fixed in", "Severity", "Severity from", "Exploited"}, Rows: p.Vulns.Rows})
	}
	if len(p.PackagesRemoved) > 0 {
		d.Sections = append(d.Sections, htmlSection{Title: "Packages removed", Note: fmt.Sprintf("%d packages of the first image are not in this one.", len(p.PackagesRemoved)), Header: []string{"Package"}, Rows: oneColumn(p.PackagesRemoved)})
	}
	for _, s := range p.Extra {
		d.Sections = append(d.Sections, htmlSection{Title: s.Title, Note: s.Note, Header: s.Table.Header, Rows: s.Table.Rows})
	}
	return d
}

func oneColumn(list []string) [][]string {
	out := make([][]string, len(list))
	for i, s := range list {
		out[i] = []string{s}
	}
	return out
}

// evidenceText writes where a finding was seen: path, layer, instruction.
func evidenceText(evs []report.Evidence) string {
	var parts []string
	for i, e := range evs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(evs)-3))
			break
		}
		var b []string
		if e.Path != "" {
			b = append(b, e.Path)
		}
		if e.ConfigKey != "" {
			b = append(b, e.ConfigKey)
		}
		if e.Layer != nil {
			l := fmt.Sprintf("layer %d", *e.Layer)
			if e.Origin != "" {
				l += " (" + e.Origin + ")"
			}
			b = append(b, l)
		}
		if e.CreatedBy != "" {
			b = append(b, truncate(e.CreatedBy, 80))
		}
		if e.Value != "" {
			b = append(b, e.Value)
		}
		parts = append(parts, strings.Join(b, " · "))
	}
	return strings.Join(parts, "; ")
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
