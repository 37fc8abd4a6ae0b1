package minify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Hold is `harden probe hold`, run inside the original image by --trace:
// it waits for SIGUSR1 (strace is attached) or wait, then executes args
// in place of harden. It returns only on an error.
func Hold(ctx context.Context, wait time.Duration, args []string) error {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	select {
	case <-ch:
	case <-time.After(wait):
	case <-ctx.Done():
		return ctx.Err()
	}
	signal.Stop(ch)
	prog, err := exec.LookPath(args[0])
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	return syscall.Exec(prog, args, os.Environ())
}
