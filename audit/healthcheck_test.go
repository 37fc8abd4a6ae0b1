package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestNoHealthcheck(t *testing.T) {
	runCases(t, noHealthcheck{}, []checkCase{
		{name: "missing", want: []string{"the image defines no HEALTHCHECK"}},
		{name: "exec form", cfg: func(c *v1.Config) { c.Healthcheck = &v1.HealthConfig{Test: []string{"CMD", "/app", "-health"}} }},
		{name: "NONE is a decision", cfg: func(c *v1.Config) { c.Healthcheck = &v1.HealthConfig{Test: []string{"NONE"}} }},
	})
}

func TestNeedsMissingShell(t *testing.T) {
	app := []tu.File{tu.Exe("app", "\x7fELF")}
	script := []tu.File{tu.Exe("entry.sh", "#!/bin/sh\nexec /app\n")}
	runCases(t, needsMissingShell{}, []checkCase{
		{name: "exec form without shell", cfg: func(c *v1.Config) { c.Entrypoint = []string{"/app"} }, layers: [][]tu.File{app}},
		{name: "shell form with a shell", cfg: func(c *v1.Config) { c.Cmd = []string{"/bin/sh", "-c", "/app"} },
			layers: [][]tu.File{append(app, tu.Dir("bin/"), tu.Exe("bin/sh", "x"))}},
		{name: "shell form, CMD-SHELL healthcheck and no shell", cfg: func(c *v1.Config) {
			c.Cmd = []string{"/bin/sh", "-c", "/app --port 80"}
			c.Healthcheck = &v1.HealthConfig{Test: []string{"CMD-SHELL", "curl -f localhost"}}
		}, layers: [][]tu.File{app}, want: []string{
			"the entrypoint is in shell form (/bin/sh -c …) but the image has no shell",
			"the HEALTHCHECK runs through /bin/sh, which the image does not have"}},
		{name: "shell script entrypoint without its interpreter", cfg: func(c *v1.Config) { c.Entrypoint = []string{"/entry.sh"} },
			layers: [][]tu.File{script}, want: []string{"the entrypoint /entry.sh is a script for /bin/sh, which the image does not have"}},
	})
}
