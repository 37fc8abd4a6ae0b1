package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestSensitivePort(t *testing.T) {
	expose := func(ps ...string) func(*v1.Config) {
		return func(c *v1.Config) {
			c.ExposedPorts = map[string]struct{}{}
			for _, p := range ps {
				c.ExposedPorts[p] = struct{}{}
			}
		}
	}
	runCases(t, sensitivePort{}, []checkCase{
		{name: "web ports", cfg: expose("80/tcp", "3000/tcp")},
		{name: "ssh and docker", cfg: expose("22/tcp", "2375/tcp", "8080/tcp"),
			want: []string{"port 22/tcp (SSH) is exposed", "port 2375/tcp (the Docker API without TLS) is exposed"}},
	})
}
