package image

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestContextHost(t *testing.T) {
	dir := t.TempDir()
	if h, err := contextHost(dir, ""); h != "" || err != nil {
		t.Errorf("no config: %q, %v", h, err)
	}
	sum := sha256.Sum256([]byte("remote"))
	meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
	os.MkdirAll(meta, 0o755)
	os.WriteFile(filepath.Join(meta, "meta.json"), []byte(`{"Name":"remote","Endpoints":{"docker":{"Host":"tcp://127.0.0.1:2375"}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"remote"}`), 0o644)
	if h, err := contextHost(dir, ""); h != "tcp://127.0.0.1:2375" || err != nil {
		t.Errorf("current context: %q, %v", h, err)
	}
	if h, err := contextHost(dir, "default"); h != "" || err != nil {
		t.Errorf("DOCKER_CONTEXT=default: %q, %v", h, err)
	}
	if _, err := contextHost(dir, "missing"); err == nil {
		t.Error("a context that does not exist was accepted")
	}
}
