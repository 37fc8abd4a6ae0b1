package engine_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/runconfig"
)

// TestContainer runs the Go fixture hardened with its port published on a
// port the engine picks, asks it there, and cleans up.
func TestContainer(t *testing.T) {
	testutil.RequireImage(t, testutil.GoAppImage)
	ctx := context.Background()
	e := engine.New()
	s := &runconfig.Settings{ReadOnly: true, Tmpfs: []string{"/tmp"}, CapDrop: []string{"ALL"}, NoNewPrivileges: true, User: "65532:65532", PidsLimit: 64,
		Ports: []runconfig.Port{{Port: 8080, Proto: "tcp"}}}
	spec := engine.Spec{Image: testutil.GoAppImage, Name: engine.UniqueName("enginetest"), Hardened: s, Publish: []int{8080}}
	t.Cleanup(func() { e.Remove(context.Background(), spec.Name) })
	id, err := e.Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	port, err := e.Port(ctx, id, 8080)
	if err != nil || port == 8080 {
		t.Fatalf("Port = %d, %v: want the engine's pick, never the image's own port", port, err)
	}
	var body string
	for i := 0; i < 50 && body == ""; i++ {
		if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port)); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if body == "" {
		logs, _ := e.Logs(ctx, id)
		t.Fatalf("no answer on 127.0.0.1:%d; logs:\n%s", port, logs)
	}
	out, err := testutil.Docker("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.Config.User}} {{.HostConfig.NetworkMode}} {{index .Config.Labels \""+engine.Label+"\"}}", id)
	if err != nil || strings.TrimSpace(out) != "true [ALL] 65532:65532 default 1" {
		t.Errorf("the container runs with %q (%v)", out, err)
	}
	st, err := e.State(ctx, id)
	if err != nil || !st.Running || st.Pid <= 0 {
		t.Errorf("State = %+v, %v", st, err)
	}
	if _, err := e.Port(ctx, id, 9); err == nil {
		t.Error("Port of an unpublished port succeeded")
	}
	if err := e.Remove(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := e.Remove(ctx, id); err != nil {
		t.Errorf("removing a removed container: %v", err)
	}
	if _, err := e.State(ctx, id); err == nil {
		t.Error("State of a removed container succeeded")
	}
	// a container run to the end: its exit code and output
	name := engine.UniqueName("enginetest")
	t.Cleanup(func() { e.Remove(context.Background(), name) })
	res, err := e.Run(ctx, engine.Spec{Image: testutil.GoAppImage, Name: name, Args: []string{"version"}, Network: "none"})
	if err != nil || res.ExitCode != 0 || res.Stdout == "" {
		t.Errorf("Run version = %+v, %v", res, err)
	}
}
