package minify_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/engine"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/runconfig"
)

// The server fixtures scripts/fixtures.sh builds from Debian packages
// (nginx, php8.2-cli, ruby, redis-server). The tests name the command, so
// they do not depend on the fixture's CMD.
const (
	nginxImage = "harden-fixture/nginx:latest"
	phpImage   = "harden-fixture/php:latest"
	rubyImage  = "harden-fixture/ruby:latest"
	redisImage = "harden-fixture/redis:latest"
)

// runMinified starts the minified image read-only, as 65532, with a tmpfs
// owned by 65532 on each of the selection's writable directories (what
// harden runtime mounts), and returns the container's id and address.
func runMinified(t *testing.T, m *minified, detach bool) (id, ip string, out []byte) {
	t.Helper()
	ctx := context.Background()
	e := engine.New()
	spec := engine.Spec{Image: m.tag, Name: engine.UniqueName("test-profile"),
		Hardened: &runconfig.Settings{ReadOnly: true, Tmpfs: m.sel.Writable, CapDrop: []string{"ALL"}, NoNewPrivileges: true, User: "65532:65532"}}
	if !detach {
		res, err := e.RunRemoved(ctx, spec)
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("docker run %s: exit %d, %v\n%s%s", m.tag, res.ExitCode, err, res.Stdout, res.Stderr)
		}
		return "", "", []byte(res.Stdout + res.Stderr)
	}
	t.Cleanup(func() { e.Remove(context.Background(), spec.Name) })
	id, err := e.Start(ctx, spec)
	if err != nil {
		t.Fatalf("docker run -d %s: %v", m.tag, err)
	}
	ip, err = e.IPAddress(ctx, id)
	if err != nil || ip == "" {
		t.Fatalf("no address for %s: %v", id, err)
	}
	return id, ip, nil
}

// logsOf returns a container's output.
func logsOf(id string) string {
	logs, _ := engine.New().Logs(context.Background(), id)
	return logs
}

// retry calls f until it succeeds or 30 seconds pass.
func retry(f func() error) error {
	var err error
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

func TestServerProfilesOnRealImages(t *testing.T) {
	tu.RequireDocker(t)
	t.Run("nginx", func(t *testing.T) {
		tu.RequireImage(t, nginxImage)
		m := minifyFixture(t, nginxImage, minify.WithEntrypoint("nginx", "-g", "daemon off;"))
		m.checkHardened(t)
		// the pid file's directory at least (/run in Debian's config)
		if len(m.sel.Writable) == 0 {
			t.Errorf("no writable directory")
		}
		checkKept(t, m.sel, []string{"/etc/nginx/nginx.conf", "/etc/nginx/mime.types"}, nil)
		port := "80"
		for p := range m.x.Config.Config.ExposedPorts {
			port, _, _ = strings.Cut(p, "/")
		}
		id, ip, _ := runMinified(t, m, true)
		var body string
		err := retry(func() error {
			resp, err := http.Get("http://" + net.JoinHostPort(ip, port) + "/")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if body = string(b); resp.StatusCode != 200 {
				return fmt.Errorf("status %d", resp.StatusCode)
			}
			return nil
		})
		if err != nil || !strings.Contains(body, "nginx") {
			t.Fatalf("GET /: %v %q\nlogs:\n%s", err, body, logsOf(id))
		}
	})
	t.Run("php", func(t *testing.T) {
		tu.RequireImage(t, phpImage)
		m := minifyFixture(t, phpImage, minify.WithEntrypoint("php", "-r", `echo class_exists("PDO") ? "pdo" : "no pdo", " ", PHP_VERSION, PHP_EOL;`))
		m.checkHardened(t)
		_, _, out := runMinified(t, m, false)
		if !strings.HasPrefix(string(out), "pdo 8.") {
			t.Fatalf("php printed %q", out)
		}
	})
	t.Run("ruby", func(t *testing.T) {
		tu.RequireImage(t, rubyImage)
		m := minifyFixture(t, rubyImage, minify.WithEntrypoint("ruby", "-rsocket", "-rjson", "-ropenssl", "-e",
			`puts JSON.generate(ok: Socket.gethostname.size > 0, tls: OpenSSL::OPENSSL_LIBRARY_VERSION.start_with?("OpenSSL"))`))
		m.checkHardened(t)
		_, _, out := runMinified(t, m, false)
		if strings.TrimSpace(string(out)) != `{"ok":true,"tls":true}` {
			t.Fatalf("ruby printed %q", out)
		}
	})
	t.Run("ruby-app", func(t *testing.T) {
		// the fixture's own command: a WEBrick app (ruby-webrick, in vendor_ruby)
		tu.RequireImage(t, rubyImage)
		m := minifyFixture(t, rubyImage)
		id, ip, _ := runMinified(t, m, true)
		var body string
		err := retry(func() error {
			resp, err := http.Get("http://" + net.JoinHostPort(ip, "8080") + "/")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			body = string(b)
			return nil
		})
		if err != nil || !strings.Contains(body, `"sha256":"`) {
			t.Fatalf("GET /: %v %q\nlogs:\n%s", err, body, logsOf(id))
		}
	})
	t.Run("redis", func(t *testing.T) {
		tu.RequireImage(t, redisImage)
		m := minifyFixture(t, redisImage, minify.WithEntrypoint("redis-server", "--save", "", "--protected-mode", "no", "--dir", "/var/lib/redis"))
		m.checkHardened(t)
		if !contains(m.sel.Writable, "/var/lib/redis") {
			t.Errorf("Writable = %q", m.sel.Writable)
		}
		id, ip, _ := runMinified(t, m, true)
		var reply string
		err := retry(func() error {
			c, err := net.DialTimeout("tcp", ip+":6379", time.Second)
			if err != nil {
				return err
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(2 * time.Second))
			fmt.Fprint(c, "PING\r\n")
			reply, err = bufio.NewReader(c).ReadString('\n')
			return err
		})
		if err != nil || reply != "+PONG\r\n" {
			t.Fatalf("PING: %v %q\nlogs:\n%s", err, reply, logsOf(id))
		}
	})
	t.Run("no-profile", func(t *testing.T) {
		// redis-cli matches no profile: its package's files, and a warning
		tu.RequireImage(t, redisImage)
		m := minifyFixture(t, redisImage, minify.WithEntrypoint("redis-cli", "--version"))
		if strings.Join(m.sel.Profiles, ",") != "package:redis-tools" {
			t.Errorf("Profiles = %v", m.sel.Profiles)
		}
		if w := strings.Join(m.sel.Warnings, "\n"); !strings.Contains(w, "no runtime profile matches /usr/bin/redis-cli: kept the") {
			t.Errorf("warnings = %q", m.sel.Warnings)
		}
		if _, _, out := runMinified(t, m, false); !strings.HasPrefix(string(out), "redis-cli ") {
			t.Fatalf("redis-cli printed %q", out)
		}
	})
}
