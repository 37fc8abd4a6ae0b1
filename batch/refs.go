package batch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/harden-dev/harden/image"
)

// ErrNoReferences is returned by Expand when the inputs name no image (an
// empty list file, a registry with no repositories).
var ErrNoReferences = errors.New("no image references (give images as arguments, --images-from FILE or registry:HOST)")

// maxLine bounds one line of a reference list: a reference is a name or a
// path, never this long, so a longer line is a wrong file.
const maxLine = 4096

// Expand returns the image references a command runs over: args in order,
// then the lines of the WithImagesFrom file, with each registry:HOST
// argument (and, with WithAllTags, each registry:HOST/REPO) replaced by the
// images its registry lists, as registry:HOST/REPO:TAG references,
// repositories and tags sorted. HOST is a registry alone when it has a dot,
// is localhost or an IPv6 address in brackets (with an optional :PORT), or
// ends in "/": registry:localhost:5000, registry:ghcr.io,
// registry:myhost/; registry:node:18 stays an image. Without WithAllTags a
// registry walk takes the latest tag of each repository (repositories
// without one are logged and skipped). Only registry: references expand.
//
// A reference seen twice is kept once, where it first appears, so the same
// inputs always give the same list. A reference that is not well formed is
// an error naming it (and its file and line); so is a registry that cannot
// be listed. A registry walk's names are checked with distribution's
// grammar, and bounded (100000 images, 10000 pages).
func Expand(ctx context.Context, args []string, opts ...Option) ([]string, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	inputs := make([]string, 0, len(args))
	for _, a := range args {
		if err := checkReference(a); err != nil {
			return nil, err
		}
		inputs = append(inputs, a)
	}
	if o.imagesFrom != "" {
		list, err := ReadListFile(o.imagesFrom, o.stdin)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, list...)
	}
	w, err := newWalker(ctx, o)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	add := func(ref string) {
		k := key(ref)
		if !seen[k] {
			seen[k] = true
			out = append(out, ref)
		}
	}
	for _, in := range inputs {
		expanded, ok, err := w.expand(ctx, in)
		if err != nil {
			return nil, err
		}
		if !ok {
			add(in)
			continue
		}
		for _, ref := range expanded {
			add(ref)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoReferences
	}
	return out, nil
}

// ReadListFile reads the list in the file name (ReadList), or in stdin
// for "-".
func ReadListFile(name string, stdin io.Reader) ([]string, error) {
	if name == "-" {
		return ReadList(stdin, "standard input")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--images-from: %w", err)
	}
	defer f.Close()
	return ReadList(f, name)
}

// ReadList reads image references one a line from r. Surrounding spaces are
// trimmed; blank lines and lines starting with # are skipped. A bad line is
// an error naming source and line number ("list.txt:3: ...").
func ReadList(r io.Reader, source string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), maxLine)
	var refs []string
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := checkReference(line); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", source, n, err)
		}
		refs = append(refs, line)
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return nil, fmt.Errorf("%s:%d: line longer than %d bytes", source, n+1, maxLine)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", source, err)
	}
	return refs, nil
}

// checkReference rejects what no reference can be: invalid UTF-8, control
// characters (a NUL or an escape sequence would reach terminals and file
// names), and what image.ParseReference rejects (a mistyped transport).
func checkReference(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("bad image reference %q: not UTF-8", s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("bad image reference %q: control character", s)
	}
	if s != strings.TrimSpace(s) {
		return fmt.Errorf("bad image reference %q: leading or trailing space", s)
	}
	if _, err := image.ParseReference(s); err != nil {
		return fmt.Errorf("bad image reference %q: %w", s, err)
	}
	return nil
}

// key is what two references must share to be the same input: registry
// names are compared in their full form (registry:node and
// registry:index.docker.io/library/node:latest are one image); anything
// else, whose meaning depends on the files and the engine, as written.
func key(ref string) string {
	r, err := image.ParseReference(ref)
	if err != nil || r.Transport != image.Registry {
		return ref
	}
	n, err := name.ParseReference(r.Name, name.WeakValidation)
	if err != nil {
		return ref
	}
	return "registry:" + n.Name()
}
