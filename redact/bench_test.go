package redact

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkString is one history line without a secret, the common case.
func BenchmarkString(b *testing.B) {
	s := `RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl; rm -rf /var/lib/apt/lists/* # buildkit`
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		String(s)
	}
}

// BenchmarkWriter is a files --format json listing of 20,000 entries
// going through the stream redactor.
func BenchmarkWriter(b *testing.B) {
	var doc bytes.Buffer
	doc.WriteString("[\n")
	for i := range 20000 {
		fmt.Fprintf(&doc, "  {\n    \"path\": \"/usr/lib/node_modules/npm/node_modules/pkg%d/lib/index.js\",\n    \"type\": \"file\",\n    \"mode\": \"-rw-r--r--\",\n    \"size\": %d,\n    \"layer\": 3\n  },\n", i, i*37)
	}
	doc.WriteString("]\n")
	b.SetBytes(int64(doc.Len()))
	for b.Loop() {
		w := NewWriter(&bytes.Buffer{})
		_, _ = w.Write(doc.Bytes())
		_ = w.Flush()
	}
}
