package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestSensitiveVolume(t *testing.T) {
	vols := func(vs ...string) func(*v1.Config) {
		return func(c *v1.Config) {
			c.Volumes = map[string]struct{}{}
			for _, v := range vs {
				c.Volumes[v] = struct{}{}
			}
		}
	}
	runCases(t, sensitiveVolume{}, []checkCase{
		{name: "data volume", cfg: vols("/data")},
		{name: "proc and docker socket", cfg: vols("/proc", "/var/run/docker.sock", "/data"),
			want: []string{"VOLUME /proc", "VOLUME /var/run/docker.sock"}},
	})
}
