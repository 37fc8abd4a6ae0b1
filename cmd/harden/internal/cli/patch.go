package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/minify"
	"strconv"
	"time"

	"github.com/harden-dev/harden/base"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/patch"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
	"github.com/spf13/cobra"
)

// patchOptions are the flags of `harden patch`.
type patchOptions struct {
	image    imageFlags
	outputs  []string
	packages []string
	all      bool
	dryRun   bool
	db       string
	repo     baseOptions // --mirror, --suite, --component, --keyring, --cache
	verify   bool
	probe    probeFlags
}

func newPatchCmd(g *globals) *cobra.Command {
	o := &patchOptions{}
	cmd := &cobra.Command{
		Use:   "patch IMAGE -o OUTPUT",
		Short: "Apply the distribution's security updates to an image, in one new layer, without Docker",
		Long: `patch updates the Debian packages of an image whose findings (scan, with
the vulnerability database) have a fixed version in the machine's apt
sources (or --mirror/--suite, e.g. bookworm-security), or --package NAME, or
--all upgradable ones. The packages and the new dependencies they need are
downloaded with every signature and checksum checked, and written as ONE
new layer: their files, whiteouts for the files the old versions had, and
the updated dpkg database. Maintainer scripts are never run (what they
would have done is reported). A distroless or minified image keeps only the
files it has: no shell or docs come back. The config is kept, with labels
naming the updates. Same inputs and SOURCE_DATE_EPOCH, same digest.`,
		Example: `  harden patch my/app:1.0 -o docker-daemon:my/app:1.0-patched
  harden patch my/app:1.0 --dry-run
  harden patch my/app:1.0 --package libssl3 --mirror http://deb.debian.org/debian-security --suite bookworm-security -o oci:out`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return g.runPatch(cmd.Context(), o, args[0]) },
	}
	addImageFlags(cmd, &o.image)
	f := cmd.Flags()
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "where to write the patched image: docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH, registry:REF; repeatable")
	f.StringArrayVarP(&o.packages, "package", "p", nil, "update this installed package (instead of the findings'); repeatable")
	f.BoolVar(&o.all, "all", false, "update every package the repositories have a newer version of")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the plan (packages, versions, findings fixed, download size) without writing")
	f.StringVar(&o.db, "db", "", "vulnerability database directory (default: the user cache dir)")
	f.StringArrayVar(&o.repo.mirrors, "mirror", nil, "repository URL instead of the machine's apt sources; repeatable")
	f.StringArrayVar(&o.repo.suites, "suite", nil, "suite for --mirror (e.g. bookworm-security); repeatable")
	f.StringArrayVar(&o.repo.components, "component", nil, "component for --mirror (default main); repeatable")
	f.StringVar(&o.repo.keyring, "keyring", "", "OpenPGP keyring to verify InRelease with, instead of each source's Signed-By")
	f.StringVar(&o.repo.debs, "debs", "", "folder of .deb files to update from (offline; with --mirror, both are used)")
	f.StringVar(&o.repo.cache, "cache", "", "download cache (default: the user cache dir/harden/debs)")
	f.BoolVar(&o.verify, "verify", false, "run the original and the patched image with the probes (the patched one as harden runtime prints it) and compare; exit 1 if they differ")
	o.probe.add(f, true)
	return cmd
}

func (g *globals) runPatch(ctx context.Context, o *patchOptions, ref string) error {
	if err := g.checkFormat("table", "json"); err != nil {
		return err
	}
	if len(o.outputs) == 0 && !o.dryRun {
		return usageError{errors.New("give -o OUTPUT (or --dry-run)")}
	}
	probes, err := o.probe.probes()
	if err != nil {
		return usageError{err}
	}
	if o.verify && probes.Empty() {
		return usageError{errors.New("--verify needs a probe: --probe-http PORT/PATH, --probe-tcp PORT or --probe-cmd ARGS")}
	}
	start := time.Now()
	sopts := []sbom.Option{sbom.WithoutLicenses(), sbom.WithLogger(g.log)}
	wants := append(sbom.Wants(sopts...), patch.Wants()...)
	img, x, err := g.indexImage(ctx, ref, &o.image, wants...)
	if err != nil {
		return err
	}
	defer img.Close()
	cfg, err := img.ConfigFile()
	if err != nil {
		return fmt.Errorf("%s: reading config: %w", ref, err)
	}
	req := patch.Request{Packages: o.packages, All: o.all}
	if len(o.packages) == 0 && !o.all {
		if req.Findings, err = g.patchFindings(ctx, o, img, x, sopts); err != nil {
			return err
		}
	}
	o.repo.arch = cfg.Architecture
	client, err := debianClient(g, &o.repo)
	if err != nil {
		return err
	}
	repos, err := baseRepos(&o.repo)
	if err != nil {
		return usageError{err}
	}
	var local []*debian.Package
	if o.repo.debs != "" {
		if local, err = debian.ReadDebDir(o.repo.debs, o.repo.arch); err != nil {
			return usageError{err}
		}
	}
	src, err := base.NewSource(client, repos, local)
	if err != nil {
		return usageError{err}
	}
	ix, err := src.Index(ctx, o.repo.arch)
	if err != nil {
		return err
	}
	r, err := patch.Plan(x, ix, req)
	if errors.Is(err, patch.ErrApk) {
		return usageError{fmt.Errorf("%s: %w", ref, err)}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	if r.Empty() || o.dryRun {
		if r.Empty() {
			g.info("%s is current: no package to update; nothing written", ref)
		}
		return g.writePatch(r, nil)
	}
	popts := []patch.Option{patch.WithLogger(g.log)}
	if dir := g.getenv("HARDEN_TMPDIR"); dir != "" {
		popts = append(popts, patch.WithTempDir(dir))
	}
	if s := g.getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return usageError{fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)}
		}
		popts = append(popts, patch.WithEpoch(time.Unix(sec, 0)))
	}
	out, err := patch.Apply(ctx, img, x, r, client, popts...)
	if err != nil {
		return fmt.Errorf("patching %s: %w", ref, err)
	}
	defer r.Close()
	for _, dst := range o.outputs {
		if err := image.Write(ctx, out, dst, g.imageOptions(&o.image)...); err != nil {
			return fmt.Errorf("writing %s: %w", dst, err)
		}
		g.info("wrote %s", dst)
	}
	var verdict *minify.VerifyResult
	if o.verify {
		engineRef := ""
		if img.Ref.Transport == image.DockerDaemon {
			engineRef = img.Ref.Name
		}
		if verdict, err = minify.VerifyImages(ctx, engine.New(), engineRef, img, out, probes); err != nil {
			return fmt.Errorf("verify: %w", err)
		}
	}
	d, _ := out.Digest()
	g.info("patched %s in %s: %d packages, %d findings fixed, layer %s (%s uncompressed, %d files, %d whiteouts), %s",
		ref, time.Since(start).Round(time.Millisecond), len(r.Updates), r.FindingsFixed, report.Bytes(r.Layer.Size),
		report.Bytes(r.Layer.UncompressedSize), r.Layer.Files, r.Layer.Whiteouts, d)
	if err := g.writePatch(r, verdict); err != nil {
		return err
	}
	if verdict != nil {
		if g.format != "json" {
			if err := verdict.WriteText(g.stdout, "patched"); err != nil {
				return err
			}
		}
		if !verdict.Passed {
			return errPolicy("verify: the patched image does not answer the probes as the original does")
		}
	}
	return nil
}

// patchFindings scans the image (from the same index) for OS findings.
func (g *globals) patchFindings(ctx context.Context, o *patchOptions, img *image.Image, x *fsindex.Index, sopts []sbom.Option) ([]vuln.Finding, error) {
	dir, err := g.dbDir(o.db, "")
	if err != nil {
		return nil, err
	}
	db, err := vuln.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (patch picks packages from scan's findings; or give --package or --all)", err)
	}
	defer db.Close()
	src := sbom.Source{Name: img.Ref.String(), Kind: "image"}
	s, err := sbom.Generate(ctx, x, append(sopts, sbom.WithSource(src))...)
	if err != nil {
		return nil, err
	}
	res, err := vuln.Match(ctx, db, s)
	if err != nil {
		return nil, err
	}
	return res.Findings, nil
}

// patchOutput is patch's JSON: the result and, with --verify, the proof.
type patchOutput struct {
	*patch.Result
	Verify *minify.VerifyResult `json:"verify,omitempty"`
}

// writePatch prints the plan (and, after Apply, the layer and notes).
func (g *globals) writePatch(r *patch.Result, v *minify.VerifyResult) error {
	if g.format == "json" {
		return report.WriteJSON(g.stdout, patchOutput{r, v})
	}
	avail := 0
	for _, f := range r.Findings {
		if f.Status == patch.StatusFixed {
			avail++
		}
	}
	if len(r.Findings) > 0 {
		g.info("%d findings with a fixed version: %d fixed by the repositories' versions, %d not (yet) in them", len(r.Findings), avail, len(r.Findings)-avail)
	}
	for _, f := range r.Findings {
		if f.Status != patch.StatusFixed {
			g.info("%s (%s %s): fixed in %s, the repositories have %s", f.ID, f.Package, f.Installed, f.Fixed, nameOr(f.CandidateSource, "no version of it"))
		}
	}
	for _, s := range r.Skipped {
		g.info("skipped %s: %s", s.Name, s.Reason)
	}
	for _, n := range r.Notes {
		g.info("%s: maintainer scripts do %s; %s", n.Package, n.Does, n.Instead)
	}
	if len(r.Updates) == 0 {
		return nil
	}
	t := report.NewTable("PACKAGE", "FROM", "TO", "FINDINGS", "WHY", "DOWNLOAD").AlignRight(3, 5)
	for _, u := range r.Updates {
		t.Add(u.Name, nameOr(u.From, "(new)"), u.To, strconv.Itoa(len(u.Findings)), u.Reason, report.Bytes(u.Size))
	}
	if err := t.WriteText(g.stdout); err != nil {
		return err
	}
	if r.Layer == nil {
		_, err := fmt.Fprintf(g.stdout, "%d packages, %s to download, a new layer of at most %s uncompressed; dry run: nothing written\n",
			len(r.Updates), report.Bytes(r.DownloadSize), report.Bytes(r.InstalledSize))
		return err
	}
	return nil
}
