package minify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ProbeSpec is the probes as a user writes them (the --probe-* flags).
type ProbeSpec struct {
	// HTTP are PORT/PATH, TCP are PORT, Cmd are argument lists quoted as in
	// a shell; Env are KEY=VALUE.
	HTTP, TCP, Cmd []string
	// Status and Body are what HTTP probes expect; Send and Expect what TCP
	// probes send and expect (C escapes).
	Status             int
	Body, Send, Expect string
	Wait               time.Duration
	Env                []string
}

// Probes parses the spec.
func (f *ProbeSpec) Probes() (Probes, error) {
	p := Probes{Wait: f.Wait, Env: f.Env}
	for _, s := range f.HTTP {
		hp, err := ParseHTTPProbe(s)
		if err != nil {
			return p, err
		}
		hp.Status, hp.Body = f.Status, f.Body
		p.HTTP = append(p.HTTP, hp)
	}
	send, err := Unescape(f.Send)
	if err != nil {
		return p, fmt.Errorf("--probe-send: %w", err)
	}
	expect, err := Unescape(f.Expect)
	if err != nil {
		return p, fmt.Errorf("--probe-expect: %w", err)
	}
	if (send != "" || expect != "") && len(f.TCP) == 0 {
		return p, fmt.Errorf("--probe-send and --probe-expect need --probe-tcp PORT")
	}
	for _, s := range f.TCP {
		port, err := ParsePort(s)
		if err != nil {
			return p, fmt.Errorf("--probe-tcp: %w", err)
		}
		p.TCP = append(p.TCP, TCPProbe{Port: port, Send: send, Expect: expect})
	}
	for _, s := range f.Cmd {
		words, err := SplitArgs(s)
		if err != nil {
			return p, fmt.Errorf("--probe-cmd %q: %w", s, err)
		}
		p.Cmd = append(p.Cmd, words)
	}
	for _, e := range f.Env {
		if !strings.Contains(e, "=") {
			return p, fmt.Errorf("--probe-env %q: want KEY=VALUE", e)
		}
	}
	return p, nil
}

// Healthcheck GETs url within timeout, as the static probe in a minified
// image does for its HEALTHCHECK: the answer's status, or an error when
// there is none. A status of 400 or more is unhealthy.
func Healthcheck(ctx context.Context, url string, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}
