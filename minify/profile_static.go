package minify

import "github.com/harden-dev/harden/fsindex"

// staticProfile recognises statically linked programs (Go, Rust musl,
// static C): they need nothing but themselves and the essentials.
type staticProfile struct{}

func (staticProfile) Name() string          { return "static" }
func (staticProfile) Wants() []fsindex.Want { return nil }

func (staticProfile) Match(p *Program) bool {
	return p.ELF != nil && p.ELF.Static && len(p.Scripts) == 0
}

func (staticProfile) Keep(*Keeper) error { return nil }
