package audit_test

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
)

// Index an image with the audit's wants, then run every check.
func ExampleRun() {
	ctx := context.Background()
	img := empty.Image // no layers, no USER, no HEALTHCHECK
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(audit.Wants()...))
	if err != nil {
		panic(err)
	}
	res, err := audit.Run(ctx, x)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Summary.Score, res.Summary.Grade)
	for _, f := range res.Findings {
		fmt.Println(f.Severity, f.ID)
	}
	// Output:
	// 83 B
	// high runs-as-root
	// info no-healthcheck
}
