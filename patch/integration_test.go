package patch_test

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/patch"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
)

// realSource reads the machine's apt sources (bookworm, -updates and
// -security), verified as harden base does; .debs go to the user cache.
func realSource(t *testing.T) (*debian.Client, *debian.Index) {
	t.Helper()
	srcs, err := debian.SystemSources("/")
	if err != nil {
		testutil.Unavailable(t, "apt sources: %v", err)
	}
	repos := debian.Repos(srcs, "amd64")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	client, err := debian.NewClient(filepath.Join(cache, "harden", "debs"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := client.Index(context.Background(), repos, "amd64")
	if err != nil {
		testutil.Unavailable(t, "the machine's Debian repositories: %v", err)
	}
	return client, ix
}

// vulnDB imports the shared bookworm security-tracker data into a temp dir.
func vulnDB(t *testing.T) *vuln.DB {
	t.Helper()
	src := filepath.Join(testutil.SharedDir(t), "vulndb", "debian-tracker", "bookworm.json")
	if _, err := os.Stat(src); err != nil {
		testutil.Unavailable(t, "shared vulndb: %v", err)
	}
	dir := t.TempDir()
	if _, err := vuln.Import(context.Background(), dir, []string{src}); err != nil {
		t.Fatal(err)
	}
	db, err := vuln.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// scanned indexes img for patch and sbom, and matches its packages.
func scanned(t *testing.T, img v1.Image, db *vuln.DB) (*fsindex.Index, *sbom.SBOM, []vuln.Finding) {
	t.Helper()
	ctx := context.Background()
	sopts := []sbom.Option{sbom.WithoutLicenses()}
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(append(append(sbom.Wants(sopts...), patch.Wants()...), minify.SummaryWants()...)...))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sbom.Generate(ctx, x, sopts...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := vuln.Match(ctx, db, s)
	if err != nil {
		t.Fatal(err)
	}
	return x, s, res.Findings
}

func openDaemon(t *testing.T, ref string) *image.Image {
	t.Helper()
	img, err := image.Open(context.Background(), "docker-daemon:"+ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	return img
}

// patched runs Plan and Apply and loads the image into the engine.
func patched(t *testing.T, img v1.Image, x *fsindex.Index, findings []vuln.Finding, client *debian.Client, ix *debian.Index) (*patch.Result, v1.Image, string) {
	t.Helper()
	r, err := patch.Plan(x, ix, patch.Request{Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	if r.Empty() {
		t.Fatalf("nothing to patch: %+v", r)
	}
	start := time.Now()
	out, err := patch.Apply(context.Background(), img, x, r, client, patch.WithTempDir(t.TempDir()), patch.WithEpoch(time.Unix(1733000000, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	tag := fmt.Sprintf("h-patch-test/%d:patched", time.Now().UnixNano())
	if err := image.Write(context.Background(), out, "docker-daemon:"+tag); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "--no-prune", tag).Run() })
	t.Logf("%d packages, %d of %d findings with a fix fixed, layer %d bytes (%d uncompressed, %d files, %d whiteouts) in %s",
		len(r.Updates), r.FindingsFixed, len(r.Findings), r.Layer.Size, r.Layer.UncompressedSize, r.Layer.Files, r.Layer.Whiteouts, time.Since(start).Round(time.Millisecond))
	for _, n := range r.Notes {
		t.Logf("note: %s: %s: %s", n.Package, n.Does, n.Instead)
	}
	return r, out, tag
}

// layerNames lists the top layer's entries.
func layerNames(t *testing.T, img v1.Image) []*tar.Header {
	t.Helper()
	var out []*tar.Header
	topLayer(t, img, func(h *tar.Header, _ io.Reader) { out = append(out, h) })
	return out
}

// checkRescan asserts that the patched image has no finding whose fix the
// repositories have (so a second patch has nothing to do), and that its
// SBOM reports the new versions.
func checkRescan(t *testing.T, r *patch.Result, before int, tag string, db *vuln.DB, ix *debian.Index) *fsindex.Index {
	t.Helper()
	x, s, findings := scanned(t, openDaemon(t, tag), db)
	again, err := patch.Plan(x, ix, patch.Request{Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	if again.FindingsFixed != 0 || !again.Empty() {
		t.Errorf("after the patch, %d findings still have a fix in the repositories: %+v", again.FindingsFixed, again.Updates)
	}
	versions := map[string]string{}
	for _, p := range s.Packages {
		if p.Type == "deb" {
			versions[p.Name] = p.Version
		}
	}
	for _, u := range r.Updates {
		if versions[u.Name] != u.To {
			t.Errorf("sbom of the patched image: %s %q, want %s", u.Name, versions[u.Name], u.To)
		}
	}
	with := 0
	for _, f := range findings {
		if f.Fixed != "" {
			with++
		}
	}
	t.Logf("findings: %d before (%d with a fix in the repositories), %d after (%d with a fixed version anywhere)", before, r.FindingsFixed, len(findings), with)
	return x
}

func TestPatchNode18(t *testing.T) {
	testutil.RequireDocker(t)
	testutil.RequireImage(t, testutil.Node18Image)
	db := vulnDB(t)
	client, ix := realSource(t)
	img := openDaemon(t, testutil.Node18Image)
	x, _, findings := scanned(t, img, db)
	r, out, tag := patched(t, img, x, findings, client, ix)
	if r.FindingsFixed == 0 {
		t.Fatal("no finding fixed on node18")
	}
	// libssl3's ldconfig trigger and nodejs's alternatives are reported.
	var sawLd, sawAlt bool
	for _, n := range r.Notes {
		sawLd = sawLd || n.Package == "libssl3" && strings.Contains(n.Does, "ldconfig") && strings.Contains(n.Instead, "the cache stays true")
		sawAlt = sawAlt || n.Package == "nodejs" && n.Does == "alternatives"
	}
	if !sawLd || !sawAlt {
		t.Errorf("notes = %+v, want libssl3's ldconfig and nodejs's alternatives", r.Notes)
	}

	// The layer holds the updated packages' files and database only.
	lists := map[string]bool{}
	for _, h := range layerNames(t, out) {
		if strings.HasSuffix(h.Name, ".list") {
			lists[h.Name] = true
		}
	}
	owned := map[string]bool{}
	for _, u := range r.Updates {
		if !lists["var/lib/dpkg/info/"+u.Name+".list"] && !lists["var/lib/dpkg/info/"+u.Name+":amd64.list"] {
			t.Errorf("no file list for %s in the layer", u.Name)
		}
	}
	for _, h := range layerNames(t, out) {
		name := "/" + strings.TrimSuffix(h.Name, "/")
		if strings.HasPrefix(name, "/var/lib/dpkg/") || strings.HasPrefix(path.Base(name), ".wh.") || h.Typeflag == tar.TypeDir {
			continue
		}
		owned[name] = true
	}
	updated := map[string]bool{}
	for _, u := range r.Updates {
		updated[u.Name] = true
	}
	ox, _, _ := scanned(t, out, db)
	for name := range owned {
		if !ownedByUpdated(ox, name, updated) {
			t.Errorf("%s is in the patch layer but in no updated package's file list", name)
		}
	}

	// Hardened run.
	cmd := exec.Command("docker", "run", "--rm", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--user", "65532:65532", tag, "node", "-e", "console.log(require('crypto').createHash('sha256').update('x').digest('hex'), process.versions.openssl)")
	b, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(b), "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881") {
		t.Errorf("node -e in the patched image: %v: %s", err, b)
	}
	t.Logf("node -e: %s", strings.TrimSpace(string(b)))

	// dpkg agrees: nothing half-installed, every updated file matches its md5sums.
	verify := []string{"run", "--rm", "--entrypoint", "dpkg", tag, "--verify"}
	for _, u := range r.Updates {
		verify = append(verify, u.Name)
	}
	for _, args := range [][]string{{"run", "--rm", "--entrypoint", "dpkg", tag, "--audit"}, verify} {
		if b, err := exec.Command("docker", args...).CombinedOutput(); err != nil || len(b) > 0 {
			t.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, b)
		}
	}

	// Same inputs, same digest.
	r2, err := patch.Plan(x, ix, patch.Request{Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	out2, err := patch.Apply(context.Background(), img, x, r2, client, patch.WithTempDir(t.TempDir()), patch.WithEpoch(time.Unix(1733000000, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	d1, _ := out.Digest()
	d2, _ := out2.Digest()
	if d1 != d2 {
		t.Errorf("two runs: %s and %s", d1, d2)
	}
	checkRescan(t, r, len(findings), tag, db, ix)
}

// ownedByUpdated reports whether an updated package's new file list (in
// the patched image) names p, directly or through the image's symlinks.
func ownedByUpdated(x *fsindex.Index, p string, updated map[string]bool) bool {
	for name := range updated {
		for _, n := range []string{name, name + ":amd64"} {
			files, ok := fsindex.Get(x, facts.DpkgFiles, "/var/lib/dpkg/info/"+n+".list")
			if !ok {
				continue
			}
			for _, l := range files {
				if l == p {
					return true
				}
				if res, err := x.ResolveParent(l); err == nil && res.Path == p {
					return true
				}
			}
		}
	}
	return false
}

func TestPatchMinifiedApp(t *testing.T) {
	testutil.RequireDocker(t)
	testutil.RequireImage(t, testutil.AppImage)
	ctx := context.Background()
	db := vulnDB(t)
	client, ix := realSource(t)
	src := openDaemon(t, testutil.AppImage)
	sx, err := fsindex.Build(ctx, src, fsindex.WithWants(minify.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := minify.Plan(ctx, sx)
	if err != nil {
		t.Fatal(err)
	}
	min, err := minify.Build(ctx, src, sx, sel, minify.WithWorkDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	x, _, findings := scanned(t, min, db)
	r, out, tag := patched(t, min, x, findings, client, ix)
	if !r.Distroless {
		t.Error("a minified image was not seen as status.d")
	}
	for _, h := range layerNames(t, out) {
		name := "/" + strings.TrimSuffix(h.Name, "/")
		if strings.HasPrefix(name, "/var/lib/dpkg/status.d/") {
			continue
		}
		if _, ok := x.Lookup(name); !ok {
			t.Errorf("the patch brought back %s, which the minified image did not have", name)
		}
	}
	px := checkRescan(t, r, len(findings), tag, db, ix)
	if d := minify.Summarize(px).Denied(); len(d) > 0 {
		t.Errorf("the patched minified image has shells or tools: %v", d)
	}
	cmd := exec.Command("docker", "run", "--rm", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--entrypoint", "node", tag, "-e", "console.log(process.versions.openssl)")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("node -e in the patched minified image: %v: %s", err, b)
	} else {
		t.Logf("node -e: %s", strings.TrimSpace(string(b)))
	}
}
