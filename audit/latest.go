package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/harden-dev/harden/report"
)

// latestTag reports an image referred to by the tag latest, or by no tag
// (which means latest): what it names changes under you (DKL-DI-0006). The
// reference the user gave is checked; without one, the source's tags.
type latestTag struct{ noContent }

func (latestTag) ID() string { return "latest-tag" }

func (c latestTag) Rule() Rule {
	return Rule{Weight: 2, Cap: 2, Rule: report.Rule{ID: c.ID(), Aliases: []string{"DKL-DI-0006"}, Title: "Image tagged latest or not tagged", Severity: report.Low,
		Fix: "Tag images with a version (app:1.4.2) or refer to them by digest"}}
}

func (c latestTag) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	refs := in.Tags
	key := "tags"
	if in.Reference != "" {
		refs, key = []string{in.Reference}, "reference"
	}
	if len(refs) == 0 {
		return nil, skip("the image has no name or tag")
	}
	for _, r := range refs {
		if strings.Contains(r, "@") {
			continue // pinned by digest
		}
		tag, err := name.NewTag(r, name.WeakValidation)
		if err != nil {
			continue
		}
		explicit := strings.HasSuffix(r, ":"+tag.TagStr())
		switch {
		case tag.TagStr() == "latest" && explicit:
			return []report.Finding{c.Rule().finding(fmt.Sprintf("%s uses the tag latest", r), report.Evidence{ConfigKey: key, Value: r})}, nil
		case !explicit:
			return []report.Finding{c.Rule().finding(fmt.Sprintf("%s has no tag, which means latest", r), report.Evidence{ConfigKey: key, Value: r})}, nil
		}
	}
	return nil, nil
}
