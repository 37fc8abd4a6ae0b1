package minify

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPythonRefs(t *testing.T) {
	src := `import os, json.decoder as jd
from email.mime import text, (base)
from . import local
from ..util import helper as h
from .sub import *
from collections import (
    OrderedDict,
    abc,
)
try:
    from _json import scanstring
except ImportError:
    from _pyjson import scanstring

def later():
    import pydoc
    x = importlib.import_module("xml.dom.minidom")

class K:
    def m(self):
        from http import client
    import zlib
`
	refs, lazy := pythonRefs(src)
	want := []string{"os", "json.decoder", "pydoc", "zlib", "email.mime", "email.mime.text", "email.mime.base", ".local",
		"..util", "..util.helper", ".sub", "collections", "collections.OrderedDict", "collections.abc", "_json", "_json.scanstring", "_pyjson", "_pyjson.scanstring",
		"http", "http.client", "xml.dom.minidom"}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"pydoc", "_pyjson", "_pyjson.scanstring", "http", "http.client", "xml.dom.minidom"}, lazy); diff != "" {
		t.Errorf("lazy (-want +got):\n%s", diff)
	}
}

func TestResolveRelative(t *testing.T) {
	for _, c := range []struct{ ref, pkg, want string }{
		{"os", "email", "os"},
		{".utils", "email", "email.utils"},
		{".", "email.mime", "email.mime"},
		{"..charset", "email.mime", "email.charset"},
		{"..x", "email", ""}, // climbs above the top level
		{".x", "", ""},       // a top-level module has no package
	} {
		if got := resolveRelative(c.ref, c.pkg); got != c.want {
			t.Errorf("resolveRelative(%q, %q) = %q, want %q", c.ref, c.pkg, got, c.want)
		}
	}
}
