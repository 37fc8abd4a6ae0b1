package minify

import (
	"bytes"
	_ "embed"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"gopkg.in/yaml.v3"
)

// profilesYAML is the reference list of runtime and server profiles; docs/
// minify.md describes its format.
//
//go:embed profiles.yaml
var profilesYAML []byte

// WantConfig keeps the bytes of the small text files the profiles' config
// parsers read (nginx.conf, php.ini, redis.conf, httpd.conf and what they
// include): everything under /etc and every *.conf, *.ini and *.types file.
const WantConfig = "minify/config"

// maxConfigSize bounds one config file read by a parser.
const maxConfigSize = 1 << 20

// ProfileSpec is one runtime or server profile as data (an entry of
// profiles.yaml or of a --profile file).
type ProfileSpec struct {
	// Name is stable and short: "nginx", "php".
	Name string `yaml:"name" json:"name"`
	// Match says which programs the profile applies to.
	Match ProfileMatch `yaml:"match" json:"match"`
	// Keep lists paths and globs to keep; a relative one is under the
	// program's prefix (/usr for /usr/bin/ruby). A directory keeps its tree.
	// {version} and {multiarch} are replaced (see docs/minify.md).
	Keep []string `yaml:"keep,omitempty" json:"keep,omitempty"`
	// Drop lists globs dropped from the trees Keep keeps.
	Drop []string `yaml:"drop,omitempty" json:"drop,omitempty"`
	// Env names variables holding colon-separated directories to keep
	// (RUBYLIB, PERL5LIB).
	Env []string `yaml:"env,omitempty" json:"env,omitempty"`
	// Configs are config files to read with a named parser.
	Configs []ConfigSpec `yaml:"configs,omitempty" json:"configs,omitempty"`
	// Writable lists directories the program writes to (temp, pid, log),
	// added when they exist in the image.
	Writable []string `yaml:"writable,omitempty" json:"writable,omitempty"`
	// WritableArgs are options whose value is a directory the program
	// writes to (postgres -D).
	WritableArgs []string `yaml:"writable_args,omitempty" json:"writable_args,omitempty"`
	// WritableEnv are variables naming such a directory (PGDATA).
	WritableEnv []string `yaml:"writable_env,omitempty" json:"writable_env,omitempty"`
	// Users are accounts the server switches to: their passwd and group
	// entries are kept when the image has them.
	Users []string `yaml:"users,omitempty" json:"users,omitempty"`
}

// ProfileMatch selects programs by name or path.
type ProfileMatch struct {
	// Names are globs matched against the base name of the program, of the
	// entrypoint as found through PATH, and of argv[0].
	Names []string `yaml:"names,omitempty" json:"names,omitempty"`
	// Paths are globs matched against the program's canonical path.
	Paths []string `yaml:"paths,omitempty" json:"paths,omitempty"`
}

// ConfigSpec is a config file read by a parser written in Go.
type ConfigSpec struct {
	// Parser is one of: nginx, php-ini, redis, apache.
	Parser string `yaml:"parser" json:"parser"`
	// Files are the default config files (globs, relative to the prefix).
	Files []string `yaml:"files,omitempty" json:"files,omitempty"`
	// Flag is the command-line option that names another file instead
	// (nginx -c); "ARG" means the first argument that is not an option.
	Flag string `yaml:"flag,omitempty" json:"flag,omitempty"`
	// Options are parser-specific settings (nginx's prefix, php's
	// extension directories).
	Options map[string][]string `yaml:"options,omitempty" json:"options,omitempty"`
}

// profileFile is the document format.
type profileFile struct {
	Profiles []ProfileSpec `yaml:"profiles"`
}

// ParseProfiles reads a profile document (YAML, the format of profiles.yaml).
// Unknown fields and unknown parsers are errors, so typos do not silently
// keep nothing.
func ParseProfiles(data []byte) ([]ProfileSpec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f profileFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	for i, p := range f.Profiles {
		if p.Name == "" {
			return nil, fmt.Errorf("profiles: entry %d has no name", i+1)
		}
		if len(p.Match.Names)+len(p.Match.Paths) == 0 {
			return nil, fmt.Errorf("profile %s: match names no program", p.Name)
		}
		for _, g := range append(append([]string{}, p.Match.Names...), p.Match.Paths...) {
			if _, err := path.Match(g, ""); err != nil {
				return nil, fmt.Errorf("profile %s: match %q: %w", p.Name, g, err)
			}
		}
		for _, c := range p.Configs {
			if _, ok := configParsers[c.Parser]; !ok {
				return nil, fmt.Errorf("profile %s: unknown parser %q (known: %s)", p.Name, c.Parser, strings.Join(parserNames(), ", "))
			}
		}
	}
	return f.Profiles, nil
}

func parserNames() []string {
	var out []string
	for n := range configParsers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// builtinSpecs are the embedded profiles, parsed once.
var builtinSpecs = func() []ProfileSpec {
	specs, err := ParseProfiles(profilesYAML)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return specs
}()

// mergeSpecs overrides the embedded profiles by name with the user's and
// appends the new ones.
func mergeSpecs(base, user []ProfileSpec) []ProfileSpec {
	out := append([]ProfileSpec{}, base...)
	for _, u := range user {
		replaced := false
		for i := range out {
			if out[i].Name == u.Name {
				out[i], replaced = u, true
			}
		}
		if !replaced {
			out = append(out, u)
		}
	}
	return out
}

// dataProfile is a Profile made from a ProfileSpec.
type dataProfile struct{ spec ProfileSpec }

func (d dataProfile) Name() string { return d.spec.Name }

func (d dataProfile) Wants() []fsindex.Want {
	if len(d.spec.Configs) == 0 {
		return nil
	}
	return []fsindex.Want{configWant}
}

var configWant = fsindex.Want{
	Name: WantConfig, MaxSize: maxConfigSize,
	Match: func(c *fsindex.Candidate) bool {
		if bytes.IndexByte(c.Head, 0) >= 0 || isSecretFile(c.Path) {
			return false
		}
		if strings.HasPrefix(c.Path, "/etc/") || strings.HasPrefix(c.Path, "/usr/local/etc/") {
			return true
		}
		switch path.Ext(c.Path) {
		case ".conf", ".ini", ".types", ".cnf":
			return !strings.HasPrefix(c.Path, "/usr/share/doc/")
		}
		return false
	},
}

// isSecretFile says whether a file holds secrets no parser reads (password
// hashes, private keys): their bytes are not kept in the index.
func isSecretFile(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(base, "shadow") || strings.HasPrefix(base, "gshadow") || strings.Contains(p, "/private/") ||
		strings.HasSuffix(base, ".key") || strings.HasSuffix(base, ".pem") || strings.HasSuffix(base, ".crt") || strings.HasSuffix(base, ".acl")
}

func (d dataProfile) Match(p *Program) bool {
	names := []string{p.Base(), path.Base(p.Found)}
	if len(p.Argv) > 0 {
		names = append(names, path.Base(p.Argv[0]))
	}
	for _, g := range d.spec.Match.Names {
		for _, n := range names {
			if ok, _ := path.Match(g, n); ok && n != "." && n != "/" {
				return true
			}
		}
	}
	for _, g := range d.spec.Match.Paths {
		if ok, _ := path.Match(g, p.Path); ok {
			return true
		}
	}
	return false
}

// profileRun is one data profile applied to one program.
type profileRun struct {
	k      *Keeper
	spec   *ProfileSpec
	prefix string
	vars   *strings.Replacer
	rule   string
}

var versionRe = regexp.MustCompile(`[0-9]+(\.[0-9]+)*`)

// programVersion is the last number in the program's name (ruby3.1: 3.1,
// php-fpm8.2: 8.2), or "*".
func programVersion(p *Program) string {
	for _, n := range []string{p.Base(), path.Base(p.Found)} {
		if m := versionRe.FindAllString(n, -1); len(m) > 0 {
			return m[len(m)-1]
		}
	}
	return "*"
}

func (d dataProfile) Keep(k *Keeper) error {
	prog := k.Program()
	arch := multiarch(prog.ELF)
	if arch == "" {
		arch = "*"
	}
	r := &profileRun{k: k, spec: &d.spec, prefix: path.Dir(path.Dir(prog.Path)), rule: "profile/" + d.spec.Name,
		vars: strings.NewReplacer("{version}", programVersion(prog), "{multiarch}", arch)}
	var drops []string
	for _, g := range d.spec.Drop {
		drops = append(drops, r.abs(g))
	}
	filter := func(e *fsindex.Entry) (bool, string) {
		for _, g := range drops {
			if matchGlob(g, e.Path) {
				return true, "dropped by profile " + d.spec.Name + " (" + g + ")"
			}
		}
		return false, ""
	}
	for _, g := range d.spec.Keep {
		for _, p := range r.glob(g) {
			k.KeepTree(p, Reason{Rule: r.rule, Why: "the runtime's files (" + g + ")"}, filter)
		}
	}
	for _, v := range d.spec.Env {
		for _, dir := range strings.Split(k.Env(v), ":") {
			if strings.HasPrefix(dir, "/") && !systemDirs[path.Clean(dir)] {
				k.KeepTree(dir, Reason{Rule: r.rule, Why: "named by $" + v}, filter)
			}
		}
	}
	for _, c := range d.spec.Configs {
		r.runConfig(c)
	}
	for _, w := range d.spec.Writable {
		for _, p := range r.glob(w) {
			k.AddWritable(p, r.rule+": "+w)
		}
	}
	args := prog.Args
	for i, a := range args {
		for _, f := range d.spec.WritableArgs {
			if v, ok := flagValue(args, i, a, f); ok && v != "" {
				k.AddWritable(resolveIn(prog.WorkingDir, v), r.rule+": "+f)
			}
		}
	}
	for _, v := range d.spec.WritableEnv {
		if dir := k.Env(v); strings.HasPrefix(dir, "/") {
			k.AddWritable(dir, r.rule+": $"+v)
		}
	}
	for _, u := range d.spec.Users {
		k.KeepUser(u)
	}
	return nil
}

// flagValue returns the value of option f at args[i] ("-c FILE", "-cFILE",
// "--dir=X").
func flagValue(args []string, i int, a, f string) (string, bool) {
	switch {
	case a == f && i+1 < len(args):
		return args[i+1], true
	case strings.HasPrefix(f, "--") && strings.HasPrefix(a, f+"="):
		return a[len(f)+1:], true
	case len(f) == 2 && f[0] == '-' && f[1] != '-' && strings.HasPrefix(a, f) && len(a) > 2:
		return a[2:], true
	}
	return "", false
}

// abs expands variables and makes a relative path absolute under the prefix.
func (r *profileRun) abs(p string) string {
	p = r.vars.Replace(p)
	if !strings.HasPrefix(p, "/") {
		p = path.Join(r.prefix, p)
	}
	return path.Clean(p)
}

// glob returns the image paths a profile path or glob names.
func (r *profileRun) glob(g string) []string { return r.k.globPaths(r.abs(g)) }

// maxGlob bounds what one glob expands to.
const maxGlob = 10000

// globPaths expands a glob (path.Match syntax per component) against the
// image, following symlinked directories inside it. Paths are returned as
// written, sorted.
func (k *Keeper) globPaths(pat string) []string {
	parts := strings.Split(strings.Trim(path.Clean(pat), "/"), "/")
	cur := []string{"/"}
	for _, part := range parts {
		if part == "" {
			continue
		}
		var next []string
		for _, dir := range cur {
			if !strings.ContainsAny(part, "*?[") {
				p := path.Join(dir, part)
				if _, err := k.x.Resolve(p); err == nil {
					next = append(next, p)
				}
				continue
			}
			res, err := k.x.Resolve(dir)
			if err != nil || res.Entry == nil && res.Path != "/" {
				continue
			}
			for _, c := range k.x.Children(res.Path) {
				if ok, _ := path.Match(part, path.Base(c.Path)); ok && len(next) < maxGlob {
					next = append(next, path.Join(dir, path.Base(c.Path)))
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	sort.Strings(cur)
	return cur
}
