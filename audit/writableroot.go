package audit

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/report"
)

// knownWrites lists, for programs whose behaviour is known, the paths they
// write at run time ("~" is the user's home). Under --read-only these need
// a tmpfs or a volume, or the program fails.
var knownWrites = map[string][]string{
	"nginx":        {"/var/cache/nginx", "/var/run/nginx.pid", "/run/nginx.pid", "/var/lib/nginx"},
	"httpd":        {"/usr/local/apache2/logs"},
	"apache2":      {"/var/run/apache2", "/var/lock/apache2", "/var/log/apache2"},
	"postgres":     {"/var/run/postgresql", "/var/lib/postgresql/data"},
	"mysqld":       {"/var/run/mysqld", "/var/lib/mysql"},
	"mariadbd":     {"/run/mysqld", "/var/lib/mysql"},
	"redis-server": {"/data"},
	"php-fpm":      {"/var/run", "/usr/local/var/log"},
	"catalina.sh":  {"/usr/local/tomcat/logs", "/usr/local/tomcat/work", "/usr/local/tomcat/temp"},
	"npm":          {"~/.npm"},
	"yarn":         {"~/.yarn", "~/.cache/yarn"},
	"pnpm":         {"~/.local/share/pnpm", "~/.cache/pnpm"},
}

// writableRoot reports paths the entrypoint is known to write outside
// /tmp, where `docker run --read-only` would break it unless a tmpfs or
// volume is mounted there. It knows a fixed list of programs (nginx,
// postgres, npm, …); for others it says nothing.
type writableRoot struct{ noContent }

func (writableRoot) ID() string { return "writable-root-needed" }

func (c writableRoot) Rule() Rule {
	return Rule{Weight: 0, Cap: 0, Rule: report.Rule{ID: c.ID(), Title: "Entrypoint writes outside /tmp", Severity: report.Info,
		Fix: "Mount a tmpfs or volume on the path (docker run --read-only --tmpfs PATH), or configure the program to write under /tmp"}}
}

func (c writableRoot) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	ep := in.Entrypoint()
	if len(ep.Needs) == 0 {
		return nil, skip("the image has no entrypoint")
	}
	var volumes []string
	home := "/root"
	if cfg := in.Index.Config; cfg != nil {
		for v := range cfg.Config.Volumes {
			volumes = append(volumes, path.Clean(v))
		}
		for _, kv := range cfg.Config.Env {
			if h, ok := strings.CutPrefix(kv, "HOME="); ok && h != "" {
				home = h
			}
		}
		name, _, _ := strings.Cut(cfg.Config.User, ":")
		if u, ok := in.Accounts().User(name); ok && u.Home != "" {
			home = u.Home
		}
	}
	var out []report.Finding
	seen := map[string]bool{}
	for _, prog := range ep.Needs {
		for _, p := range knownWrites[prog] {
			if rest, ok := strings.CutPrefix(p, "~"); ok {
				p = path.Join(home, rest)
			}
			if seen[p] || underAny(p, volumes) || strings.HasPrefix(p, "/tmp/") {
				continue
			}
			seen[p] = true
			ev := in.pathEvidence(p)
			ev.ConfigKey = "Config.Entrypoint"
			ev.Value = prog
			out = append(out, c.Rule().finding(fmt.Sprintf("%s writes to %s, which --read-only makes read-only", prog, p), ev))
		}
	}
	return out, nil
}

func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/") {
			return true
		}
	}
	return false
}
