package scripts_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/runconfig"
)

// TestHardenImage builds harden's own image twice with `make image`'s
// script (harden base static plus the release binary), and checks: the
// same digest both times, no shell, grade A from harden's own audit, and
// that the image audits a tarball mounted into it, read-only and without
// capabilities.
func TestHardenImage(t *testing.T) {
	testutil.RequireDocker(t)
	testutil.RequireImage(t, testutil.GoAppImage)
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("make", "-s", "build", "release")
	tag := "harden-test/harden-image:" + strings.ReplaceAll(filepath.Base(t.TempDir()), "_", "")
	ctx := context.Background()
	e := engine.New()
	t.Cleanup(func() { e.RemoveImage(context.Background(), tag) })
	id := func() string {
		id, err := e.ImageID(ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	run("scripts/image.sh", tag)
	first := id()
	run("scripts/image.sh", tag)
	if second := id(); second != first {
		t.Errorf("two builds of the same commit differ: %s then %s", first, second)
	}
	var audit struct {
		Summary struct {
			Grade string `json:"grade"`
			Score int    `json:"score"`
			Shell bool   `json:"shellPresent"`
		} `json:"summary"`
	}
	out := run("bin/harden", "audit", "docker-daemon:"+tag, "-f", "json", "-q")
	if err := json.Unmarshal([]byte(out), &audit); err != nil {
		t.Fatalf("audit JSON: %v\n%s", err, out)
	}
	if audit.Summary.Grade != "A" {
		t.Errorf("harden's image grades %s (%d), want A", audit.Summary.Grade, audit.Summary.Score)
	}
	// the image at work: a tarball mounted read-only, the hardened run
	dir := t.TempDir()
	tar := filepath.Join(dir, "img.tar")
	if err := e.Save(ctx, testutil.GoAppImage, tar); err != nil {
		t.Fatal(err)
	}
	os.Chmod(tar, 0o644)
	os.Chmod(dir, 0o755)
	res, err := e.RunRemoved(ctx, engine.Spec{Image: tag, Name: engine.UniqueName("test-image"),
		Hardened: &runconfig.Settings{ReadOnly: true, CapDrop: []string{"ALL"}, NoNewPrivileges: true},
		Mounts:   []engine.Mount{{Source: dir, Target: "/data"}}, Args: []string{"audit", "docker-archive:/data/img.tar", "-f", "json", "-q"}})
	if err != nil || !strings.Contains(res.Stdout, `"grade"`) {
		t.Errorf("harden in its image did not audit the mounted tarball: %v\n%s%s", err, res.Stdout, res.Stderr)
	}
	// no shell to exec into
	res, err = e.RunRemoved(ctx, engine.Spec{Image: tag, Name: engine.UniqueName("test-image"), Entrypoint: []string{"/bin/sh"}, Args: []string{"-c", "true"}})
	if err == nil && res.ExitCode == 0 {
		t.Errorf("the image has a shell:\n%s%s", res.Stdout, res.Stderr)
	}
}
