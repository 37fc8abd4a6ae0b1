package compare

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const dpkgStatus = `Package: bash
Status: install ok installed
Version: 5.2.15-2+b2
Architecture: amd64

Package: apt
Status: install ok installed
Version: 2.6.1
Architecture: amd64

Package: curl
Status: install ok installed
Version: 7.88.1-10+deb12u5
Architecture: amd64
`

// traditional and distroless are the seed's two columns in miniature.
func traditional(t *testing.T) v1.Image {
	return tu.Image(t, func(c *v1.Config) { c.Cmd = []string{"/app/server"} },
		[]tu.File{
			tu.Dir("bin/"), tu.Exe("bin/bash", "\x7fELF bash"), tu.Symlink("bin/sh", "bash"),
			tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/apt", "\x7fELF apt"), tu.Exe("usr/bin/curl", "\x7fELF curl"),
			{Name: "usr/bin/passwd", Mode: 0o4755, Body: "\x7fELF passwd"},
			tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
			tu.Dir("var/"), tu.Dir("var/lib/"), tu.Dir("var/lib/dpkg/"), tu.Reg("var/lib/dpkg/status", dpkgStatus),
		},
		[]tu.File{tu.Dir("app/"), tu.Exe("app/server", strings.Repeat("s", 4000))},
	)
}

func distroless(t *testing.T) v1.Image {
	return tu.Image(t, func(c *v1.Config) { c.Cmd = []string{"/app/server"}; c.User = "65532:65532" },
		[]tu.File{tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"),
			tu.Dir("app/"), tu.Exe("app/server", strings.Repeat("s", 4000))},
	)
}

func measure(t *testing.T, name string, img v1.Image) *Profile {
	t.Helper()
	ctx := context.Background()
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Measure(ctx, name, "test:"+name, nil, x)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

func TestCompareGolden(t *testing.T) {
	c := Compare(measure(t, "traditional", traditional(t)), measure(t, "distroless", distroless(t)))
	row := func(prop string) Row {
		for _, r := range c.Rows {
			if r.Property == prop {
				return r
			}
		}
		t.Fatalf("no row %q", prop)
		return Row{}
	}
	if r := row("Shell present"); r.Values[0] != "yes (bash, sh)" || r.Values[1] != "no" || r.Deltas[1] != "removed" {
		t.Errorf("shell row = %+v", r)
	}
	if r := row("Packages"); r.Values[0] != "3" || r.Deltas[1] != "−3" {
		t.Errorf("packages row = %+v", r)
	}
	if r := row("Runs as root"); r.Values[0] != "yes" || r.Deltas[1] != "removed" {
		t.Errorf("root row = %+v", r)
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"compare.txt", func(b *bytes.Buffer) error { return c.WriteText(b) }},
		{"compare.md", func(b *bytes.Buffer) error { return c.WriteMarkdown(b) }},
		{"compare.json", func(b *bytes.Buffer) error { return c.WriteJSON(b) }},
		{"report.html", func(b *bytes.Buffer) error {
			return c.WriteHTML(b, HTMLOptions{Version: "test", Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)})
		}},
	} {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, f.name, buf.Bytes())
	}
}
