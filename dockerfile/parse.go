package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// MaxSize bounds what Parse reads; real Dockerfiles are a few kilobytes.
const MaxSize = 4 << 20

// ParseError says why a Dockerfile could not be parsed and where.
type ParseError struct {
	// File is the name given to Parse.
	File string
	// Line is the 1-based line of the problem, 0 when unknown.
	Line int
	// Err is the parser's error.
	Err error
}

// Error is "file:line: cause", or "file: cause" when the line is unknown.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the parser's error.
func (e *ParseError) Unwrap() error { return e.Err }

var _ error = (*ParseError)(nil)

// Parse reads a Dockerfile and builds its model with BuildKit's parser and
// instructions packages. name is used in messages only. A Dockerfile that
// BuildKit would refuse yields a *ParseError with the line of the problem;
// the exceptions are instructions before the first FROM and ONBUILD
// triggers BuildKit forbids, which are kept for the rules that flag them.
func Parse(name string, r io.Reader) (*File, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &ParseError{File: name, Err: fmt.Errorf("reading: %w", err)}
	}
	if len(src) > MaxSize {
		return nil, &ParseError{File: name, Err: fmt.Errorf("file is larger than %d bytes", MaxSize)}
	}
	return ParseBytes(name, src)
}

// ParseBytes is Parse for a file already in memory. It keeps src.
func ParseBytes(name string, src []byte) (f *File, err error) {
	defer func() {
		// BuildKit's parser is not ours; a panic on hostile input must not
		// take the whole run down.
		if p := recover(); p != nil {
			f, err = nil, &ParseError{File: name, Err: fmt.Errorf("parser failed: %v", p)}
		}
	}()
	if len(src) > MaxSize {
		return nil, &ParseError{File: name, Err: fmt.Errorf("file is larger than %d bytes", MaxSize)}
	}
	f = &File{Name: name, Source: src}
	f.splitLines()

	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, &ParseError{File: name, Line: errorLine(err), Err: locationless(err)}
	}
	f.Escape = byte(res.EscapeToken)
	var dp parser.DirectiveParser
	dirs, _ := dp.ParseAll(src)
	for _, d := range dirs {
		line := 0
		if len(d.Location) > 0 {
			line = d.Location[0].Start.Line
		}
		f.Directives = append(f.Directives, Directive{Name: d.Name, Value: d.Value, Line: line})
	}

	lint := linter.New(&linter.Config{
		ExperimentalAll: true,
		Warn: func(rule, _, _, msg string, loc []parser.Range) {
			line := 0
			if len(loc) > 0 {
				line = loc[0].Start.Line
			}
			f.BuildKitWarnings = append(f.BuildKitWarnings, BuildKitWarning{Rule: rule, Message: msg, Line: line})
		},
	})

	var stage *Stage
	for _, node := range res.AST.Children {
		in, err := f.newInstruction(node, lint)
		if err != nil {
			return nil, err
		}
		if in.Cmd == "from" {
			stage = f.newStage(in)
		}
		in.Stage = stage
		if in.Trigger != nil {
			in.Trigger.Stage = stage
		}
		if stage != nil && in.Cmd != "from" {
			stage.Instructions = append(stage.Instructions, in)
		}
		f.Instructions = append(f.Instructions, in)
	}
	f.collectComments()
	return f, nil
}

// locationless strips BuildKit's location wrapper, whose line we report
// ourselves.
func locationless(err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && le.Unwrap() != nil {
		return le.Unwrap()
	}
	return err
}

func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, loc := range le.Locations {
			if len(loc) > 0 {
				return loc[0].Start.Line
			}
		}
	}
	return 0
}

func (f *File) splitLines() {
	src := f.Source
	start := 0
	for i := 0; i <= len(src); i++ {
		if i == len(src) || src[i] == '\n' {
			if i == len(src) && start == i && i > 0 {
				break
			}
			f.lineOffsets = append(f.lineOffsets, start)
			f.Lines = append(f.Lines, strings.TrimSuffix(string(src[start:i]), "\r"))
			start = i + 1
		}
	}
}

// forbiddenTrigger reports ONBUILD triggers BuildKit refuses.
func forbiddenTrigger(s string) bool {
	switch strings.ToLower(s) {
	case "onbuild", "from", "maintainer":
		return true
	}
	return false
}

func (f *File) newInstruction(node *parser.Node, lint *linter.Linter) (*Instruction, error) {
	in := &Instruction{
		Keyword:  node.Value,
		Cmd:      strings.ToLower(node.Value),
		Line:     node.StartLine,
		EndLine:  node.EndLine,
		Node:     node,
		Args:     nodeArgs(node),
		Flags:    node.Flags,
		JSON:     node.Attributes["json"],
		Heredocs: node.Heredocs,
		Comments: node.PrevComment,
	}
	f.joinLines(in)
	if in.text != node.Original {
		// Our join disagrees with BuildKit's (an edge case of continuation
		// handling): keep BuildKit's text and give up on offsets.
		in.text, in.textMap = node.Original, nil
	}

	var trigger *parser.Node
	if in.Cmd == "onbuild" && node.Next != nil && len(node.Next.Children) > 0 {
		trigger = node.Next.Children[0]
	}
	if trigger == nil || !forbiddenTrigger(trigger.Value) {
		cmd, err := instructions.ParseInstructionWithLinter(node, lint)
		if err != nil {
			return nil, &ParseError{File: f.Name, Line: node.StartLine, Err: locationless(err)}
		}
		if err := parseMounts(cmd); err != nil {
			return nil, &ParseError{File: f.Name, Line: node.StartLine, Err: locationless(err)}
		}
		in.Command = cmd
	}
	if trigger != nil {
		t := &Instruction{
			Keyword:  trigger.Value,
			Cmd:      strings.ToLower(trigger.Value),
			Node:     trigger,
			Args:     nodeArgs(trigger),
			Flags:    trigger.Flags,
			JSON:     trigger.Attributes["json"],
			Heredocs: node.Heredocs,
			Line:     node.StartLine,
			EndLine:  node.EndLine,
			logEnd:   in.logEnd,
			onbuild:  true,
		}
		t.text = trigger.Original
		if i := strings.LastIndex(in.text, trigger.Original); i >= 0 && in.textMap != nil {
			t.textMap = in.textMap[i:]
		}
		if !forbiddenTrigger(trigger.Value) {
			if cmd, err := instructions.ParseInstructionWithLinter(trigger, linter.New(&linter.Config{})); err == nil && parseMounts(cmd) == nil {
				t.Command = cmd
			}
		}
		if t.Cmd == "run" {
			t.Script = f.runScript(t)
		}
		in.Trigger = t
	}
	if in.Cmd == "run" {
		in.Script = f.runScript(in)
	}
	return in, nil
}

// parseMounts completes the --mount parsing of a RUN: BuildKit defers the
// values to expansion time, so expand with an identity function (variables
// stay as written).
func parseMounts(cmd any) error {
	rc, ok := cmd.(*instructions.RunCommand)
	if !ok {
		return nil
	}
	return rc.Expand(func(w string) (string, error) { return w, nil })
}

// nodeArgs flattens a node's arguments the way BuildKit's instructions
// package does.
func nodeArgs(node *parser.Node) []string {
	var out []string
	for n := node.Next; n != nil; n = n.Next {
		switch len(n.Children) {
		case 0:
			out = append(out, n.Value)
		case 1:
			out = append(out, n.Children[0].Value)
			out = append(out, nodeArgs(n.Children[0])...)
		}
	}
	return out
}

func (f *File) newStage(in *Instruction) *Stage {
	s := &Stage{Index: len(f.Stages), From: in}
	if st, ok := in.Command.(*instructions.Stage); ok {
		s.Base, s.Platform = st.BaseName, st.Platform
	}
	if len(in.Args) == 3 {
		s.Name = in.Args[2]
	}
	if s.Base != "" {
		for _, p := range f.Stages {
			if p.Name != "" && strings.EqualFold(p.Name, s.Base) {
				s.Parent = p
			}
		}
	}
	f.Stages = append(f.Stages, s)
	return s
}

// joinLines rebuilds the logical line of an instruction the way BuildKit
// does (continuation characters dropped, comment and empty lines inside
// skipped), remembering the file offset of every byte so that fixes can
// edit the source in place.
func (f *File) joinLines(in *Instruction) {
	var text []byte
	var m []int
	n := in.Line
	first := true
	for ; n >= 1 && n <= len(f.Lines); n++ {
		line := f.Lines[n-1]
		off := f.lineOffsets[n-1]
		trimmed := strings.TrimLeft(line, " \t\r\n\v\f")
		if first {
			off += len(line) - len(trimmed)
			line = trimmed
		} else {
			if strings.HasPrefix(trimmed, "#") {
				continue
			}
			if trimmed == "" {
				f.markEmptyContinuation(in.Line)
				continue
			}
		}
		first = false
		content, cont := f.trimContinuation(line)
		text = append(text, content...)
		for i := range len(content) {
			m = append(m, off+i)
		}
		if !cont {
			break
		}
	}
	in.logEnd = min(n, in.EndLine)
	if in.logEnd < in.Line {
		in.logEnd = in.Line
	}
	in.text, in.textMap = string(text), m
}

func (f *File) markEmptyContinuation(line int) {
	if k := len(f.EmptyContinuations); k == 0 || f.EmptyContinuations[k-1] != line {
		f.EmptyContinuations = append(f.EmptyContinuations, line)
	}
}

// trimContinuation drops a trailing continuation character (and the blanks
// after it) the way BuildKit's regular expression does: the character must
// end the line and not follow another escape character, or stand alone.
func (f *File) trimContinuation(line string) (string, bool) {
	esc := f.Escape
	if esc == 0 {
		esc = '\\'
	}
	t := strings.TrimRight(line, " \t")
	if t == "" || t[len(t)-1] != esc {
		return line, false
	}
	if len(t) == 1 {
		return "", true
	}
	if t[len(t)-2] == esc {
		return line, false
	}
	return t[:len(t)-1], true
}

// collectComments records every comment line outside heredoc bodies.
func (f *File) collectComments() {
	body := make([]bool, len(f.Lines)+2)
	for _, in := range f.Instructions {
		if len(in.Heredocs) > 0 {
			for l := in.logEnd + 1; l <= in.EndLine && l < len(body); l++ {
				body[l] = true
			}
		}
	}
	for i, line := range f.Lines {
		if body[i+1] {
			continue
		}
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			f.Comments = append(f.Comments, Comment{Line: i + 1, Text: strings.TrimSpace(t[1:])})
		}
	}
}
