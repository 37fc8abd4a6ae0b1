package redact

import (
	"regexp"
	"sort"
	"strings"

	"github.com/harden-dev/harden/audit/secrets"
)

// Rule names for what redact finds beyond audit's detector.
const (
	RuleSecretName = "secret-name"     // the value of a key that names a secret
	RuleBuildArg   = "build-arg"       // a build argument in a history line
	RuleURL        = "url-credentials" // user:password@ in a URL
	RuleAuthHeader = "auth-header"     // Authorization: Bearer …, curl -u user:pass
)

// Label is what replaces a secret found by rule.
func Label(rule string) string { return "<redacted:" + rule + ">" }

// label is Label, escaped for an HTML page when html is set.
func label(rule string, html bool) string {
	if html {
		return "&lt;redacted:" + rule + "&gt;"
	}
	return Label(rule)
}

var (
	// --password VALUE (-p VALUE is too ambiguous to list).
	reFlag = regexp.MustCompile(`(?i)(?:^|\s)(--?[a-z0-9-]*(?:password|passwd|token|secret|api-?key)[a-z0-9-]*)\s+([^\s"'<>\\-][^\s"'<>\\]*)`)
	// scheme://user:pass@ and scheme://token@.
	reURL = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://([^\s/@:"'<>\\]+(?::[^\s/@"'<>\\]*)?)@`)
	// Authorization: Bearer VALUE, and curl -u user:pass.
	reAuth  = regexp.MustCompile(`(?i)(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|digest|negotiate)\s+)?([^\s"'<>\\]+)`)
	reCurlU = regexp.MustCompile(`(?:^|\s)(?:-u|--user)\s*["']?([^\s:"'\\]+:[^\s"'\\]+)`)
	// |N K=V K=V before a RUN's shell in a history line.
	reArgs  = regexp.MustCompile(`(?:^|\s)\|([1-9][0-9]{0,2})\s+`)
	reShell = regexp.MustCompile(`\s(?:/usr)?(?:/bin/)?(?:ba|da|a|z)?sh\s+-c\b|\scmd\s+/S\s+/C\b`)
	reArgK  = regexp.MustCompile(`(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=`)
)

// span is a secret at [start, end) in a string; prio orders spans that
// start together (the detector's rule names the kind best).
type span struct {
	start, end int
	rule       string
	prio       int
}

// String returns s with every secret replaced by <redacted:RULE>.
func String(s string) string { return replace(s, false) }

// Contains reports whether s holds something String would redact.
func Contains(s string) bool { return len(find(s)) > 0 }

// replace redacts s; html writes the label escaped for an HTML page.
func replace(s string, html bool) string {
	spans := find(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(label(sp.rule, html))
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// find returns the secrets in s, sorted and merged, in s's offsets.
func find(s string) []span {
	if s == "" {
		return nil
	}
	v := newView(s)
	t := v.text
	var out []span
	add := func(a, b int, rule string, prio int) {
		a, b = trimQuotes(t, a, b)
		if b <= a {
			return
		}
		out = append(out, span{a, b, rule, prio})
	}
	for _, m := range secrets.Locate(t) {
		add(m.Start, m.End, m.Rule, 0)
	}
	if !strings.ContainsAny(t, "=:@|-") {
		return finish(v, out)
	}
	assignments(t, add)
	// The patterns run line by line, each on the lines that hold its
	// trigger: on a whole document one match attempt at every offset
	// costs more than everything else.
	for off := 0; off < len(t); {
		e := strings.IndexAny(t[off:], "\n\r")
		if e < 0 {
			e = len(t) - off
		}
		patterns(t[off:off+e], off, add)
		off += e + 1
	}
	return finish(v, out)
}

// finish sorts and merges spans and maps them back to the original string.
func finish(v view, out []span) []span {
	if len(out) == 0 {
		return nil
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start < out[j].start
		}
		return out[i].prio < out[j].prio
	})
	merged := out[:1]
	for _, sp := range out[1:] {
		cur := &merged[len(merged)-1]
		if sp.start < cur.end {
			cur.end = max(cur.end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	for i := range merged {
		a, b := v.source(merged[i].start, merged[i].end)
		merged[i].start, merged[i].end = wholeEscapes(v.src, a, b)
	}
	return merged
}

// buildArgs finds the values in a "|N K=V …" history prefix: a build
// argument a RUN used is recorded there, whatever its name.
func buildArgs(t string, add func(a, b int, rule string, prio int)) {
	for _, m := range reArgs.FindAllStringSubmatchIndex(t, -1) {
		start := m[1]
		line := len(t)
		if nl := strings.IndexAny(t[start:], "\n\r"); nl >= 0 {
			line = start + nl
		}
		end := line
		sh := reShell.FindStringIndex(t[start:line])
		if sh != nil {
			end = start + sh[0]
		} else if q := strings.IndexAny(t[start:line], "\"<"); q >= 0 {
			end = start + q
		}
		seg := t[start:end]
		keys := reArgK.FindAllStringSubmatchIndex(seg, -1)
		for i, k := range keys {
			vs, ve := k[1], len(seg)
			if i+1 < len(keys) {
				ve = keys[i+1][0]
			}
			if sh == nil && i == len(keys)-1 {
				// No shell found: the last value ends at the next space.
				if sp := strings.IndexAny(seg[vs:], " \t"); sp >= 0 {
					ve = vs + sp
				}
			}
			v := strings.TrimRight(seg[vs:ve], " \t")
			if v != "" && !strings.HasPrefix(v, "<redacted:") {
				add(start+vs, start+vs+len(v), RuleBuildArg, 1)
			}
		}
	}
}

// trimQuotes shrinks [a, b) of t to the inside of surrounding quotes.
func trimQuotes(t string, a, b int) (int, int) {
	if b-a >= 2 && (t[a] == '"' && t[b-1] == '"' || t[a] == '\'' && t[b-1] == '\'') {
		return a + 1, b - 1
	}
	return a, b
}

// wholeEscapes widens or narrows [a, b) of s so it neither leaves a
// backslash escaping the label's first byte nor ends inside an escape: a
// redacted JSON string stays valid JSON.
func wholeEscapes(s string, a, b int) (int, int) {
	if n := backslashes(s[:a]); n%2 == 1 {
		a--
	}
	if n := backslashes(s[a:b]); n%2 == 1 {
		b--
	}
	return a, b
}

// backslashes counts the backslashes that end s.
func backslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// patterns finds, in one line at offset off, what regular expressions
// describe: URL credentials, authorization headers, curl -u, --password
// VALUE and build arguments.
func patterns(l string, off int, add func(a, b int, rule string, prio int)) {
	if strings.Contains(l, "://") && strings.Contains(l, "@") {
		for _, m := range reURL.FindAllStringSubmatchIndex(l, -1) {
			user := l[m[2]:m[3]]
			if strings.Contains(user, ":") || len(user) >= 16 {
				add(off+m[2], off+m[3], RuleURL, 2)
			}
		}
	}
	if containsFold(l, "authorization") {
		for _, m := range reAuth.FindAllStringSubmatchIndex(l, -1) {
			val := l[m[2]:m[3]]
			switch strings.ToLower(val) {
			case "bearer", "basic", "token", "digest", "negotiate":
				continue // the scheme of a redacted value
			}
			if !isReference(val) {
				add(off+m[2], off+m[3], RuleAuthHeader, 2)
			}
		}
	}
	if strings.Contains(l, "-u") && (strings.Contains(l, "curl") || strings.Contains(l, "wget")) {
		// only curl's and wget's: docker's -u is user:group
		for _, m := range reCurlU.FindAllStringSubmatchIndex(l, -1) {
			if userPassword(l[m[2]:m[3]]) {
				add(off+m[2], off+m[3], RuleAuthHeader, 2)
			}
		}
	}
	if strings.Contains(l, "-") && hasSecretWord(l) {
		for _, m := range reFlag.FindAllStringSubmatchIndex(l, -1) {
			if keyedValue(l[m[2]:m[3]], l[m[4]:m[5]]) {
				add(off+m[4], off+m[5], RuleSecretName, 1)
			}
		}
	}
	if strings.Contains(l, "|") {
		buildArgs(l, func(a, b int, rule string, prio int) { add(off+a, off+b, rule, prio) })
	}
}
