package dockerfile

import (
	"maps"
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Env is a set of variables for Expand.
type Env map[string]string

// Get implements BuildKit's shell.EnvGetter.
func (e Env) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }

// Keys implements BuildKit's shell.EnvGetter.
func (e Env) Keys() []string { return slices.Sorted(maps.Keys(e)) }

// Expand substitutes variables in word with BuildKit's own shell lexer (the
// same expansion FROM, COPY, ENV and friends get) and returns the result and
// the names it referenced that env does not define.
func Expand(word string, env Env, escape byte) (string, []string, error) {
	if escape == 0 {
		escape = '\\'
	}
	return expand(shell.NewLex(rune(escape)), word, env)
}

// ExpandRaw is Expand as BuildKit applies it to heredoc bodies: the escape
// character is always \ and quotes are not special.
func ExpandRaw(word string, env Env) (string, []string, error) {
	lex := shell.NewLex('\\')
	lex.SkipProcessQuotes = true
	return expand(lex, word, env)
}

func expand(lex *shell.Lex, word string, env Env) (string, []string, error) {
	res, unmatched, err := lex.ProcessWord(word, env)
	if err != nil {
		return word, nil, err
	}
	return res, slices.Sorted(maps.Keys(unmatched)), nil
}

// MetaArgs returns the ARGs declared before the first FROM with their
// default values ("" when none), each expanded (and unquoted) with the ones
// before it, as BuildKit does.
func (f *File) MetaArgs() Env {
	env := Env{}
	for _, in := range f.Instructions {
		if in.Cmd == "from" {
			break
		}
		for _, kv := range in.KeyValues() {
			// BuildKit runs every default through its lexer, which also
			// removes quotes: ARG TAG="3.20" is 3.20.
			v := kv.Value
			if x, _, err := Expand(v, env, f.Escape); err == nil {
				v = x
			}
			env[kv.Key] = v
		}
	}
	return env
}
