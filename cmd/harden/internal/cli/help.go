package cli

import (
	"embed"
	"strings"

	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// helpFiles hold each command's long help and examples, help/PATH.txt (PATH
// the command path with _ between words): the text, then after a line
// "---" the examples. The reference pages in docs/cli are made from them.
//
//go:embed help
var helpFiles embed.FS

// addHelp fills in the long help and examples of c and its subcommands from
// helpFiles where the command sets none itself.
func addHelp(c *cobra.Command) {
	for _, s := range c.Commands() {
		addHelp(s)
	}
	name := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "harden"), " "), " ", "_")
	data, err := helpFiles.ReadFile("help/" + report.Or(name, "harden") + ".txt")
	if err != nil || c.Long != "" {
		return
	}
	long, example, _ := strings.Cut(strings.TrimSuffix(string(data), "\n"), "\n---\n")
	c.Long, c.Example = long, example
}
