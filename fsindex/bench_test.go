package fsindex_test

import (
	"context"
	"os"
	"testing"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
)

// BenchmarkBuild indexes the image named by HARDEN_BENCH_IMAGE (make bench
// sets it to a docker save of the ~1 GB fixture); it is skipped otherwise.
func BenchmarkBuild(b *testing.B) {
	ref := os.Getenv("HARDEN_BENCH_IMAGE")
	if ref == "" {
		b.Skip("HARDEN_BENCH_IMAGE is not set")
	}
	img, err := image.Open(context.Background(), ref)
	if err != nil {
		b.Fatal(err)
	}
	defer img.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := fsindex.Build(context.Background(), img)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(x.Len()), "entries")
	}
}
