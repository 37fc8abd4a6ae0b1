package redact

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// view is s with JSON and HTML escapes decoded (\u002b, \n, &#43;, &amp;),
// so a secret is found however an encoder wrote it; at maps each byte of
// text back to where its source starts in s.
type view struct {
	src  string
	text string
	at   []int // len(text)+1 entries; at[len(text)] == len(s)
}

var htmlNamed = map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'", "nbsp": " "}

func newView(s string) view {
	if !strings.ContainsAny(s, `\&`) {
		at := make([]int, len(s)+1)
		for i := range at {
			at[i] = i
		}
		return view{src: s, text: s, at: at}
	}
	var b strings.Builder
	at := make([]int, 0, len(s)+1)
	emit := func(src int, out string) {
		b.WriteString(out)
		for range len(out) {
			at = append(at, src)
		}
	}
	for i := 0; i < len(s); {
		switch s[i] {
		case '\\':
			if out, n := jsonEscape(s[i:]); n > 0 {
				emit(i, out)
				i += n
				continue
			}
		case '&':
			if out, n := htmlEntity(s[i:]); n > 0 {
				emit(i, out)
				i += n
				continue
			}
		}
		emit(i, s[i:i+1])
		i++
	}
	at = append(at, len(s))
	return view{src: s, text: b.String(), at: at}
}

// jsonEscape decodes the escape at the start of s. An escaped quote or
// backslash stays as it is (two bytes), so values still end at a quote.
func jsonEscape(s string) (string, int) {
	if len(s) < 2 {
		return "", 0
	}
	switch s[1] {
	case '"', '\\':
		return s[:2], 2
	case 'n':
		return "\n", 2
	case 't':
		return "\t", 2
	case 'r':
		return "\r", 2
	case '/':
		return "/", 2
	case 'u':
		if len(s) >= 6 {
			if n, err := strconv.ParseUint(s[2:6], 16, 32); err == nil && utf8.ValidRune(rune(n)) && n >= 0x20 {
				return string(rune(n)), 6
			}
		}
	}
	return "", 0
}

// htmlEntity decodes a character reference at the start of s.
func htmlEntity(s string) (string, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return "", 0
	}
	name := s[1:end]
	if name[0] == '#' {
		var n uint64
		var err error
		if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
			n, err = strconv.ParseUint(name[2:], 16, 32)
		} else {
			n, err = strconv.ParseUint(name[1:], 10, 32)
		}
		if err != nil || !utf8.ValidRune(rune(n)) || n < 0x20 {
			return "", 0
		}
		return string(rune(n)), end + 1
	}
	if out, ok := htmlNamed[name]; ok {
		return out, end + 1
	}
	return "", 0
}

// source maps the view span [a, b) back to a span of the original string,
// widened to whole escapes.
func (v view) source(a, b int) (int, int) {
	if b <= a {
		return v.at[a], v.at[a]
	}
	last, i := v.at[b-1], b
	for i < len(v.at)-1 && v.at[i] == last {
		i++
	}
	return v.at[a], v.at[i]
}
