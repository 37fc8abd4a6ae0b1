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
