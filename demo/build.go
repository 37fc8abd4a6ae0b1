package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/base"
	"github.com/harden-dev/harden/compare"
	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/atomicfile"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/runconfig"
	"github.com/harden-dev/harden/vuln"
)

func (d *run) minify(ctx context.Context) error {
	name := strings.TrimSuffix(filepath.Base(d.appTar), ".tar")
	d.minTar = filepath.Join(d.cache, name+"-minified.tar")
	reportFile := filepath.Join(d.cache, name+"-minified.json")
	if data, err := os.ReadFile(reportFile); err == nil {
		var r minify.Report
		if json.Unmarshal(data, &r) == nil && r.Verify != nil && r.Verify.Passed {
			if _, err := os.Stat(d.minTar); err == nil {
				d.minReport = &r
				d.say("cached: %s was minified and verified before", d.appTar)
				w := d.head()
				defer w.finish()
				return r.WriteText(w)
			}
		}
	}
	out := "docker-archive:" + d.minTar
	// each probe container has its own network: the app's own port is published on a free one
	d.show("minify", d.appTar, "-o", out, "--verify", "--probe-http", "3000/healthz", "--probe-http", "3000/", "--probe-wait", "30s", "--list")
	start := time.Now()
	var probes minify.Probes
	for _, p := range []string{"3000/healthz", "3000/"} {
		hp, err := minify.ParseHTTPProbe(p)
		if err != nil {
			return err
		}
		probes.HTTP = append(probes.HTTP, hp)
	}
	probes.Wait = 30 * time.Second
	opts := []minify.Option{minify.WithLogger(d.log)}
	img, x, err := d.index(ctx, d.appTar, minify.Wants(opts...)...)
	if err != nil {
		return err
	}
	defer img.Close()
	srcID := img.Ref.String()
	if dg, err := img.Digest(); err == nil {
		srcID += "@" + dg.String()
	}
	work, err := os.MkdirTemp("", "harden-minify-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	res, err := minify.Run(ctx, minify.Job{Image: img, Index: x, Options: append(opts, minify.WithSource(srcID)),
		Verify: true, Probes: probes, Trace: minify.TraceAuto, Helper: d.o.Helper, WorkDir: work, Engine: d.e, Info: d.say,
		Write: func(ctx context.Context, o v1.Image) error { return image.Write(ctx, o, out, image.WithLogger(d.log)) }})
	if err != nil {
		return err
	}
	r, err := res.ReportOf(ctx, d.appTar, out, x, nil, true)
	if err != nil {
		return err
	}
	r.Seconds = time.Since(start).Seconds()
	w := d.head()
	w.max = 0
	defer w.finish()
	if err := r.WriteText(w); err != nil {
		return err
	}
	if r.Verify == nil || !r.Verify.Passed {
		return fmt.Errorf("harden minify: the minified image does not behave like the original")
	}
	d.minReport = r
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return os.WriteFile(reportFile, redact.Bytes(data), 0o644)
}

func (d *run) base(ctx context.Context) error {
	lock := filepath.Join(d.cache, "nodejs.lock")
	archive := filepath.Join(d.cache, "nodejs-base.tar")
	if _, err := os.Stat(archive); err == nil {
		if _, err := os.Stat(lock); err == nil {
			d.say("cached: the nodejs base from %s is in %s", lock, archive)
			return d.ensureLoaded(ctx, BaseTag, archive)
		}
	}
	outs := []string{"docker-archive:" + archive, "docker-daemon:" + BaseTag}
	d.show("base", "nodejs", "--lock", lock, "-o", outs[0], "-o", outs[1])
	presets, err := base.BuiltinPresets()
	if err != nil {
		return err
	}
	r, err := base.Run(ctx, base.Request{Presets: presets, Preset: "nodejs", Arch: "amd64", Lock: lock, Outputs: outs, Logger: d.log})
	if err != nil {
		return err
	}
	for _, c := range r.Cut {
		d.say("warning: dependency cut: %s", c)
	}
	d.say("%s", r.Summary())
	return d.auditImage(ctx, archive)
}

// ensureLoaded loads an archive into the engine unless the tag is there,
// and gives the loaded image that tag.
func (d *run) ensureLoaded(ctx context.Context, tag, archive string) error {
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

func (d *run) fix(ctx context.Context) error {
	app := d.appDir()
	// outside the build context, so the app's own files stay as they were
	fixed := filepath.Join(d.cache, "Dockerfile.distroless")
	d.show("fix", filepath.Join(app, "Dockerfile"), "--base", BaseTag, "-o", fixed)
	rw, err := dockerfile.RewriteFile(filepath.Join(app, "Dockerfile"), nil, BaseTag)
	if err != nil {
		return err
	}
	data := []byte(rw.Dockerfile)
	if err := atomicfile.Write(fixed, data); err != nil {
		return err
	}
	indent(d.out, rw.Dockerfile)
	// the distroless image is keyed by the Dockerfile, the app and the base
	h := sha256.New()
	h.Write(data)
	for _, f := range []string{"index.js", "package.json", "package-lock.json"} {
		b, _ := os.ReadFile(filepath.Join(app, f))
		h.Write(b)
	}
	baseID, _ := d.e.ImageID(ctx, BaseTag)
	h.Write([]byte(baseID))
	d.distroTar = filepath.Join(d.cache, "distroless-"+hex.EncodeToString(h.Sum(nil))[:12]+".tar")
	if _, err := os.Stat(d.distroTar); err == nil {
		d.say("cached: %s was built and answered before", d.distroTar)
		return nil
	}
	fmt.Fprintf(d.out, "    $ docker build -q -f %s -t %s %s\n", fixed, DistroTag, app)
	if err := d.e.Build(ctx, fixed, app, DistroTag); err != nil {
		return err
	}
	if err := d.runHardened(ctx, DistroTag); err != nil {
		return err
	}
	return d.save(ctx, DistroTag, d.distroTar)
}

// runHardened runs an engine image with the settings harden runtime
// recommends for it and checks that it answers HTTP on port 3000.
func (d *run) runHardened(ctx context.Context, ref string) error {
	d.show("runtime", "--verify", "--probe-http", "3000/", ref)
	img, x, err := d.index(ctx, ref, audit.Wants()...)
	if err != nil {
		return err
	}
	defer img.Close()
	res, err := audit.Run(ctx, x, audit.WithReference(img.Ref.String(), img.Tags...))
	if err != nil {
		return err
	}
	s := runconfig.Recommend(ref, x, res)
	w := d.head()
	err = s.WriteTable(w)
	w.finish()
	if err != nil {
		return err
	}
	hp, err := minify.ParseHTTPProbe("3000/")
	if err != nil {
		return err
	}
	h, err := minify.VerifyHardened(ctx, d.e, img.Ref.Name, img, s, minify.Probes{HTTP: []minify.HTTPProbe{hp}, Wait: 30 * time.Second})
	if err != nil {
		return err
	}
	for _, a := range h.Answers {
		d.say("verify: %s", redact.String(a))
	}
	if len(h.Failed) > 0 {
		return fmt.Errorf("runtime: %s does not work with these settings: %s", ref, strings.Join(h.Failed, "; "))
	}
	return nil
}

func (d *run) compare(ctx context.Context) error {
	refs := []string{d.appTar, d.minTar, d.distroTar}
	o := compare.Options{Open: d.index,
		Names:       []string{"node:18 app (original)", "harden minify", "harden fix + base"},
		Dockerfiles: []string{filepath.Join(d.appDir(), "Dockerfile"), "", filepath.Join(d.cache, "Dockerfile.distroless")}}
	fmt.Fprintf(d.out, "    $ harden compare %s --dockerfile … --names …\n", strings.Join(refs, " "))
	if d.db != "" {
		db, err := vuln.Open(d.db)
		if err != nil {
			return err
		}
		defer db.Close()
		o.DB = db
	}
	c, err := compare.Images(ctx, refs, o)
	if err != nil {
		return err
	}
	d.res.Comparison = c
	if d.minReport != nil && len(d.minReport.Items) > 0 {
		c.Profiles[1].Extra = append(c.Profiles[1].Extra, compare.KeptSection(d.minReport.Items))
	}
	fmt.Fprintln(d.out)
	if err := c.WriteText(d.out); err != nil {
		return err
	}
	n, err := c.WriteHTMLFile(d.o.Report, compare.HTMLOptions{Title: "harden demo: the reference app before and after", Version: d.o.Version})
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "\n    wrote %s (%s)\n", d.o.Report, report.Bytes(int64(n)))
	return nil
}

func (d *run) cleanup(ctx context.Context) error {
	if !d.o.Keep {
		for _, t := range []string{DistroTag, BaseTag, MinTag} {
			if err := d.e.RemoveImage(ctx, t); err != nil && !strings.Contains(err.Error(), "No such image") {
				return err
			}
		}
		d.say("removed the demo images from the engine (they stay cached in %s; --keep leaves them)", d.cache)
		return nil
	}
	if err := d.ensureLoaded(ctx, BaseTag, filepath.Join(d.cache, "nodejs-base.tar")); err != nil {
		return err
	}
	if err := d.ensureLoaded(ctx, DistroTag, d.distroTar); err != nil {
		return err
	}
	if err := d.ensureLoaded(ctx, MinTag, d.minTar); err != nil {
		return err
	}
	d.say("try them:")
	d.say("  docker run --rm -p 127.0.0.1:3000:3000 --read-only --cap-drop ALL --security-opt no-new-privileges %s", MinTag)
	d.say("  docker run --rm -p 127.0.0.1:3000:3000 --read-only --cap-drop ALL --security-opt no-new-privileges %s", DistroTag)
	return nil
}
