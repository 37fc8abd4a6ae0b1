// Package cli is harden's command line: one file per subcommand, each a thin
// layer that reads flags, calls one library function and renders its result.
// It is the only package that reads flags or the environment or picks exit codes.
package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

// globals holds the flags every command shares and the streams it writes to.
type globals struct {
	format  string
	quiet   bool
	noColor bool
	debug   bool
	// cpuProfile, when set, writes a CPU profile of the command (hidden flag).
	cpuProfile  string
	stopProfile func()
	// layerCacheDir and noCache choose the layer cache (see layerCache).
	layerCacheDir string
	noCache       bool

	stdin          io.Reader
	stdout, stderr io.Writer
	// raw holds the streams before redaction, for the few commands whose
	// output is the user's own artifact (rawOutput).
	raw struct{ stdout, stderr io.Writer }
	// getenv reads the environment; tests replace it.
	getenv func(string) string
	log    *slog.Logger
}

// Main runs harden with args and returns the process exit code. Errors are
// printed to stderr as one line.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	args, done := pluginArgs(args, stdout)
	if done {
		return exitOK
	}
	// Everything harden prints goes through the redactor: results, help,
	// progress, logs and errors, whichever renderer wrote them.
	out, errOut := redact.NewWriter(stdout), redact.NewWriter(stderr)
	g := &globals{stdin: stdin, stdout: out, stderr: errOut, getenv: os.Getenv}
	g.raw.stdout, g.raw.stderr = stdout, stderr
	root := New(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	_ = out.Flush()
	if err != nil {
		msg := err.Error()
		if errors.Is(err, context.Canceled) {
			msg = "interrupted"
		}
		fmt.Fprintf(errOut, "harden: %s\n", strings.ReplaceAll(msg, "\n", " "))
	}
	_ = errOut.Flush()
	return exitCode(err)
}

// rawOutput reports whether cmd's standard output is the user's own
// artifact, which redaction would corrupt: the Dockerfile fix writes, the
// fixed Dockerfile or patch of lint --fix and --diff (none of them read
// from an image), debug's interactive session in the user's container,
// or the Kubernetes objects fleet kubernetes makes from the user's flags.
func rawOutput(cmd *cobra.Command) bool {
	switch cmd.Name() {
	case "debug", "fix", "kubernetes":
		return true
	case "lint":
		return cmd.Flags().Changed("fix") || cmd.Flags().Changed("diff")
	}
	return false
}

// New builds the root command with every subcommand.
func New(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "harden",
		Short:         "Harden container images the way distroless does, and prove it with numbers",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if rawOutput(cmd) && g.raw.stdout != nil {
				g.stdout = g.raw.stdout
				if cmd.Name() == "debug" {
					g.stderr = g.raw.stderr
				}
			}
			return g.setup()
		},
		PersistentPostRun: func(*cobra.Command, []string) {
			if g.stopProfile != nil {
				g.stopProfile()
			}
		},
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&g.format, "format", "f", "table", "output format (table, json; some commands have more)")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "no progress and no informational messages")
	pf.BoolVar(&g.noColor, "no-color", false, "no colour in output (NO_COLOR is honoured too)")
	pf.BoolVar(&g.debug, "debug", false, "log debug details to stderr, such as which image source was chosen")
	pf.StringVar(&g.layerCacheDir, "cache-dir", "", "layer cache directory (default $XDG_CACHE_HOME/harden/layers)")
	pf.BoolVar(&g.noCache, "no-cache", false, "read every layer, neither using nor filling the layer cache")
	pf.StringVar(&g.cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
	_ = pf.MarkHidden("cpuprofile")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	root.AddGroup(commandGroups...)
	for _, c := range commands(g) {
		root.AddCommand(c)
	}
	addHelp(root)
	return root
}

// setup validates the global flags and builds the logger.
func (g *globals) setup() error {
	if g.getenv("NO_COLOR") != "" {
		g.noColor = true
	}
	level := slog.LevelWarn
	if g.debug {
		level = slog.LevelDebug
	}
	if g.quiet && !g.debug {
		level = slog.LevelError
	}
	if g.cpuProfile != "" {
		f, err := os.Create(g.cpuProfile)
		if err != nil {
			return usageError{fmt.Errorf("--cpuprofile: %w", err)}
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return usageError{fmt.Errorf("--cpuprofile: %w", err)}
		}
		g.stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
	}
	g.log = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	return nil
}

// usageError marks a flag or argument problem (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// checkFormat rejects a --format the command does not support.
func (g *globals) checkFormat(allowed ...string) error {
	for _, a := range allowed {
		if g.format == a {
			return nil
		}
	}
	return usageError{fmt.Errorf("unknown --format %q for this command (want %s)", g.format, strings.Join(allowed, ", "))}
}

// formatAlias checks --format against names (NAME or ALIAS=NAME; want says
// them to the user) and sets it to the name an alias stands for.
func (g *globals) formatAlias(want string, names ...string) error {
	for _, n := range names {
		if alias, name, ok := strings.Cut(n, "="); ok && alias == g.format || n == g.format {
			g.format = cmp.Or(name, n)
			return nil
		}
	}
	return usageError{fmt.Errorf("unknown --format %q for this command (want %s)", g.format, want)}
}

// info prints an informational line to stderr unless --quiet.
func (g *globals) info(format string, args ...any) {
	if !g.quiet {
		fmt.Fprintf(g.stderr, format+"\n", args...)
	}
}

// minArgs is cobra.MinimumNArgs with a usage error saying msg.
func minArgs(n int, msg string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError{errors.New(msg)}
		}
		return nil
	}
}

// exactArgs is cobra.ExactArgs with a usage error naming the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s wants %s, got %d arguments", cmd.Name(), names, len(args))}
		}
		return nil
	}
}
