package minify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Outcome is what one probe got from one image.
type Outcome struct {
	// Status and Body for an HTTP probe (Body truncated).
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
	// MinifiedFlags are the docker run flags the minified image ran with.
	MinifiedFlags string `json:"minifiedFlags"`
	// Logs of the minified image's server, when a probe failed.
	MinifiedLogs string `json:"minifiedLogs,omitempty"`
}

// HardenedFlags are the flags the minified image must pass under.
const HardenedFlags = "--read-only --cap-drop ALL --security-opt no-new-privileges --network host --user 65532:65532"

// maxBody bounds the body kept of an HTTP answer.
const maxBody = 4096

// Verify runs the original and the minified image (both already in the
// engine) with the same probes, the minified one hardened and as user, and
// compares. Containers run one at a time and are always removed, also when
// ctx is cancelled.
func Verify(ctx context.Context, r Runner, original, minified, user string, p Probes) (*VerifyResult, error) {
	if p.Empty() {
		return nil, fmt.Errorf("verify needs at least one probe (--probe-http or --probe-cmd)")
	}
	if user == "" {
		user = fmt.Sprintf("%d:%d", NonrootUID, NonrootUID)
	}
	orig, _, err := runProbes(ctx, r, RunSpec{Image: original, Env: p.Env}, p)
	if err != nil {
		return nil, err
	}
	mini, logs, err := runProbes(ctx, r, RunSpec{Image: minified, Env: p.Env, Hardened: true, User: user}, p)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Passed: true, MinifiedFlags: strings.Replace(HardenedFlags, "65532:65532", user, 1)}
	i := 0
	for _, hp := range p.HTTP {
		pr := ProbeResult{Probe: "GET " + hp.URL(), Original: orig[i], Minified: mini[i]}
		pr.Same, pr.Detail = compareHTTP(hp, orig[i], mini[i])
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
// the HTTP probes, one container per command probe.
func runProbes(ctx context.Context, r Runner, base RunSpec, p Probes) ([]Outcome, string, error) {
	var out []Outcome
	logs := ""
	if len(p.HTTP) > 0 {
		spec := base
		spec.Name = containerName("verify")
		id, err := r.Start(ctx, spec)
		cleanup := func() { removeContainer(ctx, r, spec.Name) }
		if err != nil {
			cleanup()
			return nil, "", err
		}
		for _, hp := range p.HTTP {
			out = append(out, probeHTTP(ctx, r, id, hp, p.Wait))
		}
		if l, err := r.Logs(context.WithoutCancel(ctx), id); err == nil {
			logs = l
		}
		cleanup()
	}
	for _, c := range p.Cmd {
		spec := base
		spec.Name = containerName("verify")
		spec.Args = c
		rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		res, err := r.Run(rctx, spec)
		cancel()
		removeContainer(ctx, r, spec.Name)
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		o := Outcome{ExitCode: res.ExitCode, Stdout: truncate(res.Stdout, maxBody)}
		if err != nil {
			o.Err = err.Error()
		}
		out = append(out, o)
	}
	return out, logs, ctx.Err()
}

// probeHTTP asks until the app answers, the container exits or wait runs out.
func probeHTTP(ctx context.Context, r Runner, id string, p HTTPProbe, wait time.Duration) Outcome {
	if wait <= 0 {
		wait = 30 * time.Second
	}
	deadline := time.Now().Add(wait)
	client := &http.Client{Timeout: 5 * time.Second}
	lastErr := ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL(), nil)
		if err != nil {
			return Outcome{Err: err.Error()}
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
			resp.Body.Close()
			return Outcome{Status: resp.StatusCode, Body: string(body)}
		}
		lastErr = err.Error()
		if st, err := r.State(ctx, id); err == nil && !st.Running {
			return Outcome{Err: fmt.Sprintf("the container exited with code %d before answering", st.ExitCode)}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return Outcome{Err: "no answer within " + wait.String() + ": " + lastErr}
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// removeContainer removes a container even when ctx is cancelled.
func removeContainer(ctx context.Context, r Runner, name string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_ = r.Remove(rctx, name)
}

// containerName is unique: harden-verify-<random>.
func containerName(kind string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "harden-" + kind + "-" + hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
