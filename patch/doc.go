// Package patch applies a distribution's security updates to an image
// without rebuilding it, without Docker and without a shell in the image:
// Plan picks the Debian packages whose findings the signed repositories fix
// (or named packages, or all upgradable ones) and resolves them with the
// image's packages as installed; Apply downloads them (every checksum
// checked), and appends one layer with their files, whiteouts for the files
// the old versions had and the new ones do not, and the updated dpkg
// database (status and info lists, or status.d for distroless and minified
// images, whose dropped files are never brought back). Maintainer scripts
// are never run; Result.Notes says what they would have done.
package patch
