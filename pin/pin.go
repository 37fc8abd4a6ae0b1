// Package pin resolves the images a Dockerfile names (FROM, COPY --from,
// RUN --mount=from=) to digests and rewrites them as name:tag@sha256:…, the
// way distroless and reproducible builds want their bases pinned. A
// Resolver answers what a tag points to now (a registry, or the local
// engine); the package never opens the network itself.
package pin

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
)

// Resolver returns the digest a tag points to now.
type Resolver interface {
	// Digest returns the "sha256:…" digest ref resolves to.
	Digest(ctx context.Context, ref string) (string, error)
}

// ResolverFunc makes a Resolver of a function.
type ResolverFunc func(ctx context.Context, ref string) (string, error)

// Digest calls f.
func (f ResolverFunc) Digest(ctx context.Context, ref string) (string, error) { return f(ctx, ref) }

// Mode says what Run does with pins.
type Mode int

const (
	// Pin adds digests to the references that have none.
	Pin Mode = iota
	// Update moves every pin to the digest its tag points to now.
	Update
	// Check changes nothing and reports unpinned references and drift.
	Check
)

// The states of a reference after Run.
const (
	StatusPinned     = "pinned"     // a digest was added
	StatusUpdated    = "updated"    // the pin moved to the tag's new digest
	StatusCurrent    = "current"    // pinned, and the tag still points there
	StatusDrift      = "drift"      // pinned, but the tag points elsewhere now
	StatusUnpinned   = "unpinned"   // no digest (Check)
	StatusDigestOnly = "digest"     // name@sha256:… without a tag: nothing to compare
	StatusError      = "unresolved" // the resolver could not answer
	StatusTemplated  = "templated"  // a variable that no ARG default pins
)

// Ref is one image reference of a Dockerfile.
type Ref struct {
	// Line is where the reference is written: the FROM, COPY or RUN line,
	// or the ARG line whose default it is.
	Line int `json:"line"`
	// Kind is "from", "copy-from", "mount-from", or "arg" (through an ARG
	// default named in Arg).
	Kind string `json:"kind"`
	Arg  string `json:"arg,omitempty"`
	// Image is the reference as it expands (name:tag, maybe @digest).
	Image string `json:"image"`
	// Digest is the pinned digest before Run; New the one after.
	Digest string `json:"digest,omitempty"`
	New    string `json:"new,omitempty"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`

	written string // the word as written in the file (or the ARG value)
}

// Result is what Run found and did.
type Result struct {
	File string `json:"file"`
	Refs []Ref  `json:"refs"`
	// Changed is true when Source differs from the input.
	Changed bool   `json:"changed"`
	Source  []byte `json:"-"`
}

// Problems counts the references Check fails on: unpinned, drifted,
// unresolved or templated beyond reach.
func (r *Result) Problems() int {
	n := 0
	for _, x := range r.Refs {
		switch x.Status {
		case StatusUnpinned, StatusDrift, StatusError, StatusTemplated:
			n++
		}
	}
	return n
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Run finds the file's image references, asks res what their tags point
// to, and pins, updates or checks them. The returned Source is the file
// with the new pins (unchanged in Check mode).
func Run(ctx context.Context, f *dockerfile.File, res Resolver, mode Mode) (*Result, error) {
	refs := Find(f)
	out := &Result{File: f.Name, Source: f.Source}
	lines := strings.SplitAfter(string(f.Source), "\n")
	cache := map[string]struct {
		d   string
		err error
	}{}
	for i := range refs {
		r := &refs[i]
		if r.Status != "" {
			continue
		}
		name, digest, hasDigest := strings.Cut(r.Image, "@")
		r.Digest = digest
		if hasDigest && !hasTag(name) {
			r.Status = StatusDigestOnly
			continue
		}
		if hasDigest && mode == Pin {
			r.Status = StatusCurrent
			continue // pinning leaves existing pins alone; --update moves them
		}
		c, ok := cache[name]
		if !ok {
			c.d, c.err = res.Digest(ctx, name)
			if c.err == nil && !digestRE.MatchString(c.d) {
				c.err = fmt.Errorf("the resolver answered %q, not a sha256 digest", c.d)
			}
			cache[name] = c
		}
		if c.err != nil {
			r.Status, r.Error = StatusError, c.err.Error()
			continue
		}
		r.New = c.d
		switch {
		case hasDigest && digest == c.d:
			r.Status = StatusCurrent
		case hasDigest && mode == Check:
			r.Status = StatusDrift
		case !hasDigest && mode == Check:
			r.Status = StatusUnpinned
		default:
			r.Status = StatusPinned
			if hasDigest {
				r.Status = StatusUpdated
			}
			if err := rewrite(lines, r, name+"@"+c.d); err != nil {
				return nil, err
			}
		}
	}
	out.Refs = refs
	if mode != Check {
		src := strings.Join(lines, "")
		out.Changed = src != string(f.Source)
		out.Source = []byte(src)
	}
	return out, nil
}

// hasTag reports whether a reference names a tag (a colon after the last
// slash).
func hasTag(ref string) bool {
	i := strings.LastIndex(ref, "/")
	return strings.Contains(ref[i+1:], ":")
}

// rewrite replaces the reference on its line: the image word, or the
// ARG's default value.
func rewrite(lines []string, r *Ref, pinned string) error {
	if r.Line < 1 || r.Line > len(lines) {
		return fmt.Errorf("line %d is outside the file", r.Line)
	}
	line := lines[r.Line-1]
	old, repl := r.written, pinned
	if r.Kind == "arg" {
		// the ARG default ends with the variable's value: keep what the
		// FROM adds around it and append the digest
		_, d, _ := strings.Cut(pinned, "@")
		base, _, _ := strings.Cut(r.written, "@")
		repl = base + "@" + d
	}
	i := wordIndex(line, old)
	if i < 0 {
		return fmt.Errorf("line %d: %q not found to rewrite", r.Line, old)
	}
	lines[r.Line-1] = line[:i] + repl + line[i+len(old):]
	r.written = repl
	return nil
}

// wordIndex finds word in line where it stands alone (between spaces,
// quotes, '=' or line ends).
func wordIndex(line, word string) int {
	for from := 0; ; {
		i := strings.Index(line[from:], word)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(word)
		okL := i == 0 || strings.ContainsRune(" \t=\"'", rune(line[i-1]))
		okR := end == len(line) || strings.ContainsRune(" \t\"',\r\n\\", rune(line[end]))
		if okL && okR {
			return i
		}
		from = i + 1
	}
}
