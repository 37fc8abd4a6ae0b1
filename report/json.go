package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes v as indented JSON followed by a newline. Every harden
// command's --format json goes through here so the output looks the same.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
