package report

// Rule is a check's metadata: data, not code. It is the one rule type of
// harden: audit checks, Dockerfile lint rules and workload checks each
// describe themselves with a Rule (embedding it when they need more, such
// as audit's score weights or lint's --fix flag), and SARIF, markdown and
// the docs pages read it.
type Rule struct {
	// ID is the rule's stable identifier ("shell-present", "DL3008");
	// never reused.
	ID string `json:"id"`
	// Aliases are the same check's IDs in other tools (Dockle, CIS,
	// hadolint, Trivy, BuildKit, Kubescape, Pod Security Standards).
	Aliases []string `json:"aliases,omitempty"`
	// Severity is the default severity of the rule's findings. Unknown
	// means the rule is off unless configured (lint's "off" level).
	Severity Severity `json:"severity"`
	// Title is the one-line name.
	Title string `json:"title"`
	// Help explains why the rule matters; empty when the title says it.
	Help string `json:"help,omitempty"`
	// Fix is a short hint on how to remove a finding.
	Fix string `json:"fix,omitempty"`
	// HelpURI points at the rule's documentation.
	HelpURI string `json:"helpUri,omitempty"`
	// Bad is an input the rule flags and Good one it does not (a
	// Dockerfile for lint rules); the docs show them and a test runs them.
	Bad  string `json:"bad,omitempty"`
	Good string `json:"good,omitempty"`
}

// Finding starts a finding of the rule: its ID, aliases, severity, title
// and fix, with the message and evidence of this instance.
func (r Rule) Finding(msg string, ev ...Evidence) Finding {
	return Finding{ID: r.ID, Aliases: r.Aliases, Severity: r.Severity, Title: r.Title, Message: msg, Fix: r.Fix, Evidence: ev}
}

// HelpText is the rule's help as one text: why it matters, then the fix
// ("Fix: ..."), or whichever of the two it has, or else the title.
func (r Rule) HelpText() string {
	switch {
	case r.Help != "" && r.Fix != "":
		return r.Help + "\n\nFix: " + r.Fix
	case r.Help != "":
		return r.Help
	case r.Fix != "":
		return r.Fix
	}
	return r.Title
}
