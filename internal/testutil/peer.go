package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequirePeer returns the path of a peer tool harden is compared with
// (osv-scanner, syft, dive): on PATH or in $(go env GOPATH)/bin, where
// scripts/peers.sh installs it. Without it the test skips, or fails in CI,
// since .ci/run installs the peers through scripts/setup.sh.
func RequirePeer(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	Unavailable(t, "%s is not installed; scripts/peers.sh installs it (see docs/accuracy.md)", name)
	return ""
}
