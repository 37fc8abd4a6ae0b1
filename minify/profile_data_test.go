package minify_test

import (
	"context"
	"os"
	"strings"
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// withLibs is the loader layout plus libb.so.1 and libc.so.6, so app-plain
// runs and liba.so.1 (an extension, a module) has its closure.
func withLibs(t *testing.T, files ...tu.File) []tu.File {
	lib := "usr/lib/x86_64-linux-gnu/"
	return append(append(interp(), tu.Reg(lib+"libb.so.1", elfFile(t, "libb.so.1")), tu.Reg(lib+"libc.so.6", elfFile(t, "libc.so.6"))), files...)
}

// checkKept fails for every path of want that is not kept and every path of
// gone that is.
func checkKept(t *testing.T, sel *minify.Selection, want, gone []string) {
	t.Helper()
	got := keptPaths(sel)
	for _, w := range want {
		if !contains(got, w) {
			t.Errorf("%s not kept: %+v", w, sel.Explain(w))
		}
	}
	for _, g := range gone {
		if contains(got, g) {
			t.Errorf("%s kept: %v", g, sel.Explain(g).Reasons)
		}
	}
}

// passwdOf returns the new image's /etc/passwd.
func passwdOf(t *testing.T, sel *minify.Selection) string {
	it, ok := sel.Lookup("/etc/passwd")
	if !ok {
		t.Fatal("no /etc/passwd")
	}
	return string(it.Data)
}

const nginxConf = `user www-data;   # the workers' user
pid /run/nginx.pid;
include /etc/nginx/modules-enabled/*.conf;
error_log /var/log/nginx/error.log;
events { worker_connections 768; }
http {
	include mime.types;
	client_body_temp_path /var/lib/nginx/body 1 2;
	proxy_temp_path "/var/cache/nginx proxy";
	access_log /var/log/nginx/access.log;
	access_log syslog:server=unix:/dev/log;
	# include /etc/nginx/commented.conf;
	include /etc/nginx/sites-enabled/*;
}
`

const nginxSite = `server {
	listen 80;
	root /var/www/html;
	ssl_certificate "/etc/ssl/my site.pem";
	location /static { alias /srv/static/; }
	location /x { root $document_root/x; }
}
`

func TestNginxProfile(t *testing.T) {
	files := withLibs(t,
		tu.Exe("usr/sbin/nginx", elfFile(t, "app-plain")),
		tu.Reg("etc/nginx/nginx.conf", nginxConf), tu.Reg("etc/nginx/mime.types", "types { text/html html; }"),
		tu.Reg("etc/nginx/commented.conf", ""), tu.Reg("etc/nginx/sites-available/default", nginxSite),
		tu.Reg("etc/nginx/sites-available/other", "server { root /var/www/other; }"),
		tu.Symlink("etc/nginx/sites-enabled/default", "/etc/nginx/sites-available/default"),
		tu.Symlink("etc/nginx/modules-enabled/50-mod-stream.conf", "/usr/share/nginx/modules-available/mod-stream.conf"),
		tu.Reg("usr/share/nginx/modules-available/mod-stream.conf", "load_module modules/ngx_stream_module.so;\n"),
		tu.Symlink("usr/share/nginx/modules", "../../lib/nginx/modules"),
		tu.Reg("usr/lib/nginx/modules/ngx_stream_module.so", elfFile(t, "liba.so.1")),
		tu.Reg("usr/lib/nginx/modules/ngx_unused_module.so", elfFile(t, "liba.so.1")),
		tu.Reg("var/www/html/index.html", "hi"), tu.Reg("var/www/other/index.html", "no"),
		tu.Reg("srv/static/app.css", "css"), tu.Reg("etc/ssl/my site.pem", "cert"),
		tu.Dir("var/lib/nginx/"), tu.Dir("var/log/nginx/"), tu.Dir("run/"), tu.Symlink("var/run", "/run"),
		tu.Reg("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n"),
		tu.Reg("etc/group", "root:x:0:\nwww-data:x:33:\n"),
	)
	_, _, sel := plan(t, cmdCfg("/usr/sbin/nginx", "-g", "daemon off; error_log /var/log/nginx/g.log;"), [][]tu.File{files})
	checkKept(t, sel, []string{
		"/usr/sbin/nginx", "/etc/nginx/nginx.conf", "/etc/nginx/mime.types", "/etc/nginx/sites-enabled/default",
		"/etc/nginx/sites-available/default", "/etc/nginx/modules-enabled/50-mod-stream.conf",
		"/usr/share/nginx/modules-available/mod-stream.conf", "/usr/share/nginx/modules",
		"/usr/lib/nginx/modules/ngx_stream_module.so", "/usr/lib/x86_64-linux-gnu/libb.so.1",
		"/var/www/html/index.html", "/srv/static/app.css", "/etc/ssl/my site.pem",
		"/var/lib/nginx", "/var/lib/nginx/body", "/var/log/nginx",
	}, []string{
		"/etc/nginx/commented.conf", "/etc/nginx/sites-available/other", "/var/www/other/index.html",
		"/usr/lib/nginx/modules/ngx_unused_module.so",
	})
	want := []string{"/run", "/var/cache/nginx proxy", "/var/lib/nginx", "/var/log/nginx"}
	if strings.Join(sel.Writable, "|") != strings.Join(want, "|") {
		t.Errorf("Writable = %q, want %q", sel.Writable, want)
	}
	if !contains(sel.Profiles, "nginx") {
		t.Errorf("Profiles = %v", sel.Profiles)
	}
	if pw := passwdOf(t, sel); !strings.Contains(pw, "www-data:x:33:33:") || strings.Contains(pw, "bin:x:2") {
		t.Errorf("passwd:\n%s", pw)
	}
	if it, _ := sel.Lookup("/etc/group"); !strings.Contains(string(it.Data), "www-data:x:33:") {
		t.Errorf("group:\n%s", it.Data)
	}

	// -c names another config: the default one is not read
	files = append(files, tu.Reg("app/nginx.conf", "pid /tmp/app/nginx.pid;\nhttp { root /app/public; }\n"), tu.Reg("app/public/i.html", ""))
	_, _, sel = plan(t, cmdCfg("/usr/sbin/nginx", "-c", "/app/nginx.conf"), [][]tu.File{files})
	checkKept(t, sel, []string{"/app/nginx.conf", "/app/public/i.html"}, []string{"/etc/nginx/nginx.conf", "/var/www/html/index.html"})
	if !contains(sel.Writable, "/tmp/app") {
		t.Errorf("Writable = %q", sel.Writable)
	}
}

func TestPHPProfile(t *testing.T) {
	ext := "usr/lib/php/20220829/"
	files := withLibs(t,
		tu.Symlink("usr/bin/php", "/etc/alternatives/php"), tu.Symlink("etc/alternatives/php", "/usr/bin/php8.2"),
		tu.Exe("usr/bin/php8.2", elfFile(t, "app-plain")),
		tu.Reg("etc/php/8.2/cli/php.ini", "[PHP]\n;extension=bz2\nsession.save_path = \"N;/var/lib/php/sessions\"\nextension_dir = \"/opt/php-ext\"\n"),
		tu.Symlink("etc/php/8.2/cli/conf.d/10-pdo.ini", "/etc/php/8.2/mods-available/pdo.ini"),
		tu.Symlink("etc/php/8.2/cli/conf.d/20-sqlite3.ini", "/etc/php/8.2/mods-available/sqlite3.ini"),
		tu.Reg("etc/php/8.2/cli/conf.d/30-gone.ini", "extension=nothere\n"),
		tu.Reg("etc/php/8.2/cli/conf.d/40-own.ini", "zend_extension = own\n"),
		tu.Reg("etc/php/8.2/mods-available/pdo.ini", "; priority=10\nextension=pdo.so\n"),
		tu.Reg("etc/php/8.2/mods-available/sqlite3.ini", "extension=sqlite3 ; comment\n"),
		tu.Reg("etc/php/8.2/mods-available/unused.ini", "extension=unused.so\n"),
		tu.Reg("etc/php/8.2/fpm/php.ini", ""),
		tu.Reg(ext+"pdo.so", elfFile(t, "liba.so.1")), tu.Reg(ext+"sqlite3.so", elfFile(t, "liba.so.1")),
		tu.Reg(ext+"unused.so", elfFile(t, "liba.so.1")), tu.Reg("opt/php-ext/own.so", elfFile(t, "liba.so.1")),
		tu.Dir("var/lib/php/sessions/"),
	)
	_, _, sel := plan(t, cmdCfg("php", "-r", "echo 1;"), [][]tu.File{files})
	checkKept(t, sel, []string{
		"/usr/bin/php", "/etc/alternatives/php", "/usr/bin/php8.2", "/etc/php/8.2/cli/php.ini",
		"/etc/php/8.2/cli/conf.d/10-pdo.ini", "/etc/php/8.2/mods-available/pdo.ini", "/etc/php/8.2/cli/conf.d/20-sqlite3.ini",
		"/etc/php/8.2/mods-available/sqlite3.ini", "/" + ext + "pdo.so", "/" + ext + "sqlite3.so", "/opt/php-ext/own.so",
		"/usr/lib/x86_64-linux-gnu/libb.so.1", "/var/lib/php/sessions",
	}, []string{"/" + ext + "unused.so", "/etc/php/8.2/mods-available/unused.ini", "/etc/php/8.2/fpm/php.ini"})
	if !contains(sel.Writable, "/var/lib/php/sessions") {
		t.Errorf("Writable = %q", sel.Writable)
	}
	if !strings.Contains(strings.Join(sel.Warnings, "\n"), "extension nothere named in /etc/php/8.2/cli/conf.d/30-gone.ini is not in the image") {
		t.Errorf("warnings = %q", sel.Warnings)
	}
}

func TestPerlAndPostgresProfiles(t *testing.T) {
	files := withLibs(t,
		tu.Exe("usr/bin/perl", elfFile(t, "app-plain")),
		tu.Reg("usr/share/perl/5.36/strict.pm", ""), tu.Reg("usr/share/perl/5.36/pod/perlfunc.pod", ""),
		tu.Reg("usr/lib/x86_64-linux-gnu/perl/5.36/auto/POSIX/POSIX.so", elfFile(t, "liba.so.1")),
		tu.Reg("usr/share/perl5/Some/Module.pm", ""), tu.Reg("etc/perl/sitecustomize.pl", ""),
		tu.Exe("usr/lib/postgresql/15/bin/postgres", elfFile(t, "app-plain")),
		tu.Reg("usr/lib/postgresql/15/lib/plpgsql.so", elfFile(t, "libb.so.1")),
		tu.Reg("usr/share/postgresql/15/timezonesets/Default", ""),
		tu.Dir("var/lib/postgresql/data/"), tu.Dir("var/run/postgresql/"),
	)
	_, _, sel := plan(t, cmdCfg("/usr/bin/perl", "-e", "1"), [][]tu.File{files}, minify.WithInclude("/usr/bin/perl"))
	checkKept(t, sel, []string{"/usr/share/perl/5.36/strict.pm", "/usr/lib/x86_64-linux-gnu/perl/5.36/auto/POSIX/POSIX.so",
		"/usr/share/perl5/Some/Module.pm", "/etc/perl/sitecustomize.pl"},
		[]string{"/usr/share/perl/5.36/pod/perlfunc.pod", "/usr/lib/postgresql/15/lib/plpgsql.so"})

	_, _, sel = plan(t, cmdCfg("/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/data"), [][]tu.File{files})
	checkKept(t, sel, []string{"/usr/lib/postgresql/15/lib/plpgsql.so", "/usr/share/postgresql/15/timezonesets/Default"},
		[]string{"/usr/share/perl/5.36/strict.pm"})
	if want := "/var/lib/postgresql/data|/var/run/postgresql"; strings.Join(sel.Writable, "|") != want {
		t.Errorf("Writable = %q, want %s", sel.Writable, want)
	}
}

func TestRedisProfile(t *testing.T) {
	files := withLibs(t,
		tu.Symlink("usr/bin/redis-server", "redis-check-rdb"), tu.Exe("usr/bin/redis-check-rdb", elfFile(t, "app-plain")),
		tu.Reg("etc/redis/redis.conf", "# data\ndir /var/lib/redis\nlogfile \"\"\npidfile /run/redis/redis-server.pid\ninclude /etc/redis/extra.conf\n"),
		tu.Reg("etc/redis/extra.conf", "loadmodule /usr/lib/redis/modules/m.so\naclfile /etc/redis/users.acl\n"),
		tu.Reg("etc/redis/users.acl", "user default on"), tu.Reg("usr/lib/redis/modules/m.so", elfFile(t, "liba.so.1")),
		tu.Reg("etc/redis/unused.conf", ""), tu.Dir("var/lib/redis/"),
	)
	_, _, sel := plan(t, cmdCfg("redis-server", "/etc/redis/redis.conf", "--unixsocket", "/run/redis-sock/r.sock"), [][]tu.File{files})
	checkKept(t, sel, []string{"/usr/bin/redis-server", "/usr/bin/redis-check-rdb", "/etc/redis/redis.conf", "/etc/redis/extra.conf",
		"/etc/redis/users.acl", "/usr/lib/redis/modules/m.so", "/var/lib/redis"}, []string{"/etc/redis/unused.conf"})
	if want := "/run/redis|/run/redis-sock|/var/lib/redis"; strings.Join(sel.Writable, "|") != want {
		t.Errorf("Writable = %q, want %s", sel.Writable, want)
	}
}

func TestApacheProfile(t *testing.T) {
	files := withLibs(t,
		tu.Exe("usr/sbin/apache2", elfFile(t, "app-plain")),
		tu.Reg("etc/apache2/envvars", "unset HOME\nexport APACHE_RUN_USER=www-data\nexport APACHE_RUN_DIR=/var/run/apache2$SUFFIX\nexport APACHE_LOG_DIR=/var/log/apache2$SUFFIX\n"),
		tu.Reg("etc/apache2/apache2.conf", "DefaultRuntimeDir ${APACHE_RUN_DIR}\nUser ${APACHE_RUN_USER}\nErrorLog ${APACHE_LOG_DIR}/error.log\n"+
			"IncludeOptional mods-enabled/*.load\nInclude ports.conf\nTypesConfig /etc/mime.types\n<VirtualHost *:80>\n  DocumentRoot /var/www/html\n  CustomLog \"|/usr/bin/logger\" combined\n</VirtualHost>\n"),
		tu.Reg("etc/apache2/ports.conf", "Listen 80\n"), tu.Reg("etc/mime.types", ""),
		tu.Symlink("etc/apache2/mods-enabled/mpm_event.load", "../mods-available/mpm_event.load"),
		tu.Reg("etc/apache2/mods-available/mpm_event.load", "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"),
		tu.Reg("etc/apache2/mods-available/ssl.load", "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"),
		tu.Reg("usr/lib/apache2/modules/mod_mpm_event.so", elfFile(t, "liba.so.1")),
		tu.Reg("usr/lib/apache2/modules/mod_ssl.so", elfFile(t, "liba.so.1")),
		tu.Reg("var/www/html/index.html", ""), tu.Dir("var/log/apache2/"),
		tu.Reg("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"),
	)
	_, _, sel := plan(t, cmdCfg("/usr/sbin/apache2", "-DFOREGROUND"), [][]tu.File{files})
	checkKept(t, sel, []string{"/etc/apache2/apache2.conf", "/etc/apache2/envvars", "/etc/apache2/ports.conf", "/etc/mime.types",
		"/etc/apache2/mods-enabled/mpm_event.load", "/etc/apache2/mods-available/mpm_event.load",
		"/usr/lib/apache2/modules/mod_mpm_event.so", "/var/www/html/index.html"},
		[]string{"/usr/lib/apache2/modules/mod_ssl.so", "/etc/apache2/mods-available/ssl.load"})
	if want := "/var/log/apache2|/var/run/apache2"; strings.Join(sel.Writable, "|") != want {
		t.Errorf("Writable = %q, want %s", sel.Writable, want)
	}
	if !strings.Contains(passwdOf(t, sel), "www-data:x:33:33:") {
		t.Errorf("passwd:\n%s", passwdOf(t, sel))
	}
}

// dpkgFiles is a Debian package database with one package owning files.
func dpkgFiles(pkg string, files ...string) []tu.File {
	return []tu.File{
		tu.Reg("var/lib/dpkg/status", "Package: "+pkg+"\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n"),
		tu.Reg("var/lib/dpkg/info/"+pkg+".list", "/.\n/usr\n"+strings.Join(files, "\n")+"\n"),
	}
}

func TestUnknownRuntimeKeepsItsPackage(t *testing.T) {
	files := withLibs(t,
		tu.Exe("usr/bin/mydaemon", elfFile(t, "app-plain")), tu.Reg("usr/share/mydaemon/data.db", "d"),
		tu.Reg("etc/mydaemon.conf", "c"), tu.Reg("usr/share/doc/mydaemon/copyright", "c"),
		tu.Reg("usr/share/man/man1/mydaemon.1.gz", "m"), tu.Reg("usr/share/locale/de/LC_MESSAGES/mydaemon.mo", "l"),
		tu.Reg("usr/share/other/unrelated", "u"),
	)
	files = append(files, dpkgFiles("mydaemon", "/usr/bin/mydaemon", "/usr/share/mydaemon", "/usr/share/mydaemon/data.db",
		"/etc/mydaemon.conf", "/usr/share/doc/mydaemon/copyright", "/usr/share/man/man1/mydaemon.1.gz",
		"/usr/share/locale/de/LC_MESSAGES/mydaemon.mo")...)
	_, _, sel := plan(t, cmdCfg("mydaemon"), [][]tu.File{files})
	checkKept(t, sel, []string{"/usr/bin/mydaemon", "/usr/share/mydaemon/data.db", "/etc/mydaemon.conf"},
		[]string{"/usr/share/doc/mydaemon/copyright", "/usr/share/man/man1/mydaemon.1.gz",
			"/usr/share/locale/de/LC_MESSAGES/mydaemon.mo", "/usr/share/other/unrelated"})
	if strings.Join(sel.Profiles, ",") != "package:mydaemon" {
		t.Errorf("Profiles = %v", sel.Profiles)
	}
	if w := strings.Join(sel.Warnings, "\n"); !strings.Contains(w, "no runtime profile matches /usr/bin/mydaemon: kept the 3 files of its package mydaemon") {
		t.Errorf("warnings = %q", sel.Warnings)
	}

	// no package owns it: only the closure, and a warning that says so
	_, _, sel = plan(t, cmdCfg("mydaemon"), [][]tu.File{withLibs(t, tu.Exe("usr/bin/mydaemon", elfFile(t, "app-plain")))})
	if len(sel.Profiles) != 0 || !strings.Contains(strings.Join(sel.Warnings, "\n"), "no OS package owns it") {
		t.Errorf("Profiles = %v, warnings = %q", sel.Profiles, sel.Warnings)
	}
}

func TestWithProfilesAddsAndReplaces(t *testing.T) {
	user := []byte(`profiles:
  - name: myrt
    match: {names: [myrt]}
    keep: [lib/myrt, /opt/myrt-data]
    writable: [/var/myrt]
  - name: nginx            # replaces the embedded nginx profile
    match: {names: [nginx]}
    keep: [/opt/nginx-extra]
`)
	files := withLibs(t,
		tu.Exe("usr/bin/myrt", elfFile(t, "app-plain")), tu.Reg("usr/lib/myrt/core.rt", ""), tu.Reg("opt/myrt-data/x", ""),
		tu.Dir("var/myrt/"), tu.Exe("usr/sbin/nginx", elfFile(t, "app-plain")), tu.Reg("opt/nginx-extra/y", ""),
		tu.Reg("etc/nginx/nginx.conf", "pid /run/n.pid;"),
	)
	opt := minify.WithProfiles("my.yaml", user)
	img := tu.Image(t, cmdCfg("myrt"), files)
	x := index(t, img)
	sel, err := minify.Plan(context.Background(), x, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkKept(t, sel, []string{"/usr/lib/myrt/core.rt", "/opt/myrt-data/x"}, nil)
	if strings.Join(sel.Profiles, ",") != "myrt" || strings.Join(sel.Writable, ",") != "/var/myrt" {
		t.Errorf("Profiles = %v, Writable = %v", sel.Profiles, sel.Writable)
	}
	sel, err = minify.Plan(context.Background(), x, opt, minify.WithCmd("/usr/sbin/nginx"))
	if err != nil {
		t.Fatal(err)
	}
	checkKept(t, sel, []string{"/opt/nginx-extra/y"}, []string{"/etc/nginx/nginx.conf"})

	for _, bad := range []struct{ doc, msg string }{
		{"profiles:\n  - name: x\n    match: {names: [x]}\n    kep: [a]\n", "field kep not found"},
		{"profiles:\n  - name: x\n    match: {names: [x]}\n    configs: [{parser: toml}]\n", `unknown parser "toml"`},
		{"profiles:\n  - name: x\n", "match names no program"},
		{"profiles: [", "my.yaml: profiles: yaml"},
	} {
		_, err := minify.Plan(context.Background(), x, minify.WithProfiles("my.yaml", []byte(bad.doc)))
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%q: err = %v, want %q", bad.doc, err, bad.msg)
		}
	}
}

// TestDocumentedProfileParses keeps the example in docs/minify.md valid.
func TestDocumentedProfileParses(t *testing.T) {
	data, err := os.ReadFile("../docs/minify.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/minify.md has no yaml example")
	}
	specs, err := minify.ParseProfiles([]byte(block))
	if err != nil || len(specs) != 1 || len(specs[0].Configs) != 1 || len(specs[0].WritableArgs) != 1 {
		t.Fatalf("ParseProfiles(docs example) = %+v, %v", specs, err)
	}
}
