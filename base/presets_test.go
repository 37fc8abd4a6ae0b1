package base

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuiltinPresets(t *testing.T) {
	ps, err := BuiltinPresets()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"base", "cc", "java", "nodejs", "python3", "static"}, ps.Names()); diff != "" {
		t.Errorf("presets (-want +got):\n%s", diff)
	}
	for _, name := range ps.Names() {
		for _, arch := range Arches {
			spec, err := ps.Spec(name, arch)
			if err != nil {
				t.Fatalf("Spec(%s, %s) = %v", name, arch, err)
			}
			if err := spec.Validate(); err != nil {
				t.Errorf("Spec(%s, %s).Validate() = %v", name, arch, err)
			}
			if !contains(spec.Packages, "base-files") || !contains(spec.Packages, "ca-certificates") || !contains(spec.Exclude, "dpkg") {
				t.Errorf("Spec(%s) = %+v: every preset has base-files, ca-certificates and excludes dpkg", name, spec)
			}
			for _, p := range spec.Packages {
				if contains(spec.excludes(), p) {
					t.Errorf("Spec(%s): %s is requested and excluded", name, p)
				}
			}
		}
	}
	cc, _ := ps.Spec("cc", "amd64")
	if diff := cmp.Diff([]string{"base-files", "netbase", "tzdata", "ca-certificates", "libc6", "libssl3", "libgcc-s1", "libstdc++6", "libgomp1"}, cc.Packages); diff != "" {
		t.Errorf("cc packages (-want +got):\n%s", diff)
	}
	java, _ := ps.Spec("java", "arm64")
	if got := java.Symlinks["/usr/bin/java"]; got != "/usr/lib/jvm/java-17-openjdk-arm64/bin/java" {
		t.Errorf("java arm64 symlink = %q", got)
	}
	if !contains(java.Exclude, "libcups2") || strings.Join(java.Entrypoint, " ") != "/usr/bin/java -jar" {
		t.Errorf("java spec = %+v", java)
	}
	node, _ := ps.Spec("nodejs", "amd64")
	if strings.Join(node.Entrypoint, " ") != "/usr/bin/node" {
		t.Errorf("nodejs entrypoint = %q", node.Entrypoint)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestUserPresets(t *testing.T) {
	ps, err := BuiltinPresets()
	if err != nil {
		t.Fatal(err)
	}
	user, err := ParsePresets(strings.NewReader(`
exclude: [libgomp1]
presets:
  myapp:
    extends: cc
    packages: [curl]
    cmd: [--help]
    env: {APP_ARCH: "{arch}", LIB: "/usr/lib/{triplet}"}
    workdir: /app
  static:
    packages: [base-files]
`))
	if err != nil {
		t.Fatal(err)
	}
	ps.Merge(user)
	spec, err := ps.Spec("myapp", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Packages[len(spec.Packages)-1] != "curl" || spec.WorkingDir != "/app" || spec.Env["APP_ARCH"] != "arm64" || spec.Env["LIB"] != "/usr/lib/aarch64-linux-gnu" {
		t.Errorf("myapp = %+v", spec)
	}
	if contains(spec.Packages, "netbase") {
		t.Errorf("the user's static replaced the built-in one, so myapp has no netbase: %v", spec.Packages)
	}
	if contains(spec.excludes(), "libgomp1") {
		t.Errorf("libgomp1 is requested by cc, so it is not excluded: %v", spec.excludes())
	}

	for _, bad := range []struct{ in, want string }{
		{"presets:\n  a:\n    pakages: [x]\n", "field pakages not found"},
		{"presets:\n  a:\n    extends: b\n  b:\n    extends: a\n", "extends loop"},
		{"presets:\n  a:\n    extends: nope\n", "extends unknown preset"},
		{"presets:\n  a:\n", "is empty"},
	} {
		ps, err := ParsePresets(strings.NewReader(bad.in))
		if err == nil {
			_, err = ps.Spec("a", "amd64")
		}
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("presets %q: error %v, want %q", bad.in, err, bad.want)
		}
	}
	if _, err := ps.Spec("nope", "amd64"); err == nil || !strings.Contains(err.Error(), "unknown preset") {
		t.Errorf("Spec(nope) = %v", err)
	}
}
