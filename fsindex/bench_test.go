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
// The noverify case shows what checking each layer's diff_id costs: on one
// big layer the hash cannot run in parallel with other layers.
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
	for _, c := range []struct {
		name string
		opts []fsindex.Option
	}{{"verify", nil}, {"noverify", []fsindex.Option{fsindex.WithoutVerify()}}} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				x, err := fsindex.Build(context.Background(), img, c.opts...)
				if err != nil {
					b.Fatal(err)
				}
				n = x.Len()
			}
			b.ReportMetric(float64(n), "entries")
		})
	}
}
