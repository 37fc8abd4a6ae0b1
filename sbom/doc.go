// Package sbom lists the packages inside an image (OS packages from dpkg,
// apk and rpm; npm, Python, Go and Java packages; the OS itself) from
// harden's one-pass filesystem index, and encodes the list as CycloneDX 1.6,
// SPDX 2.3, JSON or a table.
//
// The package extractors are osv-scalibr's: their FileRequired decides, as
// a fsindex.Want, which files the walk keeps, and their Extract runs on the
// kept bytes with an fs.FS view of the index, so no extractor reads the image
// again. What scalibr lacks (licenses of Debian and npm packages, the files
// and layer that installed a dpkg or apk package) is written here; see
// docs/sbom.md.
package sbom
