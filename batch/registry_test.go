package batch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/harden-dev/harden/image"
)

// sharedBase returns n images that share one base and differ in a top
// layer, as a fleet built FROM one base does.
func sharedBase(t testing.TB, n int) []v1.Image {
	t.Helper()
	base, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	imgs := make([]v1.Image, n)
	for i := range imgs {
		l, err := random.Layer(512, types.DockerLayer)
		if err != nil {
			t.Fatal(err)
		}
		if imgs[i], err = mutate.AppendLayers(base, l); err != nil {
			t.Fatal(err)
		}
	}
	return imgs
}

// push writes img to host/ref over plain HTTP.
func push(t testing.TB, host, ref string, img v1.Image) {
	t.Helper()
	tag, err := name.NewTag(host+"/"+ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatalf("pushing %s: %v", tag, err)
	}
}

// fleet pushes ten images sharing a base to host: team/app0..app4 with a
// v1 and a v2 each, five of them also tagged latest, and solo:edge (no
// latest). It returns every registry: reference it pushed and the latest
// ones, sorted.
func fleet(t testing.TB, host string) (all, latest []string) {
	t.Helper()
	imgs := sharedBase(t, 10)
	for i, img := range imgs {
		repo := fmt.Sprintf("team/app%d", i%5)
		tag := "v1"
		if i >= 5 {
			tag = "v2"
		}
		push(t, host, repo+":"+tag, img)
		all = append(all, "registry:"+host+"/"+repo+":"+tag)
		if i < 3 || i >= 8 { // app0..app2 (v1) and app3, app4 (v2) are latest
			push(t, host, repo+":latest", img)
			all = append(all, "registry:"+host+"/"+repo+":latest")
			latest = append(latest, "registry:"+host+"/"+repo+":latest")
		}
	}
	push(t, host, "solo:edge", imgs[0]) // a repository without latest
	all = append(all, "registry:"+host+"/solo:edge")
	return sorted(all), sorted(latest)
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func inProcessRegistry(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Host
}

func TestExpandRegistryCatalog(t *testing.T) {
	host := inProcessRegistry(t)
	all, latest := fleet(t, host)
	if len(all) != 16 || len(latest) != 5 {
		t.Fatalf("fleet pushed %d references (%d latest), want 16 (5)", len(all), len(latest))
	}
	ctx := context.Background()
	insecure := WithImageOptions(image.WithInsecure(true))

	got, err := Expand(ctx, []string{"registry:" + host}, WithAllTags(true), insecure)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, got); diff != "" {
		t.Errorf("registry:HOST --all-tags (-want +got):\n%s", diff)
	}

	var log bytes.Buffer
	got, err = Expand(ctx, []string{"registry:" + host}, insecure, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(latest, got); diff != "" {
		t.Errorf("registry:HOST without --all-tags (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), host+"/solo") {
		t.Errorf("the repository without latest was skipped silently; log:\n%s", log.String())
	}

	got, err = Expand(ctx, []string{"registry:" + host + "/team/app3", "registry:" + host + "/team/app0:v1", "registry:" + host + "/team/app3:v2"}, WithAllTags(true), insecure)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"registry:" + host + "/team/app3:latest", "registry:" + host + "/team/app3:v1", "registry:" + host + "/team/app3:v2", "registry:" + host + "/team/app0:v1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("registry:HOST/REPO --all-tags (-want +got):\n%s", diff)
	}

	// Without --all-tags a repository is the one image REPO:latest, as
	// image.Open reads it: nothing is listed.
	got, err = Expand(ctx, []string{"registry:" + host + "/team/app3"}, insecure)
	if err != nil || !cmp.Equal(got, []string{"registry:" + host + "/team/app3"}) {
		t.Errorf("registry:HOST/REPO = %v, %v; want it unchanged", got, err)
	}
}

func TestExpandRegistryErrors(t *testing.T) {
	ctx := context.Background()
	host := inProcessRegistry(t)
	_, err := Expand(ctx, []string{"registry:" + host + "/nothing"}, WithAllTags(true), WithImageOptions(image.WithInsecure(true)))
	if err == nil || !strings.HasPrefix(err.Error(), "registry:"+host+"/nothing: listing the tags of nothing: ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unknown repository: error = %v", err)
	}
	if _, err := Expand(ctx, []string{"registry:" + host}, WithImageOptions(image.WithInsecure(true))); err != ErrNoReferences {
		t.Errorf("empty registry: error = %v, want ErrNoReferences", err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(dead.URL, "http://")
	dead.Close()
	_, err = Expand(ctx, []string{"registry:" + addr}, WithImageOptions(image.WithInsecure(true)))
	if err == nil || !strings.HasPrefix(err.Error(), "registry:"+addr+": listing the catalog: ") {
		t.Errorf("unreachable registry: error = %v", err)
	}
}

// A registry is untrusted: a next-page link back to itself must end, and
// a repository or tag name that is no name is skipped, not followed.
func TestExpandHostileRegistry(t *testing.T) {
	ctx := context.Background()
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/":
			return
		case "/v2/_catalog":
			w.Header().Set("Link", `</v2/_catalog?last=x>; rel="next"`)
			fmt.Fprint(w, `{"repositories":[]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer loop.Close()
	_, err := Expand(ctx, []string{"registry:" + strings.TrimPrefix(loop.URL, "http://")}, WithImageOptions(image.WithInsecure(true)))
	if err == nil || !strings.Contains(err.Error(), "more than 10000 pages") {
		t.Errorf("endless catalog: error = %v", err)
	}

	odd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/":
			return
		case "/v2/_catalog":
			fmt.Fprint(w, `{"repositories":["good","../../etc","UPPER"]}`)
		case "/v2/good/tags/list":
			fmt.Fprint(w, `{"name":"good","tags":["v1","../x","latest","v1"]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer odd.Close()
	host := strings.TrimPrefix(odd.URL, "http://")
	var log bytes.Buffer
	got, err := Expand(ctx, []string{"registry:" + host}, WithAllTags(true), WithImageOptions(image.WithInsecure(true)), WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"registry:" + host + "/good:latest", "registry:" + host + "/good:v1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostile names (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"../../etc", "UPPER", "../x"} {
		if !strings.Contains(log.String(), bad) {
			t.Errorf("skipped name %q not logged:\n%s", bad, log.String())
		}
	}
}

// A registry page larger than the bound fails the walk with one clear line
// instead of being decoded whole.
func TestExpandOversizedPage(t *testing.T) {
	names := make([]string, 2000)
	for i := range names {
		names[i] = fmt.Sprintf("%q", fmt.Sprintf("repo%04d", i))
	}
	body := `{"repositories":[` + strings.Join(names, ",") + `]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/_catalog" {
			fmt.Fprint(w, body)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	_, err := Expand(context.Background(), []string{"registry:" + host}, WithAllTags(true), WithImageOptions(image.WithInsecure(true)), withMaxPage(int64(len(body)-1)))
	if err == nil || !strings.Contains(err.Error(), "larger than") || strings.Contains(err.Error(), "\n") {
		t.Errorf("oversized page: error = %v", err)
	}
	// Exactly at the bound it is read (and then each repository listed).
	_, err = Expand(context.Background(), []string{"registry:" + host}, WithAllTags(true), WithImageOptions(image.WithInsecure(true)), withMaxPage(int64(len(body))))
	if err == nil || strings.Contains(err.Error(), "larger than") {
		t.Errorf("page at the bound: error = %v, want the tag listing's", err)
	}
}

// Over TLS with a certificate no one signed, --insecure reaches the
// registry (the walk wraps image's transport, keeping its TLS settings)
// and without it the walk fails on the certificate.
func TestExpandInsecureTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag(host + "/tls/app:latest")
	if err := remote.Write(tag, img, remote.WithTransport(srv.Client().Transport)); err != nil {
		t.Fatal(err)
	}
	got, err := Expand(context.Background(), []string{"registry:" + host}, WithImageOptions(image.WithInsecure(true)))
	if err != nil || !cmp.Equal(got, []string{"registry:" + host + "/tls/app:latest"}) {
		t.Errorf("--insecure over TLS = %v, %v", got, err)
	}
	_, err = Expand(context.Background(), []string{"registry:" + host})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without --insecure: error = %v, want a certificate error", err)
	}
}
