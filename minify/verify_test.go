package minify_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/runconfig"
)

// fakeRunner "runs" images as in-process HTTP servers and command
// results, and records what was started and removed.
type fakeRunner struct {
	mu       sync.Mutex
	status   map[string]int           // image → HTTP status its server answers
	cmd      map[string]engine.Result // image → command result
	ports    map[string]int           // container → its server's port
	servers  map[string]*http.Server
	started  []engine.Spec
	removed  []string
	startErr error
}

func (f *fakeRunner) Load(context.Context, v1.Image, string) error { return nil }
func (f *fakeRunner) RemoveImage(context.Context, string) error    { return nil }

func (f *fakeRunner) Start(_ context.Context, spec engine.Spec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, spec)
	if f.startErr != nil {
		return "", f.startErr
	}
	status := f.status[spec.Image]
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	f.ports[spec.Name] = l.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, "hello "+spec.Image)
	})}
	go srv.Serve(l)
	f.servers[spec.Name] = srv
	return spec.Name, nil
}

func (f *fakeRunner) Run(_ context.Context, spec engine.Spec) (engine.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, spec)
	return f.cmd[spec.Image], nil
}

func (f *fakeRunner) State(_ context.Context, id string) (engine.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, running := f.servers[id]
	return engine.State{Running: running, Pid: 1}, nil
}

func (f *fakeRunner) Port(_ context.Context, id string, _ int) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.ports[id]; ok {
		return p, nil
	}
	return 0, fmt.Errorf("no such container")
}
func (f *fakeRunner) Signal(context.Context, string, string) error { return nil }
func (f *fakeRunner) Logs(context.Context, string) (string, error) { return "app log", nil }

func (f *fakeRunner) Remove(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, id)
	if srv, ok := f.servers[id]; ok {
		srv.Close()
		delete(f.servers, id)
	}
	return nil
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name       string
		origStatus int
		miniStatus int
		origCmd    engine.Result
		miniCmd    engine.Result
		body       string
		pass       bool
		detail     string
	}{
		{name: "same answers", origStatus: 200, miniStatus: 200, origCmd: engine.Result{Stdout: "v1\n"}, miniCmd: engine.Result{Stdout: "v1"}, pass: true},
		{name: "status differs", origStatus: 200, miniStatus: 500, pass: false, detail: "status 200 (original) vs 500 (minified)"},
		{name: "exit code differs", origStatus: 200, miniStatus: 200, origCmd: engine.Result{}, miniCmd: engine.Result{ExitCode: 127}, pass: false, detail: "exit code 0 (original) vs 127"},
		{name: "both fail the same way", origStatus: 503, miniStatus: 503, pass: false, detail: "both answered 503"},
		{name: "body substring missing", origStatus: 200, miniStatus: 200, body: "hello orig", pass: false, detail: "minified image's body lacks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.status = map[string]int{"orig": tt.origStatus, "mini": tt.miniStatus}
			f.cmd = map[string]engine.Result{"orig": tt.origCmd, "mini": tt.miniCmd}
			p := minify.Probes{Wait: 5 * time.Second, HTTP: []minify.HTTPProbe{{Port: 3000, Path: "/", Body: tt.body}}, Cmd: [][]string{{"version"}}}
			res, err := minify.Verify(context.Background(), f, spec, p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Passed != tt.pass {
				t.Errorf("Passed = %v, want %v: %+v", res.Passed, tt.pass, res.Probes)
			}
			var details []string
			for _, pr := range res.Probes {
				details = append(details, pr.Detail)
			}
			if !strings.Contains(strings.Join(details, "|"), tt.detail) {
				t.Errorf("details %q lack %q", details, tt.detail)
			}
			// every container is removed; the minified one ran hardened;
			// servers publish the probed port and never use the host network
			if len(f.removed) != len(f.started) || len(f.servers) != 0 {
				t.Errorf("started %d containers, removed %d", len(f.started), len(f.removed))
			}
			for _, s := range f.started {
				if s.Image == "mini" && s.Hardened != spec.Hardened {
					t.Errorf("minified ran with %+v", s)
				}
				if s.Image == "orig" && s.Hardened != nil {
					t.Errorf("original ran hardened")
				}
				if s.Network == "host" || s.Args == nil && (len(s.Publish) != 1 || s.Publish[0] != 3000) {
					t.Errorf("a server ran with network %q, publishing %v", s.Network, s.Publish)
				}
			}
		})
	}
}

// spec is what the fake verifies: two images, the minified one hardened.
var spec = minify.VerifySpec{Original: "orig", Minified: "mini", Hardened: &runconfig.Settings{ReadOnly: true, User: "65532:65532"}}

func newFake() *fakeRunner {
	return &fakeRunner{servers: map[string]*http.Server{}, ports: map[string]int{}, cmd: map[string]engine.Result{}}
}

func TestVerifyRemovesContainersOnFailure(t *testing.T) {
	f := newFake()
	f.startErr = fmt.Errorf("engine says no")
	p := minify.Probes{HTTP: []minify.HTTPProbe{{Port: 1, Path: "/"}}}
	if _, err := minify.Verify(context.Background(), f, spec, p); err == nil {
		t.Fatal("Verify succeeded with a failing engine")
	}
	if len(f.removed) != 1 {
		t.Errorf("removed %v, want the container that failed to start", f.removed)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f = newFake()
	minify.Verify(ctx, f, spec, minify.Probes{Cmd: [][]string{{"x"}}})
	if len(f.removed) != len(f.started) {
		t.Errorf("after Ctrl-C: started %d, removed %d", len(f.started), len(f.removed))
	}
	if _, err := minify.Verify(context.Background(), f, spec, minify.Probes{}); err == nil {
		t.Error("Verify without probes succeeded")
	}
}
