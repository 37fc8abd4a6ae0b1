package minify

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HTTPProbe asks GET /PATH of the container's port PORT (published on a
// free port of 127.0.0.1).
type HTTPProbe struct {
	Port int    `json:"port"`
	Path string `json:"path"`
	// Status is the expected status; 0 means "the same as the original's,
	// and below 400".
	Status int `json:"status,omitempty"`
	// Body, when set, must be a substring of both responses.
	Body string `json:"body,omitempty"`
}

// String is the PORT/PATH form.
func (p HTTPProbe) String() string { return fmt.Sprintf("%d%s", p.Port, p.Path) }

// URL is the probe's address inside the container (the healthcheck's).
func (p HTTPProbe) URL() string { return fmt.Sprintf("http://127.0.0.1:%d%s", p.Port, p.Path) }

// ParseHTTPProbe reads "PORT/PATH" ("3000/healthz", "8080/").
func ParseHTTPProbe(s string) (HTTPProbe, error) {
	port, p, _ := strings.Cut(s, "/")
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return HTTPProbe{}, fmt.Errorf("bad HTTP probe %q: want PORT/PATH, e.g. 3000/healthz", s)
	}
	if strings.ContainsAny(p, " \t\n#") {
		return HTTPProbe{}, fmt.Errorf("bad HTTP probe %q: the path has spaces or a fragment", s)
	}
	return HTTPProbe{Port: n, Path: "/" + p}, nil
}

// TCPProbe connects to the container's port PORT, sends Send (if any) and
// reads the answer, which must contain Expect (if set).
type TCPProbe struct {
	Port   int    `json:"port"`
	Send   string `json:"send,omitempty"`
	Expect string `json:"expect,omitempty"`
}

// String is "tcp PORT".
func (p TCPProbe) String() string { return fmt.Sprintf("tcp %d", p.Port) }

// ParsePort reads a TCP port number.
func ParsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("bad port %q: want a number from 1 to 65535", s)
	}
	return n, nil
}

// Unescape reads the C escapes \r \n \t \0 \\ and \xHH in a probe's
// bytes ("PING\r\n").
func Unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("trailing backslash")
		}
		i++
		switch s[i] {
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '0':
			b.WriteByte(0)
		case '\\':
			b.WriteByte('\\')
		case 'x':
			if i+2 >= len(s) {
				return "", errors.New("\\x needs two hex digits")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("bad escape \\x%s", s[i+1:i+3])
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// Probes are what Verify and Trace ask of a running image.
type Probes struct {
	HTTP []HTTPProbe `json:"http,omitempty"`
	TCP  []TCPProbe  `json:"tcp,omitempty"`
	// Cmd lists command lines passed to the entrypoint (each runs its own
	// container to the end).
	Cmd [][]string `json:"cmd,omitempty"`
	// Wait is how long an HTTP or TCP probe waits for the app to answer.
	Wait time.Duration `json:"wait"`
	// Env adds variables to every container (PORT=...).
	Env []string `json:"env,omitempty"`
}

// Empty reports whether there is nothing to probe.
func (p Probes) Empty() bool { return len(p.HTTP) == 0 && len(p.TCP) == 0 && len(p.Cmd) == 0 }

// ports are the container ports the server probes ask, each once.
func (p Probes) ports() []int {
	var out []int
	seen := map[int]bool{}
	add := func(n int) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, h := range p.HTTP {
		add(h.Port)
	}
	for _, t := range p.TCP {
		add(t.Port)
	}
	return out
}

// SplitArgs splits a command line into words the way a POSIX shell would
// for simple words: whitespace separates, '...' and "..." quote, a
// backslash escapes the next character. Nothing is expanded.
func SplitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	quote := rune(0)
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if escaped {
		return nil, errors.New("trailing backslash")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
