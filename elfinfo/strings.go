package elfinfo

import (
	"bytes"
	"regexp"
)

// libraryName is a shared library file name as programs pass it to
// dlopen: libvips-cpp.so.42, libgcc_s.so.1, libssl.so.
var libraryName = regexp.MustCompile(`^lib[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*\.so(\.[0-9]+)*$`)

// maxLibraryNames bounds what LibraryNames returns for one file; maxName
// the length of a name (PATH_MAX).
const (
	maxLibraryNames = 256
	maxName         = 4096
)

// LibraryNames returns the NUL-terminated strings in data that name a
// shared library file (lib*.so*), in the order they appear, without
// duplicates: the names a program may dlopen. An absolute path is
// returned whole; a relative one by its base name.
func LibraryNames(data []byte) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; len(out) < maxLibraryNames; {
		j := bytes.Index(data[i:], []byte(".so"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 3
		// Both scans are bounded, and the next search starts past this
		// run: a file of ".so.so.so…" costs linear time.
		start := at
		for start > 0 && at-start < maxName && pathByte(data[start-1]) {
			start--
		}
		end := at + 3
		for end < len(data) && end-at < maxName && pathByte(data[end]) {
			end++
		}
		i = end
		if end >= len(data) || data[end] != 0 || (start > 0 && pathByte(data[start-1])) {
			continue
		}
		s := string(data[start:end])
		base := s
		if k := bytes.LastIndexByte(data[start:end], '/'); k >= 0 {
			base = s[k+1:]
			if s[0] != '/' {
				s = base
			}
		}
		if !libraryName.MatchString(base) || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

func pathByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		b == '_' || b == '+' || b == '-' || b == '.' || b == '/'
}
