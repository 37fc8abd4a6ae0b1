package elfinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRealBinaries parses binaries of this machine and one built here.
func TestRealBinaries(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\nfunc main() {}\n"), 0o644)
	static := filepath.Join(dir, "static")
	cmd := exec.Command("go", "build", "-o", static, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		path  string
		check func(*Info) bool
		what  string
	}{
		{"/bin/ls", func(i *Info) bool {
			// Debian builds ls without BIND_NOW: partial RELRO, as readelf -d shows
			return i.Interp != "" && len(i.Needed) > 0 && i.Hardening.PIE && i.Hardening.NX && i.Hardening.RELRO == "partial" && i.IsExecutable()
		}, "dynamic PIE with partial RELRO"},
		{static, func(i *Info) bool { return i.Static && i.Go && i.Interp == "" && len(i.Needed) == 0 }, "static Go binary"},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		info, err := Parse(data)
		if err != nil {
			t.Fatalf("Parse(%s): %v", tt.path, err)
		}
		if !tt.check(info) {
			t.Errorf("Parse(%s) = %+v, want %s", tt.path, info, tt.what)
		}
	}
	libs, _ := filepath.Glob("/lib/*-linux-gnu/libselinux.so.1")
	if len(libs) == 1 {
		data, _ := os.ReadFile(libs[0])
		info, err := Parse(data)
		if err != nil || !info.IsSharedLibrary() || info.SOName != "libselinux.so.1" {
			t.Errorf("Parse(libselinux) = %+v, %v; want a shared library with its soname", info, err)
		}
	}
}

// TestHardeningFlags compiles the same C program with and without the
// protections checksec looks for.
func TestHardeningFlags(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte(`#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) { char buf[64]; strcpy(buf, argv[0]); printf("%s\n", buf); return 0; }
`), 0o644)
	build := func(name string, flags ...string) *Info {
		out := filepath.Join(dir, name)
		args := append([]string{"-O2", "-o", out, src}, flags...)
		if b, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("gcc %v: %v\n%s", args, err, b)
		}
		data, _ := os.ReadFile(out)
		info, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	hard := build("hard", "-fPIE", "-pie", "-Wl,-z,relro,-z,now", "-fstack-protector-all", "-D_FORTIFY_SOURCE=2")
	want := Hardening{PIE: true, RELRO: "full", Canary: true, NX: true, Fortify: true}
	if hard.Hardening != want {
		t.Errorf("hardened build: %+v, want %+v", hard.Hardening, want)
	}
	soft := build("soft", "-no-pie", "-Wl,-z,norelro", "-fno-stack-protector", "-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=0", "-z", "execstack")
	want = Hardening{RELRO: "none"}
	if soft.Hardening != want {
		t.Errorf("unhardened build: %+v, want %+v", soft.Hardening, want)
	}
}

func TestMalformed(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("\x7fELF"), []byte("\x7fELF\x02\x01\x01\x00garbagegarbagegarbagegarbagegarbagegarbage")} {
		if _, err := Parse(data); err == nil {
			t.Errorf("Parse(%q) succeeded", data)
		}
	}
}

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("/bin/true"); err == nil {
		f.Add(data[:min(len(data), 4096)])
	}
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Parse(data) // must not panic
	})
}
