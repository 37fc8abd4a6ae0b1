package runconfig

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func recommend(t *testing.T, img v1.Image) *Settings {
	t.Helper()
	ctx := context.Background()
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(audit.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	res, err := audit.Run(ctx, x, audit.WithReference("example/app:1"))
	if err != nil {
		t.Fatal(err)
	}
	return Recommend("example/app:1", x, res)
}

// nginxAsRoot is a root image whose entrypoint is known to write outside
// /tmp and that listens on port 80.
func nginxAsRoot(t *testing.T) v1.Image {
	return tu.Image(t, func(c *v1.Config) {
		c.Entrypoint = []string{"nginx", "-g", "daemon off;"}
		c.Env = []string{"PATH=/usr/sbin:/usr/bin"}
		c.ExposedPorts = map[string]struct{}{"80/tcp": {}, "443/tcp": {}}
		c.Volumes = map[string]struct{}{"/var/log/nginx": {}}
	}, []tu.File{tu.Dir("usr/"), tu.Dir("usr/sbin/"), tu.Exe("usr/sbin/nginx", "\x7fELF nginx"), tu.Dir("tmp/")})
}

func TestRecommendRootImage(t *testing.T) {
	s := recommend(t, nginxAsRoot(t))
	if s.User != NonrootUser || !s.ReadOnly || !s.NoNewPrivileges || !cmp.Equal(s.CapDrop, []string{"ALL"}) {
		t.Errorf("settings = %+v", s)
	}
	if !cmp.Equal(s.CapAdd, []string{"NET_BIND_SERVICE"}) {
		t.Errorf("cap add = %v, want NET_BIND_SERVICE for port 80", s.CapAdd)
	}
	if !contains(s.Tmpfs, "/tmp") || !contains(s.Tmpfs, "/var/cache/nginx") {
		t.Errorf("tmpfs = %v, want /tmp and nginx's cache", s.Tmpfs)
	}
	if len(s.Notes) < 2 {
		t.Errorf("notes = %v, want the root and the low-port notes", s.Notes)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"nginx.docker.txt":   func(b *bytes.Buffer) error { return s.WriteDocker(b) },
		"nginx.compose.yaml": func(b *bytes.Buffer) error { return s.WriteCompose(b) },
		"nginx.k8s.yaml":     func(b *bytes.Buffer) error { return s.WriteKubernetes(b) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, name, buf.Bytes())
		if filepath.Ext(name) == ".yaml" {
			var doc map[string]any
			if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Errorf("%s is not valid YAML: %v", name, err)
			}
		}
	}
}

func TestRecommendNonrootImage(t *testing.T) {
	img := tu.Image(t, func(c *v1.Config) {
		c.Cmd = []string{"/app"}
		c.User = "1000:1000"
		c.ExposedPorts = map[string]struct{}{"3000/tcp": {}}
		c.Healthcheck = &v1.HealthConfig{Test: []string{"CMD", "/app", "health"}}
	}, []tu.File{tu.Exe("app", "\x7fELF app")})
	s := recommend(t, img)
	want := []string{"--read-only", "--tmpfs", "/tmp:rw,noexec,nosuid,size=64m", "--cap-drop", "ALL",
		"--security-opt", "no-new-privileges", "--user", "1000:1000", "--pids-limit", "256", "-p", "127.0.0.1:3000:3000/tcp"}
	if d := cmp.Diff(want, s.DockerArgs()); d != "" {
		t.Errorf("docker args (-want +got):\n%s", d)
	}
	if !cmp.Equal(s.Healthcheck, []string{"/app", "health"}) || len(s.CapAdd) != 0 || len(s.Notes) != 0 {
		t.Errorf("settings = %+v", s)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

// TestWritableLabel: the label harden minify writes becomes tmpfs mounts,
// nested and duplicate paths collapse, places a tmpfs must not go are
// refused, and a malformed label is a note, not a crash.
func TestWritableLabel(t *testing.T) {
	v := EncodeWritable([]string{"/var/lib/app/sub", "/var/lib/app", "/run/app", "relative", "/run/app"})
	if v != `["/run/app","/var/lib/app"]` {
		t.Fatalf("EncodeWritable = %s", v)
	}
	s := &Settings{Tmpfs: []string{"/tmp"}, Volumes: []string{"/data"}}
	s.writableTmpfs(map[string]string{WritableLabel: `["/run/app","/tmp/x","/data/cache","/","/proc/self","/var/lib/app"]`})
	if got := strings.Join(s.Tmpfs, " "); got != "/tmp /run/app /var/lib/app" {
		t.Errorf("tmpfs = %q", got)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], `"/"`) {
		t.Errorf("notes = %q, want one about /", s.Notes)
	}
	s = &Settings{}
	s.writableTmpfs(map[string]string{WritableLabel: `/run/app`})
	if len(s.Tmpfs) != 0 || len(s.Notes) != 1 {
		t.Errorf("a malformed label: tmpfs %q, notes %q", s.Tmpfs, s.Notes)
	}
	args := strings.Join((&Settings{ReadOnly: true, Tmpfs: []string{"/run/app"}, Ports: []Port{{Port: 80, Proto: "tcp"}}}).DockerArgs(), " ")
	if !strings.Contains(args, "--tmpfs /run/app:") || !strings.HasSuffix(args, "-p 127.0.0.1:80:80/tcp") {
		t.Errorf("DockerArgs = %q", args)
	}
}
