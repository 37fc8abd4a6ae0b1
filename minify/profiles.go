package minify

import (
	"fmt"

	"github.com/harden-dev/harden/fsindex"
)

// Profile adds what one kind of runtime needs beyond the ELF closure of its
// program. Runtimes whose needs are paths, globs and config files are data
// (profiles.yaml, see ProfileSpec); those that need code (reading imports,
// lock files) are a small type in their own file and a line in codeProfiles.
type Profile interface {
	// Name is stable and short: "node", "python3".
	Name() string
	// Wants (fsindex.Wanter) lists the file contents and facts the
	// profile reads during the walk.
	fsindex.Wanter
	// Match reports whether the profile applies to the program the
	// entrypoint runs.
	Match(p *Program) bool
	// Keep adds the runtime's files through the keeper.
	Keep(k *Keeper) error
}

// codeProfiles are the profiles written in Go.
func codeProfiles() []Profile {
	return []Profile{
		staticProfile{},
		nodeProfile{},
		pythonProfile{},
		rubyProfile{},
		javaProfile{},
	}
}

// All returns every runtime profile, in the order they are tried: those in
// Go, then the embedded data profiles; several may apply.
func All() []Profile { return profilesFor(nil) }

// profilesFor returns the profiles with the user's --profile files merged
// into the embedded ones (a user profile replaces the one of its name).
func profilesFor(user []ProfileSpec) []Profile {
	out := codeProfiles()
	for _, s := range mergeSpecs(builtinSpecs, user) {
		out = append(out, dataProfile{spec: s})
	}
	return out
}

// WithProfiles adds the runtime profiles of a profile document (the format
// of profiles.yaml, see docs/minify.md) to the embedded ones; a profile
// with the name of an embedded one replaces it. name names the document in
// errors. Pass the same option to Wants and Plan.
func WithProfiles(name string, data []byte) Option {
	return func(o *options) error {
		specs, err := ParseProfiles(data)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		o.profiles = append(o.profiles, specs...)
		return nil
	}
}
