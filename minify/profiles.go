package minify

import "github.com/harden-dev/harden/fsindex"

// Profile adds what one kind of runtime needs beyond the ELF closure of its
// program. Each profile is a small type in its own file; a new runtime is a
// new file and a line in All.
type Profile interface {
	// Name is stable and short: "node", "python3".
	Name() string
	// Wants lists the file contents the profile reads during the walk.
	Wants() []fsindex.Want
	// Match reports whether the profile applies to the program the
	// entrypoint runs.
	Match(p *Program) bool
	// Keep adds the runtime's files through the keeper.
	Keep(k *Keeper) error
}

// All returns every runtime profile, in the order they are tried; several
// may apply.
func All() []Profile {
	return []Profile{
		staticProfile{},
		nodeProfile{},
		pythonProfile{},
		javaProfile{},
	}
}
