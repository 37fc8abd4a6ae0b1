package minify

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ParseStrace reads strace -f output and returns the absolute paths of the
// successful file system calls after the helper executed the app (see
// ParseStraceFiles).
func ParseStrace(r io.Reader, wd, helper string) ([]string, error) {
	t, err := ParseStraceFiles(r, wd, helper)
	if err != nil {
		return nil, err
	}
	return t.Opened, nil
}

// ParseStraceFiles reads `strace -f` output (without -z: failures are
// told apart by their result here) and returns the absolute paths of the
// successful file system calls and the directories written in, from the
// first successful execve on (the helper executing the app; the helper's
// own calls before it are left out, and with helper == "" everything
// counts). A call strace split into "<unfinished ...>" and "<... resumed>"
// lines is joined first; an execve that a non-leader thread made resumes
// under the leader's pid. Relative paths are resolved against wd and the
// directories chdir set; paths relative to another directory's descriptor
// are skipped.
func ParseStraceFiles(r io.Reader, wd, helper string) (*Traced, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	opened, written := map[string]bool{}, map[string]bool{}
	cwd := map[string]string{}
	pending := map[string]string{} // pid → the start of an unfinished call
	started := helper == ""
	for sc.Scan() {
		pid, rest := splitPid(sc.Text())
		if before, ok := strings.CutSuffix(rest, "<unfinished ...>"); ok {
			pending[pid] = strings.TrimRight(before, " ")
			continue
		}
		if before, newPid, ok := pidChanged(rest); ok {
			// a thread's execve: it resumes under the leader's pid
			pending[newPid] = before
			continue
		}
		if strings.HasPrefix(rest, "<... ") {
			call, tail, ok := resumed(rest)
			if !ok {
				continue
			}
			head, found := pending[pid]
			if !found {
				if call == "execve" && !started {
					// strace -z drops the start of a thread's execve: the
					// path is lost, but the app runs from here on
					started = true
				}
				continue
			}
			delete(pending, pid)
			rest = head + tail
		}
		c, ok := parseCall(rest)
		if !ok || !c.ok || c.name == "getcwd" { // getcwd reports a path, it does not use one
			continue
		}
		paths := c.paths()
		if !started {
			if c.name != "execve" && c.name != "execveat" || len(paths) > 0 && path.Base(paths[0]) == helper {
				continue // the helper's own calls
			}
			started = true
		}
		dir := wd
		if d, ok := cwd[pid]; ok {
			dir = d
		}
		if len(paths) == 0 {
			continue
		}
		abs := resolveIn(dir, paths[0])
		if c.name == "chdir" {
			cwd[pid] = abs
		}
		if !writableDir(abs) && abs != "/" {
			continue // the kernel's and the engine's (/proc, /sys, /dev), never the image's
		}
		opened[abs] = true
		if c.writes() {
			for _, p := range paths {
				if d := path.Dir(resolveIn(dir, p)); writableDir(d) {
					written[d] = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading strace output: %w", err)
	}
	return &Traced{Opened: keys(opened), Written: keys(written)}, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writableDir reports whether a written directory is one a tmpfs can
// serve: not the root, not the kernel's or the engine's own.
func writableDir(d string) bool {
	for _, sys := range []string{"/proc", "/sys", "/dev"} {
		if d == sys || strings.HasPrefix(d, sys+"/") {
			return false
		}
	}
	return d != "/" && strings.HasPrefix(d, "/")
}

// splitPid splits "123 openat(...)" into the pid and the rest (no pid:
// strace traced one process).
func splitPid(line string) (string, string) {
	line = strings.TrimSpace(line)
	if i := strings.IndexByte(line, ' '); i > 0 && isDigits(line[:i]) {
		return line[:i], strings.TrimSpace(line[i+1:])
	}
	return "", line
}

// pidChanged reads `execve("/x", ... <pid changed to 12 ...>`: the
// call's start and the pid it resumes under.
func pidChanged(s string) (string, string, bool) {
	i := strings.LastIndex(s, "<pid changed to ")
	if i < 0 || !strings.HasSuffix(s, " ...>") {
		return "", "", false
	}
	n := strings.TrimSuffix(s[i+len("<pid changed to "):], " ...>")
	if !isDigits(n) {
		return "", "", false
	}
	return strings.TrimRight(s[:i], " "), n, true
}

// resumed reads "<... openat resumed>, O_RDONLY) = 3" into the call's name
// and what follows "resumed>".
func resumed(s string) (string, string, bool) {
	s = strings.TrimPrefix(s, "<... ")
	name, tail, ok := strings.Cut(s, " resumed>")
	return name, tail, ok
}

// call is one complete strace line: name(args) = result.
type call struct {
	name, args string
	// ok is a result that is not an error (-1 ERRNO).
	ok bool
}

func parseCall(s string) (call, bool) {
	open := strings.IndexByte(s, '(')
	if open <= 0 {
		return call{}, false
	}
	c := call{name: s[:open]}
	for _, r := range c.name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return call{}, false
		}
	}
	// "...) = 3", padded to a column after a resumed call: ")      = 0"
	eq := strings.LastIndex(s, " = ")
	if eq < open {
		return call{}, false // no result: a call that never returned
	}
	head := strings.TrimRight(s[:eq], " ")
	if !strings.HasSuffix(head, ")") {
		return call{}, false
	}
	c.args = head[open+1 : len(head)-1]
	res := strings.TrimSpace(s[eq+3:])
	c.ok = res != "" && !strings.HasPrefix(res, "-") && !strings.HasPrefix(res, "?")
	return c, true
}

// paths returns the call's path arguments: every quoted string that
// follows AT_FDCWD or is absolute for the *at calls, the first quoted
// string otherwise (the second too for rename, link and symlink).
func (c call) paths() []string {
	at := strings.HasSuffix(c.name, "at") || strings.HasSuffix(c.name, "at2") || c.name == "statx" || c.name == "execveat"
	two := strings.HasPrefix(c.name, "rename") || strings.HasPrefix(c.name, "link") || strings.HasPrefix(c.name, "symlink")
	var out []string
	rest := c.args
	for rest != "" {
		q := strings.IndexByte(rest, '"')
		if q < 0 {
			break
		}
		prefix := strings.TrimSpace(rest[:q])
		s, n, ok := unquoteStrace(rest[q:])
		if !ok {
			break
		}
		rest = rest[q+n:]
		relOK := !at || strings.HasSuffix(prefix, "AT_FDCWD,") || strings.HasSuffix(prefix, "AT_FDCWD")
		if s != "" && (strings.HasPrefix(s, "/") || relOK) {
			out = append(out, s)
		} else if len(out) == 0 {
			return nil // the first path is relative to another descriptor
		}
		if !two || len(out) == 2 {
			break
		}
		if c.name == "execve" || c.name == "execveat" {
			break // argv follows, not paths
		}
	}
	return out
}

// writes reports whether the call changed the directory of its paths:
// created, opened for writing, renamed, linked or removed a file, or made
// or removed a directory.
func (c call) writes() bool {
	switch {
	case c.name == "creat", strings.HasPrefix(c.name, "mkdir"), strings.HasPrefix(c.name, "rename"),
		strings.HasPrefix(c.name, "unlink"), c.name == "rmdir", strings.HasPrefix(c.name, "link"),
		strings.HasPrefix(c.name, "symlink"), c.name == "mknod", c.name == "mknodat":
		return true
	case c.name == "open" || c.name == "openat" || c.name == "openat2":
		for _, f := range []string{"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"} {
			if strings.Contains(c.args, f) {
				return true
			}
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// unquoteStrace reads a C-style quoted string as strace prints it and
// returns it and the bytes it took (a "..." after the quote, strace's mark
// of a cut string, is part of it).
func unquoteStrace(s string) (string, int, bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", 0, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			n := i + 1
			if strings.HasPrefix(s[n:], "...") {
				n += 3
			}
			return b.String(), n, true
		case '\\':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'x':
				if i+2 < len(s) {
					if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
						b.WriteByte(byte(v))
						i += 2
						continue
					}
				}
				return "", 0, false
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}
