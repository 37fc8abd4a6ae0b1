package dockerfile

import (
	"path"
	"strings"
)

// Span is a range of bytes in File.Source; Start is -1 when the text does
// not come straight from the file (a word in an `sh -c` string, say).
type Span struct{ Start, End int }

// Known reports whether the span locates real source bytes.
func (s Span) Known() bool { return s.Start >= 0 && s.End >= s.Start }

// Command is one simple command: a name and its arguments, unquoted.
type Command struct {
	// Name is the command word, unquoted ("apt-get").
	Name string
	// Args are the words after the name, unquoted.
	Args []string
	// Env are the NAME=value assignments written before the name.
	Env []string
	// Spans locate Name (index 0) and each of Args (index i+1) in the file.
	Spans []Span
	// Nested is true for commands found inside a `sh -c` string.
	Nested bool
}

// Base returns the command name without its directory ("/usr/bin/pip" → "pip").
func (c *Command) Base() string { return path.Base(c.Name) }

// Is reports whether the command's base name is one of names.
func (c *Command) Is(names ...string) bool {
	b := c.Base()
	for _, n := range names {
		if b == n {
			return true
		}
	}
	return false
}

// Flags splits the command's options the way hadolint does: "-abc" gives
// a, b and c; "--foo=bar" gives foo. Arguments after "--" are not options.
func (c *Command) Flags() []string {
	var out []string
	for _, a := range c.Args {
		if a == "--" {
			break
		}
		switch {
		case strings.HasPrefix(a, "--"):
			k, _, _ := strings.Cut(a[2:], "=")
			out = append(out, k)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			k, _, _ := strings.Cut(a[1:], "=")
			for _, r := range k {
				out = append(out, string(r))
			}
		}
	}
	return out
}

// HasFlag reports whether any of the option names is given (see Flags).
func (c *Command) HasFlag(names ...string) bool {
	for _, f := range c.Flags() {
		for _, n := range names {
			if f == n {
				return true
			}
		}
	}
	return false
}

// CountFlag counts how often an option name is given.
func (c *Command) CountFlag(name string) int {
	n := 0
	for _, f := range c.Flags() {
		if f == name {
			n++
		}
	}
	return n
}

// HasArg reports whether any argument equals one of words.
func (c *Command) HasArg(words ...string) bool {
	for _, a := range c.Args {
		for _, w := range words {
			if a == w {
				return true
			}
		}
	}
	return false
}

// ArgIndex returns the index in Args of the first argument equal to one of
// words, or -1.
func (c *Command) ArgIndex(words ...string) int {
	for i, a := range c.Args {
		for _, w := range words {
			if a == w {
				return i
			}
		}
	}
	return -1
}

// Positional returns the arguments that are not options, skipping the value
// after each option named in valued (given without dashes, e.g. "t",
// "target-release").
func (c *Command) Positional(valued ...string) []string {
	var out []string
	skip := false
	dashdash := false
	for _, a := range c.Args {
		if skip {
			skip = false
			continue
		}
		if dashdash || a == "-" || !strings.HasPrefix(a, "-") {
			out = append(out, a)
			continue
		}
		if a == "--" {
			dashdash = true
			continue
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		for _, v := range valued {
			if name == v {
				skip = true
			}
		}
	}
	return out
}

// Sub returns the first positional argument (the subcommand, e.g. "install"
// in "apt-get -y install curl") and its index in Args, or "" and -1.
func (c *Command) Sub(valued ...string) (string, int) {
	skip := false
	for i, a := range c.Args {
		if skip {
			skip = false
			continue
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a, i
		}
		name := strings.TrimLeft(a, "-")
		for _, v := range valued {
			if name == v {
				skip = true
			}
		}
	}
	return "", -1
}

// Span returns the source span of argument i (index into Args), if known.
func (c *Command) Span(i int) Span {
	if i+1 < len(c.Spans) {
		return c.Spans[i+1]
	}
	return Span{-1, -1}
}
