// Package examples embeds the seed's reference app (node-app), so
// `harden demo` can build it on a machine without the repository.
package examples

import "embed"

// NodeApp holds node-app/: Dockerfile, index.js, package.json and its lock.
//
//go:embed node-app
var NodeApp embed.FS
