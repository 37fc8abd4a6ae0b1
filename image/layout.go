package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// refNameAnnotation is the OCI annotation that tags a manifest in a layout.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// openLayout opens oci:DIR[:TAG].
func (o *options) openLayout(ref Reference) (*Image, error) {
	st, err := os.Stat(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, pathError(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory (for a tar of a layout use oci-archive:%s)", ref, ref.Path)
	}
	if _, err := os.Stat(filepath.Join(ref.Path, "oci-layout")); err != nil {
		return nil, fmt.Errorf("%s: not an OCI image layout: no oci-layout file", ref)
	}
	img := &Image{Ref: ref}
	if err := o.fromLayout(img, ref.Path, ref.Name); err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	img.Source = "OCI layout " + ref.Path
	return img, nil
}

// candidate is one image manifest found in a layout's index tree.
type candidate struct {
	desc  v1.Descriptor
	img   v1.Image
	plat  v1.Platform
	names []string
}

// fromLayout picks one image from the layout at dir: by tag when given,
// then by platform when several remain.
func (o *options) fromLayout(img *Image, dir, tag string) error {
	p, err := layout.FromPath(dir)
	if err != nil {
		return fmt.Errorf("reading OCI layout: %w", err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return fmt.Errorf("reading index.json: %w", err)
	}
	var cands []candidate
	if err := collect(idx, nil, &cands, 0); err != nil {
		return err
	}
	if len(cands) == 0 {
		return errors.New("index.json lists no image manifests")
	}
	if tag != "" {
		var tagged []candidate
		for _, c := range cands {
			for _, n := range c.names {
				if n == tag || strings.HasSuffix(n, ":"+tag) {
					tagged = append(tagged, c)
					break
				}
			}
		}
		if len(tagged) == 0 {
			return fmt.Errorf("no image tagged %q in the layout (tags: %s)", tag, tagList(cands))
		}
		cands = tagged
	}
	chosen, err := o.pickPlatform(cands)
	if err != nil {
		return err
	}
	ls, err := chosen.img.Layers()
	if err != nil {
		return fmt.Errorf("reading layers: %w", err)
	}
	img.Image = chosen.img
	img.layers = wrapCompressed(ls)
	img.Tags = chosen.names
	return nil
}

// collect walks an index (and nested indexes) for image manifests. names
// carries the ref-name annotations of the enclosing descriptors.
func collect(idx v1.ImageIndex, names []string, out *[]candidate, depth int) error {
	if depth > 8 {
		return errors.New("index nesting deeper than 8 levels")
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return fmt.Errorf("reading index manifest: %w", err)
	}
	for _, d := range m.Manifests {
		ns := names
		if n := d.Annotations[refNameAnnotation]; n != "" {
			ns = append(append([]string{}, names...), n)
		}
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return fmt.Errorf("reading nested index %s: %w", d.Digest, err)
			}
			if err := collect(child, ns, out, depth+1); err != nil {
				return err
			}
		case d.MediaType.IsImage():
			im, err := idx.Image(d.Digest)
			if err != nil {
				return fmt.Errorf("reading manifest %s: %w", d.Digest, err)
			}
			c := candidate{desc: d, img: im, names: ns}
			if d.Platform != nil {
				c.plat = *d.Platform
			} else if cf, err := im.ConfigFile(); err == nil {
				c.plat = v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
			}
			if isAttestation(d) {
				continue
			}
			*out = append(*out, c)
		}
	}
	return nil
}

// isAttestation skips BuildKit's attestation manifests ("unknown/unknown").
func isAttestation(d v1.Descriptor) bool {
	return d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" ||
		(d.Platform != nil && d.Platform.OS == "unknown")
}

// pickPlatform returns the only candidate, or the one for o.platform.
func (o *options) pickPlatform(cands []candidate) (candidate, error) {
	if len(cands) == 1 {
		c := cands[0]
		if o.platformOK && c.plat.OS != "" && !platformMatches(c.plat, o.platform) {
			return candidate{}, fmt.Errorf("the only image is for %s, not %s", c.plat.String(), o.platform.String())
		}
		return c, nil
	}
	var match []candidate
	for _, c := range cands {
		if platformMatches(c.plat, o.platform) {
			match = append(match, c)
		}
	}
	switch {
	case len(match) == 1:
		return match[0], nil
	case len(match) > 1:
		return candidate{}, fmt.Errorf("%d images for %s in the layout (tags: %s); name one with oci:DIR:TAG", len(match), o.platform.String(), tagList(match))
	}
	var have []string
	for _, c := range cands {
		have = append(have, c.plat.String())
	}
	return candidate{}, fmt.Errorf("no image for platform %s; the index has %s (choose with --platform)", o.platform.String(), strings.Join(have, ", "))
}

func platformMatches(have, want v1.Platform) bool {
	if have.OS != want.OS || have.Architecture != want.Architecture {
		return false
	}
	return want.Variant == "" || have.Variant == want.Variant
}

func tagList(cands []candidate) string {
	var all []string
	for _, c := range cands {
		all = append(all, c.names...)
	}
	if len(all) == 0 {
		return "none"
	}
	return strings.Join(all, ", ")
}
