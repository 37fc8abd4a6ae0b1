// Package audit measures the attack surface of a container image in one
// pass over its filesystem index: shells, package managers and tools an
// attacker could use, setuid and world-writable files, root and account
// problems, secrets in the config, history and files, configuration and
// build-history checks (every Dockle checkpoint), ELF hardening and stale
// package metadata. Each finding names the layer, the history instruction
// and whether the layer is the base image's or the user's own. A summary
// scores the image from 0 to 100 and grades it A–F.
//
// Build the index with fsindex.WithWants(audit.Wants(opts...)...), then
// call Run with the same options. Each check is a small type in its own
// file, listed in All.
package audit
