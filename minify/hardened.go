package minify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/runconfig"
)

// Hardened is what VerifyHardened saw: each probe's answer, the probes
// that failed, and the container's output when one did.
type Hardened struct {
	Answers []string
	Failed  []string
	Logs    string
}

// VerifyHardened runs img with the settings s in the engine (under
// engineRef when the engine has it, else loaded under a temporary tag that
// is removed after) and asks the probes.
func VerifyHardened(ctx context.Context, e *engine.Engine, engineRef string, img v1.Image, s *runconfig.Settings, probes Probes) (h *Hardened, err error) {
	name := engineRef
	if name == "" {
		name = engine.UniqueName("runtime") + ":verify"
		defer func() {
			cctx, cancel := engine.Cleanup(ctx)
			defer cancel()
			if rerr := e.RemoveImage(cctx, name); rerr != nil && !strings.Contains(rerr.Error(), "No such image") {
				err = errors.Join(err, rerr)
			}
		}()
		if err := e.Load(ctx, img, name); err != nil {
			return nil, err
		}
	}
	checked, logs, err := Check(ctx, e, engine.Spec{Image: name, Hardened: s}, probes)
	if err != nil {
		return nil, err
	}
	h = &Hardened{}
	for _, c := range checked {
		if !c.OK {
			h.Failed = append(h.Failed, c.Probe+": "+c.Detail)
			continue
		}
		answer := c.Outcome.Body
		if c.Outcome.Status != 0 {
			answer = fmt.Sprintf("%d %s", c.Outcome.Status, answer)
		}
		h.Answers = append(h.Answers, fmt.Sprintf("%s -> %s", c.Probe, strings.TrimSpace(report.Truncate(answer, 120))))
	}
	if len(h.Failed) > 0 {
		h.Logs = logs
	}
	return h, nil
}

// Lines are the proof's lines for people: each probe's answer and, when a
// probe failed, the container's output.
func (h *Hardened) Lines() []string {
	var out []string
	for _, a := range h.Answers {
		out = append(out, "verify: "+a)
	}
	if len(h.Failed) > 0 && h.Logs != "" {
		out = append(out, "the container's output:\n"+report.Truncate(h.Logs, 2000))
	}
	return out
}
