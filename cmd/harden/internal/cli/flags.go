package cli

import "github.com/spf13/cobra"

// changed is v when the flag name was given, else nil: for a library
// setting whose default is the library's own.
func changed[T any](cmd *cobra.Command, name string, v *T) *T {
	if cmd.Flags().Changed(name) {
		return v
	}
	return nil
}

// formats is a PreRunE that rejects a --format the command does not
// support.
func (g *globals) formats(allowed ...string) func(*cobra.Command, []string) error {
	return func(*cobra.Command, []string) error { return g.checkFormat(allowed...) }
}

// argOr is the optional argument i, or def when it was not given.
func argOr(args []string, i int, def string) string {
	if i < len(args) {
		return args[i]
	}
	return def
}
