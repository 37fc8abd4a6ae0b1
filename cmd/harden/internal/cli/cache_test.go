package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/harden-dev/harden/fsindex/layercache"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// runExit runs harden with args and returns its exit code, stdout and stderr.
func runExit(t *testing.T, args ...string) (int, []byte, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.Bytes(), errOut.String()
}

// writeImage saves img as a docker-archive tarball.
func writeImage(t *testing.T, img v1.Image, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := tarball.WriteToFile(p, nil, img); err != nil {
		t.Fatal(err)
	}
	return p
}

// hostileTarballs makes images a walker must confine: names escaping the
// root, hardlinks out of it, whiteouts of whiteouts, a file over a
// directory and back, setuid files with capabilities, a fake secret.
func hostileTarballs(t *testing.T) []string {
	img := tu.Image(t, func(c *v1.Config) { c.Cmd = []string{"/bin/sh"} },
		[]tu.File{tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"),
			tu.Reg("etc/shadow", "root:$6$salt$hash:19000:0:99999:7:::\n"), tu.Exe("bin/sh", "\x7fELF not really"),
			tu.Reg("../../escape", "x"), tu.Hardlink("h", "/../x"), tu.Hardlink("bin/ash", "bin/sh"),
			tu.Reg("app/.env", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
			{Name: "usr/bin/ping", Mode: 0o4755, Body: "p", Xattr: map[string]string{"security.capability": "\x01\x00"}},
			tu.Dir("d/"), tu.Reg("d/f", "1")},
		[]tu.File{tu.Whiteout("etc", "shadow"), tu.Reg("d", "a file over a dir"), tu.Opaque("app"), tu.Whiteout("", ".wh.")},
		[]tu.File{tu.Reg("d/f/g", "dir again"), tu.Exe("app/run.sh", "#!/bin/sh\nexec /bin/sh\n")},
	)
	return []string{writeImage(t, img, "hostile.tar")}
}

// TestLayerCacheSameOutput runs every command that indexes images on every
// fixture tarball without the cache, with a cold one and with the warm one,
// and wants the same bytes out each time. A cache shared by all commands
// (each finding the parts the others stored) must not change them either.
func TestLayerCacheSameOutput(t *testing.T) {
	shared := sharedDir()
	images, _ := filepath.Glob(filepath.Join(shared, "testdata", "images", "*.tar*"))
	if len(images) == 0 {
		tu.Unavailable(t, "no fixture tarballs in %s", shared)
	}
	images = append(images, hostileTarballs(t)...)
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	if code, _, errOut := runExit(t, "db", "import", "-q", filepath.Join(shared, "vulndb", "osv", "Alpine")); code != 0 {
		t.Fatalf("db import: %s", errOut)
	}
	commands := [][]string{
		{"layers"}, {"files"}, {"audit"}, {"audit", "--format", "sarif"}, {"sbom"}, {"sbom", "--format", "cyclonedx"},
		{"scan"}, {"runtime"}, {"compare", "{}", "{}"}, {"minify", "-o", "oci:{out}"},
	}
	sharedCache := t.TempDir()
	for _, img := range images {
		for _, c := range commands {
			name := filepath.Base(img) + "/" + strings.Join(c, "_")
			t.Run(name, func(t *testing.T) {
				cold := t.TempDir()
				out := filepath.Join(t.TempDir(), "out")
				var firstOut string
				for i, mode := range []string{"--no-cache", cold, cold, sharedCache} {
					if err := os.RemoveAll(out); err != nil {
						t.Fatal(err)
					}
					args := []string{"--format", "json"}
					args = append(args, c...)
					if !strings.Contains(strings.Join(c, " "), "{}") {
						args = append(args, img)
					}
					for j := range args {
						args[j] = strings.ReplaceAll(strings.ReplaceAll(args[j], "{}", img), "{out}", out)
					}
					if mode == "--no-cache" {
						args = append([]string{mode}, args...)
					} else {
						args = append([]string{"--cache-dir", mode}, args...)
					}
					code, stdout, stderr := runExit(t, args...)
					stdout = clockFields.ReplaceAll(stdout, []byte("${1}0"))
					result := strings.Join([]string{string(rune('0' + code)), string(stdout), stderr, outputDigest(t, out)}, "\x00")
					if i == 0 {
						firstOut = result
						continue
					}
					if result != firstOut {
						t.Fatalf("%s: output differs from --no-cache's (-without +with):\n%s", mode,
							cmp.Diff(strings.Split(firstOut, "\n"), strings.Split(result, "\n")))
					}
				}
			})
		}
	}
	// The cold runs filled the caches; a tampered layer never lands there.
	c, err := layercache.Open(sharedCache)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := c.Status(); err != nil || st.Layers == 0 {
		t.Errorf("shared cache status = %+v, %v; want layers stored", st, err)
	}
}

// clockFields come from the clock, not the cache: the age of scan's
// database, how long minify took, when an SBOM was made (and the serial
// number CycloneDX derives from that time).
var clockFields = regexp.MustCompile(`("(?:ageSeconds|seconds|created|timestamp|serialNumber)": )("[0-9a-zA-Z:.+-]+"|[0-9.e+-]+)`)

// outputDigest names what a command wrote to out (an OCI layout), so the
// written image must be the same too.
func outputDigest(t *testing.T, out string) string {
	data, err := os.ReadFile(filepath.Join(out, "index.json"))
	if err != nil {
		return ""
	}
	var idx struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatal(err)
	}
	var ds []string
	for _, m := range idx.Manifests {
		ds = append(ds, m.Digest)
	}
	return strings.Join(ds, ",")
}

// A layer whose blob does not match its diff_id fails the same way with
// and without the cache, and is never stored.
func TestLayerCacheRefusesTamperedLayer(t *testing.T) {
	good := tu.Image(t, nil, []tu.File{tu.Reg("etc/passwd", "root:x:0:0::/root:/bin/sh\n")})
	cf, err := good.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	bad, err := mutate.ConfigFile(tu.Image(t, nil, []tu.File{tu.Reg("etc/passwd", "evil:x:0:0::/:/bin/sh\n")}), cf)
	if err != nil {
		t.Fatal(err)
	}
	p := writeImage(t, bad, "tampered.tar")
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		code, _, stderr := runExit(t, "--cache-dir", dir, "audit", p)
		if code != 2 || !strings.Contains(stderr, "does not match the diff_id") {
			t.Fatalf("audit of a tampered layer: exit %d, %q; want 2 and a diff_id mismatch", code, stderr)
		}
	}
	c, err := layercache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := c.Status(); st.Layers != 0 {
		t.Errorf("%d layers cached from a tampered image", st.Layers)
	}
}

func TestCacheStatusAndPrune(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(sharedDir(), "testdata", "images", "dive-test-docker-image.tar")
	if code, _, stderr := runExit(t, "--cache-dir", dir, "layers", "-q", img); code != 0 {
		t.Fatalf("layers: %s", stderr)
	}
	code, out, stderr := runExit(t, "--cache-dir", dir, "cache", "status", "--format", "json")
	var st layercache.Status
	if code != 0 || json.Unmarshal(out, &st) != nil || st.Layers != 14 || st.Bytes == 0 || len(st.Versions) != 1 || !st.Versions[0].Current {
		t.Fatalf("cache status: exit %d %s %s; want the 14 layers of the dive image under this build", code, out, stderr)
	}
	code, out, _ = runExit(t, "--cache-dir", dir, "cache", "prune", "--max-size", "1", "--format", "json")
	var res layercache.PruneResult
	if code != 0 || json.Unmarshal(out, &res) != nil || res.RemovedLayers != 14 || res.Left.Layers != 0 || res.FreedBytes != st.Bytes {
		t.Fatalf("cache prune --max-size 1: exit %d %s; want all 14 layers gone", code, out)
	}
	if code, _, stderr := runExit(t, "--cache-dir", dir, "cache", "prune", "--max-size", "lots"); code != 2 || !strings.Contains(stderr, "--max-size") {
		t.Errorf("prune --max-size lots: exit %d %q; want a usage error", code, stderr)
	}
}
