package minify

import (
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
)

// rubyStartup are the features ruby loads before the app's first line
// ($LOADED_FEATURES of `ruby -e 1`): gem_prelude requires rubygems,
// error_highlight and did_you_mean; the encoding and transcoder tables are
// loaded by name from C.
var rubyStartup = []string{"enc/encdb.so", "enc/trans/transdb.so", "rbconfig", "rubygems", "error_highlight", "did_you_mean"}

// rubyFile is what WantRuby keeps of one source file.
type rubyFile struct {
	// Requires are features looked up along the load path ("json",
	// "socket.so").
	Requires []string
	// Relative are paths relative to the file's directory
	// (require_relative, File.expand_path(x, __dir__)).
	Relative []string
}

func (rubyProfile) Name() string { return "ruby" }

func (rubyProfile) Wants() []fsindex.Want {
	return []fsindex.Want{{
		Name: WantRuby, MaxSize: 1 << 20,
		Match: fsindex.MatchPath(func(p string) bool {
			return strings.HasSuffix(p, ".rb") && !strings.HasPrefix(p, "/usr/share/doc/")
		}),
		Parse: parseRuby,
	}}
}

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
	r := &rubyRun{k: k, lp: lp, seen: map[string]bool{}}
	for _, d := range lp.gemDirs {
		k.KeepTree(path.Join(d, "specifications"), Reason{Rule: "profile/ruby", Why: "gem specifications: rubygems reads them all to find a gem"}, nil)
	}
	for _, f := range rubyStartup {
		r.require(f, "ruby's start-up", false)
	}
	app := r.appRoots()
	for _, f := range app.requires {
		r.require(f, "the command line", true)
	}
	for _, p := range app.files {
		r.follow(p, true)
	}
	r.drain()
	if r.bundler {
		// Bundler.require loads the Gemfile's gems by computed names:
		// the gems Bundler may load are kept whole.
		for _, d := range lp.gemDirs {
			if !lp.system[d] {
				k.KeepTree(d, Reason{Rule: "profile/ruby", Why: "the app uses Bundler, which requires its gems by computed names"}, nil)
			}
		}
	}
	return nil
}

// rubyRun follows the requires of one program.
type rubyRun struct {
	k       *Keeper
	lp      *rubyLoadPath
	seen    map[string]bool
	todo    []rubyTodo
	bundler bool
}

type rubyTodo struct {
	file string
	app  bool
}

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
	files := k.x.ParsedAll(WantRuby)
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
	script := true
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
		case strings.HasPrefix(a, "-r") && !strings.HasPrefix(a, "--"):
			app.requires = append(app.requires, a[2:])
		case a == "-e":
			if f, err := parseRuby("-e", []byte(next())); err == nil {
				rf := f.(*rubyFile)
				app.requires = append(app.requires, rf.Requires...)
			}
			script = false
		case a == "-I" || a == "-C" || a == "-x" || a == "-E" || a == "--encoding":
			next()
		case a == "--":
		case strings.HasPrefix(a, "-"):
		default:
			if script {
				app.files = append(app.files, resolveIn(prog.WorkingDir, a))
			}
			i = len(args)
		}
	}
	sort.Strings(app.files)
	return app
}

// require keeps the file a feature names and queues it; app says the
// request comes from the app (a miss is then a warning).
func (r *rubyRun) require(feature, from string, app bool) {
	if feature == "" || r.seen["feature:"+feature] || len(r.seen) > 20000 {
		return
	}
	r.seen["feature:"+feature] = true
	if feature == "bundler" || feature == "bundler/setup" {
		r.bundler = true
	}
	files := r.lp.find(r.k.x, feature, r.k.Program().WorkingDir)
	if len(files) == 0 {
		if app {
			r.k.Warn("ruby: %s requires %q, which is neither on the load path nor in a gem; add it with --include if the app needs it", from, feature)
		} else {
			r.k.o.log.Debug("a ruby require is not in the image (often guarded by rescue LoadError)", "feature", feature, "from", from)
		}
		return
	}
	for _, f := range files {
		r.keep(f, "feature "+feature+", required by "+from, app)
	}
}

// keep keeps one Ruby file (or extension) and queues it for its requires.
func (r *rubyRun) keep(p, why string, app bool) {
	kp, err := r.k.Keep(p, Reason{Rule: "profile/ruby", Why: why})
	if err != nil || r.seen["file:"+kp] {
		return
	}
	r.seen["file:"+kp] = true
	if strings.HasSuffix(kp, ".rb") {
		r.todo = append(r.todo, rubyTodo{file: kp, app: app})
	}
}

// follow queues an app file.
func (r *rubyRun) follow(p string, app bool) {
	r.keep(p, "the app's source", app)
}

// drain follows the queued files' requires.
func (r *rubyRun) drain() {
	for len(r.todo) > 0 {
		t := r.todo[0]
		r.todo = r.todo[1:]
		v, ok := r.k.x.Parsed(WantRuby, t.file)
		f, _ := v.(*rubyFile)
		if !ok || f == nil {
			continue
		}
		for _, rel := range f.Relative {
			files := rubyCandidates(r.k.x, path.Join(path.Dir(t.file), rel))
			if len(files) == 0 {
				if t.app {
					r.k.Warn("ruby: %s requires %q relative to itself, which is not in the image", t.file, rel)
				}
				continue
			}
			r.keep(files[0], "required relative to "+t.file, t.app)
		}
		for _, req := range f.Requires {
			r.require(req, t.file, t.app)
		}
	}
}

// parseRuby finds the features a Ruby file requires.
func parseRuby(_ string, data []byte) (any, error) {
	f := &rubyFile{}
	seen := map[string]bool{}
	add := func(list *[]string, kind, name string) {
		if name != "" && !seen[kind+name] && len(*list) < 1000 {
			seen[kind+name] = true
			*list = append(*list, name)
		}
	}
	text := string(data)
	for _, m := range rubyRequire.FindAllStringSubmatch(text, -1) {
		if m[1] == "require_relative" {
			add(&f.Relative, "r", m[2])
		} else {
			add(&f.Requires, "f", m[2])
		}
	}
	for _, m := range rubyAutoload.FindAllStringSubmatch(text, -1) {
		add(&f.Requires, "f", m[1])
	}
	for _, m := range rubyExpand.FindAllStringSubmatch(text, -1) {
		add(&f.Relative, "r", m[1])
	}
	return f, nil
}
