package minify_test

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

// The standard library and installed packages are kept module by module,
// following imports from the app and the interpreter's start-up: a module
// reached only through another, an extension reached through an import,
// relative imports; what no import reaches is dropped, and a module only a
// function imports keeps its source without its cached bytecode.
func TestPythonFollowsImportsThroughStdlib(t *testing.T) {
	lib, dyn, dist := "usr/lib/python3.11/", "usr/lib/python3.11/lib-dynload/", "usr/lib/python3/dist-packages/"
	ext := ".cpython-311-x86_64-linux-gnu.so"
	files := []tu.File{
		tu.Reg("etc/debian_version", "12.8\n"),
		tu.Exe("usr/bin/python3.11", staticApp(t)), tu.Symlink("usr/bin/python3", "python3.11"),
		tu.Reg(lib+"os.py", "import posixpath\n"), tu.Reg(lib+"posixpath.py", ""),
		tu.Reg(lib+"encodings/__init__.py", ""), tu.Reg(lib+"encodings/cp932.py", "import _codecs_jp\n"),
		tu.Reg(dyn+"_codecs_jp"+ext, elfFile(t, "libb.so.1")),
		tu.Reg(lib+"json/__init__.py", "from .decoder import JSONDecoder\n"),
		tu.Reg(lib+"json/decoder.py", "from json import scanner\n"),
		tu.Reg(lib+"json/__pycache__/decoder.cpython-311.pyc", "bytecode"),
		tu.Reg(lib+"json/scanner.py", "try:\n    from _json import make_scanner\nexcept ImportError:\n    make_scanner = None\n"),
		tu.Reg(dyn+"_json"+ext, elfFile(t, "libb.so.1")),
		tu.Reg(lib+"email/__init__.py", ""), tu.Reg(lib+"email/utils.py", "import socket\n"),
		tu.Reg(lib+"email/mime/__init__.py", ""),
		tu.Reg(lib+"socket.py", "import _socket\n"), tu.Reg(dyn+"_socket"+ext, elfFile(t, "libb.so.1")),
		tu.Reg(lib+"pydoc.py", ""), tu.Reg(lib+"__pycache__/pydoc.cpython-311.pyc", "bytecode"),
		tu.Reg(lib+"ftplib.py", "import socket\n"), tu.Reg(lib+"__pycache__/ftplib.cpython-311.pyc", "bytecode"),
		tu.Reg(dyn+"_curses"+ext, elfFile(t, "libb.so.1")),
		tu.Reg(dist+"pkg/__init__.py", "from . import used\n"), tu.Reg(dist+"pkg/used.py", "from pkg.ns import mod\n"),
		tu.Reg(dist+"pkg/ns/mod.py", ""), tu.Reg(dist+"pkg/ns/other.py", ""), // a namespace subpackage
		tu.Reg(dist+"pkg/unused.py", "import ftplib\n"), tu.Reg(dist+"pkg/data.json", "{}"),
		tu.Reg("app/app.py", "import json, pkg\nfrom email import utils\n\ndef helpme():\n    import pydoc\n"),
	}
	_, _, sel := plan(t, cmdCfg("/usr/bin/python3", "/app/app.py"), [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/usr/lib/python3.11/os.py", "/usr/lib/python3.11/posixpath.py", // start-up, and through os
			"/usr/lib/python3.11/encodings/cp932.py", "/usr/lib/python3.11/lib-dynload/_codecs_jp" + ext, // codecs by name
			"/usr/lib/python3.11/json/decoder.py", "/usr/lib/python3.11/json/__pycache__/decoder.cpython-311.pyc", // relative
			"/usr/lib/python3.11/json/scanner.py", "/usr/lib/python3.11/lib-dynload/_json" + ext, // in a try block
			"/usr/lib/python3.11/email/utils.py", "/usr/lib/python3.11/socket.py",
			"/usr/lib/python3.11/lib-dynload/_socket" + ext, // extension through email.utils, socket
			"/usr/lib/python3.11/pydoc.py",
			"/usr/lib/python3/dist-packages/pkg/used.py", "/usr/lib/python3/dist-packages/pkg/data.json",
			"/usr/lib/python3/dist-packages/pkg/ns/mod.py"},
		[]string{"/usr/lib/python3.11/ftplib.py", "/usr/lib/python3.11/__pycache__/ftplib.cpython-311.pyc",
			"/usr/lib/python3.11/lib-dynload/_curses" + ext, "/usr/lib/python3/dist-packages/pkg/unused.py", "/usr/lib/python3/dist-packages/pkg/ns/other.py",
			"/usr/lib/python3.11/__pycache__/pydoc.cpython-311.pyc"}) // only a function imports pydoc
}
