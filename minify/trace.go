package minify

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

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

// Trace runs the image once per probe set while strace, on the host,
// follows the app's process tree, and returns every path the app opened,
// executed or looked at successfully. The container starts the helper,
// which waits until strace is attached and then executes the command, so
// start-up is seen too; nothing is added to the image. Paths are as the
// app named them (relative ones are resolved against the working
// directory; paths relative to another directory's descriptor are not).
func Trace(ctx context.Context, r Runner, spec TraceSpec, p Probes) ([]string, error) {
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
	if p.Empty() {
		p.Cmd = [][]string{nil} // run the command once as it is
	}
	seen := map[string]bool{}
	run := func(args []string, http []HTTPProbe) error {
		paths, err := traceOnce(ctx, r, spec, straceBin, args, http, p)
		for _, q := range paths {
			seen[q] = true
		}
		return err
	}
	if len(p.HTTP) > 0 {
		if err := run(nil, p.HTTP); err != nil {
			return nil, err
		}
	}
	for _, c := range p.Cmd {
		if err := run(c, nil); err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(seen))
	for q := range seen {
		out = append(out, q)
	}
	sort.Strings(out)
	return out, nil
}

// traceOnce runs one traced container. args replace the Cmd part of argv
// when set (a command probe).
func traceOnce(ctx context.Context, r Runner, spec TraceSpec, straceBin string, args []string, http []HTTPProbe, p Probes) ([]string, error) {
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
	run := RunSpec{
		Image: spec.Image, Name: containerName("trace"), User: spec.User, Env: p.Env,
		Entrypoint: append([]string{HelperPath, "probe", "hold", "--"}, argv...),
		Args:       []string{},
		Mounts:     []Mount{{Source: spec.Helper, Target: HelperPath}},
	}
	id, err := r.Start(ctx, run)
	defer removeContainer(ctx, r, run.Name)
	if err != nil {
		return nil, err
	}
	st, err := r.State(ctx, id)
	if err != nil {
		return nil, err
	}
	if !st.Running || st.Pid <= 0 {
		logs, _ := r.Logs(context.WithoutCancel(ctx), id)
		return nil, fmt.Errorf("the traced container stopped at once (exit %d): %s", st.ExitCode, firstLine(logs))
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(sctx, straceBin, "-f", "-qq", "-z", "-s", "4096", "-e", "trace=%file,execve,chdir",
		"-o", out, "-p", strconv.Itoa(st.Pid))
	var serr bytes.Buffer
	cmd.Stderr = &limitedBuffer{b: &serr, max: 4096}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting strace: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := waitTraced(ctx, st.Pid, done); err != nil {
		return nil, fmt.Errorf("attaching strace to pid %d: %w (%s)", st.Pid, err, firstLine(serr.String()))
	}
	if err := r.Signal(ctx, id, "USR1"); err != nil {
		return nil, err
	}
	if len(http) > 0 {
		for _, hp := range http {
			if o := probeHTTP(ctx, r, id, hp, p.Wait); o.Err != "" {
				return nil, fmt.Errorf("trace: probe %s: %s", hp, o.Err)
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
	removeContainer(ctx, r, run.Name)
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
	return ParseStrace(f, wd, path.Base(HelperPath))
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

// ParseStrace reads strace -f output and returns the absolute paths of the
// successful file system calls, after the helper executed the app (calls
// of the helper itself are left out). Relative paths are resolved against
// wd and the directories chdir set; paths relative to another directory's
// descriptor are skipped.
func ParseStrace(r io.Reader, wd, helper string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	seen := map[string]bool{}
	cwd := map[string]string{}
	started := helper == ""
	for sc.Scan() {
		line := sc.Text()
		if !started && (strings.Contains(line, "<... execve resumed>") || strings.Contains(line, "superseded by execve")) {
			// Go's syscall.Exec runs on another thread: strace prints only
			// the end of the helper's execve
			started = true
			continue
		}
		pid, call, args, ok := splitStraceLine(line)
		if !ok {
			continue
		}
		dir := wd
		if d, ok := cwd[pid]; ok {
			dir = d
		}
		p, ok := straceArgPath(call, args)
		if !ok {
			continue
		}
		if call == "execve" && !started {
			if path.Base(p) == helper {
				continue
			}
			started = true
		}
		if !started {
			continue
		}
		abs := resolveIn(dir, p)
		if call == "chdir" {
			cwd[pid] = abs
		}
		seen[abs] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading strace output: %w", err)
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

// splitStraceLine splits "123 openat(AT_FDCWD, "/x", O_RDONLY) = 3" into
// the pid, the call and the argument text.
func splitStraceLine(line string) (pid, call, args string, ok bool) {
	line = strings.TrimSpace(line)
	if i := strings.IndexByte(line, ' '); i > 0 && isDigits(line[:i]) {
		pid, line = line[:i], strings.TrimSpace(line[i+1:])
	}
	open := strings.IndexByte(line, '(')
	if open <= 0 {
		return "", "", "", false
	}
	call = line[:open]
	for _, c := range call {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "", "", "", false
		}
	}
	return pid, call, line[open+1:], true
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// straceArgPath returns the path argument of a file system call: the
// first quoted string, which must follow AT_FDCWD (or be absolute) for the
// *at calls.
func straceArgPath(call, args string) (string, bool) {
	atCall := strings.HasSuffix(call, "at") || strings.HasSuffix(call, "at2") || call == "statx"
	q := strings.IndexByte(args, '"')
	if q < 0 {
		return "", false
	}
	s, ok := unquoteStrace(args[q:])
	if !ok || s == "" {
		return "", false
	}
	if atCall && !strings.HasPrefix(s, "/") && !strings.HasPrefix(args, "AT_FDCWD") {
		return "", false
	}
	return s, true
}

// unquoteStrace reads a C-style quoted string as strace prints it.
func unquoteStrace(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), true
		case '\\':
			if i+1 >= len(s) {
				return "", false
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'x':
				if i+2 < len(s) {
					if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
						b.WriteByte(byte(v))
						i += 2
						continue
					}
				}
				return "", false
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", false
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
