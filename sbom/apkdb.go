package sbom

import "github.com/harden-dev/harden/facts"

// Hand-written: scalibr's apk extractor does not keep the files a package
// owns. harden reads them from the installed database (parsed by the facts
// package) to tell which layer installed each package.

// apkOwnedFiles maps each package name of an apk installed database to the
// first file it owns (absolute path), and each owned file to its package.
func apkOwnedFiles(db []facts.ApkPackage) (first, owner map[string]string) {
	first, owner = map[string]string{}, map[string]string{}
	for _, pkg := range db {
		for _, p := range pkg.Files {
			if first[pkg.Name] == "" {
				first[pkg.Name] = p
			}
			owner[p] = pkg.Name
		}
	}
	return first, owner
}
