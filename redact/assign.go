package redact

import "strings"

// Assignments are found by hand in one pass over the '=' and ':' of a
// string: a regular expression tried at every offset was 50x slower on
// history lines, the common case, which hold none.

func keyChar(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// assignments finds values assigned to keys that name a secret: KEY=VALUE,
// "KEY": "VALUE", KEY: VALUE at the start of a line, --password VALUE.
func assignments(t string, add func(a, b int, rule string, prio int)) {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '=' && c != ':' {
			continue
		}
		key, ks, quoted := keyBefore(t, i)
		if key == "" || !SecretName(key) {
			continue
		}
		if c == ':' && !quoted && !lineStart(t, ks) {
			continue // "error: token expired" is prose, not an assignment
		}
		j := i + 1
		if c == ':' && (j >= len(t) || !strings.ContainsRune(" \t\"'", rune(t[j]))) {
			continue // a URL, a time, a path list
		}
		for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
			j++
		}
		if quoted && c == ':' && (j >= len(t) || t[j] != '"' && t[j] != '\'') {
			continue // JSON: a number, an object; an image's values are strings
		}
		vs, ve := valueAt(t, j)
		if c == ':' && !quoted && !colonValue(t, vs, ve) {
			continue
		}
		if ve > vs && keyedValue(key, t[vs:ve]) {
			add(vs, ve, RuleSecretName, 1)
			i = ve - 1
		}
	}
}

// keyBefore returns the key that ends before the separator at i, where it
// starts, and whether it was quoted ("KEY": …).
func keyBefore(t string, i int) (string, int, bool) {
	e := i
	for e > 0 && (t[e-1] == ' ' || t[e-1] == '\t') {
		e--
	}
	quoted := false
	if e > 0 && (t[e-1] == '"' || t[e-1] == '\'') {
		quoted = true
		e--
	}
	s := e
	for s > 0 && keyChar(t[s-1]) {
		s--
	}
	if quoted && (s == 0 || t[s-1] != t[e]) {
		return "", 0, false
	}
	if quoted {
		s--
	}
	return strings.Trim(t[s:e], `"'`), s, quoted
}

// lineStart reports whether only blanks or a list dash come before s on
// its line.
func lineStart(t string, s int) bool {
	for k := s - 1; k >= 0; k-- {
		switch t[k] {
		case '\n', '\r':
			return true
		case ' ', '\t', '-':
			continue
		}
		return false
	}
	return true
}

// colonValue reports whether [vs, ve) looks like the value of a
// "key: value" line (YAML, ini) and not prose ("passwd: rewritten: root"):
// one word, the rest of the line blank or a comment, not a short count.
func colonValue(t string, vs, ve int) bool {
	rest := t[ve:]
	if i := strings.IndexAny(rest, "\r\n"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimSpace(rest)
	if rest != "" && !strings.HasPrefix(rest, "#") {
		return false
	}
	v := t[vs:ve]
	if len(v) <= 6 && strings.Trim(v, "0123456789") == "" {
		return false
	}
	return !strings.HasSuffix(v, ":")
}

// valueAt returns the value that starts at j: quoted (to the matching
// quote, escapes skipped) or a run up to a blank, quote, < > ; or
// backtick (escape pairs kept whole).
func valueAt(t string, j int) (int, int) {
	if j >= len(t) {
		return j, j
	}
	if q := t[j]; q == '"' || q == '\'' {
		for k := j + 1; k < len(t); k++ {
			if t[k] == '\\' && q == '"' {
				k++
				continue
			}
			if t[k] == q {
				return j + 1, k
			}
		}
		return j + 1, len(t)
	}
	k := j
	for k < len(t) {
		c := t[k]
		if c == '\\' && k+1 < len(t) {
			k += 2
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ';' || c == '`' {
			break
		}
		k++
	}
	return j, min(k, len(t))
}

// secretWords are the lower-case words one of which a key naming a secret
// holds (see SecretName).
var secretWords = []string{"pass", "secret", "token", "key", "credential", "auth", "access"}

func hasSecretWord(t string) bool {
	for _, w := range secretWords {
		if containsFold(t, w) {
			return true
		}
	}
	return false
}

// containsFold is strings.Contains ignoring ASCII case, for a lower-case
// word, without the copy strings.ToLower makes.
func containsFold(s, word string) bool {
	first := word[0]
	for i := 0; i+len(word) <= len(s); i++ {
		if c := s[i] | 0x20; c != first {
			continue
		}
		j := 1
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}
