package minify

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// VerifyImages checks that candidate (a patched or otherwise rebuilt
// image) answers the probes as original does: both are loaded under
// temporary tags, candidate runs as `harden runtime` would print it, and
// the tags are removed afterwards. originalRef, when set, names the
// original already in the engine.
func VerifyImages(ctx context.Context, r Runner, originalRef string, original, candidate v1.Image, p Probes) (res *VerifyResult, err error) {
	tags := &tempTags{r: r}
	defer func() {
		if cerr := tags.cleanup(ctx); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return verifyLoaded(ctx, r, tags, originalRef, original, candidate, "candidate", VerifySpec{}, p)
}
