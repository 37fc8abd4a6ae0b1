package facts

import (
	"bytes"

	"github.com/harden-dev/harden/fsindex"
)

// maxShebangLine is how much of a script's first line is kept: the 256
// bytes after "#!" that the kernel reads, and then some.
const maxShebangLine = 258

// Shebang is the first line of every file that starts with "#!" (executable
// or not), "#!" included, at most 258 bytes, without the newline. It is read
// from the head of the file: no script body is read for it.
var Shebang = fsindex.NewHeadKey("facts/shebang",
	func(c *fsindex.Candidate) bool { return bytes.HasPrefix(c.Head, []byte("#!")) },
	func(_ string, data []byte) (string, error) {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[:i]
		}
		return string(data[:min(len(data), maxShebangLine)]), nil
	})
