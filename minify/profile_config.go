package minify

import (
	"path"
	"strings"
)

// runConfig finds the config files of one ConfigSpec and hands them to
// its parser.
func (r *profileRun) runConfig(c ConfigSpec) {
	prog := r.k.Program()
	var files []string
	explicit := false
	if c.Flag != "" {
		for i, a := range prog.Args {
			if c.Flag == "ARG" {
				if !strings.HasPrefix(a, "-") && (i == 0 || !strings.HasPrefix(prog.Args[i-1], "--")) {
					files, explicit = []string{resolveIn(prog.WorkingDir, a)}, true
					break
				}
				continue
			}
			if v, ok := flagValue(prog.Args, i, a, c.Flag); ok {
				files, explicit = []string{resolveIn(prog.WorkingDir, v)}, true
			}
		}
	}
	if !explicit {
		for _, g := range c.Files {
			files = append(files, r.glob(g)...)
		}
	} else if _, err := r.k.x.Resolve(files[0]); err != nil {
		r.k.Warn("%s: the config file %s named by %s is not in the image", r.spec.Name, files[0], c.Flag)
	}
	configParsers[c.Parser](&configRun{profileRun: r, conf: c, files: files, seen: map[string]bool{}})
}

// configRun is one parser reading the files of one ConfigSpec.
type configRun struct {
	*profileRun
	conf  ConfigSpec
	files []string
	seen  map[string]bool
}

// configParsers are the parsers ConfigSpec.Parser names.
var configParsers = map[string]func(*configRun){
	"nginx": keepNginxConf, "php-ini": keepPHPIni, "redis": keepRedisConf, "apache": keepApacheConf,
}

// maxIncludes bounds the config files one parser reads (include loops,
// huge trees).
const maxIncludes = 1000

// read keeps a config file and returns its content; ok is false when the
// file is missing, was read already or is too large to have been kept.
func (c *configRun) read(p string) ([]byte, bool) {
	res, err := c.k.x.Resolve(p)
	if err != nil || res.Entry == nil || res.Entry.IsDir() || c.seen[res.Path] || len(c.seen) >= maxIncludes {
		return nil, false
	}
	c.seen[res.Path] = true
	c.k.Keep(p, Reason{Rule: c.rule, Why: "config file read by " + c.spec.Name})
	data, ok := c.k.x.Content(res.Path)
	if !ok && !isSecretFile(res.Path) {
		c.k.Warn("%s: %s is kept but not read (over %d bytes or binary): what it names is not kept", c.spec.Name, p, maxConfigSize)
	}
	return data, ok
}

// keepFile keeps a file or tree a config names, if the image has it.
func (c *configRun) keepFile(p, why string) {
	if _, err := c.k.x.Resolve(p); err != nil {
		return
	}
	c.k.KeepTree(p, Reason{Rule: c.rule, Why: why}, nil)
}

// writable records the directory a config names for writing. A file (a
// pid file, a log) makes its directory writable; logs sent to /dev are not
// files.
func (c *configRun) writable(p string, isFile bool, why string) {
	if p == "" || strings.Contains(p, "$") || strings.HasPrefix(p, "/dev/") || strings.HasPrefix(p, "/proc/") {
		return
	}
	if isFile {
		if res, err := c.k.x.Resolve(p); err == nil && strings.HasPrefix(res.Path, "/dev/") {
			return
		}
		p = path.Dir(p)
	}
	c.k.AddWritable(p, c.rule+": "+why)
}
