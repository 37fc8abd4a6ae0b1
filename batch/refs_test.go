package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadList(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{
			name: "comments blanks and spaces",
			in:   "# fleet\n\nnode:18\n  docker-archive:/tmp/a b.tar  \r\n\t# indented comment\nregistry:localhost:5000/app:v1\n",
			want: []string{"node:18", "docker-archive:/tmp/a b.tar", "registry:localhost:5000/app:v1"},
		},
		{name: "no final newline", in: "a:1\nb:2", want: []string{"a:1", "b:2"}},
		{name: "only comments", in: "# nothing\n\n", want: nil},
		{
			name:    "mistyped transport names file and line",
			in:      "node:18\n\ndockr-archive:/x.tar\n",
			wantErr: `list.txt:3: bad image reference "dockr-archive:/x.tar": unknown transport "dockr-archive"`,
		},
		{name: "control character", in: "ok:1\nbad\x1b[31m:1\n", wantErr: `list.txt:2: bad image reference "bad\x1b[31m:1": control character`},
		{name: "not utf-8", in: "bad\xff\n", wantErr: `list.txt:1: bad image reference "bad\xff": not UTF-8`},
		{name: "transport without a name", in: "registry:\n", wantErr: `list.txt:1: bad image reference "registry:": registry: reference needs an image name`},
		{name: "line too long", in: "a:1\n" + strings.Repeat("x", maxLine+1) + "\n", wantErr: "list.txt:2: line longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadList(strings.NewReader(tt.in), "list.txt")
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("ReadList(%q) error = %v, want prefix %q", tt.in, err, tt.wantErr)
				}
				if strings.ContainsAny(err.Error(), "\n\r") {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadList(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadList(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestExpandOrderAndDuplicates(t *testing.T) {
	list := filepath.Join(t.TempDir(), "images.txt")
	content := "# from the file\nnode:18\noci:/tmp/layout:v1\nregistry:node\nregistry:index.docker.io/library/node:latest\npython:3\n"
	if err := os.WriteFile(list, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"python:3", "docker-archive:/tmp/a.tar", "node:18"}
	got, err := Expand(context.Background(), args, WithImagesFrom(list))
	if err != nil {
		t.Fatal(err)
	}
	// Arguments first, then the file; a repeat keeps its first place, and
	// the two spellings of Docker Hub's node:latest are one image.
	want := []string{"python:3", "docker-archive:/tmp/a.tar", "node:18", "oci:/tmp/layout:v1", "registry:node"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
	again, err := Expand(context.Background(), args, WithImagesFrom(list))
	if err != nil || !cmp.Equal(got, again) {
		t.Errorf("second Expand = %v, %v; want the same list", again, err)
	}
}

func TestExpandStdin(t *testing.T) {
	got, err := Expand(context.Background(), nil, WithImagesFrom("-"), WithStdin(strings.NewReader("a:1\n\n# c\nb:2\na:1\n")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a:1", "b:2"}, got); diff != "" {
		t.Errorf("Expand(stdin) (-want +got):\n%s", diff)
	}
	_, err = Expand(context.Background(), nil, WithImagesFrom("-"), WithStdin(strings.NewReader("ok:1\ndockerarchive:x\n")))
	if err == nil || !strings.HasPrefix(err.Error(), "standard input:2: ") {
		t.Errorf("bad stdin line: error = %v, want one naming standard input:2", err)
	}
}

func TestExpandErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.txt")
	if err := os.WriteFile(empty, []byte("# nothing yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Expand(context.Background(), nil, WithImagesFrom(empty)); !errors.Is(err, ErrNoReferences) {
		t.Errorf("empty list: error = %v, want ErrNoReferences", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.txt")
	if _, err := Expand(context.Background(), nil, WithImagesFrom(missing)); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing list: error = %v, want one naming the file", err)
	}
	if _, err := Expand(context.Background(), []string{"good:1", "oci-archve:/x"}); err == nil || !strings.HasPrefix(err.Error(), `bad image reference "oci-archve:/x"`) {
		t.Errorf("bad argument: error = %v", err)
	}
	if _, err := Expand(context.Background(), nil, WithImagesFrom("")); err == nil {
		t.Error("WithImagesFrom(\"\") accepted")
	}
}

func TestRegistryHost(t *testing.T) {
	tests := []struct {
		in   string
		host string
		ok   bool
	}{
		{"localhost:5000", "localhost:5000", true},
		{"localhost", "localhost", true},
		{"127.0.0.1:5000", "127.0.0.1:5000", true},
		{"ghcr.io", "ghcr.io", true},
		{"registry.example.com:443", "registry.example.com:443", true},
		{"[::1]:5000", "[::1]:5000", true},
		{"myhost/", "myhost", true},
		{"node", "", false},
		{"node:18", "", false},
		{"localhost:5000/app", "", false},
		{"ghcr.io/org/app:v1", "", false},
		{"node@sha256:abc", "", false},
		{"a/b/", "", false},
	}
	for _, tt := range tests {
		host, ok := registryHost(tt.in)
		if ok != tt.ok || (ok && host != tt.host) {
			t.Errorf("registryHost(%q) = %q, %v; want %q, %v", tt.in, host, ok, tt.host, tt.ok)
		}
	}
}
