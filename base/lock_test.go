package base

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLockRoundTrip(t *testing.T) {
	src := localSource(t, fakeBase()...)
	_, r := build(t, fakeSpec(), src)
	var b bytes.Buffer
	if err := r.Lock.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLock(&b)
	if err != nil {
		t.Fatalf("ReadLock(written lock) = %v", err)
	}
	if diff := cmp.Diff(r.Lock, got); diff != "" {
		t.Errorf("lock round trip (-want +got):\n%s", diff)
	}
	if !got.Matches(fakeSpec(), "amd64") || got.Matches(fakeSpec(), "arm64") {
		t.Error("Matches() is wrong")
	}
	for _, p := range got.Packages {
		if strings.Contains(p.Filename, "/") {
			t.Errorf("local package %s locked as %q, want a base name", p.Name, p.Filename)
		}
	}
}

func TestReadLockRefuses(t *testing.T) {
	good := `{"version":1,"arch":"amd64","request":{"packages":["a"]},"packages":[{"name":"a","version":"1","architecture":"amd64","filename":"pool/a.deb","size":1,"sha256":"` + strings.Repeat("a", 64) + `"}]}`
	if _, err := ReadLock(strings.NewReader(good)); err != nil {
		t.Fatalf("ReadLock(good) = %v", err)
	}
	for _, tt := range []struct{ from, to, want string }{
		{`"version":1`, `"version":2`, "not supported"},
		{`"sha256":"aaaa`, `"sha256":"zzzz`, "bad sha256"},
		{`pool/a.deb`, `../../etc/passwd`, "bad size or filename"},
		{`"size":1`, `"size":0`, "bad size or filename"},
		{`"version":"1"`, `"version":""`, "bad version"},
		{`"arch":"amd64"`, `"arch":"amd64","extra":1`, "unknown field"},
		{`,"packages":[{`, `,"packages":[],"x":[{`, "unknown field"},
	} {
		_, err := ReadLock(strings.NewReader(strings.Replace(good, tt.from, tt.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadLock(%s -> %s) = %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
}
