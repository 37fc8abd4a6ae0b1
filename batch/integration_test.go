package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/layers"
	"github.com/harden-dev/harden/redact"
)

// layersFunc is what `harden layers` does for one image, as a batch Func:
// open, index, analyse; the digest names the image's output file.
func layersFunc(opts ...image.Option) Func {
	return func(ctx context.Context, ref string) (Result, error) {
		img, err := image.Open(ctx, ref, opts...)
		if err != nil {
			return Result{}, err
		}
		defer img.Close()
		var res Result
		if d, err := img.Digest(); err == nil {
			res.Digest = d.String()
		}
		x, err := fsindex.Build(ctx, img)
		if err != nil {
			return res, fmt.Errorf("%s: %w", ref, err)
		}
		r := layers.Analyze(x)
		redact.Value(r)
		res.Value = r
		return res, nil
	}
}

// jsonLines parses JSON Lines output into results keyed by reference.
func jsonLines(t *testing.T, out []byte) map[string]Result {
	t.Helper()
	got := map[string]Result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line is not JSON: %v: %.120q", err, sc.Text())
		}
		got[r.Ref] = r
	}
	return got
}

// The real fixture images and broken ones, two at a time, to JSON Lines
// and a directory at once: the broken ones fail in their results, the
// others complete with their layer figures.
func TestFixtures(t *testing.T) {
	imgs := filepath.Join(testutil.SharedDir(t), "testdata", "images")
	good := []string{
		filepath.Join(imgs, "dive-test-docker-image.tar"),
		"oci-archive:" + filepath.Join(imgs, "dive-test-oci-uncompressed-image.tar"),
		"docker-archive:" + filepath.Join(imgs, "ggcr-hello-world-v25.tar"),
		filepath.Join(imgs, "ggcr-whiteout_image.tar"),
		filepath.Join(imgs, "trivy-alpine-310.tar.gz"),
	}
	tmp := t.TempDir()
	whole, err := os.ReadFile(filepath.Join(imgs, "dive-test-docker-image.tar"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(tmp, "truncated.tar")
	if err := os.WriteFile(truncated, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	notTar := filepath.Join(tmp, "not-an-image.tar")
	if err := os.WriteFile(notTar, []byte("just text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := []string{"docker-archive:" + truncated, "docker-archive:" + notTar, "docker-archive:" + filepath.Join(tmp, "missing.tar")}

	refs, err := Expand(context.Background(), append(append([]string{}, good...), append(broken, good[0])...))
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != len(good)+len(broken) {
		t.Fatalf("Expand kept %d references, want %d (the repeat dropped)", len(refs), len(good)+len(broken))
	}
	outDir := filepath.Join(tmp, "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := NewDir(outDir, redact.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	var out bytes.Buffer
	sum, err := Run(context.Background(), refs, 2, layersFunc(image.WithTempDir(tmp)), Tee(NewJSONL(&out), dir))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Summary{OK: len(good), Failed: len(broken)}); sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}
	got := jsonLines(t, out.Bytes())
	if len(got) != len(refs) {
		t.Errorf("%d JSON lines, want %d", len(got), len(refs))
	}
	for _, ref := range good {
		r := got[ref]
		if r.Status != StatusOK || !digestRE.MatchString(r.Digest) || r.Value == nil {
			t.Errorf("%s: %+v", ref, r)
			continue
		}
		onDisk := readResult(t, filepath.Join(outDir, FileName(r)))
		if onDisk.Ref != ref || onDisk.Digest != r.Digest {
			t.Errorf("%s: file %s holds %s %s", ref, FileName(r), onDisk.Ref, onDisk.Digest)
		}
	}
	// The dive image's figures, as dive's own tests assert them.
	var dive struct {
		Result layers.Report `json:"result"`
	}
	line := lineFor(t, out.Bytes(), good[0])
	if err := json.Unmarshal(line, &dive); err != nil {
		t.Fatal(err)
	}
	if len(dive.Result.Layers) != 14 || dive.Result.TotalBytes != 1220598 {
		t.Errorf("dive image: %d layers, %d bytes; want 14, 1220598", len(dive.Result.Layers), dive.Result.TotalBytes)
	}
	for _, ref := range broken {
		r := got[ref]
		if r.Status != StatusError || r.Error == "" || strings.ContainsAny(r.Error, "\n\r") {
			t.Errorf("%s: %+v, want an error on one line", ref, r)
		}
		if _, err := os.Stat(filepath.Join(outDir, FileName(r))); err != nil {
			t.Errorf("%s: no result file: %v", ref, err)
		}
	}
	if names := listDir(t, outDir); len(names) != len(refs) {
		t.Errorf("output dir holds %v, want %d files", names, len(refs))
	}
}

func lineFor(t *testing.T, out []byte, ref string) []byte {
	t.Helper()
	want, _ := json.Marshal(ref)
	for _, l := range bytes.Split(out, []byte("\n")) {
		if bytes.HasPrefix(l, append([]byte(`{"ref":`), want...)) {
			return l
		}
	}
	t.Fatalf("no line for %s", ref)
	return nil
}

// Ten images sharing a base in Debian's docker-registry: the catalog walk
// finds them all (paging two at a time), two jobs audit them, and an
// image whose layer the registry lost fails in its own result.
func TestRegistryFleet(t *testing.T) {
	host := testutil.StartRegistry(t)
	imgs := filepath.Join(testutil.SharedDir(t), "testdata", "images")
	base, err := image.Open(context.Background(), "docker-archive:"+filepath.Join(imgs, "dive-test-docker-image.tar"), image.WithTempDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	pushed := map[string]string{} // ref -> digest
	app := func(i int) v1.Image {
		img, err := mutate.AppendLayers(base, testutil.Layer(t, testutil.Reg(fmt.Sprintf("srv/app%d.conf", i), fmt.Sprintf("instance %d\n", i))))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	for i := range 10 {
		ref := fmt.Sprintf("fleet/app%d:v%d", i%4, i/4+1)
		img := app(i)
		push(t, host, ref, img)
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		pushed["registry:"+host+"/"+ref] = d.String()
	}
	// An eleventh image whose own layer the registry then loses.
	lost := app(99)
	push(t, host, "fleet/lost:v1", lost)
	ls, _ := lost.Layers()
	top, _ := ls[len(ls)-1].Digest()
	req, _ := http.NewRequest(http.MethodDelete, "http://"+host+"/v2/fleet/lost/blobs/"+top.String(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deleting a blob: %v %v", resp, err)
	}
	resp.Body.Close()
	lostRef := "registry:" + host + "/fleet/lost:v1"

	ctx := context.Background()
	insecure := image.WithInsecure(true)
	// The walk goes through a proxy that counts catalog pages, to see it
	// follow the registry's Link headers; the references name the registry.
	var catalogPages atomic.Int32
	target, _ := url.Parse("http://" + host)
	proxy := httputil.NewSingleHostReverseProxy(target)
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/_catalog" {
			catalogPages.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	defer counting.Close()
	viaProxy := strings.TrimPrefix(counting.URL, "http://")
	refs, err := Expand(ctx, []string{"registry:" + viaProxy}, WithAllTags(true), WithImageOptions(insecure), withPageSize(2))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range refs {
		refs[i] = strings.Replace(r, viaProxy, host, 1)
	}
	if n := catalogPages.Load(); n != 3 {
		t.Errorf("catalog of 5 repositories read in %d pages of 2, want 3", n)
	}
	if len(refs) != 11 {
		t.Fatalf("catalog walk found %d images, want 11: %v", len(refs), refs)
	}
	for ref := range pushed {
		if !slices.Contains(refs, ref) {
			t.Errorf("catalog walk missed %s", ref)
		}
	}
	if refs[len(refs)-1] != lostRef {
		t.Errorf("walk order = %v, want repositories then tags sorted", refs)
	}

	outDir := t.TempDir()
	dir, err := NewDir(outDir, redact.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	var out bytes.Buffer
	sum, err := Run(ctx, refs, 2, layersFunc(insecure, image.WithTempDir(t.TempDir())), Tee(NewJSONL(&out), dir))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Summary{OK: 10, Failed: 1}); sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}
	got := jsonLines(t, out.Bytes())
	for ref, d := range pushed {
		r := got[ref]
		if r.Status != StatusOK || r.Digest != d {
			t.Errorf("%s: status %s digest %s error %q; want ok, %s", ref, r.Status, r.Digest, r.Error, d)
		}
		if _, err := os.Stat(filepath.Join(outDir, strings.Replace(d, ":", "-", 1)+".json")); err != nil {
			t.Errorf("%s: %v", ref, err)
		}
	}
	r := got[lostRef]
	if r.Status != StatusError || !strings.Contains(r.Error, top.Hex) || strings.Contains(r.Error, "\n") {
		t.Errorf("lost image: %+v, want an error naming its missing layer", r)
	}
	if names := listDir(t, outDir); len(names) != 11 {
		t.Errorf("output dir = %v, want 11 files", names)
	}
}
