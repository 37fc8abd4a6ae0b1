package facts

import (
	"bytes"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/fsindex"
)

// maxELFSize bounds the ELF files parsed (libnode, libjvm and the like are
// tens of megabytes; nothing sane is larger).
const maxELFSize = 512 << 20

func isELF(c *fsindex.Candidate) bool { return elfinfo.IsELF(c.Head) }

// ELF is the elfinfo summary of every ELF file: type, interpreter,
// DT_NEEDED, RPATH/RUNPATH, hardening flags.
var ELF = fsindex.NewKey("facts/elf", maxELFSize, isELF, func(_ string, data []byte) (*elfinfo.Info, error) {
	return elfinfo.Parse(data)
})

// ELFText is what an ELF file's bytes say beyond its headers: the library
// names in its strings (what it may dlopen) and whether it names
// iconv_open (glibc then loads gconv modules).
type ELFText struct {
	LibraryNames []string
	NamesIconv   bool
}

// ELFStrings is the ELFText of every ELF file. It is a key of its own, so
// that analyzers that need only ELF (audit's hardening check) do not scan
// every file's bytes for strings; the walk reads each file once for both.
var ELFStrings = fsindex.NewKey("facts/elf-strings", maxELFSize, isELF, func(_ string, data []byte) (ELFText, error) {
	return ELFText{
		LibraryNames: elfinfo.LibraryNames(data),
		NamesIconv:   bytes.Contains(data, []byte("\x00iconv_open\x00")),
	}, nil
})
