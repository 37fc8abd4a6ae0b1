// Package capbuf is a bytes.Buffer that keeps the first bytes written and
// drops the rest, for output of untrusted programs (containers, scripts).
package capbuf

import "bytes"

// Writer keeps the first Max bytes written to B and drops the rest,
// reporting every write as whole so the writer never blocks or fails.
type Writer struct {
	B   *bytes.Buffer
	Max int
}

// Write appends what still fits.
func (l *Writer) Write(p []byte) (int, error) {
	if room := l.Max - l.B.Len(); room > 0 {
		if len(p) > room {
			l.B.Write(p[:room])
		} else {
			l.B.Write(p)
		}
	}
	return len(p), nil
}
