package fsindex_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func build(t *testing.T, img v1.Image, opts ...fsindex.Option) *fsindex.Index {
	t.Helper()
	x, err := fsindex.Build(context.Background(), img, opts...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return x
}

func paths(x *fsindex.Index) []string {
	var out []string
	for _, e := range x.Entries() {
		out = append(out, e.Path)
	}
	return out
}

func TestWhiteoutsAndOpaqueDirs(t *testing.T) {
	tests := []struct {
		name   string
		layers [][]tu.File
		want   []string
	}{
		{
			name: "whiteout removes a file of a lower layer",
			layers: [][]tu.File{
				{tu.Reg("a.txt", "a"), tu.Reg("b.txt", "b")},
				{tu.Whiteout("", "a.txt")},
			},
			want: []string{"/b.txt"},
		},
		{
			name: "whiteout removes a whole directory",
			layers: [][]tu.File{
				{tu.Dir("d/"), tu.Reg("d/x", "x"), tu.Dir("d/e/"), tu.Reg("d/e/y", "y"), tu.Reg("keep", "k")},
				{tu.Whiteout("", "d")},
			},
			want: []string{"/keep"},
		},
		{
			name: "whiteout does not touch the same layer's file (listed before)",
			layers: [][]tu.File{
				{tu.Reg("a", "1")},
				{tu.Reg("a", "2"), tu.Whiteout("", "a")},
			},
			want: []string{"/a"},
		},
		{
			name: "opaque dir hides lower contents and keeps its own",
			layers: [][]tu.File{
				{tu.Dir("etc/"), tu.Reg("etc/old", "o"), tu.Reg("etc/older", "o")},
				{tu.Reg("etc/new", "n"), tu.Opaque("etc"), tu.Dir("etc/")},
			},
			want: []string{"/etc", "/etc/new"},
		},
		{
			name: "a path re-added after a whiteout",
			layers: [][]tu.File{
				{tu.Reg("f", "1")},
				{tu.Whiteout("", "f")},
				{tu.Reg("f", "333")},
			},
			want: []string{"/f"},
		},
		{
			name: "a file replaces a directory and its contents",
			layers: [][]tu.File{
				{tu.Dir("x/"), tu.Reg("x/inner", "i")},
				{tu.Reg("x", "now a file")},
			},
			want: []string{"/x"},
		},
		{
			name: "dot-slash names and missing parents",
			layers: [][]tu.File{
				{tu.Reg("./a/b/c.txt", "c")},
			},
			want: []string{"/a", "/a/b", "/a/b/c.txt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := build(t, tu.Image(t, nil, tt.layers...))
			if d := cmp.Diff(tt.want, paths(x)); d != "" {
				t.Errorf("paths (-want +got):\n%s", d)
			}
		})
	}
}

func TestHistoryOfAPath(t *testing.T) {
	img := tu.Image(t, nil,
		[]tu.File{tu.Reg("f", "1"), tu.Reg("g", "g")},
		[]tu.File{tu.Reg("f", "22")},
		[]tu.File{tu.Whiteout("", "g")},
		[]tu.File{tu.Reg("f", "333")},
	)
	x := build(t, img)
	f, ok := x.Lookup("/f")
	if !ok {
		t.Fatal("/f missing")
	}
	if f.Added != 0 || f.Layer != 3 || !cmp.Equal(f.Modified, []int{1, 3}) || f.Size != 3 {
		t.Errorf("/f: added %d, layer %d, modified %v, size %d; want 0, 3, [1 3], 3", f.Added, f.Layer, f.Modified, f.Size)
	}
	want := []fsindex.Removal{{Path: "/g", Type: fsindex.TypeRegular, Size: 1, Layer: 0, RemovedIn: 2}}
	if d := cmp.Diff(want, x.Removed); d != "" {
		t.Errorf("removed (-want +got):\n%s", d)
	}
	if l := x.Layers[1]; l.Modified != 1 || l.Added != 0 || l.ModifiedBytes != 2 {
		t.Errorf("layer 1 counts: %+v", l)
	}
	if l := x.Layers[2]; l.Removed != 1 || l.RemovedBytes != 1 {
		t.Errorf("layer 2 counts: removed %d (%d bytes), want 1 (1)", l.Removed, l.RemovedBytes)
	}
}

func TestEscapingNamesAreConfined(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{
		tu.Reg("../../etc/passwd", "evil"),
		tu.Reg("/abs/file", "absolute names are relative to the root"),
		tu.Hardlink("hl", "../../outside"),
		tu.Symlink("up", "../../../../etc/shadow"),
		tu.Reg("ok", "fine"),
	})
	x := build(t, img)
	if d := cmp.Diff([]string{"/abs", "/abs/file", "/ok", "/up"}, paths(x)); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
	if len(x.Anomalies) != 2 {
		t.Fatalf("anomalies = %+v, want 2 (the .. name and the hardlink)", x.Anomalies)
	}
	if !strings.Contains(x.Anomalies[0].Problem, "escapes the image root") {
		t.Errorf("anomaly 0 = %+v", x.Anomalies[0])
	}
	// The symlink is kept as written, but resolving it stays inside.
	r, err := x.Resolve("/up")
	if !errors.Is(err, fs.ErrNotExist) || strings.Contains(r.Path, "..") {
		t.Errorf("Resolve(/up) = %+v, %v; want not-exist inside the root", r, err)
	}
}

func TestResolve(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{
		tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/dash", "#!ELF"),
		tu.Symlink("bin", "usr/bin"),
		tu.Symlink("usr/bin/sh", "dash"),
		tu.Symlink("loop1", "loop2"), tu.Symlink("loop2", "/loop1"),
		tu.Symlink("abs", "/usr/bin/sh"),
		tu.Symlink("dotdot", "usr/../../../usr/bin/dash"),
		tu.Hardlink("usr/bin/dash2", "usr/bin/dash"),
	})
	x := build(t, img)
	tests := []struct {
		path      string
		wantPath  string
		wantLinks []string
		wantErr   error
	}{
		{"/bin/sh", "/usr/bin/dash", []string{"/bin", "/usr/bin/sh"}, nil},
		{"/abs", "/usr/bin/dash", []string{"/abs", "/usr/bin/sh"}, nil},
		{"/dotdot", "/usr/bin/dash", []string{"/dotdot"}, nil},
		{"/loop1", "", nil, fsindex.ErrLoop},
		{"/bin/nothing", "", nil, fs.ErrNotExist},
		{"/usr/bin/dash/x", "", nil, fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r, err := x.Resolve(tt.path)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Resolve(%q) error = %v, want %v", tt.path, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if r.Path != tt.wantPath || !cmp.Equal(r.Links, tt.wantLinks) {
				t.Errorf("Resolve(%q) = %q via %v, want %q via %v", tt.path, r.Path, r.Links, tt.wantPath, tt.wantLinks)
			}
		})
	}
	e, _ := x.Lookup("/usr/bin/dash2")
	if got := x.Target(e); got.Path != "/usr/bin/dash" {
		t.Errorf("Target(dash2) = %s, want /usr/bin/dash", got.Path)
	}
	if r, err := x.ResolveParent("/bin/sh"); err != nil || r.Path != "/usr/bin/sh" {
		t.Errorf("ResolveParent(/bin/sh) = %q, %v; want /usr/bin/sh", r.Path, err)
	}
}

func TestWantsKeepOnlyWhatIsAsked(t *testing.T) {
	big := strings.Repeat("x", 100)
	img := tu.Image(t, nil,
		[]tu.File{
			tu.Reg("etc/os-release", "ID=debian\n"),
			tu.Exe("bin/tool", "\x7fELF rest of the binary"),
			tu.Reg("etc/big.conf", big),
			tu.Reg("etc/other", "not wanted"),
			tu.Reg("etc/gone", "removed later"),
		},
		[]tu.File{tu.Hardlink("bin/tool2", "bin/tool"), tu.Whiteout("etc", "gone"), tu.Reg("etc/os-release", "ID=alpine\n")},
	)
	var parsedCalls int
	elfSize := fsindex.NewKey("elf", 0, func(c *fsindex.Candidate) bool {
		return bytes.HasPrefix(c.Head, []byte("\x7fELF")) && c.Mode&0o100 != 0
	}, func(p string, data []byte) (int, error) { parsedCalls++; return len(data), nil })
	wants := []fsindex.Want{
		{Name: "os", Match: fsindex.MatchPath(func(p string) bool { return strings.HasPrefix(p, "/etc/") }), MaxSize: 50},
		elfSize.Want(),
	}
	x := build(t, img, fsindex.WithWants(wants...), fsindex.WithWorkers(1))
	if got, _ := x.Content("/etc/os-release"); string(got) != "ID=alpine\n" {
		t.Errorf("os-release = %q, want the upper layer's", got)
	}
	if _, ok := x.Content("/etc/gone"); ok {
		t.Error("content of a removed file is still kept")
	}
	if _, ok := x.Content("/bin/tool"); ok {
		t.Error("bytes kept for a Parse-only want")
	}
	if v, ok := fsindex.Get(x, elfSize, "/bin/tool2"); !ok || v != 23 {
		t.Errorf("Get(elf, hardlink) = %v, %v; want 23 through the hardlink", v, ok)
	}
	if all := fsindex.All(x, elfSize); len(all) != 1 || all["/bin/tool"] != 23 {
		t.Errorf("All(elf) = %v; want /bin/tool: 23", all)
	}
	if parsedCalls != 1 {
		t.Errorf("Parse called %d times, want 1", parsedCalls)
	}
	kept := x.KeptPaths()
	sort.Strings(kept)
	if d := cmp.Diff([]string{"/etc/os-release", "/etc/other"}, kept); d != "" {
		t.Errorf("kept (-want +got):\n%s", d)
	}
	if len(x.Skipped) != 1 || x.Skipped[0].Path != "/etc/big.conf" {
		t.Errorf("skipped = %+v, want /etc/big.conf (over MaxSize)", x.Skipped)
	}
}

func TestKeptBytesBudget(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{tu.Reg("a", "0123456789"), tu.Reg("b", "0123456789")})
	all := fsindex.Want{Name: "all", Match: func(*fsindex.Candidate) bool { return true }}
	x := build(t, img, fsindex.WithWants(all), fsindex.WithMaxKeptBytes(15))
	if len(x.KeptPaths()) != 1 || len(x.Skipped) != 1 {
		t.Errorf("kept %v, skipped %+v; want one of each with a 15-byte budget", x.KeptPaths(), x.Skipped)
	}
}

func TestMaxEntries(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{tu.Reg("a", ""), tu.Reg("b", ""), tu.Reg("c", "")})
	_, err := fsindex.Build(context.Background(), img, fsindex.WithMaxEntries(2))
	if err == nil || !strings.Contains(err.Error(), "more than 2 entries") {
		t.Errorf("Build = %v, want an entry-limit error", err)
	}
}

func TestModesAndXattrs(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{
		{Name: "usr/bin/passwd", Mode: 0o4755, Body: "x"},
		{Name: "tmp/", Type: '5', Mode: 0o1777},
		{Name: "usr/bin/ping", Mode: 0o755, Body: "p", Xattr: map[string]string{"security.capability": "\x01\x00\x00\x02"}},
	})
	x := build(t, img)
	for p, want := range map[string]string{"/usr/bin/passwd": "-rwsr-xr-x", "/tmp": "drwxrwxrwt"} {
		e, _ := x.Lookup(p)
		if got := e.ModeString(); got != want {
			t.Errorf("%s mode = %s, want %s", p, got, want)
		}
	}
	e, _ := x.Lookup("/usr/bin/ping")
	if e.Xattrs["security.capability"] == "" {
		t.Errorf("ping xattrs = %v, want security.capability", e.Xattrs)
	}
}

func TestLayerOrderWithManyWorkers(t *testing.T) {
	var layers [][]tu.File
	for i := 0; i < 12; i++ {
		layers = append(layers, []tu.File{tu.Reg("f", strings.Repeat("x", i+1))})
	}
	for _, w := range []int{1, 3, 8} {
		x := build(t, tu.Image(t, nil, layers...), fsindex.WithWorkers(w))
		e, _ := x.Lookup("/f")
		if e.Size != 12 || e.Layer != 11 || len(e.Modified) != 11 {
			t.Errorf("workers=%d: /f size %d layer %d modified %d; want 12, 11, 11", w, e.Size, e.Layer, len(e.Modified))
		}
	}
}

func TestReadFiles(t *testing.T) {
	img := tu.Image(t, nil,
		[]tu.File{tu.Reg("a", "old a"), tu.Reg("b", "b"), tu.Reg("c", "c")},
		[]tu.File{tu.Reg("a", "new a"), tu.Whiteout("", "c"), tu.Hardlink("b2", "b")},
	)
	x := build(t, img)
	got := map[string]string{}
	err := x.ReadFiles(context.Background(), img, func(e *fsindex.Entry) bool { return e.Path != "/b" }, func(e *fsindex.Entry, r io.Reader) error {
		data, err := io.ReadAll(r)
		got[e.Path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"/a": "new a"}, got); d != "" {
		t.Errorf("ReadFiles (-want +got):\n%s", d)
	}
}
