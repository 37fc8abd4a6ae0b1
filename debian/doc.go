// Package debian is a client for Debian package repositories: it reads apt
// sources (one-line and deb822), fetches and verifies signed InRelease files
// and the Packages indices they list, resolves package dependencies the way
// apt does for Depends and Pre-Depends, downloads .deb files into a
// content-addressed cache after checking their SHA256, and reads .deb files
// (control stanza, md5sums and data archive) without running anything from
// them.
//
// Everything fetched from a repository is treated as untrusted until a
// checksum or signature vouches for it, and every read from an archive is
// bounded in size.
package debian
