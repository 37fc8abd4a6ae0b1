package demo

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/dockerfile/lint"
	"github.com/harden-dev/harden/dockerfile/rules"
	"github.com/harden-dev/harden/examples"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
)

func (d *run) engine(ctx context.Context) error {
	v, err := d.e.Version(ctx)
	if err != nil {
		hint := "install Docker and start it"
		if _, lerr := exec.LookPath("apt-get"); lerr == nil {
			hint = "scripts/setup.sh --demo installs docker.io and starts it on Debian (make demo runs it)"
		}
		return fmt.Errorf("no Docker engine answers (%v): %s", err, hint)
	}
	d.say("docker engine %s answers", v)
	return nil
}

// writeSources copies the embedded reference app into the work dir: lint
// reads its Dockerfile and the distroless build uses it as its context.
func (d *run) writeSources() error {
	dst := filepath.Join(d.src, "examples")
	err := fs.WalkDir(examples.NodeApp, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, p)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(examples.NodeApp, p)
		if err != nil {
			return err
		}
		if old, err := os.ReadFile(target); err == nil && string(old) == string(data) {
			return nil
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("writing the reference app: %w", err)
	}
	return nil
}

func (d *run) appDir() string { return filepath.Join(d.src, "examples", "node-app") }

func (d *run) fixtures(ctx context.Context) error {
	if err := d.writeSources(); err != nil {
		return err
	}
	// One export of the image, reused by every later step (the engine's
	// image ID names it, so a rebuilt image is exported again).
	id, err := d.e.ImageID(ctx, AppImage)
	if err != nil || len(id) < 19 {
		return fmt.Errorf("the engine has no %s (%v): build it with scripts/fixtures.sh node18 app (make demo does)", AppImage, err)
	}
	short := strings.TrimPrefix(id, "sha256:")[:12]
	d.appTar = filepath.Join(d.cache, "app-"+short+".tar")
	if _, err := os.Stat(d.appTar); err == nil {
		d.say("%s (%s) already exported to %s", AppImage, short, d.appTar)
		return nil
	}
	return d.save(ctx, AppImage, d.appTar)
}

// save writes an engine image to a docker-archive file atomically.
func (d *run) save(ctx context.Context, ref, path string) error {
	fmt.Fprintf(d.out, "    $ docker save -o %s %s\n", path, ref)
	tmp := path + ".tmp"
	if err := d.e.Save(ctx, ref, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// index opens ref and walks it once, keeping the contents wants ask for.
// The caller closes the image.
func (d *run) index(ctx context.Context, ref string, wants ...fsindex.Want) (*image.Image, *fsindex.Index, error) {
	img, err := image.Open(ctx, ref, image.WithLogger(d.log))
	if err != nil {
		return nil, nil, err
	}
	x, err := fsindex.Build(ctx, img, fsindex.WithLogger(d.log), fsindex.WithWants(wants...))
	if err != nil {
		img.Close()
		return nil, nil, fmt.Errorf("%s: %w", img.Ref, err)
	}
	return img, x, nil
}

func (d *run) lint(ctx context.Context) error {
	file := filepath.Join(d.appDir(), "Dockerfile")
	d.show("lint", file)
	conf, err := lint.LoadPolicy("")
	if err != nil {
		return err
	}
	res, err := lint.Run(ctx, lint.Request{Paths: []string{file}, Policy: conf})
	if err != nil {
		return err
	}
	w := d.head()
	defer w.finish()
	return lint.Write(w, "table", res.Results, rules.All(), d.o.Version)
}

// auditImage audits an image archive with the working directory's policy
// and shows the table.
func (d *run) auditImage(ctx context.Context, ref string) error {
	d.show("audit", ref)
	cfg, err := policy.LoadFile(policy.FileName, true)
	if err != nil {
		return err
	}
	opts := audit.PolicyOptions(cfg, nil, nil, false)
	img, x, err := d.index(ctx, ref, audit.Wants(opts...)...)
	if err != nil {
		return err
	}
	defer img.Close()
	res, err := audit.Run(ctx, x, append(opts, audit.WithReference("", img.Tags...))...)
	if err != nil {
		return err
	}
	res.Summary.Image = img.Ref.String()
	redact.Value(res)
	w := d.head()
	defer w.finish()
	return audit.WriteTable(w, img.Ref.String(), res, false)
}

func (d *run) audit(ctx context.Context) error { return d.auditImage(ctx, d.appTar) }

func (d *run) scan(ctx context.Context) error {
	d.db = filepath.Join(d.o.WorkDir, "db")
	if d.o.VulnDB != "" {
		stamp := filepath.Join(d.db, "source")
		want := d.o.VulnDB + "\n" + newestMod(d.o.VulnDB).UTC().Format(time.RFC3339)
		if old, err := os.ReadFile(stamp); err == nil && string(old) == want && vuln.Usable(d.db) {
			d.say("the vulnerability database in %s is up to date with %s", d.db, d.o.VulnDB)
		} else {
			d.show("db", "import", "--quiet", "--replace", "--db", d.db, d.o.VulnDB)
			rep, err := vuln.Import(ctx, d.db, []string{d.o.VulnDB}, vuln.WithLogger(d.log), vuln.WithReplace())
			if err != nil {
				return err
			}
			w := d.head()
			err = vuln.WriteImport(w, d.db, rep)
			w.finish()
			if err != nil {
				return err
			}
			if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
				return err
			}
		}
	} else if dir := d.o.DefaultDB; dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "osv.db")); err == nil {
			if vuln.Usable(dir) {
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
	db, err := vuln.Open(d.db)
	if err != nil {
		return err
	}
	defer db.Close()
	// how old each data source is, before the scan that uses them
	d.show("db", "status", "--db", d.db)
	w := d.head()
	err = vuln.WriteStatus(w, db.Status(time.Now()))
	w.finish()
	if err != nil {
		return err
	}
	return d.scanImage(ctx, db)
}

func (d *run) scanImage(ctx context.Context, db *vuln.DB) error {
	d.show("scan", "--db", d.db, d.appTar)
	cfg, err := policy.LoadFile(policy.FileName, true)
	if err != nil {
		return err
	}
	opts, err := vuln.PolicyOptions(cfg, false, false, nil)
	if err != nil {
		return err
	}
	sopts := []sbom.Option{sbom.WithoutLicenses(), sbom.WithLogger(d.log)}
	img, x, err := d.index(ctx, d.appTar, sbom.Wants(sopts...)...)
	if err != nil {
		return err
	}
	defer img.Close()
	src := sbom.Source{Name: img.Ref.String(), Kind: "image"}
	if dg, err := img.ConfigName(); err == nil {
		src.Digest = dg.String()
	}
	s, err := sbom.Generate(ctx, x, append(sopts, sbom.WithSource(src))...)
	if err != nil {
		return err
	}
	res, err := vuln.Match(ctx, db, s, append(opts, vuln.WithMaxAge(cfg.Scan.MaxAge()))...)
	if err != nil {
		return err
	}
	d.say("vulnerability data from %s: %s", res.DB.Path, vuln.SourceAges(res.DB.Sources))
	w := d.head()
	defer w.finish()
	return vuln.WriteTable(w, res)
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
