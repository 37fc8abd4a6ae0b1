package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Scope says how far an ignore pragma reaches.
type Scope int

// The scopes of an ignore pragma.
const (
	// ScopeNext covers the next instruction.
	ScopeNext Scope = iota
	// ScopeStage covers a build stage.
	ScopeStage
	// ScopeFile covers the whole file.
	ScopeFile
)

// The tools whose ignore comments harden reads (Pragma.Tool).
const (
	ToolHarden   = "harden"
	ToolHadolint = "hadolint"
	ToolTrivy    = "trivy"
	ToolBuildKit = "buildkit"
)

// Pragma is an inline ignore written in a comment. Each tool's comments
// keep that tool's grammar and reach, so a Dockerfile written for one tool
// is silenced exactly where that tool would be:
//
//	# hadolint ignore=DL3008,DL3015     the instruction on the very next line
//	# hadolint stage ignore=DL3059      hadolint's stage reach (see Covers)
//	# hadolint global ignore=DL3057     the whole file
//	# harden ignore=DL3008              the next instruction; comment lines may come between, a blank line may not
//	# harden stage ignore=DL3059        the rest of the stage, or the stage of the FROM right below it
//	# harden global ignore=DL3057       the whole file
//	# trivy:ignore:DS026                the next line, or the line after a stack of them (:exp:YYYY-MM-DD honoured)
//	# check=skip=JSONArgsRecommended    BuildKit's: whole file as a parser directive, else the next instruction
//
// hadolint and harden lists follow hadolint's grammar: blanks are allowed
// around "=" and ",", a "# reason" may follow, and a list with a name that
// is not a rule name is not a pragma at all.
type Pragma struct {
	// Line is the comment's line.
	Line int
	// Scope is how far it reaches.
	Scope Scope
	// IDs are the rule IDs or aliases it names; "all" or "*" match every rule.
	IDs []string
	// Expires is Trivy's :exp: date (YYYY-MM-DD), or "".
	Expires string
	// Tool is the tool whose syntax the comment uses (ToolHarden…).
	Tool string
}

// ParsePragma reads an ignore pragma from a comment's text (after '#').
func ParsePragma(text string, line int) (Pragma, bool) {
	t := strings.TrimSpace(text)
	p := Pragma{Line: line}
	if rest, ok := strings.CutPrefix(t, "trivy:ignore:"); ok {
		p.Tool = ToolTrivy
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
	if ids, ok := checkSkips(t); ok {
		p.Tool, p.IDs = ToolBuildKit, ids
		return p, true
	}
	s := pragmaScanner{text: t}
	switch {
	case s.word("hadolint"):
		p.Tool = ToolHadolint
	case s.word("harden"):
		p.Tool = ToolHarden
	default:
		return p, false
	}
	switch {
	case s.word("global"):
		p.Scope = ScopeFile
	case s.word("stage"):
		p.Scope = ScopeStage
	}
	ids, ok := s.ignoreList(p.Tool == ToolHadolint)
	p.IDs = ids
	return p, ok
}

// checkSkips reads the rules a BuildKit "check=" comment skips, with
// BuildKit's own directive and option parsers (as BuildKit reads the
// comments above an instruction): "check = skip=A,B;error=true". An option
// BuildKit refuses makes the whole comment void, as in BuildKit.
func checkSkips(text string) ([]string, bool) {
	var dp parser.DirectiveParser
	dp.SetComment("")
	d, err := dp.ParseLine([]byte(text))
	if err != nil || d == nil || d.Name != "check" {
		return nil, false
	}
	v, _, _ := strings.Cut(d.Value, " ")
	cfg, err := linter.ParseLintOptions(v)
	if err != nil {
		return nil, false
	}
	if cfg.SkipAll {
		return []string{"all"}, true
	}
	var ids []string
	for _, id := range cfg.SkipRules {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids, len(ids) > 0
}

// pragmaScanner reads hadolint's pragma grammar: words separated by
// blanks (spaces or tabs), "ignore", "=", a comma-separated list, and
// nothing after it but an optional "# reason".
type pragmaScanner struct {
	text string
	pos  int
}

func (s *pragmaScanner) blanks() int {
	start := s.pos
	for s.pos < len(s.text) && (s.text[s.pos] == ' ' || s.text[s.pos] == '\t') {
		s.pos++
	}
	return s.pos - start
}

// word consumes w followed by at least one blank.
func (s *pragmaScanner) word(w string) bool {
	mark := s.pos
	s.blanks()
	if strings.HasPrefix(s.text[s.pos:], w) {
		s.pos += len(w)
		if s.blanks() > 0 {
			return true
		}
	}
	s.pos = mark
	return false
}

func (s *pragmaScanner) literal(w string) bool {
	s.blanks()
	if !strings.HasPrefix(s.text[s.pos:], w) {
		return false
	}
	s.pos += len(w)
	return true
}

// ignoreList reads `ignore = A , B # reason` to the end of the text.
// hadolint's rule names are runs of D, L, S, C and digits; harden's also
// take the other tools' IDs (DKL-DI-0002, CIS-4.1, StageNameCasing), "all"
// and "*".
func (s *pragmaScanner) ignoreList(hadolint bool) ([]string, bool) {
	if !s.literal("ignore") || !s.literal("=") {
		return nil, false
	}
	var ids []string
	for {
		s.blanks()
		start := s.pos
		for s.pos < len(s.text) && ruleNameChar(s.text[s.pos], hadolint) {
			s.pos++
		}
		if s.pos == start {
			return nil, false
		}
		ids = append(ids, s.text[start:s.pos])
		s.blanks()
		if s.pos == len(s.text) || s.text[s.pos] == '#' {
			return ids, true
		}
		if s.text[s.pos] != ',' {
			return nil, false
		}
		s.pos++
	}
}

func ruleNameChar(c byte, hadolint bool) bool {
	if c >= '0' && c <= '9' || c == 'D' || c == 'L' || c == 'S' || c == 'C' {
		return true
	}
	return !hadolint && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.' || c == '*' || c == '_')
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

// Covers reports whether pragma p reaches a finding on line, with the
// reach of the tool whose syntax p uses. Findings inside a multi-line
// instruction count as on its first line, where hadolint puts them.
func (f *File) Covers(p Pragma, line int) bool {
	target := f.InstructionAt(line)
	if target != nil {
		line = target.Line
	}
	switch {
	case p.Scope == ScopeFile:
		return true
	case p.Tool == ToolHadolint && p.Scope == ScopeNext:
		// hadolint keys the pragma on the line after the comment: a blank
		// or comment line in between leaves it on nothing.
		return line == p.Line+1
	case p.Tool == ToolHadolint:
		return f.hadolintStageCovers(p, line)
	case p.Tool == ToolTrivy:
		// Trivy's reach is the next line; ignore comments stacked right
		// under each other all reach the line after the last of them.
		next := p.Line + 1
		for {
			t := strings.TrimSpace(f.LineText(next))
			o, ok := ParsePragma(strings.TrimPrefix(t, "#"), next)
			if !strings.HasPrefix(t, "#") || !ok || o.Tool != ToolTrivy {
				break
			}
			next++
		}
		return line == next
	case p.Scope == ScopeStage:
		next := f.nextInstruction(p.Line)
		if next != nil && next.Cmd == "from" {
			return line >= next.Line && line < f.nextFrom(next.Line)
		}
		return line > p.Line && line < f.nextFrom(p.Line)
	}
	next := f.nextInstruction(p.Line)
	if target == nil || next != target {
		return false
	}
	if p.Tool == ToolBuildKit && f.InstructionAt(p.Line) != nil {
		return false // BuildKit drops comments inside a continued instruction
	}
	for l := p.Line + 1; l < target.Line; l++ {
		t := strings.TrimSpace(f.LineText(l))
		switch {
		case p.Tool == ToolHarden && t == "":
			return false // a blank line ends a harden pragma's reach
		case p.Tool == ToolBuildKit && t == "#":
			return false // an empty comment line resets BuildKit's comments
		}
	}
	return true
}

// hadolintStageCovers is hadolint's stage reach: the pragma is keyed on the
// line after it, every FROM line is a key too, and a finding belongs to
// the greatest key strictly below its line. Written right above a FROM, the
// pragma so covers that stage's instructions (not the FROM itself) and the
// next FROM line; written mid-stage, the instructions after the next one.
func (f *File) hadolintStageCovers(p Pragma, line int) bool {
	key := p.Line + 1
	if line <= key {
		return false
	}
	for _, in := range f.Instructions {
		if in.Cmd == "from" && in.Line > key && in.Line < line {
			return false
		}
	}
	for _, k := range f.hadolintStageKeys() {
		if k > key && k < line {
			return false
		}
	}
	return true
}

// hadolintStageKeys returns the lines hadolint keys its stage pragmas on
// (the line after each), computed once.
func (f *File) hadolintStageKeys() []int {
	f.stageKeysOnce.Do(func() {
		for _, c := range f.Comments {
			if o, ok := ParsePragma(c.Text, c.Line); ok && o.Tool == ToolHadolint && o.Scope == ScopeStage {
				f.stageKeys = append(f.stageKeys, c.Line+1)
			}
		}
	})
	return f.stageKeys
}

func (f *File) nextInstruction(line int) *Instruction {
	for _, in := range f.Instructions {
		if in.Line > line {
			return in
		}
	}
	return nil
}

func (f *File) nextFrom(line int) int {
	for _, in := range f.Instructions {
		if in.Line > line && in.Cmd == "from" {
			return in.Line
		}
	}
	return int(^uint(0) >> 1)
}
