package minify

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HTTPProbe asks GET http://127.0.0.1:PORT/PATH.
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

// URL is where the probe asks.
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

// Probes are what Verify and Trace ask of a running image.
type Probes struct {
	HTTP []HTTPProbe `json:"http,omitempty"`
	// Cmd lists command lines passed to the entrypoint (each runs its own
	// container to the end).
	Cmd [][]string `json:"cmd,omitempty"`
	// Wait is how long an HTTP probe waits for the app to answer.
	Wait time.Duration `json:"wait"`
	// Env adds variables to every container (PORT=...).
	Env []string `json:"env,omitempty"`
}

// Empty reports whether there is nothing to probe.
func (p Probes) Empty() bool { return len(p.HTTP) == 0 && len(p.Cmd) == 0 }

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
