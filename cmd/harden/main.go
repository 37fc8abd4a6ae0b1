// Command harden lints Dockerfiles, audits and minifies container images the
// way distroless does, and measures the difference.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/harden-dev/harden/cmd/harden/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
