package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// manyRun runs harden with args and stdin and returns the exit code and
// the two streams.
func manyRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// jsonLines parses each line of out as one batch result.
func jsonLines(t *testing.T, out string) map[string]map[string]any {
	t.Helper()
	got := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("a line is not one JSON object: %v\n%.300s", err, sc.Text())
		}
		got[r["ref"].(string)] = r
	}
	return got
}

// TestManyImagesJSONL audits two real tarballs and a broken one in one run:
// one JSON object per image, the broken one failed with its error, the
// others complete with their result, and the exit code says an image failed.
func TestManyImagesJSONL(t *testing.T) {
	imgs := filepath.Join(sharedDir(), "testdata", "images")
	bad := filepath.Join(t.TempDir(), "broken.tar")
	if err := os.WriteFile(bad, []byte("not a tar archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	hello, dive := filepath.Join(imgs, "ggcr-hello-world-v25.tar"), filepath.Join(imgs, "dive-test-docker-image.tar")
	// one reference from the arguments, two from --images-from on stdin
	code, out, errOut := manyRun(t, dive+"\n# a comment\n"+bad+"\n", "audit", "--format", "jsonl", "--jobs", "2", "--images-from", "-", hello)
	if code != exitUsage {
		t.Errorf("exit %d, want %d (one image failed)\n%s", code, exitUsage, errOut)
	}
	got := jsonLines(t, out)
	if len(got) != 3 {
		t.Fatalf("%d results, want 3:\n%s", len(got), out)
	}
	for _, ref := range []string{hello, dive} {
		r := got[ref]
		res, _ := r["result"].(map[string]any)
		if r["status"] != "ok" || !strings.HasPrefix(r["digest"].(string), "sha256:") || res == nil || res["summary"] == nil {
			t.Errorf("%s: %v", ref, r)
		}
	}
	if r := got[bad]; r["status"] != "error" || !strings.Contains(r["error"].(string), "not a tar") || r["result"] != nil {
		t.Errorf("broken image: %v", r)
	}
	if !strings.Contains(errOut, "3 images: 2 ok, 0 crossed a threshold, 1 failed") {
		t.Errorf("stderr lacks the summary: %s", errOut)
	}
}

// TestManyImagesPolicyAndOutputDir: a threshold crossed by every image is
// exit 1 with every image done; --output-dir has one file per image, named
// from its digest, holding what --format json prints for it.
func TestManyImagesPolicyAndOutputDir(t *testing.T) {
	imgs := filepath.Join(sharedDir(), "testdata", "images")
	dir := t.TempDir()
	refs := []string{filepath.Join(imgs, "dive-test-docker-image.tar"), filepath.Join(imgs, "ggcr-whiteout_image.tar")}
	code, out, errOut := manyRun(t, "", append([]string{"layers", "--ci", "--lowest-efficiency", "0.999", "--output-dir", dir}, refs...)...)
	if code != exitPolicy {
		t.Errorf("exit %d, want %d\n%s", code, exitPolicy, errOut)
	}
	if out != "" {
		t.Errorf("--output-dir alone printed on stdout: %.300s", out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "sha256-*.json"))
	if len(files) != 2 {
		t.Fatalf("%d files in --output-dir, want 2: %v", len(files), files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Ref, Digest, Status string
			Result              struct {
				Image  string `json:"image"`
				Layers []any  `json:"layers"`
				CI     []any  `json:"ci"`
			}
		}
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if filepath.Base(f) != strings.Replace(r.Digest, ":", "-", 1)+".json" || r.Status != "policy" || len(r.Result.Layers) == 0 || len(r.Result.CI) != 3 {
			t.Errorf("%s: %+v", filepath.Base(f), r)
		}
	}
	// the table for several images: each image in turn
	code, out, _ = manyRun(t, "", append([]string{"layers"}, refs...)...)
	if code != exitOK || strings.Count(out, "Dive (same definitions as Dive)") != 2 {
		t.Errorf("exit %d; two tables expected:\n%s", code, out)
	}
}

// TestManyImagesFromEngine inventories two fixture images from the engine
// with two jobs and a missing one: the missing image fails alone.
func TestManyImagesFromEngine(t *testing.T) {
	testutil.RequireDocker(t)
	testutil.RequireImage(t, testutil.GoAppImage)
	testutil.RequireImage(t, testutil.DebianImage)
	missing := "docker-daemon:harden-h-cli/missing:nothing"
	code, out, errOut := manyRun(t, "", "sbom", "--format", "jsonl", "--jobs", "2", testutil.GoAppImage, testutil.DebianImage, missing)
	if code != exitUsage {
		t.Errorf("exit %d, want %d\n%s", code, exitUsage, errOut)
	}
	got := jsonLines(t, out)
	for _, ref := range []string{testutil.GoAppImage, testutil.DebianImage} {
		res, _ := got[ref]["result"].(map[string]any)
		if got[ref]["status"] != "ok" || res == nil || len(res["packages"].([]any)) == 0 {
			t.Errorf("%s: %.300v", ref, got[ref])
		}
	}
	if got[missing]["status"] != "error" {
		t.Errorf("missing image: %v", got[missing])
	}
}

// TestManyImagesRegistryWalk walks an in-process registry's catalog: each
// repository's latest tag by default, every tag with --all-tags.
func TestManyImagesRegistryWalk(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, ref := range []string{"app/web:latest", "app/web:1.0", "tools/cli:latest"} {
		img, err := random.Image(512, 2)
		if err != nil {
			t.Fatal(err)
		}
		tag, err := name.NewTag(host + "/" + ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(tag, img); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"layers", "--format", "jsonl", "registry:" + host}, 2},
		{[]string{"layers", "--format", "jsonl", "--all-tags", "--jobs", "3", "registry:" + host}, 3},
	} {
		code, out, errOut := manyRun(t, "", tc.args...)
		got := jsonLines(t, out)
		if code != exitOK || len(got) != tc.want {
			t.Errorf("%v: exit %d, %d results, want %d\n%s\n%s", tc.args, code, len(got), tc.want, out, errOut)
		}
		for ref, r := range got {
			if !strings.HasPrefix(ref, "registry:"+host+"/") || r["status"] != "ok" {
				t.Errorf("%s: %v", ref, r)
			}
		}
	}
}
