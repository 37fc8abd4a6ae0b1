package audit

import (
	"sort"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/audit/secrets"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// historyLine is one entry of the image history with its secrets found
// and redacted once, so no finding can print them.
type historyLine struct {
	// Index is the position in Config.History; Layer the layer it made,
	// or -1 for a metadata-only step.
	Index, Layer int
	// Instruction is the redacted Dockerfile instruction ("RUN …").
	Instruction string
	// Secrets are the assignments and tokens found in the raw line.
	Secrets []secretAt
	// raw is the unredacted created_by; only word-level checks read it.
	raw string
}

// secretAt is a secret found in a config string.
type secretAt struct {
	Key, Rule, Title, Redacted string
	// raw is the secret itself, kept only to scrub it from output.
	raw string
}

// History returns the image history with secrets redacted.
func (in *Input) History() []historyLine {
	in.once.history.Do(func() {
		x := in.Index
		if x.Config == nil {
			return
		}
		layer := 0
		for i, h := range x.Config.History {
			l := -1
			if !h.EmptyLayer {
				l = layer
				layer++
			}
			red, found := redactAssignments(h.CreatedBy, in.acceptedKey)
			in.history = append(in.history, historyLine{Index: i, Layer: l, raw: h.CreatedBy,
				Instruction: fsindex.Instruction(red), Secrets: found})
		}
	})
	return in.history
}

// instruction returns the redacted instruction that made layer i.
func (in *Input) instruction(i int) string {
	for _, h := range in.History() {
		if h.Layer == i {
			return h.Instruction
		}
	}
	if i >= 0 && i < len(in.Index.Layers) {
		red, _ := redactAssignments(in.Index.Layers[i].CreatedBy, in.acceptedKey)
		return fsindex.Instruction(red)
	}
	return ""
}

// layerEvidence describes layer i: index, diff ID, instruction, origin.
func (in *Input) layerEvidence(i int) report.Evidence {
	ev := report.Evidence{}
	if i < 0 || i >= len(in.Index.Layers) {
		return ev
	}
	l := in.Index.Layers[i]
	ev.Layer = report.LayerIndex(i)
	if l.DiffID.Hex != "" {
		ev.LayerDigest = l.DiffID.String()
	}
	ev.CreatedBy = in.instruction(i)
	ev.Origin = string(l.Origin)
	return ev
}

// entryEvidence points at a file and the layer that wrote it.
func (in *Input) entryEvidence(e *fsindex.Entry) report.Evidence {
	ev := in.layerEvidence(e.Layer)
	ev.Path = e.Path
	return ev
}

// pathEvidence is entryEvidence for a path, or a bare path when it is not
// in the index.
func (in *Input) pathEvidence(p string) report.Evidence {
	if e, ok := in.Index.Lookup(p); ok {
		return in.entryEvidence(e)
	}
	return report.Evidence{Path: p}
}

// historyEvidence points at a history entry.
func (in *Input) historyEvidence(h historyLine) report.Evidence {
	ev := in.layerEvidence(h.Layer)
	ev.CreatedBy = h.Instruction
	ev.ConfigKey = "history[" + strconv.Itoa(h.Index) + "]"
	return ev
}

// word is a shell-ish word of a string and where it is.
type word struct {
	text       string
	start, end int
}

// words splits s on blanks, keeping quoted parts together, as Dockle
// splits history lines (no real shell parsing: history is not a script).
func words(s string) []word {
	var out []word
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		var quote byte
		for i < len(s) {
			c := s[i]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '\'' || c == '"' {
				quote = c
			} else if c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' {
				break
			}
			i++
		}
		if i == start { // a separator character
			i++
			continue
		}
		out = append(out, word{text: s[start:i], start: start, end: i})
	}
	return out
}

// redactAssignments replaces the values of KEY=VALUE words whose key looks
// secret (CIS-DI-0010) and every token format in s with redacted forms,
// and returns what it found. Keys accepted by --accept-key stay.
func redactAssignments(s string, accepted func(string) bool) (string, []secretAt) {
	var found []secretAt
	var b strings.Builder
	last := 0
	sensitive := secrets.IsSensitiveKey
	if strings.HasPrefix(fsindex.Instruction(s), "LABEL") {
		sensitive = secrets.IsSensitiveLabel
	}
	for _, w := range words(s) {
		k, v, ok := strings.Cut(w.text, "=")
		k = strings.TrimLeft(k, "-")
		if !ok || !sensitive(k) || accepted(k) {
			continue
		}
		uv := strings.Trim(v, `"'`)
		if secrets.IsPlaceholder(uv) {
			continue
		}
		vstart := w.start + strings.Index(w.text, "=") + 1
		b.WriteString(s[last:vstart])
		b.WriteString("****")
		last = w.end
		found = append(found, secretAt{Key: k, Rule: "sensitive-assignment", Title: "value of a secret-looking key", Redacted: "****", raw: uv})
	}
	b.WriteString(s[last:])
	masked := b.String()
	spans := secrets.Spans(masked)
	red, ms := secrets.Text(masked)
	for i, m := range ms {
		raw := ""
		if i < len(spans) {
			raw = masked[spans[i][0]:spans[i][1]]
		}
		found = append(found, secretAt{Key: m.Key, Rule: m.Rule, Title: m.Title, Redacted: m.Redacted, raw: raw})
	}
	return red, found
}

// configSecrets returns the secrets of the config's Env and Labels, with
// the key each is under ("Config.Env[2]" style keys in ConfigKey order).
func (in *Input) configSecrets() []configSecret {
	in.once.config.Do(func() {
		x := in.Index
		if x.Config == nil {
			return
		}
		for i, kv := range x.Config.Config.Env {
			k, v, _ := strings.Cut(kv, "=")
			for _, s := range valueSecrets(k, v, secrets.IsSensitiveKey, in.acceptedKey) {
				in.config = append(in.config, configSecret{ConfigKey: "Config.Env[" + strconv.Itoa(i) + "]", secretAt: s})
			}
		}
		keys := make([]string, 0, len(x.Config.Config.Labels))
		for k := range x.Config.Config.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, s := range valueSecrets(k, x.Config.Config.Labels[k], secrets.IsSensitiveLabel, in.acceptedKey) {
				in.config = append(in.config, configSecret{ConfigKey: "Config.Labels[" + strconv.Quote(k) + "]", secretAt: s})
			}
		}
	})
	return in.config
}

// configSecret is a secret in the image config.
type configSecret struct {
	ConfigKey string
	secretAt
}

// valueSecrets finds secrets in one KEY=VALUE of the config: the whole
// value when the key looks secret, and token formats anywhere.
func valueSecrets(k, v string, sensitive, accepted func(string) bool) []secretAt {
	if accepted(k) {
		return nil
	}
	var out []secretAt
	if sensitive(k) && !secrets.IsPlaceholder(v) {
		out = append(out, secretAt{Key: k, Rule: "sensitive-assignment", Title: "value of a secret-looking key", Redacted: "****", raw: v})
		return out
	}
	spans := secrets.Spans(v)
	_, ms := secrets.Text(v)
	for i, m := range ms {
		s := secretAt{Key: k, Rule: m.Rule, Title: m.Title, Redacted: m.Redacted}
		if i < len(spans) {
			s.raw = v[spans[i][0]:spans[i][1]]
		}
		out = append(out, s)
	}
	return out
}

// configSecretValues returns every secret value of the config and the
// history, longest first, for scrubbing output.
func (in *Input) configSecretValues() []string {
	in.once.values.Do(func() {
		seen := map[string]bool{}
		add := func(v string) {
			if len(v) >= 4 && !seen[v] {
				seen[v] = true
				in.values = append(in.values, v)
			}
		}
		for _, h := range in.History() {
			for _, s := range h.Secrets {
				add(s.raw)
			}
		}
		for _, s := range in.configSecrets() {
			add(s.raw)
		}
		sort.Slice(in.values, func(i, j int) bool { return len(in.values[i]) > len(in.values[j]) })
	})
	return in.values
}
