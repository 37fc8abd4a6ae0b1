package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// vols sets the config's volumes.
func vols(vs ...string) func(*v1.Config) {
	return func(c *v1.Config) {
		c.Volumes = map[string]struct{}{}
		for _, v := range vs {
			c.Volumes[v] = struct{}{}
		}
	}
}

func TestSensitiveVolume(t *testing.T) {
	runCases(t, sensitiveVolume{}, []checkCase{
		{name: "data volume", cfg: vols("/data")},
		{name: "proc, not the docker socket", cfg: vols("/proc", "/var/run/docker.sock", "/data"),
			want: []string{"VOLUME /proc"}},
		{name: "sys and dev, cleaned", cfg: vols("/sys/", "/dev"),
			want: []string{"VOLUME /dev", "VOLUME /sys/"}},
	})
}

// TestDockerSocketVolume: the socket has an ID of its own, since Dockle's
// DKL-DI-0002 (and the lint rule of that ID) means /sys, /dev and /proc only.
func TestDockerSocketVolume(t *testing.T) {
	runCases(t, dockerSocketVolume{}, []checkCase{
		{name: "proc only", cfg: vols("/proc", "/data")},
		{name: "both socket paths", cfg: vols("/proc", "/var/run/docker.sock", "/run/docker.sock"),
			want: []string{"VOLUME /run/docker.sock", "VOLUME /var/run/docker.sock"}},
	})
	if r := (dockerSocketVolume{}).Rule(); len(r.Aliases) != 0 {
		t.Errorf("docker-socket-volume has aliases %v; no peer check means the same", r.Aliases)
	}
}
