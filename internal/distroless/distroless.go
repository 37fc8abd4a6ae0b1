// Package distroless holds the facts of Google's distroless images that
// harden's image builders share: the nonroot user and the name service
// switch a libc image needs.
package distroless

// NonrootUID is the uid and gid of distroless's "nonroot" user.
const NonrootUID = 65532

// NonrootUser is NonrootUID as a docker --user value.
const NonrootUser = "65532:65532"

// Nsswitch is /etc/nsswitch.conf for an image with no name services but
// files and DNS (base-files installs one from a maintainer script, which a
// distroless build never runs).
const Nsswitch = `passwd:         files
group:          files
shadow:         files
hosts:          files dns
networks:       files
protocols:      files
services:       files
ethers:         files
rpc:            files
`
