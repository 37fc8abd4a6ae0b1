package batch

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/harden-dev/harden/redact"
)

var hexDigest = "sha256:" + strings.Repeat("ab", 32)

func TestFileName(t *testing.T) {
	safe := regexp.MustCompile(`^(sha256-[0-9a-f]{64}|sha512-[0-9a-f]{128}|ref-[0-9a-f]{16})\.json$`)
	tests := []struct {
		r    Result
		want string
	}{
		{Result{Ref: "node:18", Digest: hexDigest}, "sha256-" + strings.Repeat("ab", 32) + ".json"},
		{Result{Ref: "x", Digest: "sha512:" + strings.Repeat("0", 128)}, "sha512-" + strings.Repeat("0", 128) + ".json"},
		// No digest, or one that is not a digest: a name from the reference's hash.
		{Result{Ref: "docker-archive:/no/such.tar"}, ""},
		{Result{Ref: "../../etc/passwd", Digest: "sha256:../../etc/passwd"}, ""},
		{Result{Ref: "a", Digest: "sha256:" + strings.Repeat("AB", 32)}, ""},
		{Result{Ref: "a", Digest: "md5:" + strings.Repeat("a", 32)}, ""},
		{Result{Ref: "a\x00b/../\\c", Digest: hexDigest + "/x"}, ""},
	}
	for _, tt := range tests {
		got := FileName(tt.r)
		if !safe.MatchString(got) {
			t.Errorf("FileName(%+v) = %q, not a safe name", tt.r, got)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("FileName(%+v) = %q, want %q", tt.r, got, tt.want)
		}
		if tt.want == "" && !strings.HasPrefix(got, "ref-") {
			t.Errorf("FileName(%+v) = %q, want a ref- name", tt.r, got)
		}
	}
	if FileName(Result{Ref: "a:1"}) == FileName(Result{Ref: "a:2"}) {
		t.Error("two references without digest share a file name")
	}
	if FileName(Result{Ref: "a:1"}) != FileName(Result{Ref: "a:1", Status: StatusError}) {
		t.Error("a reference's file name is not stable")
	}
}

func readResult(t *testing.T, name string) Result {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestDirPut(t *testing.T) {
	dir := t.TempDir()
	d, err := NewDir(dir, redact.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	good := Result{Ref: "registry:h/app:v1", Digest: hexDigest, Status: StatusOK, Value: map[string]string{"env": "DB_PASSWORD=hunter2hunter2"}}
	failed := Result{Ref: "docker-archive:/gone.tar", Status: StatusError, Error: "open /gone.tar: no such file or directory"}
	for _, r := range []Result{good, failed} {
		if err := d.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	names := listDir(t, dir)
	if len(names) != 2 {
		t.Fatalf("files = %v, want 2 (no temporary file left)", names)
	}
	got := readResult(t, filepath.Join(dir, FileName(good)))
	if got.Ref != good.Ref || got.Digest != hexDigest || got.Status != StatusOK {
		t.Errorf("good file = %+v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, FileName(good))); strings.Contains(string(b), "hunter2") {
		t.Errorf("secret in the file:\n%s", b)
	}
	if got := readResult(t, filepath.Join(dir, FileName(failed))); got.Error != failed.Error || got.Status != StatusError {
		t.Errorf("failed file = %+v", got)
	}
	if st, _ := os.Stat(filepath.Join(dir, FileName(good))); st.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", st.Mode().Perm())
	}
}

// Two references to one image write one file; a good result replaces a
// failed one (a flaky pull), never the other way round.
func TestDirSameDigest(t *testing.T) {
	dir := t.TempDir()
	d, err := NewDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	name := filepath.Join(dir, FileName(Result{Digest: hexDigest}))
	steps := []struct {
		r       Result
		wantRef string
	}{
		{Result{Ref: "a:flaky", Digest: hexDigest, Status: StatusError, Error: "reading layer: connection reset"}, "a:flaky"},
		{Result{Ref: "a:v1", Digest: hexDigest, Status: StatusOK}, "a:v1"},
		{Result{Ref: "a:latest", Digest: hexDigest, Status: StatusOK}, "a:v1"},
		{Result{Ref: "a:again", Digest: hexDigest, Status: StatusError, Error: "x"}, "a:v1"},
	}
	for _, s := range steps {
		if err := d.Put(s.r); err != nil {
			t.Fatal(err)
		}
		if got := readResult(t, name); got.Ref != s.wantRef {
			t.Errorf("after %s: file holds %s, want %s", s.r.Ref, got.Ref, s.wantRef)
		}
	}
	if n := listDir(t, dir); len(n) != 1 {
		t.Errorf("files = %v, want one", n)
	}
}

// Nothing is written outside the directory: a link planted where a
// result goes is replaced, not followed.
func TestDirStaysInside(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Result{Ref: "a:1", Digest: hexDigest, Status: StatusOK}
	if err := os.Symlink(victim, filepath.Join(dir, FileName(r))); err != nil {
		t.Fatal(err)
	}
	d, err := NewDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Put(r); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("file outside the directory changed: %q", b)
	}
	if st, err := os.Lstat(filepath.Join(dir, FileName(r))); err != nil || !st.Mode().IsRegular() {
		t.Errorf("result file = %v, %v; want a regular file", st, err)
	}
	// A directory in the way is an error naming the image, not a write elsewhere.
	blocked := Result{Ref: "b:1", Digest: "sha256:" + strings.Repeat("cd", 32)}
	if err := os.Mkdir(filepath.Join(dir, FileName(blocked)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName(blocked), "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(blocked); err == nil || !strings.HasPrefix(err.Error(), "writing the result of b:1: ") {
		t.Errorf("Put over a directory: error = %v", err)
	}
	for _, n := range listDir(t, dir) {
		if strings.HasSuffix(n, ".tmp") {
			t.Errorf("temporary file %s left behind", n)
		}
	}
	if _, err := NewDir(filepath.Join(dir, "missing"), nil); err == nil || !strings.HasPrefix(err.Error(), "--output-dir: ") {
		t.Errorf("NewDir(missing) error = %v", err)
	}
}

// Two runs writing the same image's file while a reader reads it: the
// reader sees a whole file every time, never a half-written one.
func TestDirAtomic(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, FileName(Result{Digest: hexDigest}))
	var stop atomic.Bool
	var reads, partial atomic.Int32
	var reader, writers sync.WaitGroup
	reader.Go(func() {
		for !stop.Load() {
			b, err := os.ReadFile(name)
			if err != nil {
				continue // not there yet
			}
			reads.Add(1)
			if !json.Valid(b) {
				partial.Add(1)
			}
		}
	})
	for i := range 2 {
		writers.Go(func() {
			for j := range 30 {
				d, err := NewDir(dir, nil)
				if err != nil {
					t.Error(err)
					return
				}
				// Sizes vary so a torn write would show.
				v := strings.Repeat("x", (i*30+j)%7*40000)
				if err := d.Put(Result{Ref: "a:1", Digest: hexDigest, Status: StatusOK, Value: v}); err != nil {
					t.Error(err)
				}
				d.Close()
			}
		})
	}
	writers.Wait()
	stop.Store(true)
	reader.Wait()
	if partial.Load() > 0 {
		t.Errorf("%d of %d reads saw a partial file", partial.Load(), reads.Load())
	}
	if reads.Load() == 0 {
		t.Error("the reader never read the file")
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("files = %v, want the one result", names)
	}
}
