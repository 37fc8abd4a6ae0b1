package lint

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/rules"
	"github.com/harden-dev/harden/report"
)

// ParseErrorID is the rule ID of a file that does not parse, as in hadolint.
const ParseErrorID = "DL1000"

// Config says which rules run and how findings are filtered. The zero
// value runs every rule at its default level.
type Config struct {
	// Rules to run; nil means rules.All().
	Rules []rules.Rule
	// Ignore lists rule IDs or aliases never reported.
	Ignore []string
	// Levels overrides rule levels by ID or alias; Off drops the rule, and
	// any other level turns on a rule that is off by default.
	Levels map[string]dockerfile.Level
	// Settings are passed to the rules (trusted registries, label schema…).
	Settings rules.Config
	// DisableIgnorePragma makes inline ignore comments have no effect.
	DisableIgnorePragma bool
	// Now decides whether a Trivy ignore with :exp: still holds; zero means
	// time.Now.
	Now time.Time
}

// Finding is one lint result.
type Finding struct {
	File     string           `json:"file"`
	Line     int              `json:"line"`
	Column   int              `json:"column"`
	EndLine  int              `json:"endLine,omitempty"`
	Rule     string           `json:"rule"`
	Aliases  []string         `json:"aliases"`
	Level    dockerfile.Level `json:"level"`
	Severity report.Severity  `json:"severity"`
	Title    string           `json:"title"`
	Message  string           `json:"message"`
	// Code is the offending source line.
	Code    string `json:"code,omitempty"`
	Fixable bool   `json:"fixable,omitempty"`

	edits []rules.Edit
}

// Result is the outcome of linting one file.
type Result struct {
	// File is the name the file was linted under.
	File string
	// Findings are sorted by line, then rule.
	Findings []Finding
	// Err is set when the file did not parse; Findings then hold one
	// DL1000 finding with the same message.
	Err error
	// Suppressed counts findings dropped by pragmas or configuration.
	Suppressed int

	source []byte
}

// Source returns the file content that was linted.
func (r *Result) Source() []byte { return r.source }

// Bytes lints a Dockerfile held in memory. It never panics on input: a
// file that does not parse gives a Result with Err and a DL1000 finding.
func Bytes(name string, src []byte, cfg Config) *Result {
	res := &Result{File: name, source: src}
	f, err := dockerfile.ParseBytes(name, src)
	if err != nil {
		res.Err = err
		line := 0
		msg := err.Error()
		var pe *dockerfile.ParseError
		if errors.As(err, &pe) {
			line, msg = pe.Line, pe.Err.Error()
		}
		res.Findings = []Finding{{
			File: name, Line: max(line, 1), Column: 1, Rule: ParseErrorID, Aliases: []string{},
			Level: dockerfile.Error, Severity: dockerfile.Error.Severity(),
			Title: "Dockerfile does not parse", Message: msg, Code: lineText(src, line),
		}}
		return res
	}
	run(f, res, cfg)
	return res
}

func lineText(src []byte, n int) string {
	if n < 1 {
		return ""
	}
	lines := strings.SplitN(string(src), "\n", n+1)
	if n > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[n-1], "\r")
}

func run(f *dockerfile.File, res *Result, cfg Config) {
	rs := cfg.Rules
	if rs == nil {
		rs = rules.All()
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	var pragmas []dockerfile.Pragma
	if !cfg.DisableIgnorePragma {
		pragmas = knownPragmas(f.Pragmas())
	}
	in := &rules.Input{File: f, Config: cfg.Settings}
	for _, r := range rs {
		m := r.Meta()
		level, ok := levelFor(m, cfg)
		if !ok || ignored(m, cfg.Ignore) {
			continue
		}
		for _, p := range safeCheck(r, in, &res.Findings, f.Name) {
			lv := level
			if _, set := overridden(m, cfg); !set && p.Level != dockerfile.Off {
				lv = p.Level
			}
			if pragmaCovers(f, pragmas, m, p.Line, now) {
				res.Suppressed++
				continue
			}
			msg := p.Message
			if strings.TrimSpace(msg) == "" {
				msg = m.Title
			}
			res.Findings = append(res.Findings, Finding{
				File: f.Name, Line: p.Line, Column: max(p.Column, 1), EndLine: p.EndLine,
				Rule: m.ID, Aliases: aliases(m), Level: lv, Severity: lv.Severity(),
				Title: m.Title, Message: msg, Code: f.LineText(p.Line),
				Fixable: m.Fixable && len(p.Edits) > 0, edits: p.Edits,
			})
		}
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule))
	})
}

func aliases(m *rules.Meta) []string {
	if m.Aliases == nil {
		return []string{}
	}
	return m.Aliases
}

// safeCheck runs a rule and turns a panic into an internal-error finding,
// so one broken rule does not lose the other results.
func safeCheck(r rules.Rule, in *rules.Input, out *[]Finding, name string) (ps []rules.Problem) {
	defer func() {
		if p := recover(); p != nil {
			ps = nil
			*out = append(*out, Finding{File: name, Line: 1, Column: 1, Rule: r.Meta().ID, Aliases: []string{},
				Level: dockerfile.Error, Severity: report.High, Title: r.Meta().Title,
				Message: "internal error in rule, please report it: " + strings.ReplaceAll(strings.TrimSpace(toString(p)), "\n", " ")})
		}
	}()
	return r.Check(in)
}

func toString(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "panic"
}

// NormalizeID maps Trivy's spellings (DS-0002, AVD-DS-0002) to DS002 and
// upper-cases hadolint-style IDs, so ignores match however they are written.
func NormalizeID(id string) string {
	id = strings.TrimSpace(id)
	u := strings.ToUpper(id)
	u = strings.TrimPrefix(u, "AVD-")
	if rest, ok := strings.CutPrefix(u, "DS-"); ok && len(rest) == 4 && rest[0] == '0' {
		return "DS" + rest[1:]
	}
	if strings.HasPrefix(u, "DL") || strings.HasPrefix(u, "DS") || strings.HasPrefix(u, "HD") || strings.HasPrefix(u, "CIS-") || strings.HasPrefix(u, "DKL-") {
		return u
	}
	return id
}

// names reports whether id names the rule or one of its aliases.
func names(m *rules.Meta, id string) bool {
	id = NormalizeID(id)
	if id == "all" || id == "*" || strings.EqualFold(id, m.ID) {
		return true
	}
	for _, a := range m.Aliases {
		if strings.EqualFold(id, a) {
			return true
		}
	}
	return false
}

func ignored(m *rules.Meta, ids []string) bool {
	for _, id := range ids {
		if names(m, id) && id != "all" && id != "*" {
			return true
		}
	}
	return false
}

// overridden returns the level configured for a rule, by ID first.
func overridden(m *rules.Meta, cfg Config) (dockerfile.Level, bool) {
	for k, v := range cfg.Levels {
		if strings.EqualFold(NormalizeID(k), m.ID) {
			return v, true
		}
	}
	for k, v := range cfg.Levels {
		if names(m, k) && k != "all" && k != "*" {
			return v, true
		}
	}
	return dockerfile.Off, false
}

// levelFor returns the level a rule reports at and whether it runs.
func levelFor(m *rules.Meta, cfg Config) (dockerfile.Level, bool) {
	if lv, ok := overridden(m, cfg); ok {
		return lv, lv != dockerfile.Off
	}
	return m.Level(), m.Level() != dockerfile.Off
}

// pragmaCovers reports whether an inline pragma suppresses a finding of
// rule m on line.
func pragmaCovers(f *dockerfile.File, pragmas []dockerfile.Pragma, m *rules.Meta, line int, now time.Time) bool {
	for _, p := range pragmas {
		if !slices.ContainsFunc(p.IDs, func(id string) bool { return pragmaNames(p, m, id) }) {
			continue
		}
		if p.Expires != "" {
			if end, err := time.Parse(time.DateOnly, p.Expires); err == nil && !now.Before(end.AddDate(0, 0, 1)) {
				continue
			}
		}
		if f.Covers(p, line) {
			return true
		}
	}
	return false
}

// pragmaNames reports whether an ID in pragma p names rule m. BuildKit's
// skip=all skips BuildKit's checks only, and a check= comment above an
// instruction does not reach the checks BuildKit runs on the whole file.
func pragmaNames(p dockerfile.Pragma, m *rules.Meta, id string) bool {
	if p.Tool == dockerfile.ToolBuildKit && p.Scope == dockerfile.ScopeNext && slices.ContainsFunc(buildKitFileChecks, func(c string) bool { return names(m, c) }) {
		return false
	}
	if p.Tool == dockerfile.ToolBuildKit && (id == "all" || id == "*") {
		return isBuildKitCheck(m)
	}
	return names(m, id)
}

// buildKitFileChecks are the checks BuildKit runs with the file's linter
// before it dispatches instructions, so only a check= parser directive
// skips them.
var buildKitFileChecks = []string{"ConsistentInstructionCasing", "NoEmptyContinuation", "DuplicateStageName", "ReservedStageName"}

func isBuildKitCheck(m *rules.Meta) bool {
	if rules.Source(m.ID) == "BuildKit" {
		return true
	}
	for _, a := range m.Aliases {
		if rules.Source(a) == "BuildKit" {
			return true
		}
	}
	return false
}

// isShellCheckCode reports SC followed by digits (SC2086).
func isShellCheckCode(id string) bool {
	rest, ok := strings.CutPrefix(strings.ToUpper(id), "SC")
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// knownPragmas drops the harden pragmas that name a rule harden does not
// know: like hadolint, a list with an unknown name is void as a whole, so
// a typo never silences only part of what was meant.
func knownPragmas(ps []dockerfile.Pragma) []dockerfile.Pragma {
	all := rules.All()
	known := func(id string) bool {
		if id == "all" || id == "*" || isShellCheckCode(id) {
			return true // ShellCheck codes are valid in hadolint lists
		}
		for _, r := range all {
			if names(r.Meta(), id) {
				return true
			}
		}
		for _, n := range rules.NotImplementedRules() {
			if strings.EqualFold(n.ID, id) {
				return true
			}
		}
		return false
	}
	var out []dockerfile.Pragma
	for _, p := range ps {
		if p.Tool != dockerfile.ToolHarden || !slices.ContainsFunc(p.IDs, func(id string) bool { return !known(id) }) {
			out = append(out, p)
		}
	}
	return out
}

// Count returns how many findings are at or above level.
func Count(results []*Result, level dockerfile.Level) int {
	n := 0
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Level >= level {
				n++
			}
		}
	}
	return n
}

// ToReport converts a finding to the shared report type.
func (f Finding) ToReport() report.Finding {
	return report.Finding{
		ID: f.Rule, Aliases: f.Aliases, Severity: f.Severity, Title: f.Title, Message: f.Message,
		Evidence: []report.Evidence{{Path: f.File, Line: f.Line, Column: f.Column, EndLine: f.EndLine, Value: strings.TrimSpace(f.Code)}},
	}
}
