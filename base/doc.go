// Package base builds distroless base images from Debian packages, without
// a package manager or a container engine: it resolves a preset's packages
// (see presets.yaml) into a lock file, downloads and checks the .debs
// through package debian, and assembles their data archives, with dpkg
// status files, passwd/group and the CA bundle, into one reproducible image
// layer. No maintainer script runs.
package base
