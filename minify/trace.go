package minify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/fsindex"
)

// HelperPath is where Trace bind-mounts the static helper (harden itself)
// that holds the app until strace is attached.
const HelperPath = "/.harden-trace/harden"

// TraceSpec says how to trace one image.
type TraceSpec struct {
	// Image is a reference the engine knows (the original image).
	Image string
	// Argv is the command the container runs (Entrypoint + Cmd).
	Argv []string
	// WorkingDir resolves relative paths ("/" when empty).
	WorkingDir string
	// User runs the container as this user (the image's when empty).
	User string
	// Helper is a host path to a static binary whose "probe hold --
	// ARGV" waits for SIGUSR1 and then executes ARGV (harden is one).
	Helper string
	// Strace is the host's strace ("strace" when empty).
	Strace string
}

// Traced is what a trace saw.
type Traced struct {
	// Opened lists every path the app opened, executed or looked at
	// successfully, the entrypoint binary included.
	Opened []string `json:"opened"`
	// Written lists the directories the app wrote in: where it created,
	// opened for writing, renamed or removed files, or made directories.
	Written []string `json:"written,omitempty"`
}

// Trace runs the image once per probe set while strace, on the host,
// follows the app's process tree, and returns every path the app opened,
// executed or looked at successfully (see TraceFiles).
func Trace(ctx context.Context, r Runner, spec TraceSpec, p Probes) ([]string, error) {
	t, err := TraceFiles(ctx, r, spec, p)
	if err != nil {
		return nil, err
	}
	return t.Opened, nil
}

// TraceFiles runs the image once per probe set while strace, on the host,
// follows the app's process tree, and returns what it opened and where it
// wrote. The container starts the helper, which waits until strace is
// attached and then executes the command, so start-up is seen too;
// nothing is added to the image. Paths are as the app named them
// (relative ones are resolved against the working directory; paths
// relative to another directory's descriptor are not).
func TraceFiles(ctx context.Context, r Runner, spec TraceSpec, p Probes) (*Traced, error) {
	if spec.Helper == "" {
		return nil, fmt.Errorf("trace needs a static helper binary")
	}
	straceBin := spec.Strace
	if straceBin == "" {
		straceBin = "strace"
	}
	if _, err := exec.LookPath(straceBin); err != nil {
		return nil, fmt.Errorf("trace needs strace on the host (apt-get install strace): %w", err)
	}
	servers := len(p.HTTP) > 0 || len(p.TCP) > 0
	if !servers && len(p.Cmd) == 0 {
		p.Cmd = [][]string{nil} // run the command once as it is
	}
	all := &Traced{}
	run := func(args []string, server bool) error {
		t, err := traceOnce(ctx, r, spec, straceBin, args, server, p)
		if t != nil {
			all.Opened = append(all.Opened, t.Opened...)
			all.Written = append(all.Written, t.Written...)
		}
		return err
	}
	if servers {
		if err := run(nil, true); err != nil {
			return nil, err
		}
	}
	for _, c := range p.Cmd {
		if err := run(c, false); err != nil {
			return nil, err
		}
	}
	all.Opened, all.Written = sortedSet(all.Opened), sortedSet(all.Written)
	return all, nil
}

func sortedSet(list []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// traceOnce runs one traced container. args replace the Cmd part of argv
// when set (a command probe); server says to ask the HTTP and TCP probes.
func traceOnce(ctx context.Context, r Runner, spec TraceSpec, straceBin string, args []string, server bool, p Probes) (_ *Traced, err error) {
	argv := spec.Argv
	if args != nil {
		argv = append([]string{argv[0]}, args...)
	}
	tmp, err := os.MkdirTemp("", "harden-trace-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "strace.out")
	run := engine.Spec{
		Image: spec.Image, Name: engine.UniqueName("trace"), User: spec.User, Env: p.Env,
		Entrypoint: append([]string{HelperPath, "probe", "hold", "--"}, argv...),
		Args:       []string{},
		Mounts:     []engine.Mount{{Source: spec.Helper, Target: HelperPath}},
	}
	if server {
		run.Publish = p.ports()
	}
	removed := false
	remove := func() {
		if removed {
			return
		}
		removed = true
		if rerr := removeContainer(ctx, r, run.Name); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	defer remove()
	id, err := r.Start(ctx, run)
	if err != nil {
		return nil, err
	}
	st, err := r.State(ctx, id)
	if err != nil {
		return nil, err
	}
	if !st.Running || st.Pid <= 0 {
		logs, _ := r.Logs(context.WithoutCancel(ctx), id)
		return nil, fmt.Errorf("the traced container stopped at once (exit %d): %s", st.ExitCode, engine.FirstLine(logs))
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(sctx, straceBin, "-f", "-qq", "-s", "4096", "-e", "trace=%file,execve,chdir",
		"-o", out, "-p", strconv.Itoa(st.Pid))
	var serr strings.Builder
	cmd.Stderr = &serr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting strace: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := waitTraced(ctx, st.Pid, done); err != nil {
		return nil, fmt.Errorf("attaching strace to pid %d: %w (%s)", st.Pid, err, engine.FirstLine(serr.String()))
	}
	if err := r.Signal(ctx, id, "USR1"); err != nil {
		return nil, err
	}
	if server {
		for _, hp := range p.HTTP {
			if o := askContainer(ctx, r, id, hp.Port, p.Wait, askHTTP(hp)); o.Err != "" {
				return nil, fmt.Errorf("trace: probe %s: %s", hp, o.Err)
			}
		}
		for _, tp := range p.TCP {
			if o := askContainer(ctx, r, id, tp.Port, p.Wait, askTCP(tp)); o.Err != "" {
				return nil, fmt.Errorf("trace: probe %s: %s", tp, o.Err)
			}
		}
		time.Sleep(500 * time.Millisecond)
	} else {
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if st, err := r.State(ctx, id); err != nil || !st.Running {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	remove()
	if err != nil {
		return nil, err
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel()
		<-done
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	defer f.Close()
	wd := spec.WorkingDir
	if wd == "" {
		wd = "/"
	}
	return ParseStraceFiles(f, wd, path.Base(HelperPath))
}

// waitTraced waits until the kernel says pid has a tracer.
func waitTraced(ctx context.Context, pid int, done <-chan error) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return fmt.Errorf("reading /proc/%d/status (trace needs the engine on this host): %w", pid, err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "TracerPid:"); ok && strings.TrimSpace(v) != "0" {
				return nil
			}
		}
		select {
		case err := <-done:
			return fmt.Errorf("strace exited: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("timed out")
}

// OpenedSize is the size floor a trace gives: the regular files among
// paths (resolved inside the image, each counted once) and their bytes.
func OpenedSize(x *fsindex.Index, paths []string) (files int, size int64) {
	seen := map[string]bool{}
	for _, p := range paths {
		res, err := x.Resolve(p)
		if err != nil || res.Entry == nil {
			continue
		}
		e := x.Target(res.Entry)
		if e.Type != fsindex.TypeRegular || seen[e.Path] {
			continue
		}
		seen[e.Path] = true
		files++
		size += e.Size
	}
	return files, size
}
