package fsindex_test

import (
	"bytes"
	"context"
	"testing"
	"testing/fstest"

	"github.com/harden-dev/harden/fsindex"
)

// TestHeadKey parses the head of a file far larger than any want reads:
// the parse sees HeadSize bytes, nothing is skipped or kept.
func TestHeadKey(t *testing.T) {
	big := append([]byte("#!/bin/sh\n"), bytes.Repeat([]byte("x"), fsindex.DefaultMaxFileSize+1)...)
	seen := fsindex.NewHeadKey("head", func(c *fsindex.Candidate) bool { return bytes.HasPrefix(c.Head, []byte("#!")) },
		func(_ string, head []byte) (int, error) { return len(head), nil })
	x, err := fsindex.FromFS(context.Background(), fstest.MapFS{"big": {Data: big}, "small": {Data: []byte("#!x")}},
		fsindex.WithWants(seen.Want()), fsindex.WithMaxKeptBytes(0))
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := fsindex.Get(x, seen, "/big"); !ok || n != fsindex.HeadSize {
		t.Errorf("big: parse saw %d bytes (%v), want the %d of the head", n, ok, fsindex.HeadSize)
	}
	if n, _ := fsindex.Get(x, seen, "/small"); n != 3 {
		t.Errorf("small: parse saw %d bytes, want 3", n)
	}
	if len(x.Skipped) != 0 || len(x.KeptPaths()) != 0 {
		t.Errorf("skipped %v, kept %v; want neither", x.Skipped, x.KeptPaths())
	}
}
