package fsindex_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// A file larger than the parser's reusable buffer reaches Parse whole
// (through the mapped temporary file), next to small ones and to a large
// file whose bytes are kept.
func TestLargeFilesReachParseWhole(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5<<20/16) + "end"
	big2 := "x" + big
	img := tu.Image(t, nil, []tu.File{tu.Reg("big", big), tu.Reg("small", "s"), tu.Reg("big2", big2), tu.Reg("kept/big", big)})
	digest := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	sum := fsindex.NewKey("sum", 64<<20, fsindex.MatchPath(func(p string) bool { return !strings.HasPrefix(p, "/kept/") }),
		func(_ string, data []byte) (string, error) {
			h := sha256.Sum256(data)
			return hex.EncodeToString(h[:]), nil
		})
	keep := fsindex.Want{Name: "keep", MaxSize: 64 << 20, Match: fsindex.MatchPath(func(p string) bool { return strings.HasPrefix(p, "/kept/") })}
	x := build(t, img, fsindex.WithWants(sum.Want(), keep))
	for p, want := range map[string]string{"/big": big, "/small": "s", "/big2": big2} {
		if got, ok := fsindex.Get(x, sum, p); !ok || got != digest(want) {
			t.Errorf("%s: parse saw %s (%v), want the digest of its %d bytes", p, got, ok, len(want))
		}
	}
	if got, ok := x.Content("/kept/big"); !ok || string(got) != big {
		t.Errorf("/kept/big: kept %d bytes (%v), want %d", len(got), ok, len(big))
	}
}
