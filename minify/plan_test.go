package minify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// staticApp is a tiny "static" program: app-plain needs libraries, so the
// static cases use a script-free ELF without DT_NEEDED: libb.so.1 has no
// interpreter and no dependencies, which is all Plan looks at.
func staticApp(t *testing.T) string { return elfFile(t, "libb.so.1") }

func TestSymlinkChainsAndLoops(t *testing.T) {
	files := []tu.File{
		tu.Dir("opt/"), tu.Dir("opt/x/"), tu.Dir("opt/x/releases/"), tu.Dir("opt/x/releases/1/"), tu.Dir("opt/x/releases/1/bin/"),
		tu.Exe("opt/x/releases/1/bin/prog", staticApp(t)),
		tu.Symlink("opt/x/current", "releases/1"),
		tu.Dir("usr/"), tu.Dir("usr/local/"), tu.Dir("usr/local/bin/"),
		tu.Symlink("usr/local/bin/start", "/opt/x/current/bin/prog"),
		tu.Dir("app/"), tu.Reg("app/data.txt", "d"),
		tu.Symlink("app/loop", "loop"),
		tu.Symlink("app/tick", "tock"), tu.Symlink("app/tock", "tick"),
		tu.Symlink("app/escape", "../../../../../etc/secret"),
		tu.Reg("etc/secret", "the image's own file"),
		tu.Symlink("app/outside", "/../../host-only"),
	}
	img, x, sel := plan(t, func(c *v1.Config) {
		c.Entrypoint = []string{"start"}
		c.WorkingDir = "/app"
		c.Env = []string{"PATH=/usr/local/bin:/usr/bin"}
	}, [][]tu.File{files})
	got := keptPaths(sel)
	for _, w := range []string{"/usr/local/bin/start", "/opt/x/current", "/opt/x/releases/1/bin/prog",
		"/app/data.txt", "/app/loop", "/app/tick", "/app/tock", "/app/escape", "/etc/secret", "/app/outside"} {
		if !contains(got, w) {
			t.Errorf("%s is not kept: %v", w, sel.Explain(w))
		}
	}
	if contains(got, "/host-only") {
		t.Errorf("a path outside the image was kept")
	}
	if it, ok := sel.Lookup("/etc/secret"); !ok || it.Reasons[0].Rule != "symlink-target" {
		t.Errorf("/etc/secret reasons = %+v, want symlink-target (confined to the image root)", it)
	}
	if sel.Program.Path != "/opt/x/releases/1/bin/prog" || sel.Program.Found != "/usr/local/bin/start" {
		t.Errorf("program = %+v", sel.Program)
	}
	// The built image's /etc/secret holds the image's bytes, not the host's.
	out, err := minify.Build(context.Background(), img, x, sel)
	if err != nil {
		t.Fatal(err)
	}
	if got := fileContent(t, out, "etc/secret"); got != "the image's own file" {
		t.Errorf("etc/secret = %q", got)
	}
}

func TestEntrypointErrors(t *testing.T) {
	sh := tu.Exe("usr/bin/dash", "\x7fELF")
	tests := []struct {
		name  string
		cfg   func(*v1.Config)
		files []tu.File
		want  error
		msg   string
	}{
		{name: "no entrypoint", cfg: func(*v1.Config) {}, files: []tu.File{tu.Reg("a", "a")}, want: minify.ErrNoEntrypoint},
		{name: "entrypoint not in the image", cfg: cmdCfg("/usr/bin/nothere"), files: []tu.File{tu.Reg("a", "a")},
			want: minify.ErrEntrypointMissing, msg: "/usr/bin/nothere"},
		{name: "command not in PATH", cfg: cmdCfg("node", "index.js"), files: []tu.File{tu.Reg("a", "a")},
			want: minify.ErrEntrypointMissing, msg: "node is not found in PATH"},
		{name: "entrypoint is a symlink loop", cfg: cmdCfg("/usr/bin/loop"), files: []tu.File{tu.Symlink("usr/bin/loop", "loop")},
			want: minify.ErrEntrypointMissing},
		{name: "neither ELF nor script", cfg: cmdCfg("/usr/bin/data"), files: []tu.File{tu.Exe("usr/bin/data", "just bytes")},
			want: minify.ErrEntrypointMissing, msg: "neither an ELF executable nor a script"},
		{name: "a shell script needs a shell", cfg: cmdCfg("/app/run.sh"),
			files: []tu.File{sh, tu.Symlink("bin", "usr/bin"), tu.Symlink("usr/bin/sh", "dash"), tu.Exe("app/run.sh", "#!/bin/sh\nexec node\n")},
			want:  minify.ErrShellEntrypoint, msg: "run.sh is a shell script"},
		{name: "a shell-form pipeline cannot be rewritten", cfg: cmdCfg("/bin/sh", "-c", "node index.js | tee log"),
			files: []tu.File{sh, tu.Symlink("bin", "usr/bin"), tu.Symlink("usr/bin/sh", "dash")},
			want:  minify.ErrShellEntrypoint, msg: "exec-form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := tu.Image(t, tt.cfg, tt.files)
			_, err := minify.Plan(context.Background(), index(t, img))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Plan() = %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestShellFormRewrittenToExecForm(t *testing.T) {
	files := []tu.File{
		tu.Exe("usr/bin/dash", "\x7fELF"), tu.Symlink("bin", "usr/bin"), tu.Symlink("usr/bin/sh", "dash"),
		tu.Exe("usr/bin/prog", staticApp(t)), tu.Reg("app/conf.yaml", "x: 1"),
	}
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"/bin/sh", "-c", "exec prog --config=/app/conf.yaml"}
		c.Env = []string{"PATH=/usr/bin"}
	}, [][]tu.File{files})
	if diff := cmp.Diff([]string{"prog", "--config=/app/conf.yaml"}, sel.Config.Entrypoint); diff != "" {
		t.Errorf("Entrypoint (-want +got):\n%s", diff)
	}
	if sel.Config.Cmd != nil {
		t.Errorf("Cmd = %q, want none", sel.Config.Cmd)
	}
	got := keptPaths(sel)
	if !contains(got, "/app/conf.yaml") || contains(got, "/usr/bin/dash") || contains(got, "/usr/bin/sh") {
		t.Errorf("kept %v: want the config file and no shell", got)
	}
	if ex := sel.Explain("/bin/sh"); ex.Kept || !strings.Contains(ex.Dropped, "shell") {
		t.Errorf("Explain(/bin/sh) = %+v, want dropped as a shell", ex)
	}
}

func TestShebangKeepsInterpreter(t *testing.T) {
	files := []tu.File{
		tu.Exe("usr/bin/env", staticApp(t)),
		tu.Exe("usr/bin/python3.11", staticApp(t)), tu.Symlink("usr/bin/python3", "python3.11"),
		tu.Exe("app/serve", "#!/usr/bin/env python3\nprint('hi')\n"),
	}
	_, _, sel := plan(t, cmdCfg("/app/serve", "--port", "80"), [][]tu.File{files})
	got := keptPaths(sel)
	for _, w := range []string{"/app/serve", "/usr/bin/env", "/usr/bin/python3", "/usr/bin/python3.11"} {
		if !contains(got, w) {
			t.Errorf("%s not kept", w)
		}
	}
	if diff := cmp.Diff([]string{"/app/serve", "--port", "80"}, sel.Program.Args); diff != "" {
		t.Errorf("Args (-want +got):\n%s", diff)
	}
}

func TestPasswdAndGroupRewritten(t *testing.T) {
	files := []tu.File{
		tu.Exe("usr/bin/prog", staticApp(t)),
		tu.Reg("etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/bash\n"),
		tu.Reg("etc/group", "root:x:0:\nnode:x:1000:\n"),
	}
	tests := []struct {
		user, passwd, group string
	}{
		{"", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
			"root:x:0:\nnonroot:x:65532:\n"},
		{"node", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n",
			"root:x:0:\nnonroot:x:65532:\nnode:x:1000:\n"},
		{"0:0", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
			"root:x:0:\nnonroot:x:65532:\n"},
	}
	for _, tt := range tests {
		t.Run("user="+tt.user, func(t *testing.T) {
			_, _, sel := plan(t, func(c *v1.Config) { c.Cmd = []string{"/usr/bin/prog"}; c.User = tt.user }, [][]tu.File{files})
			pw, _ := sel.Lookup("/etc/passwd")
			gr, _ := sel.Lookup("/etc/group")
			if diff := cmp.Diff(tt.passwd, string(pw.Data)); diff != "" {
				t.Errorf("passwd (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.group, string(gr.Data)); diff != "" {
				t.Errorf("group (-want +got):\n%s", diff)
			}
			if sel.Config.User != "65532:65532" {
				t.Errorf("User = %q", sel.Config.User)
			}
			home, _ := sel.Lookup("/home/nonroot")
			tmp, _ := sel.Lookup("/tmp")
			if home.UID != 65532 || home.GID != 65532 || tmp.Mode.String() != "trwxrwxrwx" {
				t.Errorf("home = %+v, tmp mode = %v", home, tmp.Mode)
			}
		})
	}
}

func TestDenyListAndInclude(t *testing.T) {
	files := []tu.File{
		tu.Exe("usr/bin/prog", staticApp(t)),
		tu.Dir("app/"), tu.Exe("app/bin/bash", "\x7fELF"), tu.Exe("app/bin/curl", "\x7fELF"), tu.Reg("app/index.txt", "i"),
		tu.Symlink("app/bin/sh", "bash"),
	}
	cfg := func(c *v1.Config) { c.Cmd = []string{"/usr/bin/prog"}; c.WorkingDir = "/app" }
	_, _, sel := plan(t, cfg, [][]tu.File{files})
	got := keptPaths(sel)
	for _, p := range []string{"/app/bin/bash", "/app/bin/curl", "/app/bin/sh"} {
		if contains(got, p) {
			t.Errorf("%s kept without --include", p)
		}
	}
	if ex := sel.Explain("/app/bin/curl"); !strings.Contains(ex.Dropped, "a tool") {
		t.Errorf("Explain(curl) = %+v", ex)
	}
	_, _, sel = plan(t, cfg, [][]tu.File{files}, minify.WithInclude("/app/bin/curl"), minify.WithKeepShell(true))
	got = keptPaths(sel)
	for _, p := range []string{"/app/bin/bash", "/app/bin/curl", "/app/bin/sh", "/app/index.txt"} {
		if !contains(got, p) {
			t.Errorf("%s not kept with --include/--keep-shell", p)
		}
	}
	_, _, sel = plan(t, cfg, [][]tu.File{files}, minify.WithExclude("/app/index.txt"))
	if ex := sel.Explain("/app/index.txt"); ex.Kept || !strings.Contains(ex.Dropped, "--exclude") {
		t.Errorf("Explain(excluded) = %+v", ex)
	}
}

func TestHealthcheck(t *testing.T) {
	files := []tu.File{tu.Exe("usr/bin/prog", staticApp(t))}
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"/usr/bin/prog"}
		c.Healthcheck = &v1.HealthConfig{Test: []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}}
	}, [][]tu.File{files})
	if sel.Config.Healthcheck != nil || !strings.Contains(strings.Join(sel.Warnings, " "), "needs a shell") {
		t.Errorf("healthcheck = %+v, warnings %q", sel.Config.Healthcheck, sel.Warnings)
	}
}
