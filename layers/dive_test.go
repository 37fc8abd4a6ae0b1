package layers

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// TestDiveSynthetic checks the Dive figures on images made for one rule of
// Dive's algorithm each (dive/filetree: Efficiency, Stack, AddPath). The
// expected numbers are worked out by hand from that algorithm; the comment
// of each case shows the sums.
func TestDiveSynthetic(t *testing.T) {
	body := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name       string
		layers     [][]tu.File
		efficiency float64
		wasted     int64
		userWasted float64
		ineff      []FileWaste
	}{
		{
			// L1 removes a/ (x 100 + sub/y 50 = 150); L2 makes a a 5-byte
			// file. Paths: a/sub/y 50, a/x 100, keep 10, a 150+5 (min 5).
			// 165/315; wasted 155 over user bytes 5.
			name: "removed directory counts its whole subtree",
			layers: [][]tu.File{
				{tu.Dir("a/"), tu.Reg("a/x", body(100)), tu.Dir("a/sub/"), tu.Reg("a/sub/y", body(50)), tu.Reg("keep", body(10))},
				{tu.Whiteout("", "a")},
				{tu.Reg("a", body(5))},
			},
			efficiency: 165.0 / 315, wasted: 155, userWasted: 155.0 / 5,
			ineff: []FileWaste{{Path: "/a", Count: 2, Bytes: 155}},
		},
		{
			// L1 adds a/y without an entry for a/: grafting L1 gives a the
			// metadata of an implied parent (not a directory), so L2's
			// whiteout of a counts 0. a: 0 + 5 (min 0).
			// (100+20+0)/(100+20+5); wasted 5 over user bytes 25.
			name: "a directory a layer only implies is no longer a directory",
			layers: [][]tu.File{
				{tu.Dir("a/"), tu.Reg("a/x", body(100))},
				{tu.Reg("a/y", body(20))},
				{tu.Whiteout("", "a")},
				{tu.Reg("a", body(5))},
			},
			efficiency: 120.0 / 125, wasted: 5, userWasted: 5.0 / 25,
			ineff: []FileWaste{{Path: "/a", Count: 2, Bytes: 5}},
		},
		{
			// Dive ignores opaque markers: after L1 the stack still has
			// d/old, so L2's whiteout of d counts old 40 + new 8.
			// d: 48 + 3 (min 3). (40+8+3)/(40+8+51); wasted 51 over 11.
			name: "opaque marker with its directory entry is ignored",
			layers: [][]tu.File{
				{tu.Dir("d/"), tu.Reg("d/old", body(40))},
				{tu.Dir("d/"), tu.Opaque("d"), tu.Reg("d/new", body(8))},
				{tu.Whiteout("", "d")},
				{tu.Reg("d", body(3))},
			},
			efficiency: 51.0 / 99, wasted: 51, userWasted: 51.0 / 11,
			ineff: []FileWaste{{Path: "/d", Count: 2, Bytes: 51}},
		},
		{
			// Without a d/ entry the marker only implies d, which is then
			// no directory: the whiteout counts 0. d: 0 + 3 (min 0).
			// (40+8+0)/(40+8+3); wasted 3 over 11.
			name: "opaque marker without its directory entry",
			layers: [][]tu.File{
				{tu.Dir("d/"), tu.Reg("d/old", body(40))},
				{tu.Opaque("d"), tu.Reg("d/new", body(8))},
				{tu.Whiteout("", "d")},
				{tu.Reg("d", body(3))},
			},
			efficiency: 48.0 / 51, wasted: 3, userWasted: 3.0 / 11,
			ineff: []FileWaste{{Path: "/d", Count: 2, Bytes: 3}},
		},
		{
			// A marker alone is a leaf of its layer's tree: e is seen in
			// L1 (size 0) and in L2's whiteout (0, e is no directory any
			// more), so Dive lists e, with 0 bytes. e/f 30: 30/30.
			name: "opaque marker alone makes its directory a leaf",
			layers: [][]tu.File{
				{tu.Dir("e/"), tu.Reg("e/f", body(30))},
				{tu.Opaque("e")},
				{tu.Whiteout("", "e")},
			},
			efficiency: 1, wasted: 0, userWasted: 0,
			ineff: []FileWaste{{Path: "/e", Count: 2, Bytes: 0, Removed: true}},
		},
		{
			// The later of two entries for f in one tar wins: f 25, then 5.
			// 5/30; wasted 30 over user bytes 5.
			name: "duplicate tar entries: the later wins",
			layers: [][]tu.File{
				{tu.Reg("f", body(10)), tu.Reg("f", body(25))},
				{tu.Reg("f", body(5))},
			},
			efficiency: 5.0 / 30, wasted: 30, userWasted: 30.0 / 5,
			ineff: []FileWaste{{Path: "/f", Count: 2, Bytes: 30}},
		},
		{
			// L1's whiteout of zz (never there) is its first leaf in name
			// order (".wh.zz" < "b"): Dive's visit of L1 fails there, so b
			// and c of L1 are not counted. a 10, b 4: 14/14.
			name: "whiteout of a missing path ends the layer's visit",
			layers: [][]tu.File{
				{tu.Reg("a", body(10))},
				{tu.Whiteout("", "zz"), tu.Reg("b", body(20)), tu.Reg("c", body(30))},
				{tu.Reg("b", body(4))},
			},
			efficiency: 1, wasted: 0, userWasted: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := tu.Image(t, nil, tt.layers...)
			x, err := fsindex.Build(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			m := Analyze(x).Dive
			if m.Efficiency != tt.efficiency || m.WastedBytes != tt.wasted || m.UserWastedPercent != tt.userWasted {
				t.Errorf("efficiency %v, wasted %d, user wasted %v; Dive: %v, %d, %v",
					m.Efficiency, m.WastedBytes, m.UserWastedPercent, tt.efficiency, tt.wasted, tt.userWasted)
			}
			if d := cmp.Diff(tt.ineff, m.Inefficiencies); d != "" {
				t.Errorf("inefficiencies (-Dive +harden):\n%s", d)
			}
		})
	}
}

// TestDiveSyntheticTotals: Dive's layer size adds every entry of the tar,
// a duplicate included, so the image and user bytes do too.
func TestDiveSyntheticTotals(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{tu.Reg("f", "0123456789"), tu.Reg("f", strings.Repeat("y", 25))}, []tu.File{tu.Reg("f", "12345")})
	x, err := fsindex.Build(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if r := Analyze(x); r.TotalBytes != 40 || r.UserBytes != 5 {
		t.Errorf("total %d, user %d; Dive: 40, 5", r.TotalBytes, r.UserBytes)
	}
}
