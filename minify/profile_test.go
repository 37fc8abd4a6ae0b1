package minify_test

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestPythonProfileVenvAndImports(t *testing.T) {
	py := staticApp(t)
	lib := "usr/lib/python3.11/"
	site := "venv/lib/python3.11/site-packages/"
	files := []tu.File{
		tu.Exe("usr/bin/python3.11", py),
		tu.Reg(lib+"os.py", "import abc\n"), tu.Reg(lib+"json/__init__.py", ""),
		tu.Reg(lib+"test/test_os.py", ""), tu.Reg(lib+"ensurepip/__init__.py", ""), tu.Reg(lib+"tkinter/__init__.py", ""),
		tu.Exe(lib+"lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", elfFile(t, "libb.so.1")),
		tu.Reg(lib+"config-3.11-x86_64-linux-gnu/libpython3.11.a", "static"),
		tu.Reg("venv/pyvenv.cfg", "home = /usr/bin\n"),
		tu.Dir("venv/bin/"), tu.Symlink("venv/bin/python", "/usr/bin/python3.11"), tu.Exe("venv/bin/pip", "#!/venv/bin/python\n"),
		tu.Reg(site+"flask/__init__.py", "from werkzeug import serving\nimport json\n"),
		tu.Reg(site+"werkzeug/__init__.py", "import os\n"),
		tu.Reg(site+"Flask-2.0.1.dist-info/METADATA", "Name: Flask"),
		tu.Reg(site+"unused/__init__.py", ""),
		tu.Reg(site+"pip/__init__.py", ""),
		tu.Reg(site+"hook.pth", "import _hook\n"), tu.Reg(site+"_hook.py", ""),
		tu.Reg("app/main.py", "import flask\nfrom . import local\n"), tu.Reg("app/local.py", ""),
	}
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"/venv/bin/python", "main.py"}
		c.WorkingDir = "/app"
	}, [][]tu.File{files})
	got := keptPaths(sel)
	for _, w := range []string{"/venv/bin/python", "/usr/bin/python3.11", "/venv/pyvenv.cfg", "/usr/lib/python3.11/os.py",
		"/usr/lib/python3.11/json/__init__.py", "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so",
		"/venv/lib/python3.11/site-packages/flask/__init__.py", "/venv/lib/python3.11/site-packages/werkzeug/__init__.py",
		"/venv/lib/python3.11/site-packages/Flask-2.0.1.dist-info/METADATA", "/venv/lib/python3.11/site-packages/hook.pth",
		"/venv/lib/python3.11/site-packages/_hook.py", "/app/main.py", "/app/local.py"} {
		if !contains(got, w) {
			t.Errorf("%s not kept", w)
		}
	}
	for _, w := range []string{"/usr/lib/python3.11/test/test_os.py", "/usr/lib/python3.11/ensurepip/__init__.py",
		"/usr/lib/python3.11/tkinter/__init__.py", "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/libpython3.11.a",
		"/venv/lib/python3.11/site-packages/unused/__init__.py", "/venv/lib/python3.11/site-packages/pip/__init__.py", "/venv/bin/pip"} {
		if contains(got, w) {
			t.Errorf("%s kept: %v", w, sel.Explain(w).Reasons)
		}
	}
	if !contains(sel.Profiles, "python3") {
		t.Errorf("profiles = %v", sel.Profiles)
	}
}

func TestNodeProfileDropsDevDependencies(t *testing.T) {
	lock := `{"lockfileVersion":3,"packages":{"":{},"node_modules/express":{},"node_modules/jest":{"dev":true},"node_modules/@scope/dev":{"dev":true}}}`
	files := []tu.File{
		tu.Exe("usr/bin/node", staticApp(t)),
		tu.Reg("app/index.js", "require('express')"), tu.Reg("app/package.json", "{}"),
		tu.Reg("app/node_modules/.package-lock.json", lock),
		tu.Reg("app/node_modules/express/index.js", ""), tu.Reg("app/node_modules/express/test/app.js", ""),
		tu.Reg("app/node_modules/jest/index.js", ""), tu.Reg("app/node_modules/@scope/dev/index.js", ""),
		tu.Reg("shared/lib/util.js", ""),
	}
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"node", "index.js"}
		c.WorkingDir = "/app"
		c.Env = []string{"PATH=/usr/bin", "NODE_PATH=/shared/lib"}
	}, [][]tu.File{files})
	got := keptPaths(sel)
	for _, w := range []string{"/app/index.js", "/app/node_modules/express/index.js", "/shared/lib/util.js"} {
		if !contains(got, w) {
			t.Errorf("%s not kept", w)
		}
	}
	for _, w := range []string{"/app/node_modules/jest/index.js", "/app/node_modules/@scope/dev/index.js", "/app/node_modules/express/test/app.js"} {
		if contains(got, w) {
			t.Errorf("%s kept", w)
		}
	}
	if ex := sel.Explain("/app/node_modules/jest/index.js"); ex.Dropped == "" {
		t.Errorf("Explain(jest) = %+v", ex)
	}
}
