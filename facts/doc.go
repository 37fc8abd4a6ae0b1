// Package facts defines the standard facts analyzers read from an image:
// typed fsindex keys for the dpkg database (status, status.d, file lists),
// the apk installed database, the account files, ELF summaries and
// shebang lines. Each fact is parsed once, in fsindex's one pass over the
// layers, by the one function here; audit, sbom, minify, compare and patch
// read it with fsindex.Get and fsindex.All.
//
// Parsed values are plain data (exported fields only), so a cache can
// encode them.
package facts

import "github.com/harden-dev/harden/fsindex"

// Wants returns the wants of every standard key.
func Wants() []fsindex.Want {
	return []fsindex.Want{
		DpkgStatus.Want(), DpkgFiles.Want(), ApkInstalled.Want(),
		Users.Want(), Groups.Want(), Shadow.Want(),
		ELF.Want(), ELFStrings.Want(), Shebang.Want(),
	}
}
