package cli

import (
	"context"
	"errors"
	"github.com/harden-dev/harden/base"

	"github.com/harden-dev/harden/patch"
	"github.com/harden-dev/harden/sbom"
	"github.com/spf13/cobra"
)

// patchOptions are the flags of `harden patch`.
type patchOptions struct {
	image               imageFlags
	outputs, packages   []string
	all, dryRun, verify bool
	db                  string
	repo                base.Repository
	probe               probeFlags
}

func newPatchCmd(g *globals) *cobra.Command {
	o := &patchOptions{}
	cmd := &cobra.Command{
		Use:     "patch IMAGE -o OUTPUT",
		Short:   "Apply the distribution's security updates to an image, in one new layer, without Docker",
		Args:    cobra.ExactArgs(1),
		PreRunE: g.formats("table", "json"),
		RunE:    func(cmd *cobra.Command, args []string) error { return g.runPatch(cmd.Context(), o, args[0]) },
	}
	addImageFlags(cmd, &o.image)
	f := cmd.Flags()
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "where to write the patched image: docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH, registry:REF; repeatable")
	f.StringArrayVarP(&o.packages, "package", "p", nil, "update this installed package (instead of the findings'); repeatable")
	f.BoolVar(&o.all, "all", false, "update every package the repositories have a newer version of")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the plan (packages, versions, findings fixed, download size) without writing")
	f.StringVar(&o.db, "db", "", "vulnerability database directory (default: the user cache dir)")
	f.StringArrayVar(&o.repo.Mirrors, "mirror", nil, "repository URL instead of the machine's apt sources; repeatable")
	f.StringArrayVar(&o.repo.Suites, "suite", nil, "suite for --mirror (e.g. bookworm-security); repeatable")
	f.StringArrayVar(&o.repo.Components, "component", nil, "component for --mirror (default main); repeatable")
	f.StringVar(&o.repo.Keyring, "keyring", "", "OpenPGP keyring to verify InRelease with, instead of each source's Signed-By")
	f.StringVar(&o.repo.Debs, "debs", "", "folder of .deb files to update from (offline; with --mirror, both are used)")
	f.StringVar(&o.repo.Cache, "cache", "", "download cache (default: the user cache dir/harden/debs)")
	f.BoolVar(&o.verify, "verify", false, "run the original and the patched image with the probes (the patched one as harden runtime prints it) and compare; exit 1 if they differ")
	o.probe.add(f, true)
	return cmd
}

func (g *globals) runPatch(ctx context.Context, o *patchOptions, ref string) error {
	if len(o.outputs) == 0 && !o.dryRun {
		return usageError{errors.New("give -o OUTPUT (or --dry-run)")}
	}
	probes, err := o.probe.Probes()
	if err != nil {
		return usageError{err}
	}
	if o.verify && probes.Empty() {
		return usageError{errors.New("--verify needs a probe: --probe-http PORT/PATH, --probe-tcp PORT or --probe-cmd ARGS")}
	}
	wants := append(sbom.Wants(patch.SBOMOptions(g.log)...), patch.Wants()...)
	img, x, err := g.indexImage(ctx, ref, &o.image, wants...)
	if err != nil {
		return err
	}
	defer img.Close()
	job := patch.Job{Image: img, Index: x, Request: patch.Request{Packages: o.packages, All: o.all}, Repo: o.repo,
		ImageOptions: g.imageOptions(&o.image), Options: []patch.Option{patch.WithLogger(g.log)}, Logger: g.log}
	if len(o.packages) == 0 && !o.all {
		if job.DB, err = g.dbDir(o.db, ""); err != nil {
			return err
		}
	}
	if !o.dryRun {
		job.Outputs, job.Verify, job.Probes = o.outputs, o.verify, probes
	}
	if dir := g.getenv("HARDEN_TMPDIR"); dir != "" {
		job.Options = append(job.Options, patch.WithTempDir(dir))
	}
	if epoch, err := g.sourceDate(); err != nil {
		return err
	} else if epoch != nil {
		job.Options = append(job.Options, patch.WithEpoch(*epoch))
	}
	r, err := patch.Run(ctx, job)
	if err != nil {
		return err
	}
	defer r.Close()
	lines := r.Lines(ref, o.outputs)
	if g.format != "json" {
		lines = append(lines, r.Messages()...)
	}
	for _, l := range lines {
		g.info("%s", l)
	}
	if err := r.Write(g.stdout, g.format); err != nil {
		return err
	}
	if r.Verify != nil && !r.Verify.Passed {
		return errPolicy("verify: the patched image does not answer the probes as the original does")
	}
	return nil
}
