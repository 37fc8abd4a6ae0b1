// Package layers accounts for an image layer by layer, as Dive does: the
// bytes each layer adds, modifies and removes, the bytes wasted on files
// written more than once or deleted later, and Dive's efficiency score —
// computed exactly as Dive computes them, so .dive-ci thresholds keep their
// meaning — next to harden's corrected figure of bytes a rebuild could drop.
package layers
