package dockerfile

import (
	"strings"
)

// Scope says how far an ignore pragma reaches.
type Scope int

// The scopes of an ignore pragma.
const (
	// ScopeNext covers the next instruction.
	ScopeNext Scope = iota
	// ScopeStage covers the rest of the current stage.
	ScopeStage
	// ScopeFile covers the whole file.
	ScopeFile
)

// Pragma is an inline ignore written in a comment:
//
//	# harden ignore=DL3008,DL3015        next instruction
//	# hadolint ignore=DL3008             next instruction (hadolint's syntax)
//	# harden global ignore=DL3057        whole file (also "hadolint global")
//	# harden stage ignore=DL3059         rest of the stage (also "hadolint stage")
//	# trivy:ignore:DS026                 next instruction (Trivy's syntax; :exp:YYYY-MM-DD honoured)
//	# check=skip=JSONArgsRecommended     BuildKit's: whole file as a top directive, else next instruction
type Pragma struct {
	// Line is the comment's line.
	Line int
	// Scope is how far it reaches.
	Scope Scope
	// IDs are the rule IDs or aliases it names; "all" or "*" match every rule.
	IDs []string
	// Expires is Trivy's :exp: date (YYYY-MM-DD), or "".
	Expires string
}

// ParsePragma reads an ignore pragma from a comment's text (after '#').
func ParsePragma(text string, line int) (Pragma, bool) {
	t := strings.TrimSpace(text)
	p := Pragma{Line: line}
	if rest, ok := strings.CutPrefix(t, "trivy:ignore:"); ok {
		for _, part := range strings.Fields("trivy:ignore:" + rest) {
			id, ok := strings.CutPrefix(part, "trivy:ignore:")
			if !ok {
				break
			}
			id, exp, _ := strings.Cut(id, ":exp:")
			if exp != "" {
				p.Expires = exp
			}
			p.IDs = append(p.IDs, id)
		}
		return p, len(p.IDs) > 0
	}
	if rest, ok := strings.CutPrefix(t, "check="); ok {
		for _, opt := range strings.Split(rest, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(opt), "=")
			if strings.TrimSpace(k) == "skip" {
				p.IDs = append(p.IDs, splitIDs(v)...)
			}
		}
		return p, len(p.IDs) > 0
	}
	word, rest, ok := strings.Cut(t, " ")
	if !ok || (word != "harden" && word != "hadolint") {
		return p, false
	}
	rest = strings.TrimSpace(rest)
	switch {
	case strings.HasPrefix(rest, "global "):
		p.Scope, rest = ScopeFile, strings.TrimSpace(rest[len("global "):])
	case strings.HasPrefix(rest, "stage "):
		p.Scope, rest = ScopeStage, strings.TrimSpace(rest[len("stage "):])
	}
	ids, ok := strings.CutPrefix(rest, "ignore=")
	if !ok {
		return p, false
	}
	// A reason may follow after another '#'.
	ids, _, _ = strings.Cut(ids, "#")
	p.IDs = splitIDs(ids)
	return p, len(p.IDs) > 0
}

func splitIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// IsIgnorePragma reports whether a comment is an ignore pragma.
func IsIgnorePragma(text string) bool {
	_, ok := ParsePragma(text, 0)
	return ok
}

// Pragmas returns the file's ignore pragmas. A check= parser directive at
// the top applies to the whole file.
func (f *File) Pragmas() []Pragma {
	var out []Pragma
	for _, c := range f.Comments {
		p, ok := ParsePragma(c.Text, c.Line)
		if !ok {
			continue
		}
		for _, d := range f.Directives {
			if d.Line == c.Line && d.Name == "check" {
				p.Scope = ScopeFile
			}
		}
		out = append(out, p)
	}
	return out
}
