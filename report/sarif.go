package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// SARIFTool names the tool that produced a SARIF run.
type SARIFTool struct {
	Name, Version, InformationURI string
}

// SARIFOption adds to the run WriteSARIF makes.
type SARIFOption func(*sarifOptions)

type sarifOptions struct {
	runProps map[string]any
}

// WithRunProperties puts facts about the whole run in its property bag:
// the audit's score and grade, and what did not run (an incomplete result).
func WithRunProperties(props map[string]any) SARIFOption {
	return func(o *sarifOptions) {
		if o.runProps == nil {
			o.runProps = map[string]any{}
		}
		for k, v := range props {
			o.runProps[k] = v
		}
	}
}

// WriteSARIF writes findings as one SARIF 2.1.0 run (GitHub code scanning
// shows each rule's title, help text and default level). rules gives metadata
// for every rule that may appear; a finding whose rule is missing gets a rule
// made from the finding itself. Findings with no path are reported against
// target (the image reference or Dockerfile), since SARIF wants a location.
func WriteSARIF(w io.Writer, tool SARIFTool, target string, rules []Rule, findings []Finding, opts ...SARIFOption) error {
	var o sarifOptions
	for _, opt := range opts {
		opt(&o)
	}
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("creating sarif report: %w", err)
	}
	driver := sarif.NewVersionedDriver(tool.Name, tool.Version).WithInformationURI(tool.InformationURI)
	run := sarif.NewRun(*sarif.NewTool(driver))
	if len(o.runProps) > 0 {
		props := sarif.NewPropertyBag()
		for k, v := range o.runProps {
			props.Add(k, v)
		}
		run.AttachPropertyBag(props)
	}

	known := map[string]Rule{}
	for _, r := range rules {
		known[r.ID] = r
	}
	for _, f := range findings {
		if _, ok := known[f.ID]; !ok {
			known[f.ID] = Rule{ID: f.ID, Aliases: f.Aliases, Title: f.Title, Fix: f.Fix, Severity: f.Severity}
		}
	}
	ids := make([]string, 0, len(known))
	for id := range known {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	for i, id := range ids {
		r := known[id]
		index[id] = i
		help := r.HelpText()
		rule := run.AddRule(r.ID).
			WithName(sarifName(r.Title)).
			WithShortDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithHelp(sarif.NewMultiformatMessageString(help)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(r.Severity.SARIFLevel()))
		if r.HelpURI != "" {
			rule.WithHelpURI(r.HelpURI)
		}
		props := sarif.NewPropertyBag()
		props.Add("severity", r.Severity.String())
		props.Add("security-severity", securitySeverity(r.Severity))
		if len(r.Aliases) > 0 {
			props.Add("aliases", r.Aliases)
		}
		props.Add("tags", []string{"security"})
		rule.AttachPropertyBag(props)
	}

	for _, f := range findings {
		msg := f.Message
		if msg == "" {
			msg = f.Title
		}
		res := sarif.NewRuleResult(f.ID).
			WithRuleIndex(index[f.ID]).
			WithLevel(f.Severity.SARIFLevel()).
			WithMessage(sarif.NewTextMessage(msg))
		evs := f.Evidence
		if len(evs) == 0 {
			evs = []Evidence{{}}
		}
		for _, ev := range evs {
			uri := strings.TrimPrefix(ev.Path, "/")
			if uri == "" {
				uri = target
			}
			loc := sarif.NewArtifactLocation().WithUri(uri)
			phys := sarif.NewPhysicalLocation().WithArtifactLocation(loc)
			if ev.Line > 0 {
				reg := sarif.NewRegion().WithStartLine(ev.Line)
				if ev.Column > 0 {
					reg.WithStartColumn(ev.Column)
				}
				if ev.EndLine >= ev.Line {
					reg.WithEndLine(ev.EndLine)
				}
				phys.WithRegion(reg)
			}
			res.AddLocation(sarif.NewLocationWithPhysicalLocation(phys))
		}
		run.AddResult(res)
	}
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}

// securitySeverity is the CVSS-like score GitHub uses to rank security results.
func securitySeverity(s Severity) string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "3.0"
	default:
		return "0.0"
	}
}

// sarifName turns a title into the PascalCase name SARIF rules carry.
func sarifName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
