package minify_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// entrypointScript reads a test entrypoint modelled on an official image's.
func entrypointScript(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "entrypoints", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// officialLayout is a Debian-like root with a shell, the tools entrypoint
// scripts call, and programs in /usr/local/bin, as the official images have.
func officialLayout(t *testing.T, extra ...tu.File) []tu.File {
	elf := staticApp(t)
	files := []tu.File{
		tu.Symlink("bin", "usr/bin"), tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Dir("usr/local/bin/"),
		tu.Exe("usr/bin/dash", elf), tu.Symlink("usr/bin/sh", "dash"), tu.Exe("usr/bin/bash", elf),
		tu.Exe("usr/bin/env", elf),
	}
	for _, tool := range []string{"id", "find", "sort", "chown", "chmod", "rm", "mkdir", "ls", "cat", "gosu"} {
		files = append(files, tu.Exe("usr/bin/"+tool, elf))
	}
	return append(files, extra...)
}

func entryCfg(entry []string, cmd []string, env ...string) func(*v1.Config) {
	return func(c *v1.Config) {
		c.Entrypoint, c.Cmd = entry, cmd
		c.Env = append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, env...)
	}
}

func TestOfficialEntrypointsResolve(t *testing.T) {
	elf := staticApp(t)
	ep := []string{"docker-entrypoint.sh"}
	script := func(name string) tu.File {
		return tu.Exe("usr/local/bin/docker-entrypoint.sh", entrypointScript(t, name))
	}
	tests := []struct {
		name      string
		cfg       func(*v1.Config)
		files     []tu.File
		wantEntry []string
		wantCmd   []string
		warnings  []string // each must appear in some warning
		env       []string // each must be in the new config's Env
	}{
		{name: "node: CMD node", cfg: entryCfg(ep, []string{"node"}),
			files:     []tu.File{script("node.sh"), tu.Exe("usr/local/bin/node", elf)},
			wantEntry: []string{"node"}},
		{name: "node: a script name gets node in front", cfg: func(c *v1.Config) {
			entryCfg(ep, []string{"server.js", "--port", "80"})(c)
			c.WorkingDir = "/app"
		},
			files:     []tu.File{script("node.sh"), tu.Exe("usr/local/bin/node", elf), tu.Reg("app/server.js", "require('http')")},
			wantEntry: []string{"node"}, wantCmd: []string{"server.js", "--port", "80"}},
		{name: "node: command -v -- and ! command", cfg: entryCfg(ep, []string{"server.js"}),
			files: []tu.File{tu.Exe("usr/local/bin/docker-entrypoint.sh",
				"#!/bin/sh\nset -e\nif [ \"${1#-}\" != \"$1\" ] || ! command -v -- \"$1\" >/dev/null 2>&1; then\n\tset -- node \"$@\"\nfi\nexec \"$@\"\n"),
				tu.Exe("usr/local/bin/node", elf)},
			wantEntry: []string{"node"}, wantCmd: []string{"server.js"}},
		{name: "node: an option gets node in front", cfg: entryCfg(ep, []string{"--version"}),
			files:     []tu.File{script("node.sh"), tu.Exe("usr/local/bin/node", elf)},
			wantEntry: []string{"node"}, wantCmd: []string{"--version"}},
		{name: "node: an executable in PATH runs as is", cfg: entryCfg(ep, []string{"yarn-app"}),
			files:     []tu.File{script("node.sh"), tu.Exe("usr/local/bin/node", elf), tu.Exe("usr/local/bin/yarn-app", elf)},
			wantEntry: []string{"yarn-app"}},
		{name: "tini in front of the script stays in front of what it execs", cfg: entryCfg([]string{"tini", "--", "docker-entrypoint.sh"}, []string{"server.js"}),
			files:     []tu.File{script("node.sh"), tu.Exe("usr/local/bin/node", elf), tu.Exe("usr/bin/tini", elf)},
			wantEntry: []string{"tini", "--", "node"}, wantCmd: []string{"server.js"}},
		{name: "dumb-init with options in front of the script", cfg: entryCfg([]string{"/usr/bin/dumb-init", "--single-child", "-r", "15:2", "--", "docker-entrypoint.sh"}, []string{"node"}),
			files:     []tu.File{script("node.sh"), tu.Exe("usr/local/bin/node", elf), tu.Exe("usr/bin/dumb-init", elf)},
			wantEntry: []string{"/usr/bin/dumb-init", "--single-child", "-r", "15:2", "--", "node"}},
		{name: "redis", cfg: entryCfg(ep, []string{"redis-server"}),
			files:     []tu.File{script("redis.sh"), tu.Exe("usr/local/bin/redis-server", elf)},
			wantEntry: []string{"redis-server"}, wantCmd: []string{"--protected-mode", "no"},
			warnings: []string{"runs as 65532", "umask 0077"}},
		{name: "redis: options get redis-server in front", cfg: entryCfg(ep, []string{"--port", "7000"}),
			files:     []tu.File{script("redis.sh"), tu.Exe("usr/local/bin/redis-server", elf)},
			wantEntry: []string{"redis-server"}, wantCmd: []string{"--protected-mode", "no", "--port", "7000"}},
		{name: "nginx with hooks", cfg: entryCfg([]string{"/docker-entrypoint.sh"}, []string{"nginx", "-g", "daemon off;"}),
			files: []tu.File{tu.Exe("docker-entrypoint.sh", entrypointScript(t, "nginx.sh")), tu.Exe("usr/sbin/nginx", elf),
				tu.Dir("docker-entrypoint.d/"),
				tu.Exe("docker-entrypoint.d/10-listen-on-ipv6.sh", "#!/bin/sh\nsed -i s/80/[::]:80/ /etc/nginx/conf.d/default.conf\n"),
				tu.Exe("docker-entrypoint.d/15-resolvers.envsh", "#!/bin/sh\nexport NGINX_LOCAL_RESOLVERS=1\n"),
				tu.Exe("docker-entrypoint.d/20-envsubst-on-templates.sh", "#!/bin/sh\nenvsubst\n"),
				tu.Reg("docker-entrypoint.d/README", "not a hook")},
			wantEntry: []string{"nginx"}, wantCmd: []string{"-g", "daemon off;"},
			warnings: []string{"runs the hook /docker-entrypoint.d/10-listen-on-ipv6.sh", "sources the hook /docker-entrypoint.d/15-resolvers.envsh",
				"runs the hook /docker-entrypoint.d/20-envsubst-on-templates.sh"}},
		{name: "nginx without hooks", cfg: entryCfg([]string{"/docker-entrypoint.sh"}, []string{"nginx", "-g", "daemon off;"}),
			files:     []tu.File{tu.Exe("docker-entrypoint.sh", entrypointScript(t, "nginx.sh")), tu.Exe("usr/sbin/nginx", elf), tu.Dir("docker-entrypoint.d/")},
			wantEntry: []string{"nginx"}, wantCmd: []string{"-g", "daemon off;"}},
		{name: "php", cfg: entryCfg([]string{"docker-php-entrypoint"}, []string{"php", "-a"}),
			files:     []tu.File{tu.Exe("usr/local/bin/docker-php-entrypoint", entrypointScript(t, "php.sh")), tu.Exe("usr/local/bin/php", elf)},
			wantEntry: []string{"php"}, wantCmd: []string{"-a"}},
		{name: "php: an option gets php in front", cfg: entryCfg([]string{"docker-php-entrypoint"}, []string{"-r", "echo 1;"}),
			files:     []tu.File{tu.Exe("usr/local/bin/docker-php-entrypoint", entrypointScript(t, "php.sh")), tu.Exe("usr/local/bin/php", elf)},
			wantEntry: []string{"php"}, wantCmd: []string{"-r", "echo 1;"}},
		{name: "httpd-foreground", cfg: func(c *v1.Config) {
			entryCfg(nil, []string{"httpd-foreground"})(c)
			c.Env = []string{"PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
		},
			files:     []tu.File{tu.Exe("usr/local/bin/httpd-foreground", entrypointScript(t, "httpd-foreground")), tu.Exe("usr/local/apache2/bin/httpd", elf)},
			wantEntry: []string{"httpd"}, wantCmd: []string{"-DFOREGROUND"},
			warnings: []string{"removes files (rm -f /usr/local/apache2/logs/httpd.pid)"}},
		{name: "mongo", cfg: entryCfg(ep, []string{"mongod"}),
			files:     []tu.File{script("mongo.sh"), tu.Exe("usr/bin/mongod", elf), tu.Exe("usr/bin/numactl", elf)},
			wantEntry: []string{"mongod"},
			warnings:  []string{"numactl --interleave=all"}},
		{name: "mongo: the root user variables are removed", cfg: entryCfg(ep, []string{"mongod"}, "MONGO_INITDB_ROOT_USERNAME=", "TZ=UTC"),
			files:     []tu.File{script("mongo.sh"), tu.Exe("usr/bin/mongod", elf)},
			wantEntry: []string{"mongod"}},
		{name: "postgres with an existing database", cfg: entryCfg(ep, []string{"postgres"}, "PGDATA=/var/lib/postgresql/data"),
			files: []tu.File{script("postgres.sh"), tu.Exe("usr/lib/postgresql/16/bin/postgres", elf), tu.Symlink("usr/local/bin/postgres", "/usr/lib/postgresql/16/bin/postgres"),
				tu.Reg("var/lib/postgresql/data/PG_VERSION", "16\n")},
			wantEntry: []string{"postgres"},
			warnings:  []string{"creates directories (mkdir -p /var/lib/postgresql/data)", "changes modes"},
			env:       []string{"POSTGRES_USER=postgres", "POSTGRES_DB=postgres"}},
		{name: "env defaults and gosu", cfg: entryCfg([]string{"/entry.sh"}, []string{"serve"}),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nset -e\n: \"${APP_PORT:=8080}\"\nexport APP_PORT\nexport APP_MODE=${APP_MODE:-prod}\n"+
				"if [ \"$(id -u)\" = 0 ]; then\n  chown -R app /data\nfi\nexec gosu app /usr/local/bin/app \"$@\" --port \"$APP_PORT\"\n"),
				tu.Exe("usr/local/bin/app", elf)},
			wantEntry: []string{"/usr/local/bin/app"}, wantCmd: []string{"serve", "--port", "8080"},
			warnings: []string{"drops the helper \"gosu app\"", "runs as 65532"},
			env:      []string{"APP_PORT=8080", "APP_MODE=prod"}},
		{name: "sh -c with more than one command", cfg: entryCfg(nil, []string{"/bin/sh", "-c", "cd /app && exec node server.js --port ${PORT:-80}"}),
			files:     []tu.File{tu.Exe("usr/local/bin/node", elf), tu.Reg("app/server.js", "x")},
			wantEntry: []string{"node"}, wantCmd: []string{"server.js", "--port", "80"},
			warnings: []string{"sh -c line 1: changes directory (/app)"}},
		{name: "bash SCRIPT.sh ARGS, the script neither executable nor #!", cfg: entryCfg([]string{"/bin/bash", "/app/start.sh"}, []string{"--port", "80"}),
			files:     []tu.File{tu.Reg("app/start.sh", "set -e\nexport MODE=prod\nexec /usr/local/bin/app \"$@\"\n"), tu.Exe("usr/local/bin/app", elf)},
			wantEntry: []string{"/usr/local/bin/app"}, wantCmd: []string{"--port", "80"}, env: []string{"MODE=prod"}},
		{name: "run-parts on a hook directory", cfg: entryCfg([]string{"/entry.sh"}, []string{"app"}),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nrun-parts --exit-on-error /etc/entrypoint.d\nexec \"$@\"\n"),
				tu.Exe("usr/bin/run-parts", elf), tu.Dir("etc/entrypoint.d/"), tu.Exe("etc/entrypoint.d/50-migrate", "#!/bin/sh\n"),
				tu.Exe("usr/local/bin/app", elf)},
			wantEntry: []string{"app"}, warnings: []string{"line 2: runs the hook /etc/entrypoint.d/50-migrate"}},
		{name: "the last command without exec", cfg: entryCfg([]string{"/run.sh"}, nil),
			files:     []tu.File{tu.Exe("run.sh", "#!/bin/bash\ncd /srv\n/usr/local/bin/app --serve\n"), tu.Exe("usr/local/bin/app", elf)},
			wantEntry: []string{"/usr/local/bin/app"}, wantCmd: []string{"--serve"},
			warnings: []string{"as its last command without exec", "changes directory (/srv)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, sel := plan(t, tt.cfg, [][]tu.File{officialLayout(t, tt.files...)})
			if diff := cmp.Diff(tt.wantEntry, sel.Config.Entrypoint); diff != "" {
				t.Errorf("Entrypoint (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCmd, sel.Config.Cmd); diff != "" {
				t.Errorf("Cmd (-want +got):\n%s", diff)
			}
			if len(sel.Program.Evaluated) == 0 {
				t.Errorf("Program.Evaluated is empty")
			}
			for _, s := range sel.Program.Evaluated {
				if strings.HasSuffix(s, " -c") {
					continue // a command line, not a file
				}
				if ex := sel.Explain(s); ex.Kept || !strings.Contains(ex.Dropped, "the entrypoint script, evaluated") {
					t.Errorf("Explain(%s) = %+v, want dropped as the evaluated entrypoint script", s, ex)
				}
			}
			for _, shell := range []string{"/usr/bin/dash", "/usr/bin/bash"} {
				if _, kept := sel.Lookup(shell); kept {
					t.Errorf("%s is kept", shell)
				}
			}
			all := strings.Join(sel.Warnings, "\n")
			for _, w := range tt.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("no warning contains %q; warnings:\n%s", w, all)
				}
			}
			for _, kv := range tt.env {
				if !contains(sel.Config.Env, kv) {
					t.Errorf("Env %q lacks %s", sel.Config.Env, kv)
				}
			}
		})
	}
}

func TestEntrypointScriptsRefused(t *testing.T) {
	elf := staticApp(t)
	ep := []string{"docker-entrypoint.sh"}
	tests := []struct {
		name  string
		cfg   func(*v1.Config)
		files []tu.File
		msg   []string
	}{
		{name: "postgres without a database or a password", cfg: entryCfg(ep, []string{"postgres"}, "PGDATA=/var/lib/postgresql/data"),
			files: []tu.File{tu.Exe("usr/local/bin/docker-entrypoint.sh", entrypointScript(t, "postgres.sh")), tu.Exe("usr/local/bin/postgres", elf)},
			msg:   []string{"docker-entrypoint.sh line 43", "exits (status 1)", "no superuser password"}},
		{name: "postgres initialising a database", cfg: entryCfg(ep, []string{"postgres"}, "PGDATA=/var/lib/postgresql/data", "POSTGRES_PASSWORD=x"),
			files: []tu.File{tu.Exe("usr/local/bin/docker-entrypoint.sh", entrypointScript(t, "postgres.sh")), tu.Exe("usr/local/bin/postgres", elf)},
			msg:   []string{"docker-entrypoint.sh line 59", "it runs ls /docker-entrypoint-initdb.d/"}},
		{name: "redis with a config file it must grep", cfg: entryCfg(ep, []string{"redis-server", "/etc/redis.conf"}),
			files: []tu.File{tu.Exe("usr/local/bin/docker-entrypoint.sh", entrypointScript(t, "redis.sh")), tu.Exe("usr/local/bin/redis-server", elf),
				tu.Exe("usr/bin/grep", elf), tu.Reg("etc/redis.conf", "port 6379\n")},
			msg: []string{"docker-entrypoint.sh line 21", `it runs grep -q "^protected-mode" /etc/redis.conf and goes on`}},
		{name: "an unknown command", cfg: entryCfg([]string{"/entry.sh"}, []string{"serve"}),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nset -e\n/usr/local/bin/migrate --all\nexec /usr/local/bin/app \"$@\"\n"),
				tu.Exe("usr/local/bin/migrate", elf), tu.Exe("usr/local/bin/app", elf)},
			msg: []string{"/entry.sh line 3", "it runs /usr/local/bin/migrate --all"}},
		{name: "a program not in the image", cfg: entryCfg([]string{"/entry.sh"}, nil),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nexec nothere --flag\n")},
			msg:   []string{"/entry.sh line 2", "it execs nothere, which is not in the image"}},
		{name: "a loop that waits", cfg: entryCfg([]string{"/entry.sh"}, nil),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nwhile [ ! -f /ready ]; do\n  sleep 1\ndone\nexec /usr/local/bin/app\n"), tu.Exe("usr/local/bin/app", elf)},
			msg:   []string{"more than 5000 commands"}},
		{name: "a sourced file harden did not read", cfg: entryCfg([]string{"/entry.sh"}, nil),
			// outside /etc, whose small files the config want keeps
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\n. /opt/app/defaults\nexec /usr/local/bin/app\n"), tu.Reg("opt/app/defaults", "X=1\n"), tu.Exe("usr/local/bin/app", elf)},
			msg:   []string{"/entry.sh line 2", "reads /opt/app/defaults"}},
		{name: "the script exits", cfg: entryCfg([]string{"/entry.sh"}, []string{"--help"}),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\ncase \"$1\" in\n  --help) echo usage; exit 0;;\nesac\nexec /usr/local/bin/app\n"), tu.Exe("usr/local/bin/app", elf)},
			msg:   []string{"/entry.sh line 3", "exits (status 0)", "usage"}},
		{name: "process substitution on the way", cfg: entryCfg([]string{"/entry.sh"}, nil),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/bash\nwhile read -r l; do :; done < <(echo a)\nexec /usr/local/bin/app\n"), tu.Exe("usr/local/bin/app", elf)},
			msg:   []string{"/entry.sh line 2", "process substitution"}},
		{name: "a parse error", cfg: entryCfg([]string{"/entry.sh"}, nil),
			files: []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nif [ x ]; then\nexec /usr/local/bin/app\n"), tu.Exe("usr/local/bin/app", elf)},
			msg:   []string{"/entry.sh", "cannot parse it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := tu.Image(t, tt.cfg, officialLayout(t, tt.files...))
			_, err := minify.Plan(context.Background(), index(t, img))
			if !errors.Is(err, minify.ErrShellEntrypoint) {
				t.Fatalf("Plan() = %v, want ErrShellEntrypoint", err)
			}
			for _, m := range append(tt.msg, "--entrypoint", "--keep-shell") {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q lacks %q", err, m)
				}
			}
		})
	}
}

func TestEntrypointScriptKeptWithKeepShell(t *testing.T) {
	elf := staticApp(t)
	_, _, sel := plan(t, entryCfg([]string{"docker-entrypoint.sh"}, []string{"node"}),
		[][]tu.File{officialLayout(t, tu.Exe("usr/local/bin/docker-entrypoint.sh", entrypointScript(t, "node.sh")), tu.Exe("usr/local/bin/node", elf))},
		minify.WithKeepShell(true))
	if len(sel.Program.Evaluated) != 0 || sel.Program.Path != "/usr/bin/dash" {
		t.Errorf("with --keep-shell the script runs through its shell; got program %+v", sel.Program)
	}
	if diff := cmp.Diff([]string{"docker-entrypoint.sh"}, sel.Config.Entrypoint); diff != "" {
		t.Errorf("Entrypoint (-want +got):\n%s", diff)
	}
}

// Scripts are untrusted: a loop that never execs, a variable that doubles
// without end and a look at the host's files all end in a refusal, and
// the evaluation answers from the image only.
func TestEntrypointScriptSandbox(t *testing.T) {
	elf := staticApp(t)
	tests := []struct {
		name, script, msg string
	}{
		{name: "a loop without commands", script: "#!/bin/bash\nwhile [[ 1 ]]; do (( i++ )); done\nexec /usr/local/bin/app\n",
			msg: "did not end within"},
		{name: "a doubling variable", script: "#!/bin/bash\nx=0123456789abcdef\nwhile [[ 1 ]]; do x=$x$x; done\nexec /usr/local/bin/app\n",
			msg: "MiB of memory"},
		{name: "a host user's home", script: "#!/bin/sh\nexec /usr/local/bin/app ~root\n", msg: "line 2: ~user is not evaluated"},
		{name: "builtin command -v", script: "#!/bin/bash\nbuiltin command -v tar >/dev/null && exec /usr/local/bin/app --tar\nexit 4\n", msg: "exits (status 4)"},
		{name: "a host file", script: "#!/bin/sh\nif [ -e /etc/hostname ] || [ -d /proc/self ] || [ -f /root/.bashrc ]; then exec /usr/local/bin/app --host; fi\nexit 3\n",
			msg: "exits (status 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := tu.Image(t, entryCfg([]string{"/entry.sh"}, nil), officialLayout(t, tu.Exe("entry.sh", tt.script), tu.Exe("usr/local/bin/app", elf)))
			_, err := minify.Plan(context.Background(), index(t, img))
			if !errors.Is(err, minify.ErrShellEntrypoint) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Plan() = %v, want ErrShellEntrypoint with %q", err, tt.msg)
			}
		})
	}
}

// A glob lists the image's directory, not the host's: /sys is empty in
// the image, so the pattern stays as written.
func TestEntrypointScriptGlobsTheImage(t *testing.T) {
	elf := staticApp(t)
	_, _, sel := plan(t, entryCfg([]string{"/entry.sh"}, nil), [][]tu.File{officialLayout(t,
		tu.Exe("entry.sh", "#!/bin/sh\nfor f in /sys/* /etc/app/*.conf; do set -- \"$@\" \"$f\"; done\nexec /usr/local/bin/app \"$@\"\n"),
		tu.Reg("etc/app/b.conf", "b"), tu.Reg("etc/app/a.conf", "a"), tu.Exe("usr/local/bin/app", elf))})
	if diff := cmp.Diff([]string{"/sys/*", "/etc/app/a.conf", "/etc/app/b.conf"}, sel.Config.Cmd); diff != "" {
		t.Errorf("Cmd (-want +got):\n%s", diff)
	}
}

// TestInitWrapperKept: an init wrapper (tini, dumb-init) in front of the
// command stays in the image and in the entrypoint, and the program it
// wraps is what the profiles see.
func TestInitWrapperKept(t *testing.T) {
	elf := staticApp(t)
	files := officialLayout(t, tu.Exe("usr/bin/tini", elf), tu.Exe("usr/local/bin/app", elf))
	_, _, sel := plan(t, entryCfg([]string{"tini", "--"}, []string{"app", "--serve"}), [][]tu.File{files})
	if _, kept := sel.Lookup("/usr/bin/tini"); !kept {
		t.Error("the init wrapper is not kept")
	}
	if sel.Program.Path != "/usr/local/bin/app" || strings.Join(sel.Program.Argv, " ") != "app --serve" {
		t.Errorf("program = %s %q, want /usr/local/bin/app [app --serve]", sel.Program.Path, sel.Program.Argv)
	}
	if diff := cmp.Diff([]string{"tini", "--"}, sel.Config.Entrypoint); diff != "" {
		t.Errorf("Entrypoint (-want +got):\n%s", diff)
	}
	img := tu.Image(t, entryCfg([]string{"tini", "--"}, nil), files)
	if _, err := minify.Plan(context.Background(), index(t, img)); !errors.Is(err, minify.ErrNoEntrypoint) {
		t.Errorf("tini with no command: %v, want ErrNoEntrypoint", err)
	}
}
