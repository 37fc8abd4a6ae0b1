package attach

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

// Listing is the JSON shape of the results attached to an image.
type Listing struct {
	Image   string     `json:"image"`
	Results []Attached `json:"results"`
}

// WriteList writes the results attached to image (List's answer): with
// format json the Listing, else a table, newest first, with "-" for what
// another tool attached.
func WriteList(w io.Writer, format, image string, list []Attached) error {
	if format == "json" {
		return report.WriteJSON(w, Listing{Image: image, Results: list})
	}
	fmt.Fprintf(w, "%s\n\n", image)
	if len(list) == 0 {
		fmt.Fprintln(w, "No results attached.")
		return nil
	}
	t := report.NewTable("CREATED", "TYPE", "FORMAT", "HARDEN", "DIGEST")
	for _, a := range list {
		created, kind := "-", report.Or(string(a.Kind), "-")
		if !a.Created.IsZero() {
			created = a.Created.Format(time.RFC3339)
		}
		t.Add(created, kind, report.Or(a.Format, a.MediaType), strings.TrimSpace(a.Version), a.Digest)
	}
	return t.WriteText(w)
}
