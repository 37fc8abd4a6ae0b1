package minify

import (
	"fmt"
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
