package layers

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/testutil"
)

func index(t *testing.T, ref string) *fsindex.Index {
	t.Helper()
	img, err := image.Open(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	x, err := fsindex.Build(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestDiveReferenceImage checks the Dive-compatible figures against the
// numbers Dive's own tests assert for the tarball in its repository
// (../shared/testdata/images/SOURCES.md).
func TestDiveReferenceImage(t *testing.T) {
	shared := testutil.SharedDir(t)
	r := Analyze(index(t, filepath.Join(shared, "testdata/images/dive-test-docker-image.tar")))

	if r.Dive.Efficiency != 0.9844212134184309 {
		t.Errorf("efficiency = %v, want 0.9844212134184309 (Dive)", r.Dive.Efficiency)
	}
	if r.Dive.WastedBytes != 32025 {
		t.Errorf("wasted bytes = %d, want 32025 (Dive)", r.Dive.WastedBytes)
	}
	if r.TotalBytes != 1220598 || r.UserBytes != 66237 {
		t.Errorf("sizes = %d / %d, want 1220598 / 66237 (Dive)", r.TotalBytes, r.UserBytes)
	}
	if r.Dive.UserWastedPercent != 0.4834911001404049 {
		t.Errorf("user wasted = %v, want 0.4834911001404049 (Dive)", r.Dive.UserWastedPercent)
	}
	wantIneff := []FileWaste{
		{Path: "/root/example/somefile1.txt", Count: 2, Bytes: 12810, Removed: true},
		{Path: "/root/saved.txt", Count: 2, Bytes: 12810},
		{Path: "/root/example/somefile3.txt", Count: 2, Bytes: 6405, Removed: true},
	}
	if d := cmp.Diff(wantIneff, r.Dive.Inefficiencies); d != "" {
		t.Errorf("inefficiencies (-Dive +harden):\n%s", d)
	}
	// harden's figure: somefile1 twice and somefile2, somefile3 once (all
	// deleted), and the first of the two copies of saved.txt.
	wantReclaim := []FileWaste{
		{Path: "/root/example/somefile1.txt", Count: 2, Bytes: 12810, Removed: true},
		{Path: "/root/example/somefile2.txt", Count: 1, Bytes: 6405, Removed: true},
		{Path: "/root/example/somefile3.txt", Count: 1, Bytes: 6405, Removed: true},
		{Path: "/root/saved.txt", Count: 2, Bytes: 6405},
	}
	if d := cmp.Diff(wantReclaim, r.Reclaimable.Files); d != "" {
		t.Errorf("reclaimable (-want +got):\n%s", d)
	}
	if r.Reclaimable.Bytes != 32025 {
		t.Errorf("reclaimable = %d, want 32025", r.Reclaimable.Bytes)
	}
	if got := r.Layers[3].Wasted; got != 6405 {
		t.Errorf("layer 3 wasted = %d, want 6405 (somefile1 overwritten by chmod)", got)
	}
	if r.Layers[0].Origin != "base" || r.Layers[13].Origin != "own" {
		t.Errorf("origins = %q, %q; want base, own", r.Layers[0].Origin, r.Layers[13].Origin)
	}
}
