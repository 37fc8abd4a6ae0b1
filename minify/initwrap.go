package minify

import (
	"fmt"
	"path"
	"strings"
)

// initWrappers are the small init processes images put in front of their
// command (ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]): they reap
// zombies and forward signals, and exec nothing but their argument. The
// minified image keeps the wrapper and resolves the command it wraps.
var initWrappers = map[string]bool{"tini": true, "tini-static": true, "dumb-init": true, "catatonit": true, "docker-init": true}

// initFlagsWithValue are the wrappers' options that take the next word.
var initFlagsWithValue = map[string]bool{"-p": true, "-e": true, "-r": true, "--rewrite": true}

// splitInit splits argv into an init wrapper's own words and the command
// it runs; ok is false when argv[0] is no init wrapper.
func splitInit(argv []string) (wrapper, command []string, ok bool) {
	if len(argv) == 0 || !initWrappers[path.Base(argv[0])] {
		return nil, nil, false
	}
	i := 1
	for i < len(argv) {
		a := argv[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
		if initFlagsWithValue[a] {
			i++
		}
		i++
	}
	if i > len(argv) {
		i = len(argv)
	}
	return argv[:i], argv[i:], true
}

// stripInit records an init wrapper in front of argv (it is kept, with its
// ELF closure) and returns the command it wraps.
func (k *Keeper) stripInit(prog *Program, argv []string, wd string) ([]string, error) {
	wrapper, command, ok := splitInit(argv)
	if !ok {
		return argv, nil
	}
	if len(command) == 0 {
		return nil, fmt.Errorf("%w: %s is given no command to run", ErrNoEntrypoint, argv[0])
	}
	found, _, err := k.lookPath(wrapper[0], wd)
	if err != nil {
		return nil, fmt.Errorf("init wrapper: %w", err)
	}
	prog.Init, prog.InitFound = append([]string{}, wrapper...), found
	prog.Argv = append([]string{}, command...)
	return command, nil
}
