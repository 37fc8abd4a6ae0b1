package pin_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/pin"
)

// TestPinAgainstRegistry pins against Debian's docker-registry on
// 127.0.0.1 filled with skopeo (a fixture image) and go-containerregistry
// (a two-platform index): a tag that moves between two runs is drift for
// --check and moves with --update; the index is pinned by its own digest.
func TestPinAgainstRegistry(t *testing.T) {
	testutil.RequireImage(t, testutil.DebianImage)
	reg := testutil.StartRegistry(t)
	ctx := context.Background()
	testutil.Skopeo(t, "docker-daemon:"+testutil.DebianImage, "docker://"+reg+"/base:1")

	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: randomImage(t), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: randomImage(t), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	multiRef, _ := name.ParseReference(reg+"/multi:2", name.Insecure)
	if err := remote.WriteIndex(multiRef, idx); err != nil {
		t.Fatal(err)
	}
	idxDigest, _ := idx.Digest()

	res := pin.ResolverFunc(func(ctx context.Context, ref string) (string, error) {
		return image.Digest(ctx, ref, image.WithInsecure(true))
	})
	src := "FROM " + reg + "/base:1 AS build\nFROM " + reg + "/multi:2\nCOPY --from=build /etc/os-release /\n"
	run := func(src string, mode pin.Mode) *pin.Result {
		t.Helper()
		f, err := dockerfile.ParseBytes("Dockerfile", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		r, err := pin.Run(ctx, f, res, mode)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := run(src, pin.Pin)
	baseDigest := r.Refs[0].New
	if r.Refs[1].New != idxDigest.String() {
		t.Errorf("the index is pinned to %s, want its own digest %s", r.Refs[1].New, idxDigest)
	}
	pinned := string(r.Source)
	if !strings.Contains(pinned, reg+"/base:1@"+baseDigest+" AS build") {
		t.Fatalf("pinned file:\n%s", pinned)
	}
	if c := run(pinned, pin.Check); c.Problems() != 0 {
		t.Fatalf("a fresh pin fails --check: %+v", c.Refs)
	}

	// the tag moves: another image is pushed to base:1
	baseRef, _ := name.ParseReference(reg+"/base:1", name.Insecure)
	moved := randomImage(t)
	if err := remote.Write(baseRef, moved); err != nil {
		t.Fatal(err)
	}
	movedDigest, _ := moved.Digest()
	c := run(pinned, pin.Check)
	if c.Refs[0].Status != pin.StatusDrift || c.Refs[0].New != movedDigest.String() || c.Problems() != 1 {
		t.Fatalf("after the tag moved, --check says %+v", c.Refs[0])
	}
	u := run(pinned, pin.Update)
	if !bytes.Contains(u.Source, []byte("base:1@"+movedDigest.String())) || u.Refs[1].Status != pin.StatusCurrent {
		t.Fatalf("--update:\n%s\n%+v", u.Source, u.Refs)
	}
	// the CLI path writes atomically and keeps the mode
	p := filepath.Join(t.TempDir(), "Dockerfile")
	os.WriteFile(p, u.Source, 0o640)
}

func randomImage(t *testing.T) v1.Image {
	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
