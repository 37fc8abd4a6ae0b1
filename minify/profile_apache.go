package minify

import (
	"path"
	"regexp"
	"strings"
)

// apacheVar is ${NAME} in an Apache config.
var apacheVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// shellAssign is "export NAME=value" or "NAME=value" in Debian's envvars.
var shellAssign = regexp.MustCompile(`^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// shellVar is $NAME or ${NAME} in an envvars value.
var shellVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// keepApacheConf keeps httpd's config tree from its main file (the
// compiled-in path, or -f): Include and IncludeOptional (globs and
// directories, relative to ServerRoot), the modules LoadModule and
// LoadFile name, TypesConfig (mime.types), MIMEMagicFile, TLS and auth
// files, DocumentRoot and Alias directories; User is kept; PidFile,
// ErrorLog, CustomLog, Mutex and DefaultRuntimeDir become writable.
// ${VAR} comes from the image's environment, then from the envvars file
// (Debian's apache2ctl reads it) the envvars option names.
func keepApacheConf(c *configRun) {
	a := &apacheRun{configRun: c, vars: map[string]string{}}
	for _, ev := range c.conf.Options["envvars"] {
		if data, ok := c.read(ev); ok {
			a.readEnvvars(data)
		}
	}
	for _, root := range c.conf.Options["server_root"] {
		root = c.abs(root)
		if e, err := c.k.x.Stat(root); err == nil && e.IsDir() {
			a.root = root
			break
		}
	}
	if a.root == "" {
		a.root = c.prefix
	}
	for _, f := range c.files {
		a.file(f, 0)
	}
}

type apacheRun struct {
	*configRun
	root string
	vars map[string]string
}

func (a *apacheRun) readEnvvars(data []byte) {
	for _, line := range strings.Split(string(data), "\n") {
		m := shellAssign.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		v := strings.Trim(m[2], `"'`)
		v = shellVar.ReplaceAllStringFunc(v, func(s string) string {
			return a.vars[strings.Trim(s, "${}")]
		})
		a.vars[m[1]] = v
	}
}

func (a *apacheRun) expand(s string) string {
	return apacheVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if v := a.k.Env(name); v != "" {
			return v
		}
		return a.vars[name]
	})
}

func (a *apacheRun) rel(p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join(a.root, p)
}

func (a *apacheRun) file(p string, depth int) {
	if depth > 16 {
		return
	}
	data, ok := a.read(p)
	if !ok {
		return
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		f := splitRedisLine(a.expand(line))
		if len(f) < 2 || strings.HasPrefix(f[0], "<") {
			continue
		}
		a.directive(strings.ToLower(f[0]), f[1:], depth)
	}
}

func (a *apacheRun) directive(name string, args []string, depth int) {
	v := args[0]
	switch name {
	case "serverroot":
		a.root = path.Clean(v)
	case "include", "includeoptional":
		for _, f := range a.k.globPaths(a.rel(v)) {
			if e, err := a.k.x.Stat(f); err == nil && e.IsDir() {
				for _, c := range a.k.x.Children(e.Path) {
					a.file(c.Path, depth+1)
				}
				continue
			}
			a.file(f, depth+1)
		}
	case "loadmodule":
		if len(args) > 1 {
			a.keepFile(a.rel(args[1]), "module loaded by LoadModule "+v)
		}
	case "loadfile", "typesconfig", "mimemagicfile", "sslcertificatefile", "sslcertificatekeyfile",
		"sslcertificatechainfile", "sslcacertificatefile", "authuserfile", "authgroupfile":
		a.keepFile(a.rel(v), "named by "+name)
	case "documentroot":
		a.keepRoot(v, name)
	case "alias", "scriptalias":
		if len(args) > 1 {
			a.keepRoot(args[1], name)
		}
	case "user":
		a.k.KeepUser(v)
	case "pidfile", "errorlog", "customlog", "transferlog", "scoreboardfile":
		if !strings.HasPrefix(v, "|") && !strings.HasPrefix(v, "syslog") {
			a.writable(a.rel(v), true, name+" "+v)
		}
	case "defaultruntimedir":
		a.writable(a.rel(v), false, name)
	case "mutex":
		if dir, ok := strings.CutPrefix(v, "file:"); ok {
			a.writable(a.rel(dir), false, name)
		}
	}
}

func (a *apacheRun) keepRoot(dir, directive string) {
	dir = a.rel(dir)
	if res, err := a.k.x.Resolve(dir); err == nil && systemDirs[res.Path] {
		a.k.Warn("%s: %s %s serves a system directory; it is not kept whole (--include keeps what it serves)", a.spec.Name, directive, dir)
		return
	}
	a.keepFile(dir, "served by "+directive)
}
