package minify

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/harden-dev/harden/fsindex"
)

// ReportOf indexes the new image and fills the before/after report of a
// run over x (the input's index): ref names the input and output the
// destination; explain lists paths to explain, items every kept path.
func (res *Result) ReportOf(ctx context.Context, ref, output string, x *fsindex.Index, explain []string, items bool) (*Report, error) {
	sel, out := res.Selection, res.Image
	ox, err := fsindex.Build(ctx, out, fsindex.WithWants(SummaryWants()...))
	if err != nil {
		return nil, fmt.Errorf("reading the new image back: %w", err)
	}
	rep := &Report{Image: ref, Output: output, Before: Summarize(x), After: Summarize(ox),
		Program: sel.Program, Profiles: sel.Profiles, Kept: sel.Len(), Packages: sel.Packages, Warnings: sel.Warnings,
		Verify: res.Verify, StaticVerify: res.StaticVerify, TraceAdded: res.TraceAdded, Writable: res.Writable}
	if res.Traced != nil {
		rep.Traced = len(res.Traced.Opened)
		_, rep.Floor = OpenedSize(x, res.Traced.Opened)
	}
	if d, err := out.Digest(); err == nil {
		rep.Digest = d.String()
	}
	for _, p := range explain {
		rep.Explain = append(rep.Explain, sel.Explain(p))
	}
	if items {
		rep.Items = sel.Items()
	}
	return rep, nil
}

// WithHealthcheckHTTP adds the static helper binary at path (size bytes)
// as a probe and an exec-form HEALTHCHECK that GETs spec (PORT/PATH).
func WithHealthcheckHTTP(path string, size int64, spec string) (Option, error) {
	hp, err := ParseHTTPProbe(spec)
	if err != nil {
		return nil, fmt.Errorf("--healthcheck-http: %w", err)
	}
	return WithHealthcheckProbe(&HealthcheckProbe{
		Open: func() (io.ReadCloser, error) { return os.Open(path) }, Size: size,
		Args: []string{"probe", "http", hp.URL()},
	}), nil
}
