package minify_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/minify"
)

// Minify an image whose command is a shared-library-free ELF program next
// to a shell and a tool: Plan keeps the program and the essentials, and
// says why the rest is dropped.
func Example() {
	prog, _ := os.ReadFile("testdata/elf/libb.so.1") // an ELF without loader or libraries
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		body []byte
	}{{"usr/bin/server", prog}, {"usr/bin/bash", prog}, {"usr/bin/curl", prog}} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body)), Typeflag: tar.TypeReg})
		tw.Write(f.body)
	}
	tw.Close()
	layer, _ := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
	img, _ := mutate.AppendLayers(empty.Image, layer)
	img, _ = mutate.Config(img, v1.Config{Cmd: []string{"server"}, Env: []string{"PATH=/usr/bin"}})

	ctx := context.Background()
	x, _ := fsindex.Build(ctx, img, fsindex.WithWants(minify.Wants()...))
	sel, err := minify.Plan(ctx, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("profiles:", sel.Profiles, "user:", sel.Config.User)
	for _, p := range []string{"/usr/bin/server", "/usr/bin/bash", "/usr/bin/curl"} {
		ex := sel.Explain(p)
		if ex.Kept {
			fmt.Printf("%s: kept (%s)\n", p, ex.Reasons[0].Rule)
		} else {
			fmt.Printf("%s: %s\n", p, ex.Dropped)
		}
	}
	out, _ := minify.Build(ctx, img, x, sel)
	layers, _ := out.Layers()
	fmt.Println("layers:", len(layers))
	// Output:
	// profiles: [] user: 65532:65532
	// /usr/bin/server: kept (entrypoint)
	// /usr/bin/bash: a shell; harden never keeps one unless --include names it
	// /usr/bin/curl: a tool; harden never keeps one unless --include names it
	// layers: 1
}
