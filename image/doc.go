// Package image opens container images from every place users keep them —
// the Docker (or Podman) engine, `docker save` archives, OCI layouts and
// archives, registries, unpacked root filesystems — and writes images back
// to the same places. It wraps go-containerregistry; everything above it sees
// a v1.Image.
package image
