package patch

import (
	"context"
	"fmt"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/report"
	"log/slog"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/base"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
)

// Job is one patch run over an image already indexed with Wants and
// sbom.Wants(SBOMOptions()...).
type Job struct {
	Image *image.Image
	Index *fsindex.Index
	// Request names the packages; with none (and not All), the packages come
	// from a scan of the image against the vulnerability database in DB.
	Request Request
	DB      string
	Repo    base.Repository
	// Outputs are image.Write destinations (none: plan only).
	Outputs      []string
	ImageOptions []image.Option
	Options      []Option
	Logger       *slog.Logger
	// Verify runs Probes on the original and the patched image (the
	// patched one as harden runtime prints it) and compares.
	Verify bool
	Probes minify.Probes
}

// Outcome is what Run did: the plan and, unless it was only planned, the
// patched image. Close it when done with Image.
type Outcome struct {
	*Result
	Image v1.Image `json:"-"`
	// Verify is the proof, when the job asked for one.
	Verify  *minify.VerifyResult `json:"verify,omitempty"`
	Elapsed time.Duration        `json:"-"`
}

// Summary is one line on what was patched: packages, findings fixed, the
// layer and the new digest.
func (o *Outcome) Summary(ref string) string {
	d, _ := o.Image.Digest()
	return fmt.Sprintf("patched %s in %s: %d packages, %d findings fixed, layer %s (%s uncompressed, %d files, %d whiteouts), %s",
		ref, o.Elapsed.Round(time.Millisecond), len(o.Updates), o.FindingsFixed, report.Bytes(o.Layer.Size),
		report.Bytes(o.Layer.UncompressedSize), o.Layer.Files, o.Layer.Whiteouts, d)
}

// SBOMOptions are the inventory options Run scans an image with.
func SBOMOptions(log *slog.Logger) []sbom.Option {
	return []sbom.Option{sbom.WithoutLicenses(), sbom.WithLogger(log)}
}

// Run plans the updates and, when there is something to update and
// outputs to write, applies them in one layer and writes the image.
func Run(ctx context.Context, job Job) (*Outcome, error) {
	start := time.Now()
	ref := job.Image.Ref.String()
	cfg, err := job.Image.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("%s: reading config: %w", ref, err)
	}
	req := job.Request
	if len(req.Packages) == 0 && !req.All {
		if req.Findings, err = findings(ctx, job); err != nil {
			return nil, err
		}
	}
	arch := cfg.Architecture
	src, client, err := job.Repo.Source(arch, job.Logger)
	if err != nil {
		return nil, err
	}
	ix, err := src.Index(ctx, arch)
	if err != nil {
		return nil, err
	}
	r, err := Plan(job.Index, ix, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	out := &Outcome{Result: r}
	if r.Empty() || len(job.Outputs) == 0 {
		return out, nil
	}
	if out.Image, err = Apply(ctx, job.Image, job.Index, r, client, job.Options...); err != nil {
		return nil, fmt.Errorf("patching %s: %w", ref, err)
	}
	for _, dst := range job.Outputs {
		if err := image.Write(ctx, out.Image, dst, job.ImageOptions...); err != nil {
			r.Close()
			return nil, fmt.Errorf("writing %s: %w", dst, err)
		}
	}
	if job.Verify {
		engineRef := ""
		if job.Image.Ref.Transport == image.DockerDaemon {
			engineRef = job.Image.Ref.Name
		}
		if out.Verify, err = minify.VerifyImages(ctx, engine.New(), engineRef, job.Image, out.Image, job.Probes); err != nil {
			r.Close()
			return nil, fmt.Errorf("verify: %w", err)
		}
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

// findings scans the image (from the same index) for OS findings.
func findings(ctx context.Context, job Job) ([]vuln.Finding, error) {
	db, err := vuln.Open(job.DB)
	if err != nil {
		return nil, fmt.Errorf("%w (patch picks packages from scan's findings; or give --package or --all)", err)
	}
	defer db.Close()
	src := sbom.Source{Name: job.Image.Ref.String(), Kind: "image"}
	s, err := sbom.Generate(ctx, job.Index, append(SBOMOptions(job.Logger), sbom.WithSource(src))...)
	if err != nil {
		return nil, err
	}
	res, err := vuln.Match(ctx, db, s)
	if err != nil {
		return nil, err
	}
	return res.Findings, nil
}
