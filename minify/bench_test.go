package minify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// BenchmarkMinify times index + plan + build of the reference Node app (and
// the big image when it is there), and reports the output's file bytes
// beside the floor: the bytes of the files the app really opens, measured
// once with Trace (strace on the host). Run with
//
//	go test ./minify -run XXX -bench Minify -benchtime 3x
func BenchmarkMinify(b *testing.B) {
	tu.RequireDocker(b)
	cases := []struct {
		name, ref string
		probe     func(port int) minify.Probes
	}{
		{"node-app", tu.AppImage, func(port int) minify.Probes {
			return minify.Probes{Wait: time.Minute, Env: []string{fmt.Sprintf("PORT=%d", port)},
				HTTP: []minify.HTTPProbe{{Port: port, Path: "/healthz"}, {Port: port, Path: "/"}}}
		}},
		{"big", tu.BigImage, func(int) minify.Probes { return minify.Probes{Cmd: [][]string{{"node", "-e", "1"}}} }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if !engine.New().HasImage(context.Background(), c.ref) {
				b.Skipf("%s is not built (scripts/fixtures.sh)", c.ref)
			}
			ctx := context.Background()
			img, err := image.Open(ctx, "docker-daemon:"+c.ref)
			if err != nil {
				b.Fatal(err)
			}
			defer img.Close()
			var x *fsindex.Index
			var sel *minify.Selection
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				x, err = fsindex.Build(ctx, img, fsindex.WithWants(minify.Wants()...))
				if err != nil {
					b.Fatal(err)
				}
				if sel, err = minify.Plan(ctx, x); err != nil {
					b.Fatal(err)
				}
				if _, err := minify.Build(ctx, img, x, sel, minify.WithWorkDir(b.TempDir())); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var kept int64
			for _, it := range sel.Items() {
				if it.Type == fsindex.TypeRegular {
					kept += it.Size
				}
			}
			b.ReportMetric(float64(kept)/1e6, "MB-kept")
			before := minify.Summarize(x)
			b.ReportMetric(float64(before.Size)/1e6, "MB-input")
			helper := staticHarden(b)
			port := tu.FreePort(b)
			paths, err := minify.Trace(ctx, engine.New(), minify.TraceSpec{Image: c.ref, Argv: sel.Program.Argv,
				WorkingDir: sel.Program.WorkingDir, Helper: helper}, c.probe(port))
			if err != nil {
				b.Fatalf("trace: %v", err)
			}
			files, floor := minify.OpenedSize(x, paths)
			b.ReportMetric(float64(floor)/1e6, "MB-floor")
			b.ReportMetric(float64(kept)/float64(floor), "x-floor")
			b.Logf("%s: kept %d files, %.1f MB; the app opened %d files, %.1f MB (floor); %.2fx the floor",
				c.ref, sel.Len(), float64(kept)/1e6, files, float64(floor)/1e6, float64(kept)/float64(floor))
		})
	}
}
