package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/harden-dev/harden/vuln"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/harden-dev/harden/compare"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/examples"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/scripts"
	"github.com/spf13/cobra"
)

type demoFlags struct {
	workdir string
	vulndb  string
	report  string
	keep    bool
	lines   int
}

func newDemoCmd(g *globals) *cobra.Command {
	f := &demoFlags{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The whole job end to end on the reference app: build, lint, audit, scan, minify, base, fix, compare",
		Long: `demo makes the distroless case on the seed's reference app with measured
numbers. It makes sure a Docker engine runs (installing docker.io and starting
dockerd where it can), builds the traditional node:18 app image from Debian
packages, lints its Dockerfile, audits and scans it, minifies it with --verify,
builds the fixed multi-stage Dockerfile on a harden base Node.js base and checks
that it answers HTTP under hardened run flags, and ends with the comparison table
and an HTML report. Each step prints the harden command it runs and how long it
took. Everything is cached in --workdir: a second run takes seconds.`,
		Example: `  harden demo
  harden demo --vulndb ../shared/vulndb --keep`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			if f.workdir == "" {
				dir, err := g.cacheDir("demo")
				if err != nil {
					return err
				}
				f.workdir = dir
			}
			d := &demo{g: g, f: f, e: engine.New(), started: time.Now(), out: g.stdout}
			if g.format == "json" {
				// the story goes to stderr, the result to stdout
				d.out = g.stderr
			}
			return d.run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.workdir, "workdir", "", "where the demo keeps its sources, images and database (default: the user cache dir/harden/demo)")
	fl.StringVar(&f.vulndb, "vulndb", "", "OSV data to import for the scan (a folder of records, all.zip files, or Debian tracker JSON); without it the demo uses the database `harden db` made, if any")
	fl.StringVarP(&f.report, "output", "o", "demo-report.html", "the HTML report to write")
	fl.BoolVar(&f.keep, "keep", false, "leave the demo images in the engine (harden-demo/app:minified, harden-demo/app:distroless, harden-demo/nodejs-base) to try them")
	fl.IntVar(&f.lines, "lines", 25, "lines of each command's output to show (0: all)")
	return cmd
}

// cacheDir is XDG_CACHE_HOME/harden/NAME (or ~/.cache/harden/NAME).
func (g *globals) cacheDir(name string) (string, error) {
	if x := g.getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "harden", name), nil
	}
	if h := g.getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "harden", name), nil
	}
	return "", usageError{errors.New("no cache directory: set XDG_CACHE_HOME or HOME, or pass --workdir")}
}

// demo holds the state of one run.
type demo struct {
	g       *globals
	f       *demoFlags
	e       *engine.Engine
	out     io.Writer // where the story is told
	started time.Time
	step    int
	times   []string
	steps   []demoStep
	result  *compare.Comparison
	// paths in the work dir
	src, cache, db string
	appTar         string
	minTar         string
	minReport      *minify.Report
	distroTar      string
}

const demoSteps = 10

// demoStep is one step of the JSON result.
type demoStep struct {
	Step    int     `json:"step"`
	Title   string  `json:"title"`
	Seconds float64 `json:"seconds"`
}

// demoJSON is what `harden demo --format json` prints.
type demoJSON struct {
	Steps      []demoStep          `json:"steps"`
	Seconds    float64             `json:"seconds"`
	Report     string              `json:"report"`
	Comparison *compare.Comparison `json:"comparison"`
}

func (d *demo) run(ctx context.Context) error {
	d.src = filepath.Join(d.f.workdir, "src")
	d.cache = filepath.Join(d.f.workdir, "cache")
	if err := os.MkdirAll(d.cache, 0o755); err != nil {
		return err
	}
	steps := []struct {
		title string
		run   func(context.Context) error
	}{
		{"Make sure a Docker engine runs", d.engine},
		{"Build the traditional image: the reference app FROM node:18, from Debian packages", d.fixtures},
		{"Lint its Dockerfile", d.lint},
		{"Audit the image's attack surface", d.audit},
		{"Scan its packages for known vulnerabilities", d.scan},
		{"Minify it and prove the minified image still answers", d.minify},
		{"Build a distroless Node.js base from Debian packages", d.base},
		{"Rewrite the Dockerfile to multi-stage distroless, build it on that base, run it hardened", d.fix},
		{"Compare the three images", d.compare},
		{"Clean up", d.cleanup},
	}
	for _, s := range steps {
		if err := d.do(ctx, s.title, s.run); err != nil {
			if ctx.Err() != nil && !d.f.keep {
				// interrupted: the images made so far go too (they stay cached)
				cctx, cancel := engine.Cleanup(ctx)
				defer cancel()
				return errors.Join(err, d.cleanup(cctx))
			}
			return err
		}
	}
	fmt.Fprintf(d.out, "\nDone in %s. Steps: %s\n", time.Since(d.started).Round(100*time.Millisecond), strings.Join(d.times, ", "))
	fmt.Fprintf(d.out, "Open %s in a browser for the full report.\n", d.f.report)
	if d.g.format == "json" {
		return report.WriteJSON(d.g.stdout, demoJSON{Steps: d.steps, Seconds: time.Since(d.started).Seconds(), Report: d.f.report, Comparison: d.result})
	}
	return nil
}

func (d *demo) do(ctx context.Context, title string, fn func(context.Context) error) error {
	d.step++
	fmt.Fprintf(d.out, "\n==> [%d/%d] %s\n", d.step, demoSteps, title)
	start := time.Now()
	err := fn(ctx)
	took := time.Since(start).Round(100 * time.Millisecond)
	d.times = append(d.times, fmt.Sprintf("%d: %s", d.step, took))
	d.steps = append(d.steps, demoStep{Step: d.step, Title: title, Seconds: time.Since(start).Seconds()})
	if err != nil {
		return fmt.Errorf("demo step %d (%s): %w", d.step, title, err)
	}
	fmt.Fprintf(d.out, "    (%s)\n", took)
	return nil
}

// say prints a note inside a step.
func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, "    "+format+"\n", args...)
}

// harden runs a harden command in this process, showing it and the head
// of its output. Exit code 1 (findings above a threshold) is expected for
// some steps; 2 is an error.
func (d *demo) harden(ctx context.Context, args ...string) (int, error) {
	fmt.Fprintf(d.out, "    $ harden %s\n", strings.Join(quoteArgs(args), " "))
	out := &headWriter{w: d.out, max: d.f.lines, indent: "    "}
	var errBuf bytes.Buffer
	code := Main(ctx, args, strings.NewReader(""), out, &errBuf)
	out.finish()
	if code > 1 {
		return code, fmt.Errorf("harden %s: %s", args[0], strings.TrimSpace(errBuf.String()))
	}
	// what the command said on stderr (the verify line, warnings) is part of the story
	if msg := strings.TrimSpace(errBuf.String()); msg != "" {
		indent(d.out, msg)
	}
	return code, nil
}

// sh runs an external command, streaming its output indented.
func (d *demo) sh(ctx context.Context, env []string, name string, args ...string) error {
	fmt.Fprintf(d.out, "    $ %s %s\n", name, strings.Join(quoteArgs(args), " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	out := &headWriter{w: d.out, max: 0, indent: "    "}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	out.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (d *demo) engine(ctx context.Context) error {
	if v, err := d.e.Version(ctx); err == nil {
		d.say("docker engine %s answers", v)
		return nil
	}
	if os.Geteuid() != 0 {
		if _, err := exec.LookPath("sudo"); err != nil {
			return errors.New("no Docker engine answers: install docker.io and start dockerd (or run harden demo as root, which does it)")
		}
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("no Docker engine answers, and this is not a Debian-like system harden can install one on: install Docker and start it")
	}
	if err := d.writeSources(); err != nil {
		return err
	}
	return d.sh(ctx, nil, "bash", filepath.Join(d.src, "scripts", "setup.sh"), "--demo")
}

// writeSources copies the embedded scripts and reference app into the
// work dir, where the fixture script expects them.
func (d *demo) writeSources() error {
	copyFS := func(fsys fs.FS, root, dst string) error {
		return fs.WalkDir(fsys, root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			target := filepath.Join(dst, p)
			if e.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if strings.HasSuffix(p, ".sh") {
				mode = 0o755
			}
			if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
				return nil
			}
			return os.WriteFile(target, data, mode)
		})
	}
	if err := copyFS(scripts.Files, ".", filepath.Join(d.src, "scripts")); err != nil {
		return fmt.Errorf("writing the demo scripts: %w", err)
	}
	if err := copyFS(examples.NodeApp, ".", filepath.Join(d.src, "examples")); err != nil {
		return fmt.Errorf("writing the reference app: %w", err)
	}
	return nil
}

func (d *demo) appDir() string { return filepath.Join(d.src, "examples", "node-app") }

func (d *demo) fixtures(ctx context.Context) error {
	if err := d.writeSources(); err != nil {
		return err
	}
	if err := d.sh(ctx, nil, "bash", filepath.Join(d.src, "scripts", "fixtures.sh"), "node18", "app"); err != nil {
		return err
	}
	// One export of the image, reused by every later step (the engine's
	// image ID names it, so a rebuilt image is exported again).
	id, err := d.e.ImageID(ctx, "harden-fixture/app:latest")
	if err != nil || len(id) < 19 {
		return fmt.Errorf("the app image is missing after the build: %v", err)
	}
	short := strings.TrimPrefix(id, "sha256:")[:12]
	d.appTar = filepath.Join(d.cache, "app-"+short+".tar")
	if _, err := os.Stat(d.appTar); err == nil {
		d.say("harden-fixture/app:latest (%s) already exported to %s", short, d.appTar)
		return nil
	}
	return d.save(ctx, "harden-fixture/app:latest", d.appTar)
}

// save writes an engine image to a docker-archive file atomically.
func (d *demo) save(ctx context.Context, ref, path string) error {
	fmt.Fprintf(d.out, "    $ docker save -o %s %s\n", path, ref)
	tmp := path + ".tmp"
	if err := d.e.Save(ctx, ref, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func (d *demo) lint(ctx context.Context) error {
	_, err := d.harden(ctx, "lint", filepath.Join(d.appDir(), "Dockerfile"))
	return err
}

func (d *demo) audit(ctx context.Context) error {
	_, err := d.harden(ctx, "audit", d.appTar)
	return err
}

func (d *demo) scan(ctx context.Context) error {
	d.db = filepath.Join(d.f.workdir, "db")
	if d.f.vulndb != "" {
		stamp := filepath.Join(d.db, "source")
		want := d.f.vulndb + "\n" + newestMod(d.f.vulndb).UTC().Format(time.RFC3339)
		if old, err := os.ReadFile(stamp); err == nil && string(old) == want && usableDB(d.db) {
			d.say("the vulnerability database in %s is up to date with %s", d.db, d.f.vulndb)
		} else {
			if _, err := d.harden(ctx, "db", "import", "--quiet", "--replace", "--db", d.db, d.f.vulndb); err != nil {
				return err
			}
			if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
				return err
			}
		}
	} else if dir, err := d.g.dbDir("", ""); err == nil {
		if _, err := os.Stat(filepath.Join(dir, "osv.db")); err == nil {
			if usableDB(dir) {
				d.db = dir
			} else {
				d.say("the vulnerability database in %s cannot be used (an older layout?); run `harden db import` again or pass --vulndb", dir)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(d.db, "osv.db")); err != nil {
		d.db = ""
		d.say("no vulnerability database: pass --vulndb DIR, or run `harden db update` (osv.dev) or `harden db import`; skipping the scan")
		return nil
	}
	// how old each data source is, before the scan that uses them
	if _, err := d.harden(ctx, "db", "status", "--db", d.db); err != nil {
		return err
	}
	_, err := d.harden(ctx, "scan", "--db", d.db, d.appTar)
	return err
}

func (d *demo) minify(ctx context.Context) error {
	base := strings.TrimSuffix(filepath.Base(d.appTar), ".tar")
	d.minTar = filepath.Join(d.cache, base+"-minified.tar")
	reportFile := filepath.Join(d.cache, base+"-minified.json")
	if data, err := os.ReadFile(reportFile); err == nil {
		var r minify.Report
		if json.Unmarshal(data, &r) == nil && r.Verify != nil && r.Verify.Passed {
			if _, err := os.Stat(d.minTar); err == nil {
				d.minReport = &r
				d.say("cached: %s was minified and verified before", d.appTar)
				return r.WriteText(&headWriter{w: d.out, max: d.f.lines, indent: "    "})
			}
		}
	}
	// each probe container has its own network: the app's own port is published on a free one
	args := []string{"minify", d.appTar, "-o", "docker-archive:" + d.minTar, "--verify",
		"--probe-http", "3000/healthz", "--probe-http", "3000/", "--probe-wait", "30s", "--format", "json", "--list"}
	fmt.Fprintf(d.out, "    $ harden %s\n", strings.Join(args, " "))
	var out, errBuf bytes.Buffer
	code := Main(ctx, args, strings.NewReader(""), &out, &errBuf)
	if code != 0 {
		return fmt.Errorf("harden minify (exit %d): %s", code, strings.TrimSpace(errBuf.String()))
	}
	var r minify.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return fmt.Errorf("reading minify's report: %w", err)
	}
	d.minReport = &r
	if err := os.WriteFile(reportFile, out.Bytes(), 0o644); err != nil {
		return err
	}
	w := &headWriter{w: d.out, max: 0, indent: "    "}
	defer w.finish()
	return r.WriteText(w)
}

// baseTag and distroTag are the images the demo makes in the engine.
const (
	baseTag   = "harden-demo/nodejs-base:latest"
	distroTag = "harden-demo/app:distroless"
	minTag    = "harden-demo/app:minified"
)

func (d *demo) base(ctx context.Context) error {
	lock := filepath.Join(d.cache, "nodejs.lock")
	archive := filepath.Join(d.cache, "nodejs-base.tar")
	if _, err := os.Stat(archive); err == nil {
		if _, err := os.Stat(lock); err == nil {
			d.say("cached: the nodejs base from %s is in %s", lock, archive)
			return d.ensureLoaded(ctx, baseTag, archive)
		}
	}
	if _, err := d.harden(ctx, "base", "nodejs", "--lock", lock, "-o", "docker-archive:"+archive, "-o", "docker-daemon:"+baseTag); err != nil {
		return err
	}
	_, err := d.harden(ctx, "audit", "--quiet", archive)
	return err
}

// ensureLoaded loads an archive into the engine unless the tag is there,
// and gives the loaded image that tag.
func (d *demo) ensureLoaded(ctx context.Context, tag, archive string) error {
	if d.e.HasImage(ctx, tag) {
		return nil
	}
	fmt.Fprintf(d.out, "    $ docker load -i %s\n", archive)
	loaded, err := d.e.LoadArchive(ctx, archive)
	if err != nil {
		return err
	}
	if loaded != tag {
		return d.e.Tag(ctx, loaded, tag)
	}
	return nil
}

func (d *demo) fix(ctx context.Context) error {
	app := d.appDir()
	// outside the build context, so the app's own files stay as they were
	fixed := filepath.Join(d.cache, "Dockerfile.distroless")
	if _, err := d.harden(ctx, "fix", filepath.Join(app, "Dockerfile"), "--base", baseTag, "-o", fixed); err != nil {
		return err
	}
	data, err := os.ReadFile(fixed)
	if err != nil {
		return err
	}
	indent(d.out, string(data))
	// the distroless image is keyed by the Dockerfile, the app and the base
	h := sha256.New()
	h.Write(data)
	for _, f := range []string{"index.js", "package.json", "package-lock.json"} {
		b, _ := os.ReadFile(filepath.Join(app, f))
		h.Write(b)
	}
	baseID, _ := d.e.ImageID(ctx, baseTag)
	h.Write([]byte(baseID))
	d.distroTar = filepath.Join(d.cache, "distroless-"+hex.EncodeToString(h.Sum(nil))[:12]+".tar")
	if _, err := os.Stat(d.distroTar); err == nil {
		d.say("cached: %s was built and answered before", d.distroTar)
		return nil
	}
	fmt.Fprintf(d.out, "    $ docker build -q -f %s -t %s %s\n", fixed, distroTag, app)
	if err := d.e.Build(ctx, fixed, app, distroTag); err != nil {
		return err
	}
	if _, err := d.harden(ctx, "runtime", "--verify", "--probe-http", "3000/", distroTag); err != nil {
		return err
	}
	return d.save(ctx, distroTag, d.distroTar)
}

func (d *demo) compare(ctx context.Context) error {
	refs := []string{d.appTar, d.minTar, d.distroTar}
	f := &compareFlags{
		names:       []string{"node:18 app (original)", "harden minify", "harden fix + base"},
		dockerfiles: []string{filepath.Join(d.appDir(), "Dockerfile"), "", filepath.Join(d.cache, "Dockerfile.distroless")},
		db:          d.db,
		noScan:      d.db == "",
	}
	fmt.Fprintf(d.out, "    $ harden compare %s --dockerfile … --names …\n", strings.Join(refs, " "))
	c, err := d.g.compareImages(ctx, refs, f)
	if err != nil {
		return err
	}
	d.result = c
	if d.minReport != nil && len(d.minReport.Items) > 0 {
		c.Profiles[1].Extra = append(c.Profiles[1].Extra, compare.KeptSection(d.minReport.Items))
	}
	fmt.Fprintln(d.out)
	if err := c.WriteText(d.out); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := c.WriteHTML(&page, compare.HTMLOptions{Title: "harden demo: the reference app before and after", Version: readBuildInfo().Version}); err != nil {
		return err
	}
	if err := writeReport(d.f.report, page.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "\n    wrote %s (%s)\n", d.f.report, report.Bytes(int64(page.Len())))
	return nil
}

func (d *demo) cleanup(ctx context.Context) error {
	if !d.f.keep {
		for _, t := range []string{distroTag, baseTag, minTag} {
			if err := d.e.RemoveImage(ctx, t); err != nil && !strings.Contains(err.Error(), "No such image") {
				return err
			}
		}
		d.say("removed the demo images from the engine (they stay cached in %s; --keep leaves them)", d.cache)
		return nil
	}
	if err := d.ensureLoaded(ctx, baseTag, filepath.Join(d.cache, "nodejs-base.tar")); err != nil {
		return err
	}
	if err := d.ensureLoaded(ctx, distroTag, d.distroTar); err != nil {
		return err
	}
	if err := d.ensureLoaded(ctx, minTag, d.minTar); err != nil {
		return err
	}
	d.say("try them:")
	d.say("  docker run --rm -p 127.0.0.1:3000:3000 --read-only --cap-drop ALL --security-opt no-new-privileges %s", minTag)
	d.say("  docker run --rm -p 127.0.0.1:3000:3000 --read-only --cap-drop ALL --security-opt no-new-privileges %s", distroTag)
	return nil
}

// headWriter writes at most max lines (0: all), indented, and counts the rest.
type headWriter struct {
	w      io.Writer
	max    int
	indent string
	lines  int
	cut    int
	bol    bool
	begun  bool
}

func (h *headWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if !h.begun || h.bol {
			h.begun, h.bol = true, false
			if h.max > 0 && h.lines >= h.max {
				h.cut++
			} else {
				io.WriteString(h.w, h.indent)
			}
		}
		if h.max == 0 || h.lines < h.max {
			h.w.Write([]byte{c})
		}
		if c == '\n' {
			h.lines++
			h.bol = true
		}
	}
	return len(p), nil
}

func (h *headWriter) finish() {
	if h.cut > 0 {
		fmt.Fprintf(h.w, "%s… %d more lines (run the command yourself to see them)\n", h.indent, h.cut)
	}
}

func indent(w io.Writer, s string) {
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		fmt.Fprintf(w, "      | %s\n", l)
	}
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}

// newestMod is the newest modification time under a path.
func newestMod(root string) time.Time {
	var newest time.Time
	filepath.WalkDir(root, func(_ string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := e.Info(); err == nil && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
		return nil
	})
	return newest
}

// usableDB reports whether dir holds a database this harden can read.
func usableDB(dir string) bool {
	db, err := vuln.Open(dir)
	if err != nil {
		return false
	}
	db.Close()
	return true
}
