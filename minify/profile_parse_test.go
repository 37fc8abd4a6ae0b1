package minify

import (
	"reflect"
	"testing"
)

func TestParseNginx(t *testing.T) {
	got := parseNginx([]byte("user  www-data;# c\nhttp { include 'a b.conf'; root \"/x\\\"y\"; }\nerror_log /l\\ og;"))
	want := []nginxDirective{{"user", []string{"www-data"}}, {"http", []string{}}, {"include", []string{"a b.conf"}},
		{"root", []string{`/x"y`}}, {"error_log", []string{"/l og"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseNginx = %q\nwant %q", got, want)
	}
}

func TestParseINIAndRedisLines(t *testing.T) {
	got := parseINI([]byte("[PHP]\n; extension=no\nextension = pdo.so ; why\nerror_log=\"/var/log/a b.log\"\nInclude=/etc/x/*.conf\nbroken\n"))
	want := []iniSetting{{"extension", "pdo.so"}, {"error_log", "/var/log/a b.log"}, {"include", "/etc/x/*.conf"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseINI = %q", got)
	}
	if got := splitRedisLine(`logfile "a b"  x 'y`); !reflect.DeepEqual(got, []string{"logfile", "a b", "x", "y"}) {
		t.Errorf("splitRedisLine = %q", got)
	}
}

// FuzzConfigParsers: images are untrusted; the parsers must not panic or
// grow without bound on any input.
func FuzzConfigParsers(f *testing.F) {
	for _, s := range []string{"include a;", "a '", `"\`, "x {{{ } ;; #", "k=v\n[s]\n", `dir "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n := len(parseNginx([]byte(s))); n > len(s) {
			t.Fatalf("%d directives from %d bytes", n, len(s))
		}
		if n := len(parseINI([]byte(s))); n > len(s) {
			t.Fatalf("%d settings from %d bytes", n, len(s))
		}
		if n := len(splitRedisLine(s)); n > len(s) {
			t.Fatalf("%d words from %d bytes", n, len(s))
		}
	})
}
