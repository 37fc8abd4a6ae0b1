package image_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// summary is what must be the same whatever transport an image is read from.
type summary struct {
	DiffIDs []string
	Entries int
	Node    string // /usr/bin/node resolved
	AppJS   int64
	Cmd     []string
}

func summarize(t *testing.T, img *image.Image) summary {
	t.Helper()
	x := index(t, img)
	var s summary
	for _, l := range x.Layers {
		s.DiffIDs = append(s.DiffIDs, l.DiffID.String())
	}
	s.Entries = x.Len()
	if r, err := x.Resolve("/usr/bin/node"); err == nil {
		s.Node = r.Path
	}
	if e, ok := x.Lookup("/app/index.js"); ok {
		s.AppJS = e.Size
	}
	s.Cmd = x.Config.Config.Cmd
	return s
}

// TestEveryTransportSameFixture reads the reference app image from the
// engine, from a docker save tarball, from an OCI layout written by harden,
// and from a real registry (Debian's docker-registry, filled by skopeo), and
// checks each gives the same filesystem.
func TestEveryTransportSameFixture(t *testing.T) {
	tu.RequireImage(t, tu.AppImage)
	ctx := context.Background()

	daemon := open(t, "docker-daemon:"+tu.AppImage)
	want := summarize(t, daemon)
	if want.Entries < 10000 || want.Node == "" || want.AppJS == 0 || !cmp.Equal(want.Cmd, []string{"node", "index.js"}) {
		t.Fatalf("daemon image looks wrong: %+v", want)
	}
	if !strings.Contains(strings.Join(daemon.Tags, ","), tu.AppImage) {
		t.Errorf("tags = %v, want %s", daemon.Tags, tu.AppImage)
	}

	t.Run("bare name is found in the engine", func(t *testing.T) {
		img := open(t, tu.AppImage)
		if img.Ref.Transport != image.DockerDaemon {
			t.Errorf("transport = %s, want docker-daemon", img.Ref.Transport)
		}
	})
	t.Run("docker save tarball", func(t *testing.T) {
		p := tu.DockerSave(t, tu.AppImage)
		if d := cmp.Diff(want, summarize(t, open(t, p))); d != "" {
			t.Errorf("(-daemon +archive):\n%s", d)
		}
	})
	t.Run("OCI layout written by harden", func(t *testing.T) {
		dir := t.TempDir() + "/layout"
		if err := image.Write(ctx, daemon, "oci:"+dir+":app"); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, summarize(t, open(t, "oci:"+dir+":app"))); d != "" {
			t.Errorf("(-daemon +oci):\n%s", d)
		}
	})
	t.Run("registry", func(t *testing.T) {
		addr := tu.StartRegistry(t)
		tu.Skopeo(t, "docker-daemon:"+tu.AppImage, "docker://"+addr+"/harden/app:latest")
		got := summarize(t, open(t, "registry:"+addr+"/harden/app:latest", image.WithInsecure(true)))
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-daemon +registry):\n%s", d)
		}
		// harden pushes too: write the small dive image and read it back.
		src := open(t, sharedImage(t, "dive-test-docker-image.tar"))
		if err := image.Write(ctx, src, "registry:"+addr+"/harden/dive:1", image.WithInsecure(true)); err != nil {
			t.Fatal(err)
		}
		x := index(t, open(t, "registry:"+addr+"/harden/dive:1", image.WithInsecure(true)))
		if len(x.Layers) != 14 {
			t.Errorf("pushed dive image has %d layers, want 14", len(x.Layers))
		}
	})
	t.Run("written back into the engine", func(t *testing.T) {
		src := open(t, sharedImage(t, "ggcr-whiteout_image.tar"))
		name := "harden-test/whiteout:" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
		if err := image.Write(ctx, src, "docker-daemon:"+name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dockerRmi(name) })
		x := index(t, open(t, "docker-daemon:"+name))
		if _, ok := x.Lookup("/bar.txt"); !ok || x.Len() != 1 {
			t.Errorf("loaded image has %d entries, want just /bar.txt", x.Len())
		}
	})
}

func TestDaemonErrors(t *testing.T) {
	tu.RequireDocker(t)
	_, err := image.Open(context.Background(), "docker-daemon:harden-fixture/does-not-exist:nope")
	if err == nil || !strings.Contains(err.Error(), "no such image in the docker engine") {
		t.Errorf("missing image: %v", err)
	}
	// A bare name the engine lacks goes to its registry, here a closed
	// local port: one line says both.
	_, err = image.Open(context.Background(), "127.0.0.1:1/harden-missing:latest")
	want := "127.0.0.1:1/harden-missing:latest: not in the Docker engine, and registry 127.0.0.1:1 could not be reached (connect: connection refused)"
	if err == nil || err.Error() != want {
		t.Errorf("engine lacks it, registry unreachable:\n got %v\nwant %s", err, want)
	}
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	_, err = image.Open(context.Background(), "docker-daemon:node:18")
	if err == nil || !strings.Contains(err.Error(), "docker engine unreachable") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unreachable engine: %v", err)
	}
	// A bare name with no engine goes to its registry; this one is on a
	// closed local port, so it fails at once and says so.
	_, err = image.Open(context.Background(), "127.0.0.1:1/nothing:latest")
	want = "127.0.0.1:1/nothing:latest: no Docker engine answers, and registry 127.0.0.1:1 could not be reached (connect: connection refused)"
	if err == nil || err.Error() != want {
		t.Errorf("no engine, registry unreachable:\n got %v\nwant %s", err, want)
	}
}

// TestDaemonNameWithoutTag: a repository with several tags in the engine
// opens as NAME:latest, the image `docker run NAME` runs, instead of
// failing because `docker save NAME` saves every tag.
func TestDaemonNameWithoutTag(t *testing.T) {
	tu.RequireImage(t, tu.GoAppImage)
	tu.RequireImage(t, tu.DebianImage)
	repo := "harden-test/image-notag"
	for _, args := range [][]string{{"tag", tu.GoAppImage, repo + ":latest"}, {"tag", tu.DebianImage, repo + ":other"}} {
		if out, err := tu.Docker(args...); err != nil {
			t.Fatalf("docker %v: %v %s", args, err, out)
		}
	}
	t.Cleanup(func() { tu.Docker("rmi", repo+":latest", repo+":other") })
	img := open(t, "docker-daemon:"+repo)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Config.Entrypoint, " ") != "goapp" {
		t.Errorf("opened %v, want the :latest image (goapp)", cfg.Config.Entrypoint)
	}
}
