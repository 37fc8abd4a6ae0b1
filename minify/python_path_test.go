package minify_test

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// debianPython is Debian's python3.11 layout (prefix /usr, dist-packages).
func debianPython(t *testing.T) []tu.File {
	return []tu.File{
		tu.Reg("etc/debian_version", "12.8\n"),
		tu.Exe("usr/bin/python3.11", staticApp(t)), tu.Symlink("usr/bin/python3", "python3.11"),
		tu.Reg("usr/lib/python3.11/os.py", ""), tu.Reg("usr/lib/python3.11/json/__init__.py", ""),
		tu.Dir("usr/lib/python3.11/lib-dynload/"), tu.Dir("usr/lib/python3/dist-packages/"),
	}
}

// A stray numpy/ folder without __init__.py in the deprecated versioned
// dist-packages must not win over the real package in python3/dist-packages:
// Python finds the regular package, and the folder is at most a namespace
// portion (the HTTP 500 "module 'numpy' has no attribute 'arange'").
func TestPythonStrayNamespaceFolderLosesToRegularPackage(t *testing.T) {
	real := "usr/lib/python3/dist-packages/"
	files := append(debianPython(t),
		tu.Reg(real+"numpy/__init__.py", "from . import core, _umath\n"), tu.Reg(real+"numpy/core/__init__.py", ""),
		tu.Reg(real+"numpy/core/tests/test_numeric.py", ""), tu.Reg(real+"numpy/testing/__init__.py", ""),
		tu.Reg(real+"numpy/__init__.pyi", ""), tu.Reg(real+"numpy/core/include/numpy/ndarrayobject.h", ""),
		tu.Reg(real+"numpy-1.24.2.egg-info/PKG-INFO", "Name: numpy"),
		tu.Reg("usr/lib/python3.11/dist-packages/numpy/core/_stray.py", "# left behind\n"),
		tu.Reg("usr/local/lib/python3.11/dist-packages/numpy/leftover.txt", ""),
		// a wheel's bundled libraries beside the package (numpy.libs),
		// reached through the extension's RUNPATH $ORIGIN/../b
		tu.Reg(real+"numpy/_umath.cpython-311-x86_64-linux-gnu.so", elfFile(t, "liba.so.1")),
		tu.Reg(real+"b/libb.so.1", elfFile(t, "libb.so.1")), tu.Reg(real+"b/unrelated.txt", ""),
		tu.Reg("app/server.py", "import numpy\n"),
	)
	_, _, sel := plan(t, cmdCfg("/usr/bin/python3", "/app/server.py"), [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/usr/lib/python3/dist-packages/numpy/__init__.py", "/usr/lib/python3/dist-packages/numpy/core/__init__.py",
			"/usr/lib/python3/dist-packages/numpy-1.24.2.egg-info/PKG-INFO", "/usr/lib/python3/dist-packages/b/libb.so.1"},
		[]string{"/usr/lib/python3.11/dist-packages/numpy/core/_stray.py", "/usr/local/lib/python3.11/dist-packages/numpy/leftover.txt",
			"/usr/lib/python3/dist-packages/numpy/core/tests/test_numeric.py", "/usr/lib/python3/dist-packages/b/unrelated.txt",
			"/usr/lib/python3/dist-packages/numpy/__init__.pyi", "/usr/lib/python3/dist-packages/numpy/core/include/numpy/ndarrayobject.h",
			"/usr/lib/python3/dist-packages/numpy/testing/__init__.py"}) // no import reaches it
}

// Namespace portions count only when no entry has a regular package or
// module, and then every portion is kept; a module in an earlier entry
// shadows a later one; the standard library shadows site directories.
func TestPythonSysPathOrder(t *testing.T) {
	local, dist := "usr/local/lib/python3.11/dist-packages/", "usr/lib/python3/dist-packages/"
	files := append(debianPython(t),
		tu.Reg(local+"ns/a.py", ""), tu.Reg(dist+"ns/b.py", ""),
		tu.Reg(local+"six.py", ""), tu.Reg(dist+"six.py", ""),
		tu.Reg(dist+"json/__init__.py", ""),
		tu.Reg(dist+"_speedups.cpython-311-x86_64-linux-gnu.so", "ext"), tu.Reg("usr/lib/python3.11/dist-packages/_speedups.py", ""),
		tu.Reg(dist+"shadowed/__init__.py", ""), tu.Reg("pp/shadowed.py", ""),
		tu.Reg(dist+"extra.pth", "/opt/extra\nimport hooked\nimport os; enabled = 1; enabled and __import__('_shim').add()\n"),
		tu.Reg(dist+"_shim/__init__.py", ""), tu.Reg("opt/extra/plugin/__init__.py", ""),
		tu.Reg(dist+"hooked.py", ""),
		tu.Reg("app/server.py", "import ns.a, six, json\nimport _speedups\nimport shadowed\nfrom plugin import x\n"),
	)
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"python3", "server.py"}
		c.WorkingDir = "/app"
		c.Env = []string{"PATH=/usr/bin", "PYTHONPATH=/pp"}
	}, [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/" + local + "ns/a.py", "/" + dist + "ns/b.py", "/" + local + "six.py", "/usr/lib/python3.11/json/__init__.py",
			"/" + dist + "_speedups.cpython-311-x86_64-linux-gnu.so", "/pp/shadowed.py", "/" + dist + "extra.pth",
			"/opt/extra/plugin/__init__.py", "/" + dist + "hooked.py", "/" + dist + "_shim/__init__.py"},
		[]string{"/" + dist + "six.py", "/" + dist + "json/__init__.py", "/usr/lib/python3.11/dist-packages/_speedups.py",
			"/" + dist + "shadowed/__init__.py"})
}

// An upstream build in /usr/local (the official python images) uses
// /usr/local/lib/python3.X/site-packages; Debian's dist-packages are not on
// its path.
func TestPythonUpstreamPrefix(t *testing.T) {
	site := "usr/local/lib/python3.12/site-packages/"
	files := []tu.File{
		tu.Reg("etc/debian_version", "12.8\n"),
		tu.Exe("usr/local/bin/python3.12", staticApp(t)), tu.Symlink("usr/local/bin/python3", "python3.12"),
		tu.Reg("usr/local/lib/python3.12/os.py", ""), tu.Dir("usr/local/lib/python3.12/lib-dynload/"),
		tu.Reg(site+"flask/__init__.py", "import click\n"), tu.Reg(site+"click/__init__.py", ""),
		tu.Reg("usr/lib/python3/dist-packages/flask/__init__.py", ""),
		tu.Reg(site+"unused/__init__.py", ""),
		tu.Reg("srv/app.py", "import flask\n"),
	}
	_, _, sel := plan(t, cmdCfg("python3", "/srv/app.py"), [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/" + site + "flask/__init__.py", "/" + site + "click/__init__.py", "/usr/local/lib/python3.12/os.py"},
		[]string{"/usr/lib/python3/dist-packages/flask/__init__.py", "/" + site + "unused/__init__.py"})
}
