package cli

import (
	"time"

	"github.com/harden-dev/harden/minify"
	"github.com/spf13/pflag"
)

// probeFlags are the probe flags minify, patch and runtime --verify share.
type probeFlags struct{ minify.ProbeSpec }

// add registers the flags; withCmd adds --probe-cmd.
func (f *probeFlags) add(fl *pflag.FlagSet, withCmd bool) {
	fl.StringArrayVar(&f.HTTP, "probe-http", nil, "HTTP probe PORT/PATH: the container's port, published on a free port of 127.0.0.1 (repeatable)")
	fl.StringArrayVar(&f.TCP, "probe-tcp", nil, "TCP probe PORT for a non-HTTP service (repeatable); with --probe-send and --probe-expect")
	fl.StringVar(&f.Send, "probe-send", "", `bytes TCP probes send after connecting (C escapes: 'PING\r\n')`)
	fl.StringVar(&f.Expect, "probe-expect", "", "substring TCP answers must contain, e.g. +PONG")
	fl.IntVar(&f.Status, "probe-status", 0, "status HTTP probes expect (default: below 400, and the original's with minify)")
	fl.StringVar(&f.Body, "probe-body", "", "substring HTTP answers must contain")
	fl.DurationVar(&f.Wait, "probe-wait", 30*time.Second, "how long HTTP and TCP probes wait for the app to answer")
	fl.StringArrayVar(&f.Env, "probe-env", nil, "KEY=VALUE set in every probe container (repeatable), e.g. PORT=8080")
	if withCmd {
		fl.StringArrayVar(&f.Cmd, "probe-cmd", nil, "command probe: arguments passed to the entrypoint, quoted as in a shell (repeatable)")
	}
}
