package fsindex_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// Parses run on other goroutines while the layer is read; their values and
// failures still land on the right files, and Skipped lists files in tar
// order (a size skip before a parse failure of the same file).
func TestParsesOffTheReadKeepTheOrder(t *testing.T) {
	var files []tu.File
	var wantSkipped []fsindex.Skipped
	for i := 0; i < 300; i++ {
		name := fmt.Sprintf("f%03d", i)
		body := strings.Repeat("x", i%7+1)
		if i%5 == 0 {
			body = strings.Repeat("y", 20)
			wantSkipped = append(wantSkipped, fsindex.Skipped{Path: "/" + name, Want: "small", Size: 20, Reason: "larger than the 10 bytes this want reads"})
		}
		if i%3 == 0 {
			wantSkipped = append(wantSkipped, fsindex.Skipped{Path: "/" + name, Want: "len", Size: int64(len(body)), Reason: "parse: fails " + name})
		}
		files = append(files, tu.Reg(name, body))
	}
	small := fsindex.Want{Name: "small", MaxSize: 10, Match: func(*fsindex.Candidate) bool { return true }}
	length := fsindex.NewKey("len", 0, func(*fsindex.Candidate) bool { return true }, func(p string, data []byte) (int, error) {
		var i int
		fmt.Sscanf(p, "/f%d", &i)
		if i%3 == 0 {
			return 0, errors.New("fails " + p[1:])
		}
		return len(data), nil
	})
	x := build(t, tu.Image(t, nil, files), fsindex.WithWants(small, length.Want()))
	if diff := cmp.Diff(wantSkipped, x.Skipped); diff != "" {
		t.Errorf("Skipped (-want +got):\n%s", diff)
	}
	for i, f := range files {
		v, ok := fsindex.Get(x, length, "/"+f.Name)
		if ok != (i%3 != 0) || ok && v != len(f.Body) {
			t.Errorf("%s: len = %d, %v; want %d", f.Name, v, ok, len(f.Body))
		}
	}
}
