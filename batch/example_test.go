package batch_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/harden-dev/harden/batch"
)

// A command over several images: expand the inputs, run one function per
// image, write JSON Lines as each finishes, and pick the exit status from
// the summary.
func ExampleRun() {
	refs, err := batch.Expand(context.Background(), []string{"app:1", "app:2", "app:1", "gone:1"},
		batch.WithImagesFrom("-"), batch.WithStdin(strings.NewReader("# nightly\napp:3\n")))
	if err != nil {
		fmt.Println(err)
		return
	}
	audit := func(ctx context.Context, ref string) (batch.Result, error) {
		if ref == "gone:1" {
			return batch.Result{}, errors.New("gone:1: not found")
		}
		return batch.Result{Digest: "sha256:" + strings.Repeat("0", 64), Value: map[string]int{"findings": len(ref)}}, nil
	}
	sum, err := batch.Run(context.Background(), refs, 1, audit, batch.NewJSONL(os.Stdout))
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%d ok, %d failed: %s\n", sum.OK, sum.Failed, sum.Worst())
	// Output:
	// {"ref":"app:1","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","status":"ok","result":{"findings":5}}
	// {"ref":"app:2","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","status":"ok","result":{"findings":5}}
	// {"ref":"gone:1","status":"error","error":"gone:1: not found"}
	// {"ref":"app:3","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","status":"ok","result":{"findings":5}}
	// 3 ok, 1 failed: error
}
