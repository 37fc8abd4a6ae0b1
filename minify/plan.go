package minify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
)

// Sentinel errors callers branch on.
var (
	// ErrNoEntrypoint: the image has neither Entrypoint nor Cmd.
	ErrNoEntrypoint = errors.New("the image has no entrypoint and no command")
	// ErrEntrypointMissing: the program the command names is not in the image.
	ErrEntrypointMissing = errors.New("the entrypoint is not in the image")
	// ErrShellEntrypoint: the command needs a shell and no shell is kept.
	ErrShellEntrypoint = errors.New("the command needs a shell")
	// ErrMissingLibrary: a library the entrypoint needs is missing (WithStrict).
	ErrMissingLibrary = errors.New("a library the entrypoint needs is missing")
)

// Selection is the new image before it is built: every kept path with the rules
// that kept it, the new config, and what could not be found.
type Selection struct {
	// Program is what the container runs in the end (the interpreter, for a
	// script), with the chain of scripts and links on the way.
	Program *Program `json:"program"`
	// Profiles names the runtime profiles that applied.
	Profiles []string `json:"profiles"`
	// Config is the new image's config.
	Config v1.Config `json:"config"`
	// Warnings lists what the user should know: missing libraries, a
	// dropped HEALTHCHECK, a rewritten shell-form command.
	Warnings []string `json:"warnings,omitempty"`
	// Packages lists the OS packages that keep at least one file.
	Packages []Package `json:"packages,omitempty"`
	// Writable lists the directories the program writes to (temp, pid and
	// log directories its profile or config names): minify.Run records them
	// in the image's runconfig.WritableLabel so the hardened run mounts a
	// tmpfs there.
	Writable []string `json:"writable,omitempty"`

	items   map[string]*Item
	dropped map[string]string
	x       *fsindex.Index
	o       *options
}

// Items returns the kept paths in path order.
func (p *Selection) Items() []*Item {
	out := make([]*Item, 0, len(p.items))
	for _, it := range p.items {
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Lookup returns the kept item at path p.
func (p *Selection) Lookup(path string) (*Item, bool) {
	it, ok := p.items[cleanPath(path)]
	return it, ok
}

// Len is the number of kept paths.
func (p *Selection) Len() int { return len(p.items) }

// Explanation says whether a path is kept and why, or why it was dropped.
type Explanation struct {
	Path    string   `json:"path"`
	Kept    bool     `json:"kept"`
	Reasons []Reason `json:"reasons,omitempty"`
	// Dropped says why a path of the original is not kept.
	Dropped string `json:"dropped,omitempty"`
	// InOriginal is false for paths the original image does not have.
	InOriginal bool `json:"inOriginal"`
}

// Explain says which rules kept p, or why it was dropped. p is looked up as
// written and, failing that, with its symlinks resolved.
func (p *Selection) Explain(q string) Explanation {
	q = cleanPath(q)
	ex := Explanation{Path: q}
	var e *fsindex.Entry
	e, ex.InOriginal = p.x.Lookup(q)
	if !ex.InOriginal {
		// /bin/sh is /usr/bin/sh under usrmerge: resolve the directories
		if res, err := p.x.ResolveParent(q); err == nil && res.Entry != nil {
			if _, ok := p.items[q]; !ok {
				q, e, ex.InOriginal = res.Path, res.Entry, true
			}
		}
	}
	if it, ok := p.items[q]; ok {
		ex.Kept, ex.Reasons = true, it.Reasons
		return ex
	}
	if why, ok := p.dropped[q]; ok {
		ex.Dropped = why
		return ex
	}
	if res, err := p.x.Resolve(q); err == nil && res.Path != q {
		if it, ok := p.items[res.Path]; ok {
			ex.Reasons = append([]Reason{{Rule: "resolves", Why: "resolves to " + res.Path + ", which is kept"}}, it.Reasons...)
			return ex
		}
	}
	for d := path.Dir(q); d != "/"; d = path.Dir(d) {
		if why, ok := p.dropped[d]; ok {
			ex.Dropped = "under " + d + ": " + why
			return ex
		}
	}
	if !ex.InOriginal {
		ex.Dropped = "the original image has no such path"
		return ex
	}
	if kind := DeniedKind(q); kind != "" && (e.Type == fsindex.TypeSymlink || e.IsExecutable() || deniedKindByDir(q) != "") {
		ex.Dropped = fmt.Sprintf("a %s; harden never keeps one unless --include names it", kind)
		return ex
	}
	ex.Dropped = "no rule needs it: not reached from the entrypoint, its libraries, the runtime profile, the app or the essentials"
	return ex
}

// Plan decides what the new image keeps. x must have been built with
// Wants(); without them, nothing can be resolved.
func Plan(ctx context.Context, x *fsindex.Index, opts ...Option) (*Selection, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	if x.Config == nil {
		return nil, errors.New("the index has no image config")
	}
	k := newKeeper(x, o)
	if err := k.run(ctx); err != nil {
		return nil, err
	}
	return k.plan, nil
}

// isMissing reports whether err says a path does not exist.
func isMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func cleanPath(p string) string { return path.Clean("/" + p) }

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
