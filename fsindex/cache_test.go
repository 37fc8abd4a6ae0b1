package fsindex_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/fsindex/layercache"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// countingCache counts what Build asks of a cache.
type countingCache struct {
	*layercache.Cache
	mu         sync.Mutex
	hits, puts int
}

func (c *countingCache) Get(d v1.Hash, part string) ([]byte, bool) {
	b, ok := c.Cache.Get(d, part)
	c.mu.Lock()
	if ok {
		c.hits++
	}
	c.mu.Unlock()
	return b, ok
}

func (c *countingCache) Put(d v1.Hash, part string, write func(io.Writer) error) error {
	c.mu.Lock()
	c.puts++
	c.mu.Unlock()
	return c.Cache.Put(d, part, write)
}

func newCache(t *testing.T, dir string) *countingCache {
	t.Helper()
	c, err := layercache.OpenVersion(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &countingCache{Cache: c}
}

// cacheWants exercise every outcome a want part stores: kept bytes, parsed
// values, nil values, parse errors, files over MaxSize, head-only parses.
func cacheWants() []fsindex.Want {
	shebang := fsindex.NewKey("len", 0, func(c *fsindex.Candidate) bool { return bytes.HasPrefix(c.Head, []byte("#!")) || c.Size == 0 },
		func(p string, data []byte) ([]string, error) {
			switch {
			case strings.HasSuffix(p, "bad"):
				return nil, errors.New("no good")
			case len(data) == 0:
				return nil, nil
			}
			return []string{p, string(data[:2])}, nil
		})
	head := fsindex.NewHeadKey("head", func(c *fsindex.Candidate) bool { return strings.HasPrefix(c.Path, "/bin/") },
		func(p string, head []byte) (string, error) {
			if strings.HasSuffix(p, "bad") {
				return "", errors.New("bad head")
			}
			return string(head), nil
		})
	return []fsindex.Want{
		head.Want(),
		{Name: "etc", Match: fsindex.MatchPath(func(p string) bool { return strings.HasPrefix(p, "/etc/") }), MaxSize: 40},
		shebang.Want(),
	}
}

// exported compares every field, exported or not, so that a cached index
// must equal a read one in full.
var exported = cmp.Exporter(func(reflect.Type) bool { return true })

// threeWays builds img without a cache, with a cold one and with the warm
// one, and fails unless the three indexes are equal.
func threeWays(t *testing.T, img v1.Image, opts ...fsindex.Option) (cold, warm *countingCache) {
	t.Helper()
	ctx := context.Background()
	plain, errPlain := fsindex.Build(ctx, img, opts...)
	dir := t.TempDir()
	cold, warm = newCache(t, dir), newCache(t, dir)
	for _, c := range []*countingCache{cold, warm} {
		x, err := fsindex.Build(ctx, img, append(opts, fsindex.WithCache(c))...)
		if (err == nil) != (errPlain == nil) || err != nil && err.Error() != errPlain.Error() {
			t.Fatalf("with cache: error %v; without: %v", err, errPlain)
		}
		if diff := cmp.Diff(plain, x, exported); diff != "" {
			t.Fatalf("index with cache differs (-without +with):\n%s", diff)
		}
	}
	return cold, warm
}

func hostileImage(t *testing.T) v1.Image {
	return tu.Image(t, nil,
		[]tu.File{tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), tu.Reg("etc/big", strings.Repeat("b", 100)),
			tu.Exe("bin/s", "#!/bin/sh\necho\n"), tu.Exe("bin/bad", "#!x"), tu.Reg("empty", ""), tu.Reg("etc/empty", ""),
			tu.Reg("../../escape", "x"), tu.Hardlink("h", "/../x"), tu.Hardlink("bin/s2", "bin/s"), tu.Dir("d/"), tu.Reg("d/f", "1"),
			{Name: "usr/bin/ping", Mode: 0o4755, Body: "p", Xattr: map[string]string{"security.capability": "\x01\x00"}}},
		[]tu.File{tu.Whiteout("etc", "passwd"), tu.Reg("d", "a file over a dir"), tu.Reg("d2/x/y", "implicit parents"), tu.Opaque("bin")},
		[]tu.File{tu.Reg("etc/passwd", "again\n"), tu.Reg("d/f/g", "dir again"), tu.Whiteout("", ".wh."), tu.Reg("bin/s", "#!/bin/bash\n")},
	)
}

func TestCacheGivesTheSameIndex(t *testing.T) {
	opts := []fsindex.Option{fsindex.WithWants(cacheWants()...)}
	cold, warm := threeWays(t, hostileImage(t), opts...)
	if cold.puts == 0 || warm.puts != 0 {
		t.Errorf("puts: cold %d, warm %d; want some, then none (every part a hit)", cold.puts, warm.puts)
	}
	// The cache is per layer: the same base under a new layer reuses the base's.
	base := hostileImage(t)
	top, err := mutate.AppendLayers(base, tu.Layer(t, tu.Reg("etc/new", "n"), tu.Whiteout("", "empty")))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := newCache(t, dir)
	build(t, base, append(opts, fsindex.WithCache(c))...)
	c2 := newCache(t, dir)
	withCache := build(t, top, append(opts, fsindex.WithCache(c2))...)
	if diff := cmp.Diff(build(t, top, opts...), withCache, exported); diff != "" {
		t.Fatalf("image on a cached base differs:\n%s", diff)
	}
	if c2.puts != 1+len(cacheWants()) {
		t.Errorf("%d parts stored for one new layer, want %d (meta + one per want)", c2.puts, 1+len(cacheWants()))
	}
}

func TestCacheSharesPartsBetweenWants(t *testing.T) {
	img := hostileImage(t)
	dir := t.TempDir()
	c := newCache(t, dir)
	etc := cacheWants()[1]
	build(t, img, fsindex.WithWants(etc), fsindex.WithCache(c))
	// A second command wants more: the layers are read once more, and only
	// the new want's parts are stored.
	c2 := newCache(t, dir)
	x := build(t, img, fsindex.WithWants(cacheWants()...), fsindex.WithCache(c2))
	if want := 2 * len(x.Layers); c2.puts != want {
		t.Errorf("%d parts stored, want %d (the two new wants', one per layer)", c2.puts, want)
	}
	// A want with another MaxSize is another part.
	w := etc
	w.MaxSize = 1000
	c3 := newCache(t, dir)
	x3 := build(t, img, fsindex.WithWants(w), fsindex.WithCache(c3))
	if _, ok := x3.Content("/etc/big"); !ok || c3.puts != len(x3.Layers) {
		t.Errorf("MaxSize 1000: /etc/big kept %v, %d parts stored; want kept and one part per layer", ok, c3.puts)
	}
}

func TestCacheOnFixtureTarballs(t *testing.T) {
	dir := filepath.Join(tu.SharedDir(t), "testdata", "images")
	files, err := filepath.Glob(filepath.Join(dir, "*.tar*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture tarballs in %s", dir)
	}
	all := fsindex.Want{Name: "all", MaxSize: 4096, Match: func(*fsindex.Candidate) bool { return true }}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			img, err := image.Open(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			_, warm := threeWays(t, img, fsindex.WithWants(all))
			if warm.puts != 0 {
				t.Errorf("warm cache stored %d parts, want none", warm.puts)
			}
		})
	}
}

// A layer whose content does not match its diff_id is refused, and nothing
// of it is stored.
func TestCacheNeverStoresATamperedLayer(t *testing.T) {
	good := tu.Image(t, nil, []tu.File{tu.Reg("a", "good")})
	bad, err := mutate.ConfigFile(tu.Image(t, nil, []tu.File{tu.Reg("a", "evil")}), mustConfig(t, good))
	if err != nil {
		t.Fatal(err)
	}
	c := newCache(t, t.TempDir())
	if _, err := fsindex.Build(context.Background(), bad, fsindex.WithCache(c)); err == nil || !strings.Contains(err.Error(), "does not match the diff_id") {
		t.Fatalf("Build = %v, want a diff_id mismatch", err)
	}
	if c.puts != 0 {
		t.Errorf("%d parts stored for a tampered layer", c.puts)
	}
}

func mustConfig(t *testing.T, img v1.Image) *v1.ConfigFile {
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

// A flipped byte in an entry is caught by its checksum: the layer is read
// again and the entry replaced.
func TestCacheCorruptEntryIsRecomputed(t *testing.T) {
	img := hostileImage(t)
	opts := []fsindex.Option{fsindex.WithWants(cacheWants()...)}
	dir := t.TempDir()
	want := build(t, img, append(opts, fsindex.WithCache(newCache(t, dir)))...)
	entries, _ := filepath.Glob(filepath.Join(dir, "test", "*", "fs1.*"))
	if len(entries) == 0 {
		t.Fatal("nothing stored")
	}
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0x20
		if err := os.WriteFile(e, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c := newCache(t, dir)
	got := build(t, img, append(opts, fsindex.WithCache(c))...)
	if diff := cmp.Diff(want, got, exported); diff != "" {
		t.Fatalf("index from a corrupt cache differs:\n%s", diff)
	}
	if c.hits != 0 || c.puts != len(entries) {
		t.Errorf("hits %d, puts %d; want 0 hits and every one of the %d entries stored again", c.hits, c.puts, len(entries))
	}
}

// Many builds sharing one cache directory at once all get the right index.
func TestCacheConcurrentWriters(t *testing.T) {
	img := hostileImage(t)
	opts := []fsindex.Option{fsindex.WithWants(cacheWants()...)}
	want := build(t, img, opts...)
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, err := fsindex.Build(context.Background(), img, append(opts, fsindex.WithCache(newCache(t, dir)))...)
			if err != nil {
				errs <- err.Error()
				return
			}
			if diff := cmp.Diff(want, x, exported); diff != "" {
				errs <- diff
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// A layer with more records than one chunk of the meta part.
func TestCacheManyRecords(t *testing.T) {
	var files []tu.File
	// Sizes, modes and links that differ from one record to the next, zero
	// values among them, across chunk boundaries.
	for i := 0; i < 9000; i++ {
		name := "d" + strconv.Itoa(i%7) + "/f" + strconv.Itoa(i)
		switch i % 4 {
		case 0:
			files = append(files, tu.Reg(name, strings.Repeat("x", i%13)))
		case 1:
			files = append(files, tu.File{Name: name, Body: "", Mode: 0o4755, Xattr: map[string]string{"user.n": strconv.Itoa(i)}})
		case 2:
			files = append(files, tu.Symlink(name, "target"+strconv.Itoa(i)))
		default:
			files = append(files, tu.Dir(name+"/"))
		}
	}
	_, warm := threeWays(t, tu.Image(t, nil, files, []tu.File{tu.Opaque("d3")}), fsindex.WithWants(cacheWants()...))
	if warm.puts != 0 {
		t.Errorf("warm cache stored %d parts, want none", warm.puts)
	}
}
