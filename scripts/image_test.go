package scripts_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// TestHardenImage builds harden's own image twice with `make image`'s
// script (harden base static plus the release binary), and checks: the
// same digest both times, no shell, grade A from harden's own audit, and
// that the image audits a tarball mounted into it, read-only and without
// capabilities.
func TestHardenImage(t *testing.T) {
	docker := testutil.RequireDocker(t)
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
	t.Cleanup(func() { exec.Command(docker, "rmi", "-f", tag).Run() })
	id := func() string {
		return strings.TrimSpace(run(docker, "image", "inspect", "--format", "{{.Id}}", tag))
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
	run(docker, "save", "-o", tar, testutil.GoAppImage)
	os.Chmod(tar, 0o644)
	os.Chmod(dir, 0o755)
	out = run(docker, "run", "--rm", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"-v", dir+":/data:ro", tag, "audit", "docker-archive:/data/img.tar", "-f", "json", "-q")
	if !strings.Contains(out, `"grade"`) {
		t.Errorf("harden in its image did not audit the mounted tarball:\n%s", out)
	}
	// no shell to exec into
	if out, err := exec.Command(docker, "run", "--rm", "--entrypoint", "/bin/sh", tag, "-c", "true").CombinedOutput(); err == nil {
		t.Errorf("the image has a shell:\n%s", out)
	}
}
