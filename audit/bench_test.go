package audit

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// BenchmarkAudit measures the audit on the largest fixture available
// (harden-fixture/big when it was built, else the node:18 fixture), saved
// with docker save: "index" is fsindex.Build alone, the floor every
// analyzer pays; "audit" is Build with the audit's wants plus Run. The
// audit sub-benchmark reports the ratio of the two as audit/index.
//
//	go test ./audit -run '^$' -bench BenchmarkAudit -benchtime 3x
func BenchmarkAudit(b *testing.B) {
	docker := tu.RequireDocker(b)
	ref := tu.BigImage
	if exec.Command(docker, "image", "inspect", ref).Run() != nil {
		ref = tu.Node18Image
		tu.RequireImage(b, ref)
	}
	tarPath := filepath.Join(b.TempDir(), "image.tar")
	if out, err := exec.Command(docker, "save", "-o", tarPath, ref).CombinedOutput(); err != nil {
		b.Fatalf("docker save %s: %v\n%s", ref, err, out)
	}
	ctx := context.Background()
	img, err := image.Open(ctx, "docker-archive:"+tarPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { img.Close() })
	// go-containerregistry computes the manifest of an uncompressed archive
	// by compressing every layer once; do it before timing anything.
	if _, err := img.Manifest(); err != nil {
		b.Fatal(err)
	}
	b.Logf("image %s", ref)
	var indexNs float64
	b.Run("index", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := fsindex.Build(ctx, img); err != nil {
				b.Fatal(err)
			}
		}
		indexNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("audit", func(b *testing.B) {
		wants := Wants()
		for i := 0; i < b.N; i++ {
			x, err := fsindex.Build(ctx, img, fsindex.WithWants(wants...))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Run(ctx, x, WithReference(ref)); err != nil {
				b.Fatal(err)
			}
		}
		if indexNs > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/indexNs, "audit/index")
		}
	})
}
