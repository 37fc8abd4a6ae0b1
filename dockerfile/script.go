package dockerfile

import (
	"regexp"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Script is a RUN body parsed as shell with mvdan.cc/sh.
type Script struct {
	// Commands are the simple commands in source order, including those in
	// chains, pipelines, subshells, command substitutions and `sh -c` strings.
	Commands []*Command
	// HasPipe is true when a pipeline connects two commands.
	HasPipe bool
	// Text is the shell source that was parsed.
	Text string
	// Err is set when the body is not valid shell; Commands then come from
	// splitting the text on &&, ||, ;, | and blanks.
	Err error
	// Exec is true for the exec (JSON) form.
	Exec bool
	// Heredoc is true when the script is the body of a heredoc.
	Heredoc bool
}

// Find returns the script's commands whose base name is one of names.
func (s *Script) Find(names ...string) []*Command {
	if s == nil {
		return nil
	}
	var out []*Command
	for _, c := range s.Commands {
		if c.Is(names...) {
			out = append(out, c)
		}
	}
	return out
}

// Has reports whether the script runs any command named one of names.
func (s *Script) Has(names ...string) bool { return len(s.Find(names...)) > 0 }

var parserPool = sync.Pool{New: func() any {
	return syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.KeepComments(false))
}}

// maxNesting bounds how deep `sh -c "sh -c ..."` strings are followed.
const maxNesting = 3

// ParseScript parses shell source. offsets, when not nil, maps each byte of
// text to a byte offset in the file so commands carry source spans.
func ParseScript(text string, offsets []int) *Script {
	s := &Script{Text: text}
	s.parse(text, offsets, 0)
	return s
}

func (s *Script) parse(text string, offsets []int, depth int) {
	p := parserPool.Get().(*syntax.Parser)
	file, err := p.Parse(strings.NewReader(text), "")
	parserPool.Put(p)
	if err != nil {
		if depth == 0 {
			s.Err = err
		}
		s.split(text, depth > 0)
		return
	}
	span := func(n syntax.Node) Span {
		st, en := int(n.Pos().Offset()), int(n.End().Offset())
		if offsets == nil || st >= len(offsets) || en > len(offsets) || en <= st {
			return Span{-1, -1}
		}
		return Span{offsets[st], offsets[en-1] + 1}
	}
	var nested []string
	syntax.Walk(file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			if n.Op == syntax.Pipe || n.Op == syntax.PipeAll {
				s.HasPipe = true
			}
		case *syntax.DeclClause:
			c := &Command{Name: n.Variant.Value, Nested: depth > 0}
			c.Spans = append(c.Spans, span(n.Variant))
			for _, a := range n.Args {
				c.Args = append(c.Args, assignString(text, a))
				c.Spans = append(c.Spans, span(a))
			}
			s.Commands = append(s.Commands, c)
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				return true
			}
			c := &Command{Nested: depth > 0}
			for _, a := range n.Assigns {
				c.Env = append(c.Env, assignString(text, a))
			}
			for i, w := range n.Args {
				ws := wordString(text, w)
				if i == 0 {
					c.Name = ws
				} else {
					c.Args = append(c.Args, ws)
				}
				c.Spans = append(c.Spans, span(w))
			}
			s.Commands = append(s.Commands, c)
			if body, ok := shellDashC(c); ok && depth < maxNesting {
				nested = append(nested, body)
			}
		}
		return true
	})
	for _, body := range nested {
		s.parse(body, nil, depth+1)
	}
}

// shellDashC returns the script of `sh -c SCRIPT` (any POSIX-ish shell,
// -c possibly combined with other options such as -ec).
func shellDashC(c *Command) (string, bool) {
	if !c.Is("sh", "bash", "ash", "dash", "zsh", "ksh", "busybox") {
		return "", false
	}
	args := c.Args
	if c.Is("busybox") {
		if len(args) == 0 || args[0] != "sh" {
			return "", false
		}
		args = args[1:]
	}
	for i, a := range args {
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			return "", false
		}
		if strings.Contains(a[1:], "c") && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

var splitOps = regexp.MustCompile(`&&|\|\||[;|\n]`)

// split is the fallback for text that is not valid shell.
func (s *Script) split(text string, nested bool) {
	if strings.Contains(strings.ReplaceAll(text, "||", ""), "|") {
		s.HasPipe = true
	}
	for _, part := range splitOps.Split(text, -1) {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		c := &Command{Nested: nested}
		for len(words) > 0 && isAssignment(words[0]) {
			c.Env = append(c.Env, words[0])
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		for i := range words {
			words[i] = strings.Trim(words[i], `"'`)
			c.Spans = append(c.Spans, Span{-1, -1})
		}
		c.Name, c.Args = words[0], words[1:]
		s.Commands = append(s.Commands, c)
	}
}

func isAssignment(w string) bool {
	k, _, ok := strings.Cut(w, "=")
	if !ok || k == "" {
		return false
	}
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func assignString(src string, a *syntax.Assign) string {
	var b strings.Builder
	if a.Name != nil {
		b.WriteString(a.Name.Value)
		if a.Naked {
			return b.String()
		}
		b.WriteByte('=')
	}
	if a.Value != nil {
		b.WriteString(wordString(src, a.Value))
	}
	return b.String()
}

// wordString returns a word with quotes removed and escapes resolved;
// expansions ($x, $(cmd)) are kept as written.
func wordString(src string, w *syntax.Word) string {
	var b strings.Builder
	writeParts(&b, src, w.Parts, false)
	return b.String()
}

func writeParts(b *strings.Builder, src string, parts []syntax.WordPart, quoted bool) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(unescape(p.Value, quoted))
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			writeParts(b, src, p.Parts, true)
		default:
			st, en := int(p.Pos().Offset()), int(p.End().Offset())
			if st >= 0 && en <= len(src) && st <= en {
				b.WriteString(src[st:en])
			}
		}
	}
}

func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			n := s[i+1]
			if !quoted || n == '"' || n == '\\' || n == '$' || n == '`' {
				b.WriteByte(n)
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// runScript builds the Script of a RUN instruction.
func (f *File) runScript(in *Instruction) *Script {
	if in.JSON {
		if len(in.Args) == 0 {
			return &Script{Exec: true}
		}
		c := &Command{Name: in.Args[0], Args: in.Args[1:]}
		for range in.Args {
			c.Spans = append(c.Spans, Span{-1, -1})
		}
		s := &Script{Exec: true, Text: strings.Join(in.Args, " "), Commands: []*Command{c}}
		if body, ok := shellDashC(c); ok {
			s.parse(body, nil, 1)
		}
		return s
	}
	body := ""
	if in.Node != nil && in.Node.Next != nil {
		body = in.Node.Next.Value
	}
	var offsets []int
	if i := strings.LastIndex(in.text, body); i >= 0 && in.textMap != nil && body != "" {
		offsets = in.textMap[i : i+len(body)]
	}
	if len(in.Heredocs) == 0 {
		return ParseScript(body, offsets)
	}
	// Heredoc bodies follow the instruction line in the file, one after the other.
	off := f.LineOffset(in.logEnd + 1)
	if strings.HasPrefix(strings.TrimSpace(body), "<<") {
		h := in.Heredocs[0]
		if strings.HasPrefix(h.Content, "#!") && !shellShebang(h.Content) {
			return &Script{Heredoc: true, Text: h.Content}
		}
		s := ParseScript(h.Content, seq(off, len(h.Content), len(f.Source)))
		s.Heredoc = true
		return s
	}
	text := body + "\n"
	m := append(append([]int(nil), offsets...), -1)
	if offsets == nil {
		m = nil
	}
	for _, h := range in.Heredocs {
		text += h.Content
		if m != nil {
			m = append(m, seq(off, len(h.Content), len(f.Source))...)
		}
		off = f.LineOffset(f.lineOf(off+len(h.Content)) + 1)
		text += h.Name + "\n"
		if m != nil {
			for range len(h.Name) + 1 {
				m = append(m, -1)
			}
		}
	}
	return ParseScript(text, m)
}

func (f *File) lineOf(off int) int {
	l, _ := f.Position(off)
	return l
}

func seq(start, n, limit int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = min(start+i, limit)
	}
	return out
}

func shellShebang(s string) bool {
	line, _, _ := strings.Cut(s, "\n")
	for _, sh := range []string{"/sh", "/bash", "/ash", "/dash", "/ksh", "env sh", "env bash"} {
		if strings.HasSuffix(strings.TrimSpace(line), sh) {
			return true
		}
	}
	return false
}
