package minify

import (
	"path"
	"strings"
)

// nginxDirective is one directive of an nginx config: its name and
// arguments (quotes removed). Blocks are flattened: what matters here is
// which files a directive names, not where it applies.
type nginxDirective struct {
	name string
	args []string
}

// parseNginx splits an nginx config into its directives. Comments, quotes
// and escapes are handled; blocks are flattened.
func parseNginx(data []byte) []nginxDirective {
	var out []nginxDirective
	var words []string
	var cur strings.Builder
	inWord := false
	flushWord := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	flushDirective := func() {
		flushWord()
		if len(words) > 0 {
			out = append(out, nginxDirective{name: words[0], args: words[1:]})
		}
		words = nil
	}
	s := string(data)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			inWord = true
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ';' || c == '{' || c == '}':
			flushDirective()
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flushWord()
		default:
			cur.WriteByte(c)
			inWord = true
		}
		if len(out) > 100000 {
			break
		}
	}
	flushDirective()
	return out
}

// nginxTempPaths are the directives naming a directory nginx writes to.
var nginxTempPaths = map[string]bool{
	"client_body_temp_path": true, "proxy_temp_path": true, "fastcgi_temp_path": true,
	"uwsgi_temp_path": true, "scgi_temp_path": true, "proxy_cache_path": true, "fastcgi_cache_path": true,
	"uwsgi_cache_path": true, "scgi_cache_path": true,
}

// nginxFiles are the directives naming a file nginx reads.
var nginxFiles = map[string]bool{
	"ssl_certificate": true, "ssl_certificate_key": true, "ssl_trusted_certificate": true,
	"ssl_client_certificate": true, "ssl_dhparam": true, "ssl_crl": true, "ssl_password_file": true,
	"auth_basic_user_file": true, "ssl_stapling_file": true, "ssl_session_ticket_key": true,
}

// keepNginxConf keeps nginx's config tree from its main file (the
// compiled-in path, or -c): what include names (globs), the modules
// load_module names, the files TLS and auth directives name, the roots it
// serves; the user it switches to; and the temp, pid and log paths it
// writes (writable). -p sets the prefix relative paths start from, -g adds
// directives.
func keepNginxConf(c *configRun) {
	prog := c.k.Program()
	prefixes := c.conf.Options["prefix"]
	for i, a := range prog.Args {
		if v, ok := flagValue(prog.Args, i, a, "-p"); ok {
			prefixes = []string{v}
		}
	}
	n := &nginxRun{configRun: c, prefixes: prefixes}
	for _, f := range c.files {
		n.confDir = path.Dir(f)
		n.file(f, 0)
	}
	for i, a := range prog.Args {
		if v, ok := flagValue(prog.Args, i, a, "-g"); ok {
			n.directives(parseNginx([]byte(v)), 0)
		}
	}
}

type nginxRun struct {
	*configRun
	confDir  string
	prefixes []string
}

// rel resolves a relative path against the config directory or a prefix,
// whichever has it (the first prefix when none does).
func (n *nginxRun) rel(p string, bases ...string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	for _, b := range bases {
		if _, err := n.k.x.Resolve(path.Join(b, p)); err == nil {
			return path.Join(b, p)
		}
	}
	if len(n.prefixes) > 0 {
		return path.Join(n.prefixes[0], p)
	}
	return path.Join(n.confDir, p)
}

func (n *nginxRun) bases() []string { return append([]string{n.confDir}, n.prefixes...) }

func (n *nginxRun) file(p string, depth int) {
	if depth > 16 {
		return
	}
	data, ok := n.read(p)
	if !ok {
		return
	}
	n.directives(parseNginx(data), depth)
}

func (n *nginxRun) directives(ds []nginxDirective, depth int) {
	for _, d := range ds {
		if len(d.args) == 0 {
			continue
		}
		a := d.args[0]
		if strings.Contains(a, "$") {
			continue // set per request: nothing to find now
		}
		switch {
		case d.name == "include":
			for _, f := range n.k.globPaths(n.rel(a, n.bases()...)) {
				n.file(f, depth+1)
			}
		case d.name == "load_module":
			n.keepFile(n.rel(a, n.bases()...), "module loaded by load_module")
		case d.name == "user":
			n.k.KeepUser(a)
		case d.name == "pid":
			n.writable(n.rel(a, n.prefixes...), true, "pid "+a)
		case d.name == "error_log" || d.name == "access_log":
			if a != "off" && a != "stderr" && !strings.HasPrefix(a, "syslog:") && !strings.HasPrefix(a, "memory:") {
				n.writable(n.rel(a, n.prefixes...), true, d.name+" "+a)
			}
		case nginxTempPaths[d.name]:
			n.writable(n.rel(a, n.prefixes...), false, d.name+" "+a)
		case nginxFiles[d.name]:
			if !strings.HasPrefix(a, "data:") && !strings.HasPrefix(a, "engine:") {
				n.keepFile(n.rel(a, n.bases()...), "named by "+d.name)
			}
		case d.name == "root" || d.name == "alias":
			dir := n.rel(a, n.prefixes...)
			if res, err := n.k.x.Resolve(dir); err == nil && systemDirs[res.Path] {
				n.k.Warn("%s: %s %s serves a system directory; it is not kept whole (--include keeps what it serves)", n.spec.Name, d.name, a)
				continue
			}
			n.keepFile(dir, "served by "+d.name)
		}
	}
}
