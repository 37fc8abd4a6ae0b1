package minify

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/runconfig"
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
	orig, err := tags.ref(ctx, originalRef, original, "original")
	if err != nil {
		return nil, err
	}
	cand, err := tags.load(ctx, candidate, "candidate")
	if err != nil {
		return nil, err
	}
	settings, err := runconfig.ForImage(ctx, cand, candidate)
	if err != nil {
		return nil, fmt.Errorf("working out how to run the image: %w", err)
	}
	return Verify(ctx, r, VerifySpec{Original: orig, Minified: cand, Hardened: settings}, p)
}
