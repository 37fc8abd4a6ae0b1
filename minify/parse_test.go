package minify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/facts"
)

func TestParseLdSoConf(t *testing.T) {
	in := "# libc default\ninclude /etc/ld.so.conf.d/*.conf\ninclude\tlocal.d/*.conf\n/usr/local/lib\n/opt/a:/opt/b, /opt/c # trailing\nhwcap 1 nosegneg\nrelative/dir\n"
	want := []string{"include /etc/ld.so.conf.d/*.conf", "include local.d/*.conf", "/usr/local/lib", "/opt/a", "/opt/b", "/opt/c"}
	if diff := cmp.Diff(want, parseLdSoConf([]byte(in))); diff != "" {
		t.Errorf("parseLdSoConf (-want +got):\n%s", diff)
	}
}

func TestNsswitchServices(t *testing.T) {
	in := "# comment\npasswd:  files systemd\nhosts:   files mdns4_minimal [NOTFOUND=return] dns myhostname\nnetgroup: nis\nbad line\nevil: ../../x\n"
	want := []string{"files", "systemd", "mdns4_minimal", "dns", "myhostname", "nis"}
	if diff := cmp.Diff(want, nsswitchServices([]byte(in))); diff != "" {
		t.Errorf("nsswitchServices (-want +got):\n%s", diff)
	}
}

func TestDpkgControlText(t *testing.T) {
	in := "Package: a\nStatus: install ok installed\nVersion: 1\nConffiles:\n /etc/a 123\nDescription: x\n y\n\n\nPackage: ../evil\nVersion: 2\n\nVersion: 3\n"
	paras, err := facts.ParseDpkgStatus([]byte(in))
	if err != nil || len(paras) != 3 {
		t.Fatalf("ParseDpkgStatus = %+v, %v", paras, err)
	}
	var valid []facts.DpkgParagraph
	for _, p := range paras {
		if validPackageName(p.Name()) {
			valid = append(valid, p)
		}
	}
	if len(valid) != 1 || valid[0].Name() != "a" || valid[0].Status() != "install ok installed" {
		t.Fatalf("valid paragraphs = %+v", valid)
	}
	if want := "Package: a\nVersion: 1\nDescription: x\n y\n"; controlText(valid[0]) != want {
		t.Errorf("control text = %q, want %q", controlText(valid[0]), want)
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "java -jar /app/app.jar version", want: []string{"java", "-jar", "/app/app.jar", "version"}},
		{in: `python3 -c 'print("a b")'`, want: []string{"python3", "-c", `print("a b")`}},
		{in: `echo "x \"y\"" z\ w ''`, want: []string{"echo", `x "y"`, "z w", ""}},
		{in: "   ", want: nil},
		{in: "'open", err: true},
		{in: `trailing\`, err: true},
	}
	for _, tt := range tests {
		got, err := SplitArgs(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("SplitArgs(%q) error %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SplitArgs(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseStrace(t *testing.T) {
	in := `7 execve("/.harden-trace/harden", ["harden"], 0x0 /* 3 vars */) = 0
7 openat(AT_FDCWD, "/etc/helper-only", O_RDONLY) = 3
7 execve("/usr/bin/node", ["node", "index.js"], 0x7ffd /* 5 vars */) = 0
7 openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3
8 newfstatat(AT_FDCWD, "index.js", {st_mode=S_IFREG|0644, st_size=723, ...}, 0) = 0
8 openat(3</app>, "relative-to-fd", O_RDONLY) = 4
8 chdir("/srv") = 0
8 access("data\x2ejson", R_OK) = 0
9 statx(AT_FDCWD, "/etc/ssl/certs", AT_STATX_SYNC_AS_STAT, STATX_ALL, {...}) = 0
9 openat(AT_FDCWD, "/usr/lib/node <unfinished ...>
garbage line
`
	got, err := ParseStrace(strings.NewReader(in), "/app", "harden")
	threaded := "12348 --- SIGUSR1 {si_signo=SIGUSR1} ---\n12372 newfstatat(AT_FDCWD, \"/helper/lookpath\", {}, 0) = 0\n" +
		"12348 +++ superseded by execve in pid 12372 +++\n12348 <... execve resumed>) = 0\n12348 openat(AT_FDCWD, \"/app/x.js\", O_RDONLY) = 3\n"
	if got, _ := ParseStrace(strings.NewReader(threaded), "/", "harden"); !cmp.Equal(got, []string{"/app/x.js"}) {
		t.Errorf("ParseStrace(exec from another thread) = %q", got)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/app/index.js", "/etc/ssl/certs", "/lib/x86_64-linux-gnu/libc.so.6", "/srv", "/srv/data.json", "/usr/bin/node"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseStrace (-want +got):\n%s", diff)
	}
}

func TestParseShebang(t *testing.T) {
	tests := []struct {
		line   string
		interp string
		args   []string
	}{
		{"#!/bin/sh", "/bin/sh", nil},
		{"#! /usr/bin/env python3 -u", "/usr/bin/env", []string{"python3", "-u"}},
		{"#!/usr/bin/node\t--harmony", "/usr/bin/node", []string{"--harmony"}},
	}
	for _, tt := range tests {
		interp, args := parseShebang(tt.line)
		if interp != tt.interp || !cmp.Equal(args, tt.args) {
			t.Errorf("parseShebang(%q) = %q %q, want %q %q", tt.line, interp, args, tt.interp, tt.args)
		}
	}
	if got := envCommand([]string{"-S", "-u", "X", "A=b", "python3", "-u"}); !cmp.Equal(got, []string{"python3", "-u"}) {
		t.Errorf("envCommand = %q", got)
	}
}

func TestParsePython(t *testing.T) {
	src := "import os, sys as system\nfrom flask import Flask\nfrom . import local\n  import json.decoder\nx = importlib.import_module('yaml')\n# import commented? still matched: harmless\n"
	v, _ := parsePython("/app/a.py", []byte(src))
	want := []string{"os", "sys", "json", "flask", "yaml"}
	if diff := cmp.Diff(want, v.Imports); diff != "" {
		t.Errorf("imports (-want +got):\n%s", diff)
	}
	v, _ = parsePython("/site/x.pth", []byte("import _virtualenv\n./src\n../escape\n# c\n"))
	if f := v; !cmp.Equal(f.Imports, []string{"_virtualenv"}) || !cmp.Equal(f.Paths, []string{"./src"}) {
		t.Errorf(".pth = %+v", f)
	}
}

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pat, p string
		want   bool
	}{
		{"/app/static/**", "/app/static/css/a.css", true},
		{"/app/static", "/app/static/css/a.css", true},
		{"/usr/bin/curl", "/usr/bin/curl", true},
		{"/usr/bin/c*", "/usr/bin/curl", true},
		{"/usr/**/curl", "/usr/local/bin/curl", true},
		{"/usr/**/curl", "/usr/local/bin/wget", false},
		{"/app/*.js", "/app/lib/a.js", false},
	}
	for _, tt := range tests {
		if got := matchGlob(tt.pat, tt.p); got != tt.want {
			t.Errorf("matchGlob(%q, %q) = %v", tt.pat, tt.p, got)
		}
	}
}

func TestParseNodeLock(t *testing.T) {
	lock := `{"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/jest":{"dev":true},"node_modules/express":{},"node_modules/../../x":{"dev":true}}}`
	v, err := parseNodeLock("/app/package-lock.json", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/app/node_modules/jest"}, v); diff != "" {
		t.Errorf("dev dirs (-want +got):\n%s", diff)
	}
}

func TestDeniedKind(t *testing.T) {
	for p, want := range map[string]Kind{
		"/bin/bash": KindShell, "/usr/bin/busybox": KindShell, "/usr/bin/apt-get": KindPackageManager,
		"/usr/local/bin/pip3.11": KindPackageManager, "/usr/lib/node_modules/npm/bin/npm-cli.js": KindPackageManager,
		"/usr/bin/curl": KindTool, "/usr/bin/perl5.36.0": KindTool, "/usr/bin/node": "", "/usr/bin/python3": "",
		"/usr/lib/python3/dist-packages/pip/__init__.py": KindPackageManager,
	} {
		if got := DeniedKind(p); got != want {
			t.Errorf("DeniedKind(%s) = %q, want %q", p, got, want)
		}
	}
}

func FuzzControlText(f *testing.F) {
	f.Add([]byte("Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		paras, _ := facts.ParseDpkgStatus(data)
		for _, p := range paras {
			text := controlText(p)
			if strings.Contains(text, "\nStatus:") || strings.HasPrefix(text, "Status:") {
				t.Fatalf("control text %q keeps the Status field", text)
			}
		}
	})
}

func FuzzSplitArgs(f *testing.F) {
	f.Add(`a 'b c' "d\"e" f\ g`)
	f.Fuzz(func(t *testing.T, s string) { SplitArgs(s) })
}

func FuzzParseStrace(f *testing.F) {
	f.Add(`1 openat(AT_FDCWD, "/a\x41", O_RDONLY) = 3` + "\n" + `2 execve("x", [], 0) = 0`)
	f.Fuzz(func(t *testing.T, s string) {
		paths, err := ParseStrace(strings.NewReader(s), "/app", "")
		if err != nil {
			return
		}
		for _, p := range paths {
			if !strings.HasPrefix(p, "/") || strings.Contains(p, "/../") {
				t.Fatalf("path %q is not absolute and clean", p)
			}
		}
	})
}

func FuzzLdSoConfAndNsswitch(f *testing.F) {
	f.Add([]byte("include /etc/ld.so.conf.d/*.conf\n/usr/lib\nhosts: files dns\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range parseLdSoConf(data) {
			if !strings.HasPrefix(d, "/") && !strings.HasPrefix(d, "include ") {
				t.Fatalf("relative directory %q", d)
			}
		}
		for _, s := range nsswitchServices(data) {
			if !validService(s) {
				t.Fatalf("bad service %q", s)
			}
		}
	})
}

func FuzzParsePython(f *testing.F) {
	f.Add("import a, b\nfrom c.d import e\n")
	f.Fuzz(func(t *testing.T, s string) {
		v, _ := parsePython("/x.py", []byte(s))
		if len(v.Imports) > 1000 {
			t.Fatal("unbounded imports")
		}
	})
}

func FuzzParseShebang(f *testing.F) {
	f.Add("#!/usr/bin/env -S python3 -u")
	f.Fuzz(func(t *testing.T, s string) {
		_, args := parseShebang(s)
		envCommand(args)
	})
}
