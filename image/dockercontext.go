package image

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// contextHost returns the engine address of the Docker CLI's current
// context, as `docker` itself would use it: DOCKER_HOST wins (the caller
// checks), then DOCKER_CONTEXT, then config.json's currentContext. The
// "default" context, or none, is "" (the client's own default). So
// `docker harden audit docker-daemon:app` reaches the engine `docker`
// reaches. Contexts with TLS material are not read (their host is used
// with the environment's TLS settings).
func contextHost(configDir, name string) (string, error) {
	if name == "" {
		data, err := os.ReadFile(filepath.Join(configDir, "config.json"))
		if err != nil {
			return "", nil
		}
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if json.Unmarshal(data, &cfg) != nil {
			return "", nil
		}
		name = cfg.CurrentContext
	}
	if name == "" || name == "default" {
		return "", nil
	}
	sum := sha256.Sum256([]byte(name))
	p := filepath.Join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	data, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("docker context %q: %w", name, err)
	}
	var meta struct {
		Endpoints struct {
			Docker struct {
				Host string `json:"Host"`
			} `json:"docker"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &meta); err != nil || meta.Endpoints.Docker.Host == "" {
		return "", fmt.Errorf("docker context %q: no docker endpoint in %s", name, p)
	}
	return meta.Endpoints.Docker.Host, nil
}

// dockerConfigDir is where the Docker CLI keeps its config: DOCKER_CONFIG,
// else ~/.docker.
func dockerConfigDir() string {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".docker")
}
