package secrets

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits that keep a hostile file from making the scan slow or large.
const (
	// MaxMatches caps the matches reported for one file or string.
	MaxMatches = 20
	// lineWindow bounds how far a line is read either side of a keyword.
	lineWindow = 2048
	// keyWindow is how far after its header a private key body may start.
	keyWindow = 1024
)

// Match is one secret found. It never holds the secret: Redacted shows at
// most the fixed prefix of a token format.
type Match struct {
	// Rule and Title name the kind of secret.
	Rule  string `json:"rule"`
	Title string `json:"title"`
	// Line is 1-based.
	Line int `json:"line"`
	// Key is the name the secret is assigned to, for assignments.
	Key string `json:"key,omitempty"`
	// Redacted is a safe form of the value, e.g. "ghp_****".
	Redacted string `json:"redacted"`
}

// hit is a match with the secret's offsets, used inside the package only.
type hit struct {
	rule       *Rule
	start, end int // the secret's bytes
	at         int // where the line is counted from (a key's header)
	key        string
}

// Scan looks for secrets in the content of the file at p (p selects the
// file-specific rules: .npmrc, .netrc, .env, …). It returns at most
// MaxMatches matches, ordered by line.
func Scan(p string, data []byte) []Match {
	hits := find(p, data, true, MaxMatches)
	out := make([]Match, 0, len(hits))
	line, pos := 1, 0
	for _, h := range hits {
		if h.at > pos {
			line += bytes.Count(data[pos:h.at], []byte{'\n'})
			pos = h.at
		}
		out = append(out, Match{Rule: h.rule.ID, Title: h.rule.Title, Line: line, Key: h.key,
			Redacted: Redact(string(data[h.start:h.end]), h.rule.keep)})
	}
	return out
}

// Text looks for token formats and generic assignments in a string (an
// environment value, a label, a history line) and returns the string with
// every secret replaced by its redacted form, and the matches.
func Text(s string) (string, []Match) {
	hits := find("", []byte(s), false, MaxMatches)
	if len(hits) == 0 {
		return s, nil
	}
	var b strings.Builder
	out := make([]Match, 0, len(hits))
	last := 0
	for _, h := range hits {
		red := Redact(s[h.start:h.end], h.rule.keep)
		b.WriteString(s[last:h.start])
		b.WriteString(red)
		last = h.end
		out = append(out, Match{Rule: h.rule.ID, Title: h.rule.Title, Line: 1, Key: h.key, Redacted: red})
	}
	b.WriteString(s[last:])
	return b.String(), out
}

// Spans returns the byte offsets [start, end) of every secret in s (token
// formats and generic assignments; no file rules), so a caller can remove
// them from text it prints.
func Spans(s string) [][2]int {
	hits := find("", []byte(s), false, MaxMatches)
	out := make([][2]int, len(hits))
	for i, h := range hits {
		out[i] = [2]int{h.start, h.end}
	}
	return out
}

// Span is where a secret is in a string and which rule found it.
type Span struct {
	Start, End int // byte offsets of the secret, [Start, End)
	Rule       string
}

// Locate is Spans with each span's rule ID, for a caller that replaces the
// secrets it prints with a label naming their kind. It has no MaxMatches
// cap: a redactor must find every secret, and its input is harden's own
// output, not a file from the image.
func Locate(s string) []Span {
	hits := find("", []byte(s), false, -1)
	out := make([]Span, len(hits))
	for i, h := range hits {
		out[i] = Span{Start: h.start, End: h.end, Rule: h.rule.ID}
	}
	return out
}

// find runs every rule over data. File rules run only when files is set.
// limit caps the hits (-1: no cap).
func find(p string, data []byte, files bool, limit int) []hit {
	var hits []hit
	seen := map[int]bool{}
	add := func(r *Rule, start, end, at int, key string) {
		if seen[start] || !accept(r, key, string(data[start:end])) {
			return
		}
		seen[start] = true
		hits = append(hits, hit{rule: r, start: start, end: end, at: at, key: key})
	}
	// run finds r's secrets in src, which starts at offset win of data.
	run := func(r *Rule, src []byte, win int) {
		if r.detectors != nil {
			for _, sp := range r.detect(src) {
				add(r, win+sp[0], win+sp[1], win+sp[0], "")
			}
			return
		}
		si, ki := r.re.SubexpIndex("secret"), r.re.SubexpIndex("key")
		for _, m := range r.re.FindAllSubmatchIndex(src, limit) {
			if si < 0 || m[2*si] < 0 {
				continue
			}
			key := ""
			if ki >= 0 && m[2*ki] >= 0 {
				key = string(src[m[2*ki]:m[2*ki+1]])
			}
			at := win + m[2*si]
			if r.ID == "private-key" {
				at = win + m[0] // lines count from the header
			}
			add(r, win+m[2*si], win+m[2*si+1], at, key)
		}
	}
	occ := keywords.offsets(data)
	for i := range rules {
		r := &rules[i]
		if r.Files != nil {
			if !files || !r.Files(p) {
				continue
			}
			run(r, data, 0)
			continue
		}
		if occ == nil {
			continue // none of the keywords is in data
		}
		done := -1 // end of the last window searched for this rule
		for _, kn := range keywords.byRule[i] {
			off := 0
			for _, at := range occ[kn] {
				if at < off {
					continue // overlaps the previous occurrence of the same keyword
				}
				off = at + len(keywords.words[kn])
				if at < done {
					continue
				}
				lo, hi := window(data, at, r.ID == "private-key")
				done = hi
				run(r, data[lo:hi], lo)
				if limit > 0 && len(hits) >= 4*limit {
					break
				}
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	// Drop hits inside an earlier one (a token inside a generic assignment).
	out := hits[:0]
	end := -1
	for _, h := range hits {
		if h.start < end {
			continue
		}
		out = append(out, h)
		end = h.end
		if len(out) == limit {
			break
		}
	}
	return out
}

// window returns the line around offset at, bounded to lineWindow bytes
// either side; for a private key header it reaches keyWindow bytes past the
// header so the key body is included.
func window(data []byte, at int, multiline bool) (int, int) {
	lo := max(0, at-lineWindow)
	if i := bytes.LastIndexByte(data[lo:at], '\n'); i >= 0 {
		lo += i + 1
	}
	if multiline {
		return lo, min(len(data), at+keyWindow)
	}
	hi := min(len(data), at+lineWindow)
	if i := bytes.IndexByte(data[at:hi], '\n'); i >= 0 {
		hi = at + i
	}
	return lo, hi
}

// accept applies a rule's filters to a candidate value.
func accept(r *Rule, key, value string) bool {
	if r.sensitiveKey && !IsSensitiveKey(key) {
		return false
	}
	if r.keyed && IsPlaceholder(value) {
		return false
	}
	if !r.keyed && strings.Contains(strings.ToLower(value), "example") {
		return false
	}
	if r.digit && !strings.ContainsAny(value, "0123456789") {
		return false
	}
	if r.minEntropy > 0 {
		if Entropy(value) < r.minEntropy || classes(value) < 2 {
			return false
		}
	}
	return true
}

// classes counts the character classes in s: lower, upper, digit, other.
func classes(s string) int {
	var lower, upper, digit, other int
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			lower = 1
		case c >= 'A' && c <= 'Z':
			upper = 1
		case c >= '0' && c <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// LooksBinary reports whether the first bytes of a file say it is not text:
// a NUL byte, or invalid UTF-8 in more than a few places.
func LooksBinary(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 && i < len(head)-3 {
			bad++
		}
		i += n
	}
	return bad > len(head)/32
}
