package cli

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the real harden entry point as a command named
// "harden" inside each script.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"harden": func() { os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		// the same binary as the Docker CLI plugin (docker_plugin.txtar)
		"docker-harden": func() { os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs every testdata/script/*.txtar: each is a CLI session with
// its expected stdout, stderr and exit codes. `go test -run TestScripts -u`
// rewrites the expectations from the current output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       updateScripts(),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if _, err := os.Stat(sharedDir()); err != nil {
				return fmt.Errorf("the shared test data beside the repository is missing: %w", err)
			}
			env.Setenv("SHARED", sharedDir())
			env.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
