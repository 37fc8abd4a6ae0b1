package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestWritableRoot(t *testing.T) {
	runCases(t, writableRoot{}, []checkCase{
		{name: "no entrypoint", status: StatusSkipped},
		{name: "node app", cfg: func(c *v1.Config) { c.Cmd = []string{"node", "index.js"} }},
		{name: "npm start as a user", cfg: func(c *v1.Config) {
			c.Cmd = []string{"npm", "start"}
			c.Env = []string{"HOME=/home/app"}
		}, want: []string{"npm writes to /home/app/.npm, which --read-only makes read-only"}},
		{name: "nginx with a volume for its cache", cfg: func(c *v1.Config) {
			c.Cmd = []string{"nginx", "-g", "daemon off;"}
			c.Volumes = map[string]struct{}{"/var/cache/nginx": {}}
		}, want: []string{"nginx writes to /run/nginx.pid, which --read-only makes read-only",
			"nginx writes to /var/lib/nginx, which --read-only makes read-only",
			"nginx writes to /var/run/nginx.pid, which --read-only makes read-only"}},
	})
}
