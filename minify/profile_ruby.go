package minify

import (
	"bytes"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// WantRuby keeps, for every Ruby source file, the features it requires (a
// *rubyFile).
const WantRuby = "minify/ruby"

// rubyProfile keeps what a Ruby app loads beyond the interpreter's ELF
// closure: the files its require, require_relative, load and autoload
// calls with literal names reach along the interpreter's $LOAD_PATH and
// its gems, recursively, plus what ruby loads at start-up (rbconfig,
// rubygems, did_you_mean, error_highlight, the encoding tables) and every
// gem specification (rubygems reads them all to find a gem). Requires with
// computed names cannot be followed: --include covers them.
type rubyProfile struct{}

var (
	rubyBinary = regexp.MustCompile(`^ruby([0-9]+(\.[0-9]+)*)?$`)
	// rubyRequire matches require/load/require_relative with a literal
	// name; a name with interpolation (#{}) is computed and skipped.
	rubyRequire = regexp.MustCompile(`(?m)(?:^|[^\w$@])(require_relative|require|load)\b[ \t]*\(?[ \t]*['"]([^'"#\s]+)['"]`)
	// rubyAutoload matches autoload :Name, 'feature'.
	rubyAutoload = regexp.MustCompile(`\bautoload\b[ \t]*\(?[ \t]*:?['"]?\w+['"]?[ \t]*,[ \t]*['"]([^'"#\s]+)['"]`)
	// rubyExpand matches File.expand_path('feature', __dir__), as
	// rubygems names its autoloaded files.
	rubyExpand = regexp.MustCompile(`File\.expand_path\([ \t]*['"]([^'"#\s]+)['"][ \t]*,[ \t]*__dir__[ \t]*\)`)
	// rubyGems finds code that loads gems by computed names.
	rubyGems = regexp.MustCompile(`Bundler\.(require|setup)\b|Gem\.activate_bin_path|\bload Gem\.bin_path`)
	// rubyDef starts a method body; rubyOneLineDef is a whole method on
	// one line (def x = y, def x; y; end).
	rubyDef        = regexp.MustCompile(`^def\s`)
	rubyOneLineDef = regexp.MustCompile(`^def\s+[\w.?!]+(\([^)]*\))?\s*=[^=~>]|;\s*end\s*$`)
)

// rubyStartup are the features ruby loads before the app's first line
// ($LOADED_FEATURES of `ruby -e 1`): gem_prelude requires rubygems,
// error_highlight and did_you_mean; the encoding and transcoder tables are
// loaded by name from C; rubygems autoloads the rest of this list while it
// starts (a name a rubygems version lacks is skipped).
var rubyStartup = []string{"enc/encdb.so", "enc/trans/transdb.so", "rbconfig", "rubygems", "error_highlight", "did_you_mean", "monitor",
	"rubygems/version", "rubygems/requirement", "rubygems/platform", "rubygems/specification", "rubygems/util", "rubygems/util/list",
	"rubygems/dependency", "rubygems/path_support", "rubygems/defaults/operating_system", "rubygems/core_ext/kernel_gem",
	"rubygems/core_ext/kernel_require", "rubygems/core_ext/kernel_warn"}

// rubyCompanions are features the standard library requires by computed
// names when a constant is first used: Digest.const_missing loads
// digest/sha2 for Digest::SHA256, digest/md5 for Digest::MD5.
var rubyCompanions = map[string][]string{
	"digest": {"digest/sha2", "digest/md5", "digest/sha1", "digest/rmd160", "digest/bubblebabble"},
}

// rubyBuiltin are features built into the interpreter: require finds them
// in no file.
var rubyBuiltin = map[string]bool{"enumerator": true, "thread": true, "fiber": true, "rational": true, "complex": true, "ruby2_keywords": true}

// rubyFile is what WantRuby keeps of one source file.
type rubyFile struct {
	// Requires are features looked up along the load path ("json",
	// "socket.so").
	Requires []string
	// Relative are paths relative to the file's directory
	// (require_relative).
	Relative []string
	// Lazy and LazyRelative are required only when a method runs or a
	// constant is autoloaded (require inside a def, autoload,
	// File.expand_path(x, __dir__)).
	Lazy, LazyRelative []string
	// Gems says the file loads gems by computed names: Bundler.require,
	// Bundler.setup, or a binstub's Gem.activate_bin_path (bundle exec,
	// rackup, puma).
	Gems bool `json:",omitempty"`
}

func (rubyProfile) Name() string { return "ruby" }

// rubyFiles keeps what every Ruby file requires.
var rubyFiles = fsindex.NewKey(WantRuby, 1<<20, func(c *fsindex.Candidate) bool {
	if strings.HasPrefix(c.Path, "/usr/share/doc/") {
		return false
	}
	return strings.HasSuffix(c.Path, ".rb") || rubyShebang(c.Head)
}, parseRuby)

func (rubyProfile) Wants() []fsindex.Want { return []fsindex.Want{rubyFiles.Want()} }

func (rubyProfile) Match(p *Program) bool {
	if p.ELF == nil {
		return false
	}
	return rubyBinary.MatchString(p.Base()) || rubyBinary.MatchString(path.Base(p.Found))
}

func (rubyProfile) Keep(k *Keeper) error {
	lp := k.rubyLoadPath()
	if lp == nil {
		k.Warn("ruby: no standard library found under %s/lib/ruby", path.Dir(path.Dir(k.Program().Path)))
		return nil
	}
	r := &rubyRun{k: k, lp: lp, seen: map[string]bool{}, app: map[string]bool{}}
	for _, d := range lp.gemDirs {
		k.KeepTree(path.Join(d, "specifications"), Reason{Rule: "profile/ruby", Why: "gem specifications: rubygems reads them all to find a gem"}, nil)
	}
	for _, f := range rubyStartup {
		r.require(f, "ruby's start-up")
	}
	for _, d := range lp.user {
		if !systemDirs[d] {
			if p, err := k.KeepTree(d, Reason{Rule: "profile/ruby", Why: "on the load path through RUBYLIB or -I"}, nil); err == nil {
				k.MarkApp(p)
			}
		}
	}
	roots := r.appRoots()
	for _, p := range roots.files {
		if res, err := k.x.Resolve(p); err == nil {
			r.app[res.Path] = true
		}
	}
	for _, f := range roots.requires {
		r.require(f, cmdLine)
	}
	for _, p := range roots.files {
		r.keep(p, "the app's source")
	}
	r.drain()
	if r.bundler {
		// Bundler.require and binstubs load gems by computed names: the
		// gems they may load (not the distribution's) are kept whole.
		for _, d := range lp.gemDirs {
			if !lp.system[d] {
				k.KeepTree(d, Reason{Rule: "profile/ruby", Why: "the app loads gems by computed names (Bundler, a binstub)"}, nil)
			}
		}
	}
	return nil
}

// rubyRun follows the requires of one program.
type rubyRun struct {
	k    *Keeper
	lp   *rubyLoadPath
	seen map[string]bool
	todo []string
	// app are the app's own files: a require they make that nothing
	// satisfies is a warning.
	app     map[string]bool
	bundler bool
}

// cmdLine is where -r, -e and RUBYOPT requires come from.
const cmdLine = "the command line"

// rubyApp is where the app's requires start.
type rubyApp struct {
	files    []string // the script, the working directory's and RUBYLIB's .rb files
	requires []string // -r features
}

// appRoots lists the app's files and the features the command line
// requires (ruby -rjson, RUBYOPT=-rbundler/setup, -e code).
func (r *rubyRun) appRoots() rubyApp {
	k, prog := r.k, r.k.Program()
	var app rubyApp
	files := fsindex.All(k.x, rubyFiles)
	addUnder := func(dir string) {
		for p := range files {
			if strings.HasPrefix(p, dir+"/") {
				app.files = append(app.files, p)
			}
		}
	}
	if !systemDirs[prog.WorkingDir] {
		addUnder(prog.WorkingDir)
	}
	for _, d := range r.lp.user {
		addUnder(d)
	}
	args := append(strings.Fields(k.Env("RUBYOPT")), prog.Args...)
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "-r":
			app.requires = append(app.requires, next())
		case strings.HasPrefix(a, "-r"):
			app.requires = append(app.requires, a[2:])
		case a == "-e":
			if f, err := parseRuby("-e", []byte(next())); err == nil {
				app.requires = append(append(app.requires, f.Requires...), f.Lazy...)
			}
		case a == "-I" || a == "-C" || a == "-x" || a == "-E" || a == "--encoding":
			next()
		case strings.HasPrefix(a, "-"):
		default:
			app.files = append(app.files, resolveIn(prog.WorkingDir, a))
			i = len(args) // the script's own arguments follow
		}
	}
	sort.Strings(app.files)
	return app
}

// require keeps the file a feature names and queues it.
func (r *rubyRun) require(feature, from string) {
	if feature == "" || r.seen["feature:"+feature] || len(r.seen) > 20000 {
		return
	}
	r.seen["feature:"+feature] = true
	if rubyBuiltin[strings.TrimSuffix(strings.TrimSuffix(feature, ".so"), ".rb")] {
		return
	}
	if feature == "bundler" || feature == "bundler/setup" {
		r.bundler = r.bundler || r.fromApp(from)
	}
	files := r.lp.find(r.k.x, feature, r.k.Program().WorkingDir)
	if len(files) == 0 {
		if r.fromApp(from) {
			r.k.Warn("ruby: %s requires %q, which is neither on the load path nor in a gem; add it with --include if the app needs it", from, feature)
		} else {
			r.k.o.log.Debug("a ruby require is not in the image (often guarded by rescue LoadError)", "feature", feature, "from", from)
		}
		return
	}
	for _, f := range files {
		r.keep(f, "feature "+feature+", required by "+from)
	}
	for _, c := range rubyCompanions[feature] {
		r.require(c, "the constants of "+files[0])
	}
}

// fromApp says whether a require comes from the app (its files or the
// command line).
func (r *rubyRun) fromApp(from string) bool { return r.app[from] || from == cmdLine }

// keep keeps one Ruby file (or extension) and queues it for its requires.
func (r *rubyRun) keep(p, why string) {
	kp, err := r.k.Keep(p, Reason{Rule: "profile/ruby", Why: why})
	if err != nil || r.seen["file:"+kp] {
		return
	}
	r.seen["file:"+kp] = true
	if !strings.HasSuffix(kp, ".so") { // a .rb file or a script (drain skips what was not parsed)
		r.todo = append(r.todo, kp)
	}
}

// drain follows the queued files' requires: all of them for the app's
// files and gems; for the interpreter's own library (the standard
// library, rubygems) only those it makes when loaded, as requires inside
// its methods and its autoloads serve features an app rarely uses
// (rubygems' installer, securerandom's OpenSSL fallback).
func (r *rubyRun) drain() {
	for len(r.todo) > 0 {
		file := r.todo[0]
		r.todo = r.todo[1:]
		f, ok := fsindex.Get(r.k.x, rubyFiles, file)
		if !ok || f == nil {
			continue
		}
		r.bundler = r.bundler || r.app[file] && f.Gems
		reqs, rels := f.Requires, f.Relative
		if r.app[file] || r.lp.inGem(file) {
			reqs, rels = append(append([]string{}, reqs...), f.Lazy...), append(append([]string{}, rels...), f.LazyRelative...)
		}
		for _, rel := range rels {
			files := rubyCandidates(r.k.x, path.Join(path.Dir(file), rel))
			if len(files) == 0 {
				if r.app[file] {
					r.k.Warn("ruby: %s requires %q relative to itself, which is not in the image", file, rel)
				}
				continue
			}
			r.keep(files[0], "required relative to "+file)
		}
		for _, req := range reqs {
			r.require(req, file)
		}
	}
}

// rubyShebang reports whether a file is a Ruby script without the .rb
// suffix (a gem's binstub: bundle, puma, rackup).
func rubyShebang(head []byte) bool {
	if !bytes.HasPrefix(head, []byte("#!")) {
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	return bytes.Contains(line, []byte("ruby"))
}

// parseRuby finds the features a Ruby file requires, telling apart those
// it requires when it is loaded from those only a method call or an
// autoloaded constant requires. Comments and =begin blocks are skipped.
func parseRuby(_ string, data []byte) (*rubyFile, error) {
	f := &rubyFile{}
	seen := map[string]bool{}
	add := func(list *[]string, name string) {
		if name != "" && !seen[name] && len(*list) < 1000 {
			seen[name] = true
			*list = append(*list, name)
		}
	}
	f.Gems = rubyGems.Match(data)
	defIndent, doc := -1, false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case doc:
			doc = !strings.HasPrefix(line, "=end")
			continue
		case strings.HasPrefix(line, "=begin"):
			doc = true
			continue
		}
		code := strings.TrimLeft(line, " \t")
		indent := len(line) - len(code)
		if defIndent >= 0 && indent == defIndent && (code == "end" || strings.HasPrefix(code, "end ") || strings.HasPrefix(code, "end;")) {
			defIndent = -1
			continue
		}
		lazy := defIndent >= 0 && (indent > defIndent || code == "")
		if !lazy && rubyDef.MatchString(code) && !rubyOneLineDef.MatchString(code) {
			defIndent = indent
			continue
		}
		if i := strings.IndexByte(code, '#'); i >= 0 && !strings.Contains(code[:i], "\"") && !strings.Contains(code[:i], "'") {
			code = code[:i]
		}
		if !strings.Contains(code, "require") && !strings.Contains(code, "load") && !strings.Contains(code, "__dir__") {
			continue
		}
		req, rel := &f.Requires, &f.Relative
		if lazy {
			req, rel = &f.Lazy, &f.LazyRelative
		}
		for _, m := range rubyRequire.FindAllStringSubmatch(code, -1) {
			if m[1] == "require_relative" {
				add(rel, m[2])
			} else {
				add(req, m[2])
			}
		}
		for _, m := range rubyAutoload.FindAllStringSubmatch(code, -1) {
			add(&f.Lazy, m[1])
		}
		for _, m := range rubyExpand.FindAllStringSubmatch(code, -1) {
			add(&f.LazyRelative, m[1])
		}
	}
	return f, nil
}
