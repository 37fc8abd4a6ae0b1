package dockerfile

import (
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// File is a parsed Dockerfile: its source, its parser directives, its
// instructions in order and the build stages they form.
type File struct {
	// Name is the path given to Parse, used in messages.
	Name string
	// Source is the file as read.
	Source []byte
	// Lines are the source lines without their line terminators.
	Lines []string
	// Escape is the escape and line-continuation character (\ or `).
	Escape byte
	// Directives are the parser directives at the top (syntax, escape, check).
	Directives []Directive
	// Instructions lists every top-level instruction in source order,
	// including those before the first FROM.
	Instructions []*Instruction
	// Stages are the build stages, one per FROM.
	Stages []*Stage
	// Comments lists every comment line outside heredoc bodies.
	Comments []Comment
	// EmptyContinuations lists the lines of instructions that contain an
	// empty continuation line (BuildKit's NoEmptyContinuation).
	EmptyContinuations []int
	// BuildKitWarnings are the warnings BuildKit's own instruction parser
	// raised (StageNameCasing, FromAsCasing, InvalidDefinitionDescription).
	BuildKitWarnings []BuildKitWarning

	lineOffsets   []int
	stageKeysOnce sync.Once
	stageKeys     []int
}

// Directive is a parser directive such as "# syntax=docker/dockerfile:1".
type Directive struct {
	Name, Value string
	Line        int
}

// Comment is a comment line: its 1-based line number and its text after '#',
// trimmed.
type Comment struct {
	Line int
	Text string
}

// BuildKitWarning is a lint warning raised by BuildKit's parser.
type BuildKitWarning struct {
	Rule    string
	Message string
	Line    int
}

// Instruction is one Dockerfile instruction with its typed form and where it
// sits in the source.
type Instruction struct {
	// Keyword is the instruction keyword as written ("RUN", "run").
	Keyword string
	// Cmd is the keyword in lower case ("run").
	Cmd string
	// Line and EndLine are the 1-based first and last source lines;
	// EndLine includes heredoc bodies.
	Line, EndLine int
	// Node is BuildKit's AST node.
	Node *parser.Node
	// Command is the typed instruction from BuildKit's instructions package:
	// *instructions.Stage for FROM, an instructions.Command otherwise. It is
	// nil when BuildKit refuses the instruction in that position (an ONBUILD
	// trigger it does not allow) or for a trigger of ONBUILD that failed.
	Command any
	// Stage is the build stage the instruction belongs to; nil before the
	// first FROM. A FROM belongs to the stage it starts.
	Stage *Stage
	// Args are the instruction's arguments as BuildKit split them.
	Args []string
	// Flags are the --flags given before the arguments.
	Flags []string
	// JSON is true for the exec (JSON array) form.
	JSON bool
	// Heredocs are the heredoc bodies attached to the instruction.
	Heredocs []parser.Heredoc
	// Comments are the comment lines directly above the instruction.
	Comments []string
	// Trigger is the instruction wrapped by ONBUILD.
	Trigger *Instruction
	// Script is the RUN body parsed as shell (nil for other instructions).
	Script *Script

	onbuild bool   // the trigger of an ONBUILD
	text    string // the logical line, continuations joined
	textMap []int  // file offset of each byte of text
	logEnd  int    // last line of the logical line (before heredoc bodies)
}

// Text returns the instruction's logical line, continuation lines joined as
// BuildKit joins them.
func (in *Instruction) Text() string { return in.text }

// Offset maps a byte index of Text to a byte offset in File.Source, or -1.
func (in *Instruction) Offset(i int) int {
	if i >= 0 && i < len(in.textMap) {
		return in.textMap[i]
	}
	if i == len(in.textMap) && i > 0 {
		return in.textMap[i-1] + 1
	}
	return -1
}

// IsOnbuild reports whether the instruction is the trigger of an ONBUILD.
func (in *Instruction) IsOnbuild() bool { return in.onbuild }

// Flag returns the value of a --name=value flag and whether it was given.
func (in *Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		f = strings.TrimPrefix(f, "--")
		k, v, ok := strings.Cut(f, "=")
		if strings.EqualFold(k, name) {
			if !ok {
				return "", true
			}
			return v, true
		}
	}
	return "", false
}

// Mounts returns the parsed --mount flags of a RUN.
func (in *Instruction) Mounts() []*instructions.Mount {
	rc, ok := in.Command.(*instructions.RunCommand)
	if !ok {
		return nil
	}
	return instructions.GetMounts(rc)
}

// Stage is one build stage: a FROM and the instructions up to the next one.
type Stage struct {
	// Index is the stage's position, from 0.
	Index int
	// Name is the alias after AS, as written; empty when there is none.
	Name string
	// Base is the image or stage named by FROM, as written.
	Base string
	// Platform is the --platform value, as written.
	Platform string
	// From is the FROM instruction.
	From *Instruction
	// Instructions are the instructions after FROM.
	Instructions []*Instruction
	// Parent is the earlier stage Base names, or nil when Base is an image.
	Parent *Stage
}

// Chain returns the stage followed by its ancestor stages.
func (s *Stage) Chain() []*Stage {
	var out []*Stage
	for st := s; st != nil && len(out) <= max(s.Index, 0); st = st.Parent {
		out = append(out, st)
	}
	return out
}

// Root returns the first stage of the chain, whose Base is an image.
func (s *Stage) Root() *Stage {
	c := s.Chain()
	return c[len(c)-1]
}

// Blocks returns the build stages, preceded by a pseudo-stage (Index -1,
// no From) holding the instructions written before the first FROM, if any.
// hadolint reads a file as one stream, so the rules that follow the
// instructions of a stage lint those too; DL3061 reports their position.
func (f *File) Blocks() []*Stage {
	var pre []*Instruction
	for _, in := range f.Instructions {
		if in.Cmd == "from" {
			break
		}
		pre = append(pre, in)
	}
	if len(pre) == 0 {
		return f.Stages
	}
	return append([]*Stage{{Index: -1, Instructions: pre}}, f.Stages...)
}

// Final returns the last stage, or nil when there is none.
func (f *File) Final() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// StageByName finds an earlier-defined stage by alias (case-insensitive) or
// index number as written in --from; before limits the search to stages
// with a smaller index (use len(f.Stages) for all).
func (f *File) StageByName(name string, before int) *Stage {
	for _, s := range f.Stages {
		if s.Index >= before {
			break
		}
		if s.Name != "" && strings.EqualFold(s.Name, name) {
			return s
		}
	}
	n := 0
	for _, c := range name {
		if c < '0' || c > '9' {
			return nil
		}
		n = n*10 + int(c-'0')
		if n > 1<<20 {
			return nil
		}
	}
	if name != "" && n < before && n < len(f.Stages) {
		return f.Stages[n]
	}
	return nil
}

// UsedAsBase reports whether a later stage builds FROM s.
func (f *File) UsedAsBase(s *Stage) bool {
	for _, o := range f.Stages[s.Index+1:] {
		if o.Parent == s {
			return true
		}
	}
	return false
}

// CopiedFrom reports whether a COPY --from or RUN --mount from= of a later
// stage names s.
func (f *File) CopiedFrom(s *Stage) bool {
	for _, o := range f.Stages[s.Index+1:] {
		for _, in := range o.Instructions {
			if v, ok := in.Flag("from"); ok && f.StageByName(v, o.Index) == s {
				return true
			}
			for _, m := range in.Mounts() {
				if m.From != "" && f.StageByName(m.From, o.Index) == s {
					return true
				}
			}
		}
	}
	return false
}

// Leaves returns the stages that end up as an image or that a build would
// target: stages no later stage builds FROM. The last stage is always one.
func (f *File) Leaves() []*Stage {
	var out []*Stage
	for _, s := range f.Stages {
		if !f.UsedAsBase(s) {
			out = append(out, s)
		}
	}
	return out
}

// LineText returns source line n (1-based) or "".
func (f *File) LineText(n int) string {
	if n < 1 || n > len(f.Lines) {
		return ""
	}
	return f.Lines[n-1]
}

// LineOffset returns the byte offset in Source where line n (1-based) starts.
func (f *File) LineOffset(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(f.lineOffsets) {
		return len(f.Source)
	}
	return f.lineOffsets[n-1]
}

// Position turns a byte offset of Source into a 1-based line and column.
func (f *File) Position(off int) (line, col int) {
	if off < 0 {
		return 0, 0
	}
	lo, hi := 0, len(f.lineOffsets)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if f.lineOffsets[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - f.lineOffsets[lo] + 1
}

// InstructionAt returns the top-level instruction that covers line n.
func (f *File) InstructionAt(n int) *Instruction {
	for _, in := range f.Instructions {
		if n >= in.Line && n <= in.EndLine {
			return in
		}
	}
	return nil
}

// Directive returns the value of a parser directive and whether it is set.
func (f *File) Directive(name string) (string, bool) {
	for _, d := range f.Directives {
		if strings.EqualFold(d.Name, name) {
			return d.Value, true
		}
	}
	return "", false
}
