package minify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/runconfig"
)

// Outcome is what one probe got from one image.
type Outcome struct {
	// Status and Body for an HTTP probe, Body for a TCP probe (truncated).
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	// ExitCode and Stdout for a command probe.
	ExitCode int    `json:"exitCode"`
	Stdout   string `json:"stdout,omitempty"`
	// Err says why there is no answer (the app did not start, crashed).
	Err string `json:"error,omitempty"`
}

// ProbeResult compares the original's and the minified image's outcomes.
type ProbeResult struct {
	Probe    string  `json:"probe"`
	Original Outcome `json:"original"`
	Minified Outcome `json:"minified"`
	Same     bool    `json:"same"`
	// Detail says what differs.
	Detail string `json:"detail,omitempty"`
}

// VerifyResult is the proof: every probe on both images.
type VerifyResult struct {
	Passed bool          `json:"passed"`
	Probes []ProbeResult `json:"probes"`
	// MinifiedFlags are the docker run flags the minified image ran with:
	// what `harden runtime` prints for it.
	MinifiedFlags string `json:"minifiedFlags"`
	// Logs of the minified image's server, when a probe failed.
	MinifiedLogs string `json:"minifiedLogs,omitempty"`
}

// VerifySpec names the two images Verify compares and how they run.
type VerifySpec struct {
	// Original and Minified are references the engine knows.
	Original, Minified string
	// Entrypoint and Cmd replace the original's when set (the command
	// the minified image was made for).
	Entrypoint, Cmd []string
	// Hardened are the settings the minified image runs with: runconfig's
	// for it (read-only root and the tmpfs mounts it needs, no
	// capabilities, no privilege gain, its non-root user).
	Hardened *runconfig.Settings
}

// Verify runs the original and the minified image (both already in the
// engine) with the same probes, the minified one hardened, and compares.
// Each server runs in its own network namespace with the probed ports
// published on free ports of 127.0.0.1, so only the container under test
// can answer. Containers run one at a time and are always removed, also
// when ctx is cancelled; a container that cannot be removed is an error.
func Verify(ctx context.Context, r Runner, spec VerifySpec, p Probes) (*VerifyResult, error) {
	if p.Empty() {
		return nil, fmt.Errorf("verify needs at least one probe (--probe-http, --probe-tcp or --probe-cmd)")
	}
	if spec.Hardened == nil {
		return nil, fmt.Errorf("verify needs the settings to run the minified image with")
	}
	orig, _, err := runProbes(ctx, r, engine.Spec{Image: spec.Original, Env: p.Env, Entrypoint: spec.Entrypoint, Args: spec.Cmd}, p)
	if err != nil {
		return nil, err
	}
	mini, logs, err := runProbes(ctx, r, engine.Spec{Image: spec.Minified, Env: p.Env, Hardened: spec.Hardened}, p)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Passed: true, MinifiedFlags: strings.Join(spec.Hardened.RunArgs(), " ")}
	i := 0
	for _, hp := range p.HTTP {
		pr := ProbeResult{Probe: "GET " + hp.String(), Original: orig[i], Minified: mini[i]}
		pr.Same, pr.Detail = compareHTTP(hp, orig[i], mini[i])
		res.Probes = append(res.Probes, pr)
		i++
	}
	for _, tp := range p.TCP {
		pr := ProbeResult{Probe: tp.String(), Original: orig[i], Minified: mini[i]}
		pr.Same, pr.Detail = compareTCP(tp, orig[i], mini[i])
		res.Probes = append(res.Probes, pr)
		i++
	}
	for _, c := range p.Cmd {
		pr := ProbeResult{Probe: "run " + strings.Join(c, " "), Original: orig[i], Minified: mini[i]}
		pr.Same, pr.Detail = compareCmd(orig[i], mini[i])
		res.Probes = append(res.Probes, pr)
		i++
	}
	for _, pr := range res.Probes {
		if !pr.Same {
			res.Passed = false
			res.MinifiedLogs = logs
		}
	}
	return res, nil
}

func compareHTTP(p HTTPProbe, o, m Outcome) (bool, string) {
	switch {
	case o.Err != "":
		return false, "the original did not answer: " + o.Err
	case m.Err != "":
		return false, "the minified image did not answer: " + m.Err
	case p.Status != 0 && o.Status != p.Status:
		return false, fmt.Sprintf("the original answered %d, not %d", o.Status, p.Status)
	case p.Status != 0 && m.Status != p.Status:
		return false, fmt.Sprintf("the minified image answered %d, not %d", m.Status, p.Status)
	case o.Status != m.Status:
		return false, fmt.Sprintf("status %d (original) vs %d (minified)", o.Status, m.Status)
	case p.Status == 0 && o.Status >= 400:
		return false, fmt.Sprintf("both answered %d", o.Status)
	case p.Body != "" && !strings.Contains(o.Body, p.Body):
		return false, fmt.Sprintf("the original's body lacks %q", p.Body)
	case p.Body != "" && !strings.Contains(m.Body, p.Body):
		return false, fmt.Sprintf("the minified image's body lacks %q", p.Body)
	}
	return true, ""
}

func compareTCP(p TCPProbe, o, m Outcome) (bool, string) {
	switch {
	case o.Err != "":
		return false, "the original did not answer: " + o.Err
	case m.Err != "":
		return false, "the minified image did not answer: " + m.Err
	case p.Expect != "" && !strings.Contains(o.Body, p.Expect):
		return false, fmt.Sprintf("the original's answer lacks %q", p.Expect)
	case p.Expect != "" && !strings.Contains(m.Body, p.Expect):
		return false, fmt.Sprintf("the minified image's answer lacks %q", p.Expect)
	}
	return true, ""
}

func compareCmd(o, m Outcome) (bool, string) {
	switch {
	case o.Err != "":
		return false, "the original did not run: " + o.Err
	case m.Err != "":
		return false, "the minified image did not run: " + m.Err
	case o.ExitCode != m.ExitCode:
		return false, fmt.Sprintf("exit code %d (original) vs %d (minified)", o.ExitCode, m.ExitCode)
	case strings.TrimSpace(o.Stdout) != strings.TrimSpace(m.Stdout):
		return false, "the output differs"
	}
	return true, ""
}

// runProbes runs every probe against one image: one server container for
// the HTTP and TCP probes, one container per command probe.
func runProbes(ctx context.Context, r Runner, base engine.Spec, p Probes) (out []Outcome, logs string, err error) {
	if ports := p.ports(); len(ports) > 0 {
		spec := base
		spec.Name = engine.UniqueName("verify")
		spec.Publish = ports
		var outs []Outcome
		outs, logs, err = serve(ctx, r, spec, func(id string) []Outcome {
			var o []Outcome
			for _, hp := range p.HTTP {
				o = append(o, askContainer(ctx, r, id, hp.Port, p.Wait, askHTTP(hp)))
			}
			for _, tp := range p.TCP {
				o = append(o, askContainer(ctx, r, id, tp.Port, p.Wait, askTCP(tp)))
			}
			return o
		})
		if err != nil {
			return nil, "", err
		}
		out = append(out, outs...)
	}
	for _, c := range p.Cmd {
		spec := base
		spec.Name = engine.UniqueName("verify")
		spec.Args = c // after the entrypoint, as docker run does
		rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		res, runErr := r.Run(rctx, spec)
		cancel()
		if err := removeContainer(ctx, r, spec.Name); err != nil {
			return nil, "", err
		}
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		o := Outcome{ExitCode: res.ExitCode, Stdout: truncate(res.Stdout, maxBody)}
		if runErr != nil {
			o.Err = runErr.Error()
		}
		out = append(out, o)
	}
	return out, logs, ctx.Err()
}

// serve starts a server container, lets ask probe it, keeps its logs and
// removes it, also when ctx is cancelled.
func serve(ctx context.Context, r Runner, spec engine.Spec, ask func(id string) []Outcome) (out []Outcome, logs string, err error) {
	defer func() {
		if rerr := removeContainer(ctx, r, spec.Name); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	id, err := r.Start(ctx, spec)
	if err != nil {
		return nil, "", err
	}
	out = ask(id)
	if l, lerr := r.Logs(context.WithoutCancel(ctx), id); lerr == nil {
		logs = l
	}
	return out, logs, ctx.Err()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Checked is one probe's answer from one image and whether it is good.
type Checked struct {
	Probe   string  `json:"probe"`
	Outcome Outcome `json:"outcome"`
	OK      bool    `json:"ok"`
	// Detail says what is wrong.
	Detail string `json:"detail,omitempty"`
}

// Check runs one image as spec says and asks every probe, judging the
// answers on their own: an HTTP status below 400 (or the expected one)
// with the expected body, a TCP answer with the expected bytes, a command
// that exits 0. It is what `harden runtime --verify` proves, with the same
// isolation as Verify. It also returns the server's logs.
func Check(ctx context.Context, r Runner, spec engine.Spec, p Probes) ([]Checked, string, error) {
	if p.Empty() {
		return nil, "", fmt.Errorf("nothing to check: give a probe")
	}
	spec.Env = append(spec.Env[:len(spec.Env):len(spec.Env)], p.Env...)
	outs, logs, err := runProbes(ctx, r, spec, p)
	if err != nil {
		return nil, "", err
	}
	var res []Checked
	i := 0
	add := func(name string, o Outcome, detail string) {
		if o.Err != "" {
			detail = o.Err
		}
		res = append(res, Checked{Probe: name, Outcome: o, OK: detail == "", Detail: detail})
		i++
	}
	for _, hp := range p.HTTP {
		o, d := outs[i], ""
		switch {
		case hp.Status != 0 && o.Status != hp.Status:
			d = fmt.Sprintf("answered %d, not %d", o.Status, hp.Status)
		case hp.Status == 0 && o.Status >= 400:
			d = fmt.Sprintf("answered %d", o.Status)
		case hp.Body != "" && !strings.Contains(o.Body, hp.Body):
			d = fmt.Sprintf("the body lacks %q", hp.Body)
		}
		add("GET "+hp.String(), o, d)
	}
	for _, tp := range p.TCP {
		o, d := outs[i], ""
		if tp.Expect != "" && !strings.Contains(o.Body, tp.Expect) {
			d = fmt.Sprintf("the answer lacks %q", tp.Expect)
		}
		add(tp.String(), o, d)
	}
	for _, c := range p.Cmd {
		o, d := outs[i], ""
		if o.ExitCode != 0 {
			d = fmt.Sprintf("exit code %d", o.ExitCode)
		}
		add("run "+strings.Join(c, " "), o, d)
	}
	return res, logs, nil
}
