package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/harden-dev/harden/minify"
	"github.com/spf13/pflag"
)

// probeFlags are the probe flags minify and runtime --verify share.
type probeFlags struct {
	http   []string
	cmd    []string
	tcp    []string
	status int
	body   string
	send   string
	expect string
	wait   time.Duration
	env    []string
}

// add registers the flags; withCmd adds --probe-cmd.
func (f *probeFlags) add(fl *pflag.FlagSet, withCmd bool) {
	fl.StringArrayVar(&f.http, "probe-http", nil, "HTTP probe PORT/PATH: the container's port, published on a free port of 127.0.0.1 (repeatable)")
	fl.StringArrayVar(&f.tcp, "probe-tcp", nil, "TCP probe PORT for a non-HTTP service (repeatable); with --probe-send and --probe-expect")
	fl.StringVar(&f.send, "probe-send", "", `bytes TCP probes send after connecting (C escapes: 'PING\r\n')`)
	fl.StringVar(&f.expect, "probe-expect", "", "substring TCP answers must contain, e.g. +PONG")
	fl.IntVar(&f.status, "probe-status", 0, "status HTTP probes expect (default: below 400, and the original's with minify)")
	fl.StringVar(&f.body, "probe-body", "", "substring HTTP answers must contain")
	fl.DurationVar(&f.wait, "probe-wait", 30*time.Second, "how long HTTP and TCP probes wait for the app to answer")
	fl.StringArrayVar(&f.env, "probe-env", nil, "KEY=VALUE set in every probe container (repeatable), e.g. PORT=8080")
	if withCmd {
		fl.StringArrayVar(&f.cmd, "probe-cmd", nil, "command probe: arguments passed to the entrypoint, quoted as in a shell (repeatable)")
	}
}

// probes reads the flags.
func (f *probeFlags) probes() (minify.Probes, error) {
	p := minify.Probes{Wait: f.wait, Env: f.env}
	for _, s := range f.http {
		hp, err := minify.ParseHTTPProbe(s)
		if err != nil {
			return p, err
		}
		hp.Status, hp.Body = f.status, f.body
		p.HTTP = append(p.HTTP, hp)
	}
	send, err := minify.Unescape(f.send)
	if err != nil {
		return p, fmt.Errorf("--probe-send: %w", err)
	}
	expect, err := minify.Unescape(f.expect)
	if err != nil {
		return p, fmt.Errorf("--probe-expect: %w", err)
	}
	if (send != "" || expect != "") && len(f.tcp) == 0 {
		return p, fmt.Errorf("--probe-send and --probe-expect need --probe-tcp PORT")
	}
	for _, s := range f.tcp {
		port, err := minify.ParsePort(s)
		if err != nil {
			return p, fmt.Errorf("--probe-tcp: %w", err)
		}
		p.TCP = append(p.TCP, minify.TCPProbe{Port: port, Send: send, Expect: expect})
	}
	for _, s := range f.cmd {
		words, err := minify.SplitArgs(s)
		if err != nil {
			return p, fmt.Errorf("--probe-cmd %q: %w", s, err)
		}
		p.Cmd = append(p.Cmd, words)
	}
	for _, e := range f.env {
		if !strings.Contains(e, "=") {
			return p, fmt.Errorf("--probe-env %q: want KEY=VALUE", e)
		}
	}
	return p, nil
}
