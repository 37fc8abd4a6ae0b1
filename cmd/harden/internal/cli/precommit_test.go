package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// TestPreCommitHooks runs the repository's .pre-commit-hooks.yaml through
// Debian's pre-commit on a temporary git repository: pre-commit builds
// harden from a clone of this repository (language: golang), a bad
// Dockerfile fails the commit, a clean one passes, and harden-fix-check
// fails while `harden lint --fix` would still change the file.
func TestPreCommitHooks(t *testing.T) {
	precommit, err := exec.LookPath("pre-commit")
	if err != nil {
		testutil.Unavailable(t, "pre-commit is not installed (apt-get install pre-commit; scripts/setup.sh does)")
	}
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		testutil.Unavailable(t, "the repository is not a git checkout")
	}
	tmp := t.TempDir()
	run := func(dir string, env []string, name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(dir string, name string, args ...string) string {
		out, err := run(dir, nil, name, args...)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return out
	}
	// the hook repository: this checkout's HEAD, plus the working tree's
	// hooks file and sources when they differ (a developer's uncommitted
	// change), committed in a clone
	hooks := filepath.Join(tmp, "harden")
	must(tmp, "git", "clone", "-q", "--no-hardlinks", root, hooks)
	if _, err := run(root, nil, "git", "diff", "--quiet", "HEAD"); err != nil {
		patch := must(root, "git", "diff", "HEAD", "--binary")
		cmd := exec.Command("git", "apply", "--whitespace=nowarn")
		cmd.Dir, cmd.Stdin = hooks, strings.NewReader(patch)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("applying the working tree's changes: %v\n%s", err, out)
		}
	}
	gitID := []string{"-c", "user.name=harden", "-c", "user.email=harden@example.com"}
	must(hooks, "git", append(gitID, "commit", "-q", "--allow-empty", "-am", "test hooks")...)
	rev := strings.TrimSpace(must(hooks, "git", "rev-parse", "HEAD"))

	app := filepath.Join(tmp, "app")
	must(tmp, "git", "init", "-q", app)
	config := "repos:\n  - repo: " + hooks + "\n    rev: " + rev + "\n    hooks:\n      - id: harden-lint\n      - id: harden-fix-check\n"
	write(t, filepath.Join(app, ".pre-commit-config.yaml"), config)
	gomodcache := strings.TrimSpace(must(root, "go", "env", "GOMODCACHE"))
	gocache := strings.TrimSpace(must(root, "go", "env", "GOCACHE"))
	// share the module and build caches so pre-commit's go install needs
	// no download; pre-commit's own cache stays in the test's folder
	env := []string{"PRE_COMMIT_HOME=" + filepath.Join(tmp, "pre-commit"), "GOMODCACHE=" + gomodcache, "GOCACHE=" + gocache,
		"GOTOOLCHAIN=local", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	if out, err := run(app, env, precommit, "install"); err != nil {
		t.Fatalf("pre-commit install: %v\n%s", err, out)
	}

	// a bad Dockerfile: the commit fails, naming the rules
	write(t, filepath.Join(app, "Dockerfile"), "FROM node:latest\nCOPY . .\nRUN apt-get update && apt-get install -y curl\nCMD node index.js\n")
	must(app, "git", "add", "-A")
	out, err := run(app, env, "git", "commit", "-q", "-m", "bad")
	if err == nil {
		t.Fatalf("the commit of a bad Dockerfile passed:\n%s", out)
	}
	for _, want := range []string{"harden lint (Dockerfiles)", "Failed", "DL3007", "harden fix check (Dockerfiles)", "would change with harden lint --fix"} {
		if !strings.Contains(out, want) {
			t.Errorf("the failed commit's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Passed") && !strings.Contains(out, "Failed") {
		t.Fatalf("no hook failed:\n%s", out)
	}

	// a clean Dockerfile: the commit passes
	clean := "# syntax=docker/dockerfile:1\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:" + strings.Repeat("a", 64) + "\nCOPY --chown=65532:65532 app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n"
	write(t, filepath.Join(app, "Dockerfile"), clean)
	must(app, "git", "add", "-A")
	if out, err := run(app, env, "git", "commit", "-q", "-m", "clean"); err != nil {
		t.Fatalf("the commit of a clean Dockerfile failed: %v\n%s", err, out)
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
