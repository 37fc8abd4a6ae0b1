// Package fsindex builds the squashed filesystem of a container image in one
// streaming pass over its layers: every entry's type, mode, owner, size and
// link target, the layer that added it and the layers that later changed or
// removed it, with whiteouts and opaque directories applied as the OCI image
// spec says. Analyzers say up front which file contents they need (by path or
// by the first bytes, with a size cap); the walker keeps only those bytes.
// Nothing is extracted to disk, and no path can leave the image root. With
// WithCache (package layercache), what a layer yields is stored by its
// diff_id after a verified read, and a layer met again is not read: the
// index is the same either way.
package fsindex
