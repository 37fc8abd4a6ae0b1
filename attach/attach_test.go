package attach_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/internal/testutil"
)

// registries are the three a result can be attached in: go-containerregistry's
// in-process registry with and without the Referrers API, and Debian's
// docker-registry (distribution 2.8, no Referrers API).
func registries(t *testing.T) map[string]func(t *testing.T) (host string, referrersCalls *atomic.Int64) {
	return map[string]func(t *testing.T) (string, *atomic.Int64){
		"ggcr-referrers": func(t *testing.T) (string, *atomic.Int64) { return ggcrRegistry(t, true) },
		"ggcr-fallback":  func(t *testing.T) (string, *atomic.Int64) { return ggcrRegistry(t, false) },
		"docker-registry": func(t *testing.T) (string, *atomic.Int64) {
			return testutil.StartRegistry(t), nil
		},
	}
}

// ggcrRegistry serves go-containerregistry's registry on 127.0.0.1 and
// counts the Referrers API calls it answered with 200.
func ggcrRegistry(t *testing.T, referrers bool) (string, *atomic.Int64) {
	reg := registry.New(registry.WithReferrersSupport(referrers), registry.Logger(log.New(io.Discard, "", 0)))
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &statusWriter{ResponseWriter: w}
		reg.ServeHTTP(rw, r)
		if strings.Contains(r.URL.Path, "/referrers/") && rw.status == http.StatusOK {
			n.Add(1)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), &n
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func pushImage(t *testing.T, ref string) v1.Image {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	return img
}

// tick is a clock that moves a millisecond a call, so the order is known.
func tick() attach.Option {
	t0 := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	var n atomic.Int64
	return attach.WithClock(func() time.Time { return t0.Add(time.Duration(n.Add(1)) * time.Millisecond) })
}

// TestPushListFetch attaches an audit, an SBOM and a second audit to an
// image in each registry and reads them back: newest first, filtered by
// kind, bodies byte for byte; another image's results stay its own.
func TestPushListFetch(t *testing.T) {
	ctx := context.Background()
	for regName, start := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			host, referrers := start(t)
			ref := host + "/app:1"
			img := pushImage(t, ref)
			other := pushImage(t, host+"/app:2")
			opts := []attach.Option{attach.WithInsecure(true), attach.WithVersion("v9.9.9"), tick()}
			sub, err := attach.Resolve(ctx, ref, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if d, _ := img.Digest(); sub.Descriptor.Digest != d {
				t.Fatalf("Resolve: %s, want the image's %s", sub.Descriptor.Digest, d)
			}
			if c, _ := img.ConfigName(); sub.Config != c {
				t.Fatalf("Resolve: config %s, want %s", sub.Config, c)
			}
			if fromImg, err := attach.SubjectOf(ref, img, opts...); err != nil || fromImg.Descriptor.Digest != sub.Descriptor.Digest || fromImg.Descriptor.Size != sub.Descriptor.Size || fromImg.Descriptor.MediaType != sub.Descriptor.MediaType {
				t.Fatalf("SubjectOf: %+v %v, want %+v", fromImg, err, sub.Descriptor)
			}
			push := func(s attach.Subject, k attach.Kind, format, body string) attach.Attached {
				t.Helper()
				f, mt := attach.Format(k, format)
				a, err := attach.Push(ctx, s, attach.Result{Kind: k, Format: f, MediaType: mt, Body: []byte(body)}, opts...)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			first := push(sub, attach.Audit, "table", `{"score":50}`)
			sbom := push(sub, attach.SBOM, "table", `{"bomFormat":"CycloneDX"}`)
			second := push(sub, attach.Audit, "sarif", `{"version":"2.1.0"}`)
			otherSub, err := attach.Resolve(ctx, host+"/app:2", opts...)
			if err != nil {
				t.Fatal(err)
			}
			push(otherSub, attach.Scan, "json", `{"findings":[]}`)
			_ = other

			all, err := attach.List(ctx, sub, "", opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := digests(all); !equal(got, []string{second.Digest, sbom.Digest, first.Digest}) {
				t.Fatalf("List: %v, want newest first %v", got, []string{second.Digest, sbom.Digest, first.Digest})
			}
			want := []struct {
				kind   attach.Kind
				format string
				mt     string
			}{{attach.Audit, "sarif", attach.TypeSARIF}, {attach.SBOM, "cyclonedx", attach.TypeCycloneDX}, {attach.Audit, "json", attach.TypeAudit}}
			for i, w := range want {
				a := all[i]
				if a.Kind != w.kind || a.Format != w.format || a.MediaType != w.mt || a.Version != "v9.9.9" || a.Created.IsZero() {
					t.Errorf("List[%d] = %+v, want %s %s %s by v9.9.9", i, a, w.kind, w.format, w.mt)
				}
			}
			audits, err := attach.List(ctx, sub, attach.Audit, opts...)
			if err != nil || !equal(digests(audits), []string{second.Digest, first.Digest}) {
				t.Fatalf("List audit: %v %v", digests(audits), err)
			}
			if scans, err := attach.List(ctx, sub, attach.Scan, opts...); err != nil || len(scans) != 0 {
				t.Fatalf("List scan of app:1: %v %v, want none (the scan is app:2's)", scans, err)
			}
			body, info, err := attach.Fetch(ctx, sub, first.Digest, opts...)
			if err != nil || string(body) != `{"score":50}` || info.Kind != attach.Audit {
				t.Fatalf("Fetch: %q %+v %v", body, info, err)
			}
			body, info, err = attach.Latest(ctx, sub, attach.SBOM, opts...)
			if err != nil || string(body) != `{"bomFormat":"CycloneDX"}` || info.Digest != sbom.Digest {
				t.Fatalf("Latest sbom: %q %+v %v", body, info, err)
			}
			if _, _, err := attach.Fetch(ctx, otherSub, first.Digest, opts...); err == nil || !strings.Contains(err.Error(), "does not refer to this image") {
				t.Fatalf("fetching app:1's result as app:2's: %v", err)
			}
			if _, _, err := attach.Fetch(ctx, sub, first.Digest, append(opts, attach.WithMaxSize(5))...); err == nil || !strings.Contains(err.Error(), "more than the 5 harden reads") {
				t.Fatalf("a result over the size bound: %v", err)
			}
			switch regName {
			case "ggcr-referrers":
				if referrers.Load() == 0 {
					t.Error("the Referrers API was never used")
				}
				assertNoFallbackTag(t, sub)
			default:
				assertFallbackTag(t, sub, 3)
			}
		})
	}
}

// assertFallbackTag checks the referrers tag schema: sha256-<digest>
// holds an index of n referrers.
func assertFallbackTag(t *testing.T, sub attach.Subject, n int) {
	t.Helper()
	tag := sub.Repository.Tag(strings.Replace(sub.Descriptor.Digest.String(), ":", "-", 1))
	idx, err := remote.Index(tag)
	if err != nil {
		t.Fatalf("no fallback tag %s: %v", tag, err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != n {
		t.Fatalf("fallback tag %s lists %d referrers (%v), want %d", tag, len(im.Manifests), err, n)
	}
}

func assertNoFallbackTag(t *testing.T, sub attach.Subject) {
	t.Helper()
	tag := sub.Repository.Tag(strings.Replace(sub.Descriptor.Digest.String(), ":", "-", 1))
	if _, err := remote.Head(tag); err == nil {
		t.Errorf("a registry with the Referrers API got a fallback tag %s", tag)
	}
}

// TestResolveIndex attaches to the platform's image of a multi-platform
// index, as image.Open reads it.
func TestResolveIndex(t *testing.T) {
	host, _ := ggcrRegistry(t, false)
	amd, _ := random.Image(64, 1)
	arm, _ := random.Image(64, 1)
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	r, _ := name.ParseReference(host+"/multi:1", name.Insecure)
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	sub, err := attach.Resolve(context.Background(), host+"/multi:1", attach.WithInsecure(true), attach.WithPlatform("linux/arm64"))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := arm.Digest(); sub.Descriptor.Digest != d {
		t.Fatalf("resolved %s, want the arm64 image %s", sub.Descriptor.Digest, d)
	}
}

// TestFetchRejects refuses artifacts harden did not make or that lie.
func TestFetchRejects(t *testing.T) {
	ctx := context.Background()
	host, _ := ggcrRegistry(t, true)
	ref := host + "/app:1"
	pushImage(t, ref)
	opts := []attach.Option{attach.WithInsecure(true)}
	sub, err := attach.Resolve(ctx, ref, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attach.Push(ctx, sub, attach.Result{Kind: attach.Audit, MediaType: "text/html", Body: []byte("x")}, opts...); err == nil {
		t.Fatal("pushed a result of an unknown media type")
	}
	// a signature-like artifact another tool attached: listed, never fetched
	sig, _ := random.Image(32, 1)
	foreign := mutate.Subject(mutate.MediaType(sig, "application/vnd.oci.image.manifest.v1+json"), sub.Descriptor).(v1.Image)
	fd, _ := foreign.Digest()
	if err := remote.Write(sub.Repository.Digest(fd.String()), foreign); err != nil {
		t.Fatal(err)
	}
	all, err := attach.List(ctx, sub, "", opts...)
	if err != nil || len(all) != 1 || all[0].Kind != "" {
		t.Fatalf("List: %+v %v, want the foreign artifact with no kind", all, err)
	}
	if audits, _ := attach.List(ctx, sub, attach.Audit, opts...); len(audits) != 0 {
		t.Fatalf("the foreign artifact counts as an audit: %+v", audits)
	}
	if _, _, err := attach.Fetch(ctx, sub, fd.String(), opts...); err == nil || !strings.Contains(err.Error(), "not one harden attaches") {
		t.Fatalf("Fetch of a foreign artifact: %v", err)
	}
	if _, _, err := attach.Latest(ctx, sub, "", opts...); err == nil || !strings.Contains(err.Error(), "no result attached") {
		t.Fatalf("Latest with only a foreign artifact: %v", err)
	}
	if _, _, err := attach.Fetch(ctx, sub, "sha256:nothex", opts...); err == nil {
		t.Fatal("Fetch took a bad digest")
	}
}

func digests(as []attach.Attached) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Digest)
	}
	return out
}

func equal(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// TestCredentialsFromDockerConfig reaches a registry that wants a password
// through the default keychain reading $DOCKER_CONFIG/config.json, the way
// the fleet's pods get theirs from a mounted Secret.
func TestCredentialsFromDockerConfig(t *testing.T) {
	host := testutil.PasswordRegistry(t, "fleet", "s3cret-pass")
	img, _ := random.Image(64, 1)
	r, _ := name.ParseReference(host+"/app:1", name.Insecure)
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: "fleet", Password: "s3cret-pass"})); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if _, err := attach.Resolve(ctx, host+"/app:1", attach.WithInsecure(true)); err == nil {
		t.Fatal("resolved without credentials")
	}
	auth := base64.StdEncoding.EncodeToString([]byte("fleet:s3cret-pass"))
	cfg := `{"auths":{"` + host + `":{"auth":"` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	sub, err := attach.Resolve(ctx, host+"/app:1", attach.WithInsecure(true))
	if err != nil {
		t.Fatal(err)
	}
	a, err := attach.Push(ctx, sub, attach.Result{Kind: attach.Audit, Format: "json", MediaType: attach.TypeAudit, Body: []byte("{}")}, attach.WithInsecure(true))
	if err != nil {
		t.Fatal(err)
	}
	if list, err := attach.List(ctx, sub, attach.Audit, attach.WithInsecure(true)); err != nil || len(list) != 1 || list[0].Digest != a.Digest {
		t.Fatalf("List: %+v %v", list, err)
	}
}

// TestConcurrentPushes attaches eight results to one image at once (tags
// naming the same image, audited with --jobs): on every registry all
// eight are listed, none lost to the referrers tag's read-modify-write.
func TestConcurrentPushes(t *testing.T) {
	ctx := context.Background()
	for regName, start := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			host, _ := start(t)
			pushImage(t, host+"/app:1")
			opts := []attach.Option{attach.WithInsecure(true)}
			sub, err := attach.Resolve(ctx, host+"/app:1", opts...)
			if err != nil {
				t.Fatal(err)
			}
			errs := make(chan error, 8)
			for i := range 8 {
				go func() {
					_, err := attach.Push(ctx, sub, attach.Result{Kind: attach.Audit, Format: "json", MediaType: attach.TypeAudit, Body: fmt.Appendf(nil, `{"n":%d}`, i)}, opts...)
					errs <- err
				}()
			}
			for range 8 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if list, err := attach.List(ctx, sub, attach.Audit, opts...); err != nil || len(list) != 8 {
				t.Fatalf("%d results listed (%v), want 8", len(list), err)
			}
		})
	}
}

// TestPushRepairsLostUpdate simulates another process overwriting the
// referrers tag between harden's read and write: the first write of the
// tag is acknowledged but dropped, and Push pushes again until the result
// is listed.
func TestPushRepairsLostUpdate(t *testing.T) {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var tagPuts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/sha256-") && tagPuts.Add(1) == 1 {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusCreated)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	pushImage(t, host+"/app:1")
	ctx := context.Background()
	opts := []attach.Option{attach.WithInsecure(true)}
	sub, err := attach.Resolve(ctx, host+"/app:1", opts...)
	if err != nil {
		t.Fatal(err)
	}
	a, err := attach.Push(ctx, sub, attach.Result{Kind: attach.SBOM, Format: "cyclonedx", MediaType: attach.TypeCycloneDX, Body: []byte("{}")}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := attach.List(ctx, sub, "", opts...); err != nil || len(list) != 1 || list[0].Digest != a.Digest {
		t.Fatalf("List: %+v %v", list, err)
	}
	if n := tagPuts.Load(); n != 2 {
		t.Fatalf("the referrers tag was written %d times, want 2 (the lost write and the repair)", n)
	}
}
