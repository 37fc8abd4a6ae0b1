package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestPackageManagerPresent(t *testing.T) {
	runCases(t, packageManagerPresent{}, []checkCase{
		{name: "none", layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/node", "x")}}},
		{name: "apt and dpkg", layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/apt-get", "x"), tu.Exe("usr/bin/dpkg", "x")}},
			want: []string{"package manager apt-get at /usr/bin/apt-get", "package manager dpkg at /usr/bin/dpkg"}},
		{name: "apk as a busybox-free binary", layers: [][]tu.File{{tu.Dir("sbin/"), tu.Exe("sbin/apk", "x")}},
			want: []string{"package manager apk at /sbin/apk"}},
		{name: "the entrypoint runs it", cfg: func(c *v1.Config) { c.Entrypoint = []string{"apk"} },
			layers: [][]tu.File{{tu.Dir("sbin/"), tu.Exe("sbin/apk", "x")}}},
	})
}

func TestInstallerPresent(t *testing.T) {
	npm := [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/local/"), tu.Dir("usr/local/bin/"), tu.Dir("usr/local/lib/"),
		tu.Exe("usr/local/lib/npm-cli.js", "#!/usr/bin/env node\n"), tu.Symlink("usr/local/bin/npm", "../lib/npm-cli.js"),
		tu.Exe("usr/local/bin/node", "\x7fELF")}}
	runCases(t, installerPresent{}, []checkCase{
		{name: "none", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/app", "x")}}},
		{name: "npm in a node image", cfg: func(c *v1.Config) { c.Cmd = []string{"node", "index.js"} }, layers: npm,
			want: []string{"language installer npm runs /usr/local/lib/npm-cli.js"}},
		{name: "npm start needs npm", cfg: func(c *v1.Config) { c.Cmd = []string{"npm", "start"} }, layers: npm},
		{name: "npm start in shell form", cfg: func(c *v1.Config) { c.Cmd = []string{"/bin/sh", "-c", "exec npm start"} }, layers: npm},
	})
}

func TestToolPresent(t *testing.T) {
	runCases(t, toolPresent{}, []checkCase{
		{name: "none", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/app", "x")}}},
		{name: "curl, git and vim", layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/curl", "x"), tu.Exe("usr/bin/git", "x"),
			tu.Exe("usr/bin/vim.basic", "x"), tu.Symlink("usr/bin/vi", "vim.basic")}},
			want: []string{"network tool curl at /usr/bin/curl", "vcs tool git at /usr/bin/git", "editor tool vi, vim.basic runs /usr/bin/vim.basic"}},
		{name: "busybox applets", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/busybox", "x"), tu.Symlink("bin/wget", "busybox"), tu.Symlink("bin/nc", "/bin/busybox")}},
			want: []string{"tools: busybox applets nc, wget run /bin/busybox"}},
		{name: "python is a tool unless the entrypoint runs it", layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/python3.11", "x"), tu.Symlink("usr/bin/python3", "python3.11")}},
			want: []string{"interpreter tool python3, python3.11 runs /usr/bin/python3.11"}},
		{name: "the entrypoint's interpreter", cfg: func(c *v1.Config) { c.Entrypoint = []string{"python3", "app.py"} },
			layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/python3.11", "x"), tu.Symlink("usr/bin/python3", "python3.11")}}},
		{name: "a busybox shell entrypoint does not make its applets needed", cfg: func(c *v1.Config) { c.Cmd = []string{"/bin/sh"} },
			layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/busybox", "x"), tu.Symlink("bin/sh", "busybox"), tu.Symlink("bin/wget", "busybox")}},
			want:   []string{"tools: busybox applets wget run /bin/busybox (2 applets in PATH in all)"}},
		{name: "node and nodejs are one file", cfg: func(c *v1.Config) { c.Cmd = []string{"node"} },
			layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/node", "x"), tu.Symlink("usr/bin/nodejs", "node")}}},
	})
}
