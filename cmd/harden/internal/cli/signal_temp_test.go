package cli

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harden-dev/harden/debian/debiantest"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// TestSignalRemovesTemporaries runs the real harden binary, signals it in
// the middle of `db import` and `base`, and checks that the temporary
// files it made are gone and nothing half-written was left in place.
func TestSignalRemovesTemporaries(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "harden")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/harden-dev/harden/cmd/harden").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	t.Run("db import, SIGINT", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "db")
		if out, err := exec.Command(bin, "db", "import", "-q", "--db", db, "../../../../vuln/testdata/records").CombinedOutput(); err != nil {
			t.Fatalf("first import: %v\n%s", err, out)
		}
		before, err := os.ReadFile(filepath.Join(db, "osv.db"))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "db", "import", "-q", "--db", db, filepath.Join(tu.SharedDir(t), "vulndb"))
		interrupt(t, cmd, syscall.SIGINT, func() bool { return hasEntry(db, ".osv.db.new-") })
		if left := entries(db); len(left) != 1 || left[0] != "osv.db" {
			t.Errorf("database directory after the signal holds %v, want only osv.db", left)
		}
		after, err := os.ReadFile(filepath.Join(db, "osv.db"))
		if err != nil || !bytes.Equal(before, after) {
			t.Errorf("the interrupted import changed the database (%v)", err)
		}
	})

	t.Run("base, SIGTERM", func(t *testing.T) {
		if _, err := exec.LookPath("dpkg-deb"); err != nil {
			tu.Unavailable(t, "dpkg-deb is needed to build the test package")
		}
		dir := t.TempDir()
		debs, tmp, out := filepath.Join(dir, "debs"), filepath.Join(dir, "tmp"), filepath.Join(dir, "out")
		for _, d := range []string{debs, tmp, out} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		buildBigDeb(t, filepath.Join(dir, "pkg"), filepath.Join(debs, "big.deb"))
		cmd := exec.Command(bin, "base", "--debs", debs, "-p", "big", "-o", "oci-archive:"+filepath.Join(out, "base.tar"))
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		interrupt(t, cmd, syscall.SIGTERM, func() bool { return hasEntry(tmp, "harden-") })
		if left := entries(tmp); len(left) != 0 {
			t.Errorf("temporary directory after the signal holds %v", left)
		}
		if left := entries(out); len(left) != 0 {
			t.Errorf("output directory after the signal holds %v", left)
		}
	})

	t.Run("base downloading, SIGINT", func(t *testing.T) {
		data := make([]byte, 64<<20)
		rand.NewChaCha8([32]byte{2}).Read(data)
		repo := debiantest.NewRepo(t, "stable", "amd64", debiantest.Package{Name: "big", Version: "1.0-1", Compression: "none",
			Files: append(debiantest.Dirs("./usr/share/big/data"), debiantest.File{Name: "./usr/share/big/data", Body: string(data)})})
		dir := t.TempDir()
		cache, tmp, out := filepath.Join(dir, "cache"), filepath.Join(dir, "tmp"), filepath.Join(dir, "out")
		for _, d := range []string{tmp, out} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(bin, "base", "--mirror", repo.URL, "--suite", "stable", "--keyring", repo.KeyringFile(t, dir),
			"--cache", cache, "-p", "big", "-o", "oci-archive:"+filepath.Join(out, "base.tar"))
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		interrupt(t, cmd, syscall.SIGINT, func() bool { return len(walk(cache, ".part-")) > 0 || hasEntry(tmp, "harden-") })
		if left := walk(cache, ".part-"); len(left) != 0 {
			t.Errorf("download cache after the signal holds partial files %v", left)
		}
		if left := entries(tmp); len(left) != 0 {
			t.Errorf("temporary directory after the signal holds %v", left)
		}
		if left := entries(out); len(left) != 0 {
			t.Errorf("output directory after the signal holds %v", left)
		}
	})
}

// walk lists the files below dir whose name starts with prefix.
func walk(dir, prefix string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), prefix) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// interrupt starts cmd, sends sig once started() says its work is under
// way, and checks that it then stops, with a failure exit code.
func interrupt(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, started func() bool) {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for !started() {
		select {
		case err := <-done:
			t.Fatalf("harden ended (%v) before it could be interrupted; give it more work\n%s", err, stderr.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("harden made no temporary file in 2 minutes\n%s", stderr.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("harden exited 0 after %v; stderr:\n%s", sig, stderr.String())
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("harden did not stop within a minute of %v", sig)
	}
}

// buildBigDeb makes a package with 96 MB of incompressible data, so
// assembling it takes long enough to be interrupted.
func buildBigDeb(t *testing.T, root, deb string) {
	t.Helper()
	for _, d := range []string{"DEBIAN", "usr/share/big"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	control := "Package: big\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: harden tests <tests@example.com>\nDescription: incompressible data\n"
	if err := os.WriteFile(filepath.Join(root, "DEBIAN/control"), []byte(control), 0o644); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 96<<20)
	rng := rand.NewChaCha8([32]byte{1})
	rng.Read(data)
	if err := os.WriteFile(filepath.Join(root, "usr/share/big/data"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Znone", "--build", root, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
}

func entries(dir string) []string {
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func hasEntry(dir, prefix string) bool {
	for _, n := range entries(dir) {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}
