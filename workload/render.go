package workload

import (
	"fmt"
	"io"
	"strings"

	"github.com/harden-dev/harden/report"
)

// Write renders the result in format (table, json, sarif or markdown);
// version is harden's, for SARIF.
func Write(w io.Writer, format string, res *Result, version string) error {
	switch format {
	case "json":
		return report.WriteJSON(w, res)
	case "sarif":
		target := ""
		if len(res.Files) == 1 {
			target = res.Files[0]
		}
		return report.WriteSARIF(w, report.SARIFTool{Name: "harden", Version: version, InformationURI: "https://github.com/harden-dev/harden"}, target, Rules(), res.Findings)
	case "markdown":
		return report.WriteMarkdownFindings(w, res.Findings)
	}
	fmt.Fprintf(w, "%d containers in %d files: %d findings\n", len(res.Containers), len(res.Files), len(res.Findings))
	if len(res.Findings) == 0 {
		return nil
	}
	t := report.NewTable("SEVERITY", "ID", "FILE:LINE", "CONTAINER", "ALIASES")
	for _, f := range res.Findings {
		ev := f.Evidence[0]
		container, _, _ := strings.Cut(f.Message, ":")
		t.Add(f.Severity.String(), f.ID, fmt.Sprintf("%s:%d", ev.Path, ev.Line), container, strings.Join(f.Aliases, ","))
	}
	return t.WriteText(w)
}
