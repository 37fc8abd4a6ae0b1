package minify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds the body kept of an HTTP or TCP answer.
const maxBody = 4096

// askFunc asks a server at addr once: an Outcome when it answered, an
// error when it should be asked again (not listening yet).
type askFunc func(ctx context.Context, addr string) (Outcome, error)

// askContainer asks the container id's port (published on 127.0.0.1 by
// the engine) until it answers, the container exits or wait runs out. An
// answer counts only when the container still runs once it arrived: the
// published port belongs to this container alone, and a container that is
// gone cannot have answered.
func askContainer(ctx context.Context, r Runner, id string, port int, wait time.Duration, ask askFunc) Outcome {
	if wait <= 0 {
		wait = 30 * time.Second
	}
	deadline := time.Now().Add(wait)
	exited := func(when string) (Outcome, bool) {
		st, err := r.State(ctx, id)
		if err != nil {
			return Outcome{Err: "the engine lost the container: " + err.Error()}, true
		}
		if !st.Running {
			msg := fmt.Sprintf("the container exited with code %d %s", st.ExitCode, when)
			if st.Error != "" {
				msg += ": " + st.Error
			}
			return Outcome{Err: msg}, true
		}
		return Outcome{}, false
	}
	host, err := r.Port(ctx, id, port)
	if err != nil {
		if o, gone := exited("before its port was published"); gone {
			return o
		}
		return Outcome{Err: fmt.Sprintf("port %d could not be published on 127.0.0.1: %v", port, err)}
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(host))
	lastErr := ""
	for {
		o, err := ask(ctx, addr)
		if err == nil {
			if gone, ok := exited("while the answer came: it is not taken as the app's"); ok {
				return gone
			}
			return o
		}
		lastErr = err.Error()
		if o, gone := exited("before answering"); gone {
			return o
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return Outcome{Err: "no answer within " + wait.String() + ": " + lastErr}
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// askHTTP is GET p.Path.
func askHTTP(p HTTPProbe) askFunc {
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // a redirect is the answer; following it could leave the container
	}}
	return func(ctx context.Context, addr string) (Outcome, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+p.Path, nil)
		if err != nil {
			return Outcome{}, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return Outcome{}, err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		return Outcome{Status: resp.StatusCode, Body: string(body)}, nil
	}
}

// errClosed means the connection closed before anything came: the engine's
// proxy accepts on the published port and closes when the app does not
// listen yet.
var errClosed = errors.New("the connection closed without an answer")

// askTCP connects, sends p.Send and reads until p.Expect arrived, the
// server closed or a quiet second passed.
func askTCP(p TCPProbe) askFunc {
	return func(ctx context.Context, addr string) (Outcome, error) {
		d := net.Dialer{Timeout: 5 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return Outcome{}, err
		}
		defer conn.Close()
		if p.Send != "" {
			conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.WriteString(conn, p.Send); err != nil {
				return Outcome{}, err
			}
		}
		var got []byte
		buf := make([]byte, 1024)
		quiet := time.Second
		if p.Expect != "" {
			quiet = 5 * time.Second
		}
		for len(got) < maxBody {
			conn.SetReadDeadline(time.Now().Add(quiet))
			n, err := conn.Read(buf)
			got = append(got, buf[:n]...)
			if p.Expect != "" && strings.Contains(string(got), p.Expect) {
				break
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				break // a quiet server that keeps the connection open
			}
			if err != nil {
				if len(got) == 0 {
					return Outcome{}, errClosed
				}
				break
			}
		}
		return Outcome{Body: truncate(string(got), maxBody)}, nil
	}
}
