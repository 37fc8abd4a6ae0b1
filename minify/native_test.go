package minify_test

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

// The native closure: a library reached through Debian's /etc/alternatives
// chain (libblas.so.3 for numpy) keeps every link, and a library named in
// a binary's strings (a dlopen name) is kept when it is on the library path;
// one no string names is not.
func TestNativeClosureAlternativesAndDlopen(t *testing.T) {
	lib := "usr/lib/x86_64-linux-gnu/"
	app := elfFile(t, "app-plain") + "\x00libplugin.so.1\x00libabsent.so.2\x00"
	files := append(interp(),
		tu.Dir("usr/local/"), tu.Dir("usr/local/bin/"), tu.Exe("usr/local/bin/app", app),
		tu.Reg(lib+"libc.so.6", elfFile(t, "libc.so.6")),
		tu.Symlink(lib+"libb.so.1", "/etc/alternatives/libb.so.1-x86_64-linux-gnu"),
		tu.Dir("etc/"), tu.Dir("etc/alternatives/"),
		tu.Symlink("etc/alternatives/libb.so.1-x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/blas/libb.so.1"),
		tu.Reg(lib+"blas/libb.so.1", elfFile(t, "libb.so.1")),
		tu.Reg(lib+"libplugin.so.1", elfFile(t, "libb.so.1")),
		tu.Reg(lib+"libother.so.1", elfFile(t, "libb.so.1")),
	)
	_, _, sel := plan(t, cmdCfg("/usr/local/bin/app"), [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/usr/lib/x86_64-linux-gnu/libb.so.1", "/etc/alternatives/libb.so.1-x86_64-linux-gnu",
			"/usr/lib/x86_64-linux-gnu/blas/libb.so.1", "/usr/lib/x86_64-linux-gnu/libplugin.so.1"},
		[]string{"/usr/lib/x86_64-linux-gnu/libother.so.1"})
	if ex := sel.Explain("/usr/lib/x86_64-linux-gnu/libplugin.so.1"); len(ex.Reasons) == 0 || ex.Reasons[0].Rule != "elf-dlopen" {
		t.Errorf("libplugin.so.1 reasons = %+v, want elf-dlopen", ex.Reasons)
	}
}

// Native addons anywhere under the app (a node_modules prebuilt, a Python
// extension) bring their ELF closure from the system library path, and
// what their RUNPATH ($ORIGIN) names inside the app.
func TestNativeClosureOfAddons(t *testing.T) {
	lib := "usr/lib/x86_64-linux-gnu/"
	nm := "app/node_modules/@img/"
	files := append(interp(),
		tu.Dir("usr/local/"), tu.Dir("usr/local/bin/"), tu.Exe("usr/local/bin/node", elfFile(t, "app-plain")),
		tu.Reg(lib+"libc.so.6", elfFile(t, "libc.so.6")), tu.Reg(lib+"libb.so.1", elfFile(t, "libb.so.1")),
		tu.Reg("app/index.js", "require('sharp')"),
		// liba.so.1 needs libb.so.1 through DT_RUNPATH $ORIGIN/../b
		tu.Reg(nm+"sharp-linux-x64/lib/sharp-linux-x64.node", elfFile(t, "liba.so.1")),
		tu.Reg(nm+"sharp-linux-x64/b/libb.so.1", elfFile(t, "libb.so.1")),
		tu.Reg("usr/local/lib/node_modules/npm/package.json", "{}"),
		tu.Symlink("usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"),
		tu.Reg("opt/yarn-v1.22.22/bin/yarn.js", ""), tu.Symlink("usr/local/bin/yarn", "/opt/yarn-v1.22.22/bin/yarn.js"),
	)
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Entrypoint = []string{"/usr/local/bin/node"}
		c.Cmd = []string{"index.js"}
		c.WorkingDir = "/app"
	}, [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/usr/local/bin/node", "/usr/lib/x86_64-linux-gnu/libb.so.1", "/" + nm + "sharp-linux-x64/lib/sharp-linux-x64.node",
			"/" + nm + "sharp-linux-x64/b/libb.so.1"},
		[]string{"/usr/local/lib/node_modules/npm/package.json", "/usr/local/bin/npm", "/usr/local/bin/yarn", "/opt/yarn-v1.22.22/bin/yarn.js"})
}
