package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/harden-dev/harden/attach"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// alpineBase is Trivy's Alpine 3.10 test image from ../shared.
func alpineBase(t *testing.T) v1.Image {
	t.Helper()
	gz, err := os.Open(filepath.Join(tu.SharedDir(t), "testdata", "images", "trivy-alpine-310.tar.gz"))
	if err != nil {
		tu.Unavailable(t, "the shared Alpine image is missing: %v", err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "alpine.tar")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, zr); err != nil {
		t.Fatal(err)
	}
	f.Close()
	img, err := tarball.ImageFromPath(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func pushTo(t *testing.T, ref string, img v1.Image) {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("harden %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

func listResults(t *testing.T, args ...string) attach.Listing {
	t.Helper()
	out, _ := run(t, append([]string{"results", "--insecure", "--format", "json"}, args...)...)
	var v attach.Listing
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("results JSON: %v\n%s", err, out)
	}
	return v
}

// TestAttachTenImages pushes ten images sharing Alpine's base layer to
// Debian's docker-registry (no Referrers API: the sha256- tag fallback),
// audits each with --attach and lists the results back per image; a second
// attach (an SBOM, then another audit) lists newest first and --type
// filters; --fetch returns what the audit printed.
func TestAttachTenImages(t *testing.T) {
	base := alpineBase(t)
	reg := tu.StartRegistry(t)
	var refs []string
	for i := range 10 {
		img, err := mutate.AppendLayers(base, tu.Layer(t, tu.Dir("app/"), tu.Reg("app/id", fmt.Sprintf("image %d\n", i))))
		if err != nil {
			t.Fatal(err)
		}
		ref := fmt.Sprintf("%s/fleet/app%d:1", reg, i)
		pushTo(t, ref, img)
		refs = append(refs, ref)
	}
	// the ten in one run, two at a time: one JSON line each, each attached
	args := []string{"audit", "--insecure", "--attach", "--format", "jsonl", "--jobs", "2"}
	for _, ref := range refs {
		args = append(args, "registry:"+ref)
	}
	out, stderr := run(t, args...)
	if n := strings.Count(stderr, "attached the audit result (json)"); n != len(refs) {
		t.Errorf("%d attach lines on stderr, want %d: %s", n, len(refs), stderr)
	}
	printed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Ref, Status string
			Result      json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Status != "ok" {
			t.Fatalf("line %q: %v", line, err)
		}
		printed[strings.TrimPrefix(r.Ref, "registry:")] = canonicalJSON(t, r.Result)
	}
	seen := map[string]bool{}
	for _, ref := range refs {
		v := listResults(t, ref)
		if len(v.Results) != 1 || v.Results[0].Kind != attach.Audit || v.Results[0].MediaType != attach.TypeAudit {
			t.Fatalf("%s: results %+v, want its one audit", ref, v.Results)
		}
		if seen[v.Results[0].Digest] {
			t.Errorf("%s: result %s is another image's too", ref, v.Results[0].Digest)
		}
		seen[v.Results[0].Digest] = true
		got, _ := run(t, "results", "--insecure", "--fetch", ref)
		if canonicalJSON(t, []byte(got)) != printed[ref] {
			t.Errorf("%s: the fetched audit is not what audit printed:\n%s\n---\n%s", ref, got, printed[ref])
		}
	}

	ref := refs[0]
	run(t, "sbom", "--insecure", "--attach", "registry:"+ref) // table: attaches CycloneDX
	run(t, "audit", "--insecure", "--attach", "--format", "sarif", "registry:"+ref)
	v := listResults(t, ref)
	var kinds []string
	for _, a := range v.Results {
		kinds = append(kinds, string(a.Kind)+"/"+a.Format)
	}
	if strings.Join(kinds, " ") != "audit/sarif sbom/cyclonedx audit/json" {
		t.Fatalf("after two more attaches: %v, want newest first audit/sarif sbom/cyclonedx audit/json", kinds)
	}
	if a := listResults(t, "--type", "audit", ref).Results; len(a) != 2 || a[0].Format != "sarif" || !a[0].Created.After(a[1].Created) {
		t.Fatalf("--type audit: %+v", a)
	}
	if s := listResults(t, "--type", "sbom", ref).Results; len(s) != 1 || s[0].MediaType != attach.TypeCycloneDX {
		t.Fatalf("--type sbom: %+v", s)
	}
	if s := listResults(t, "--type", "scan", ref).Results; len(s) != 0 {
		t.Fatalf("--type scan: %+v, want none", s)
	}
	bomFile := filepath.Join(t.TempDir(), "bom.json")
	run(t, "results", "--insecure", "--type", "sbom", "--fetch", "--output", bomFile, ref)
	var bom struct{ BOMFormat string }
	if b, err := os.ReadFile(bomFile); err != nil || json.Unmarshal(b, &bom) != nil || bom.BOMFormat != "CycloneDX" {
		t.Fatalf("the fetched SBOM: %v %q", err, bom.BOMFormat)
	}
	table, _ := run(t, "results", "--insecure", ref)
	if !strings.Contains(table, "sbom") || strings.Count(table, "audit") != 2 {
		t.Errorf("results table:\n%s", table)
	}
}

// TestAttachRedacts attaches the audit of an image with a planted password
// in table format (which attaches JSON): the pushed result names the
// finding and never the secret.
func TestAttachRedacts(t *testing.T) {
	reg := tu.StartRegistry(t)
	password := "Xq7rT2mZ9wLp4sV8"
	img := tu.Image(t, func(c *v1.Config) { c.Env = []string{"PATH=/usr/bin", "DB_PASSWORD=" + password} },
		[]tu.File{tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")})
	ref := reg + "/planted:1"
	pushTo(t, ref, img)
	run(t, "audit", "--insecure", "--attach", "registry:"+ref)
	got, _ := run(t, "results", "--insecure", "--type", "audit", "--fetch", ref)
	if strings.Contains(got, password) {
		t.Fatal("the attached audit holds the password")
	}
	if !strings.Contains(got, "secret-in-env") || !json.Valid([]byte(got)) {
		t.Fatalf("the attached audit is not the JSON audit:\n%s", got)
	}
	// straight from the registry, not through harden's redacting stdout
	sub, err := attach.Resolve(context.Background(), ref, attach.WithInsecure(true))
	if err != nil {
		t.Fatal(err)
	}
	body, _, err := attach.Latest(context.Background(), sub, attach.Audit, attach.WithInsecure(true))
	if err != nil || bytes.Contains(body, []byte(password)) {
		t.Fatalf("the pushed bytes hold the password (%v)", err)
	}
}

// TestAttachNeedsRegistry refuses --attach for an image read from a file.
func TestAttachNeedsRegistry(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{tu.Dir("etc/"), tu.Reg("etc/os-release", "ID=test\n")})
	p := filepath.Join(t.TempDir(), "img.tar")
	tag, _ := name.NewTag("local:1")
	if err := tarball.WriteToFile(p, tag, img); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"audit", "--attach", "docker-archive:" + p}, nil, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "was not read from a registry") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

// TestAttachScan attaches a scan of the Alpine image in SARIF (as printed)
// and as JSON (for the table), and reads both back by --type scan.
func TestAttachScan(t *testing.T) {
	reg := tu.StartRegistry(t)
	ref := reg + "/alpine:3.10"
	pushTo(t, ref, alpineBase(t))
	db := filepath.Join(t.TempDir(), "db")
	run(t, "db", "import", "--db", db, filepath.Join(tu.SharedDir(t), "vulndb", "osv", "Alpine"))
	sarif, _ := run(t, "scan", "--db", db, "--insecure", "--attach", "--format", "sarif", "-q", "registry:"+ref)
	run(t, "scan", "--db", db, "--insecure", "--attach", "-q", "registry:"+ref)
	v := listResults(t, "--type", "scan", ref)
	if len(v.Results) != 2 || v.Results[0].MediaType != attach.TypeScan || v.Results[1].MediaType != attach.TypeSARIF {
		t.Fatalf("scan results: %+v, want the JSON then the SARIF", v.Results)
	}
	got, _ := run(t, "results", "--insecure", "--fetch", "--digest", v.Results[1].Digest, ref)
	if got != sarif {
		t.Fatal("the fetched SARIF is not what scan printed")
	}
	var res struct{ Findings []json.RawMessage }
	got, _ = run(t, "results", "--insecure", "--fetch", "--type", "scan", ref)
	if err := json.Unmarshal([]byte(got), &res); err != nil {
		t.Fatalf("the attached scan JSON: %v\n%s", err, got)
	}
	if audits := listResults(t, "--type", "audit", ref).Results; len(audits) != 0 {
		t.Fatalf("a scan counted as an audit: %+v", audits)
	}
}

// TestScanAttachRefusesSBOMFile: an SBOM file names an image, but that
// image was not read, so nothing is attached to it.
func TestScanAttachRefusesSBOMFile(t *testing.T) {
	reg := tu.StartRegistry(t)
	ref := reg + "/alpine:3.10"
	pushTo(t, ref, alpineBase(t))
	db := filepath.Join(t.TempDir(), "db")
	run(t, "db", "import", "--db", db, filepath.Join(tu.SharedDir(t), "vulndb", "osv", "Alpine"))
	bom := filepath.Join(t.TempDir(), "bom.json")
	out, _ := run(t, "sbom", "--insecure", "--format", "json", "registry:"+ref)
	if err := os.WriteFile(bom, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"scan", "--db", db, "--insecure", "--attach", "-q", "sbom:" + bom}, nil, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "not an SBOM file") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if r := listResults(t, ref).Results; len(r) != 0 {
		t.Fatalf("attached from an SBOM file: %+v", r)
	}
}

// canonicalJSON is data re-encoded compactly, to compare a JSON Lines
// result with the indented document attached for it.
func canonicalJSON(t *testing.T, data []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
