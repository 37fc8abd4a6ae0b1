package layercache

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

var layer = v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("ab", 32)}

func open(t *testing.T, dir, version string) *Cache {
	t.Helper()
	c, err := OpenVersion(dir, version)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bytesOf(b []byte) func(io.Writer) error {
	return func(w io.Writer) error { _, err := w.Write(b); return err }
}

func TestPutGet(t *testing.T) {
	c := open(t, t.TempDir(), "v1")
	if _, ok := c.Get(layer, "meta"); ok {
		t.Fatal("hit in an empty cache")
	}
	if err := c.Put(layer, "meta", bytesOf([]byte("payload"))); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get(layer, "meta"); !ok || string(got) != "payload" {
		t.Fatalf("Get = %q, %v", got, ok)
	}
	// Another analyzer version never sees it.
	if _, ok := open(t, c.Dir(), "v2").Get(layer, "meta"); ok {
		t.Error("v2 read v1's entry")
	}
	for _, bad := range []string{"../x", ".hidden", "a/b", ""} {
		if err := c.Put(layer, bad, bytesOf(nil)); err == nil {
			t.Errorf("Put part %q accepted", bad)
		}
	}
	if err := c.Put(v1.Hash{Algorithm: "sha256", Hex: "../../etc"}, "meta", bytesOf(nil)); err == nil {
		t.Error("Put with a path for a diff_id accepted")
	}
	// A writer that fails leaves nothing behind, not even a temporary file.
	if err := c.Put(layer, "other", func(io.Writer) error { return fmt.Errorf("boom") }); err == nil {
		t.Error("failed write stored")
	}
	files, _ := os.ReadDir(filepath.Join(c.Dir(), "v1", layer.Hex))
	if len(files) != 1 {
		t.Errorf("layer dir holds %d files, want only meta", len(files))
	}
}

// Every byte of an entry is covered: a flipped bit, a cut, a wrong magic
// are misses, and the bad file is removed.
func TestCorruptEntriesAreMisses(t *testing.T) {
	c := open(t, t.TempDir(), "v1")
	name := filepath.Join(c.Dir(), "v1", layer.Hex, "meta")
	payload := bytes.Repeat([]byte("0123456789"), 100)
	for _, damage := range []func([]byte) []byte{
		func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		func(b []byte) []byte { b[10] ^= 0x80; return b },
		func(b []byte) []byte { return b[:len(b)-7] },
		func(b []byte) []byte { return b[:3] },
		func(b []byte) []byte { b[0] = 'X'; return b },
	} {
		if err := c.Put(layer, "meta", bytesOf(payload)); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, damage(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, ok := c.Get(layer, "meta"); ok {
			t.Errorf("damaged entry read as %d bytes", len(got))
		}
		if _, err := os.Stat(name); !os.IsNotExist(err) {
			t.Errorf("damaged entry left in place: %v", err)
		}
	}
}

func TestOversizedEntries(t *testing.T) {
	c := open(t, t.TempDir(), "v1")
	err := c.Put(layer, "big", func(w io.Writer) error {
		chunk := make([]byte, 64<<20)
		for i := 0; i < MaxEntrySize/len(chunk)+1; i++ {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "cap") {
		t.Fatalf("Put over the cap = %v", err)
	}
	// A file over the cap is not even read.
	name := filepath.Join(c.Dir(), "v1", layer.Hex, "huge")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(headerSize + MaxEntrySize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, ok := c.Get(layer, "huge"); ok {
		t.Error("oversized file read")
	}
}

func TestStatusAndPrune(t *testing.T) {
	dir := t.TempDir()
	old, cur := open(t, dir, "old"), open(t, dir, "cur")
	hexes := []string{strings.Repeat("01", 32), strings.Repeat("02", 32), strings.Repeat("03", 32)}
	for i, h := range hexes {
		d := v1.Hash{Algorithm: "sha256", Hex: h}
		if err := cur.Put(d, "meta", bytesOf(make([]byte, 1000))); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(time.Duration(i-10) * time.Hour)
		if err := os.Chtimes(filepath.Join(dir, "cur", h), when, when); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Put(layer, "meta", bytesOf(make([]byte, 1000))); err != nil {
		t.Fatal(err)
	}
	// Using a layer makes it recent.
	if _, ok := cur.Get(v1.Hash{Algorithm: "sha256", Hex: hexes[0]}, "meta"); !ok {
		t.Fatal("miss")
	}
	st, err := cur.Status()
	if err != nil || st.Layers != 4 || len(st.Versions) != 2 {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	per := st.Bytes / 4
	res, err := cur.Prune(2 * per)
	if err != nil {
		t.Fatal(err)
	}
	// The other version's layer goes first, then the least recently used (hexes[1]).
	if res.RemovedLayers != 2 || res.Left.Layers != 2 {
		t.Fatalf("Prune = %+v", res)
	}
	for h, want := range map[string]bool{hexes[0]: true, hexes[1]: false, hexes[2]: true} {
		if _, ok := cur.Get(v1.Hash{Algorithm: "sha256", Hex: h}, "meta"); ok != want {
			t.Errorf("after prune, %s present = %v, want %v", h[:4], ok, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "old")); !os.IsNotExist(err) {
		t.Error("the other version's directory is still there")
	}
}

// Processes writing and reading the same entries at once: every read is
// a miss or the whole payload of one writer, never a mix or a cut.
func TestConcurrentProcesses(t *testing.T) {
	if dir := os.Getenv("LAYERCACHE_TEST_WRITER"); dir != "" {
		c := open(t, dir, "v1")
		id := os.Getenv("LAYERCACHE_TEST_ID")
		for i := 0; i < 200; i++ {
			payload := bytes.Repeat([]byte(id), 50_000+i)
			if err := c.Put(layer, "meta", bytesOf(payload)); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for _, id := range []string{"a", "b", "c"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcesses$")
		cmd.Env = append(os.Environ(), "LAYERCACHE_TEST_WRITER="+dir, "LAYERCACHE_TEST_ID="+id)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	c := open(t, dir, "v1")
	reads := 0
	done := make(chan error, len(cmds))
	for _, cmd := range cmds {
		go func() { done <- cmd.Wait() }()
	}
	for running := len(cmds); running > 0; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("writer: %v", err)
			}
			running--
		default:
		}
		if got, ok := c.Get(layer, "meta"); ok {
			reads++
			if len(got) < 50_000 || !bytes.Equal(got, bytes.Repeat(got[:1], len(got))) {
				t.Fatalf("read a mixed or cut entry of %d bytes", len(got))
			}
		}
	}
	if reads == 0 {
		t.Error("no read saw an entry")
	}
	if st, _ := c.Status(); st.Layers != 1 {
		t.Errorf("status = %+v", st)
	}
}
