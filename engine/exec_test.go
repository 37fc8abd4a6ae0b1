package engine_test

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/testutil"
)

// TestExport reads the Debian fixture's files through Export and finds
// os-release; the container it made is gone after Close.
func TestExport(t *testing.T) {
	testutil.RequireImage(t, testutil.DebianImage)
	e := engine.New()
	before := harden(t)
	r, err := e.Export(context.Background(), testutil.DebianImage)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(r)
	found, n := false, 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		found = found || h.Name == "etc/os-release" || h.Name == "usr/lib/os-release"
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if !found || n < 100 {
		t.Errorf("export had %d entries, os-release %v", n, found)
	}
	if after := harden(t); after != before {
		t.Errorf("containers before %q, after %q: Export left one", before, after)
	}
	if _, err := e.Export(context.Background(), "harden-test/no-such-image:latest"); err == nil {
		t.Error("Export of a missing image succeeded")
	}
}

// harden lists the containers this test process made.
func harden(t *testing.T) string {
	out, err := testutil.Docker("ps", "-a", "-q", "--filter", fmt.Sprintf("label=%s=%d", engine.PIDLabel, os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(out), " ")
}

// TestNetworkAddressRunRemoved: a container on a network of its own has
// no address on the default bridge, one on the bridge has one and no
// health check; RunRemoved leaves nothing behind.
func TestNetworkAddressRunRemoved(t *testing.T) {
	testutil.RequireImage(t, testutil.GoAppImage)
	ctx := context.Background()
	e := engine.New()
	network := engine.UniqueName("enginetest-net")
	if err := e.CreateNetwork(ctx, network); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.RemoveNetwork(context.Background(), network) })
	for _, tt := range []struct{ network, want string }{{network, ""}, {"", "ip"}} {
		name := engine.UniqueName("enginetest")
		t.Cleanup(func() { e.Remove(context.Background(), name) })
		if _, err := e.Start(ctx, engine.Spec{Image: testutil.GoAppImage, Name: name, Network: tt.network}); err != nil {
			t.Fatal(err)
		}
		ip, err := e.IPAddress(ctx, name)
		if err != nil || (ip != "") != (tt.want != "") {
			t.Errorf("network %q: IPAddress = %q, %v", tt.network, ip, err)
		}
		if h, err := e.Health(ctx, name); err != nil || h != "" {
			t.Errorf("Health = %q, %v; the fixture has no health check", h, err)
		}
		if err := e.Remove(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	name := engine.UniqueName("enginetest")
	res, err := e.RunRemoved(ctx, engine.Spec{Image: testutil.GoAppImage, Name: name, Args: []string{"version"}, Network: "none"})
	if err != nil || res.ExitCode != 0 || res.Stdout == "" {
		t.Errorf("RunRemoved = %+v, %v", res, err)
	}
	if _, err := e.State(ctx, name); err == nil {
		t.Error("RunRemoved left its container")
	}
	if err := e.RemoveNetwork(ctx, network); err != nil {
		t.Fatal(err)
	}
	if err := e.RemoveNetwork(ctx, network); err != nil {
		t.Errorf("removing a removed network: %v", err)
	}
}
