package pin

import (
	"regexp"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
)

// varRef matches a whole-word variable at the end of an image word:
// ${NAME}, $NAME (${NAME:-x} and the like are not followed).
var varRef = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$`)

// Find lists the image references of a Dockerfile in source order: the
// images of FROM (not scratch, not an earlier stage), of COPY --from= and
// of RUN --mount=...,from=. A reference built from a global ARG is found
// through that ARG's default when the variable ends the word (FROM
// node:${TAG}, FROM ${BASE}): pinning appends the digest to the default.
func Find(f *dockerfile.File) []Ref {
	meta := f.MetaArgs()
	argLine := map[string]*dockerfile.Instruction{}
	for _, in := range f.Instructions {
		if in.Cmd == "from" {
			break
		}
		if in.Cmd == "arg" {
			for _, kv := range in.KeyValues() {
				argLine[kv.Key] = in
			}
		}
	}
	var out []Ref
	add := func(in *dockerfile.Instruction, kind, word string, stageIdx int) {
		if word == "" || strings.EqualFold(word, "scratch") {
			return
		}
		if !strings.Contains(word, "$") {
			if f.StageByName(word, stageIdx) != nil || isIndex(word, stageIdx) {
				return
			}
			out = append(out, Ref{Line: in.Line, Kind: kind, Image: word, written: word})
			return
		}
		expanded, _, err := dockerfile.Expand(word, meta, f.Escape)
		m := varRef.FindStringSubmatch(word)
		if err != nil || m == nil || expanded == "" {
			out = append(out, Ref{Line: in.Line, Kind: kind, Image: word, Status: StatusTemplated,
				Error: "the image is built from variables no ARG default pins"})
			return
		}
		name := m[1] + m[2]
		arg, ok := argLine[name]
		if !ok || meta[name] == "" {
			out = append(out, Ref{Line: in.Line, Kind: kind, Image: word, Status: StatusTemplated,
				Error: "$" + name + " has no default in a global ARG"})
			return
		}
		if f.StageByName(expanded, stageIdx) != nil {
			return
		}
		out = append(out, Ref{Line: arg.Line, Kind: "arg", Arg: name, Image: expanded, written: meta[name]})
	}
	for _, s := range f.Stages {
		add(s.From, "from", s.Base, s.Index)
		for _, in := range s.Instructions {
			switch in.Cmd {
			case "copy":
				if v, ok := in.Flag("from"); ok {
					add(in, "copy-from", v, s.Index)
				}
			case "run":
				for _, fl := range in.Flags {
					spec, ok := strings.CutPrefix(fl, "--mount=")
					if !ok {
						continue
					}
					for _, kv := range strings.Split(spec, ",") {
						if v, ok := strings.CutPrefix(kv, "from="); ok {
							add(in, "mount-from", v, s.Index)
						}
					}
				}
			}
		}
	}
	return dedupeArgs(out)
}

// dedupeArgs keeps one reference per ARG (several FROMs may use it).
func dedupeArgs(rs []Ref) []Ref {
	seen := map[string]bool{}
	out := rs[:0]
	for _, r := range rs {
		if r.Kind == "arg" {
			if seen[r.Arg] {
				continue
			}
			seen[r.Arg] = true
		}
		out = append(out, r)
	}
	return out
}

// isIndex reports whether word is the number of an earlier stage.
func isIndex(word string, before int) bool {
	n := 0
	for _, c := range word {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return word != "" && n < before
}
