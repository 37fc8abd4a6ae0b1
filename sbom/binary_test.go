package sbom

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/internal/testutil"
)

// elfWith is an executable's bytes with strings embedded the way a build
// embeds its version, between other NUL-terminated strings.
func elfWith(parts ...string) string {
	return "\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 56) + "\x00usage\x00" + strings.Join(parts, "\x00") + "\x00%s: %s\x00"
}

func TestBinaryClassifiers(t *testing.T) {
	files := []testutil.File{
		testutil.Reg("usr/lib/os-release", osRelease),
		testutil.Reg("var/lib/dpkg/status", statusBase),
		// a tarball install in /usr/local: node, python with libpython, redis, php
		testutil.Exe("usr/local/bin/node", elfWith("https://nodejs.org/download/release/v20.18.1/", "node.js/v20.18.1", "v20.18.1")),
		testutil.Exe("usr/local/bin/python3.12", elfWith("main")),
		testutil.Reg("usr/local/lib/libpython3.12.so.1.0", elfWith("3.12.4", "%.80s (%.80s) %.80s")),
		testutil.Exe("usr/local/bin/redis-server", elfWith("systemd", "7.2.5", "A7.2.5a1b2c3d4e5f6-1702957741000000000")),
		testutil.Exe("usr/local/bin/php", elfWith("X-Powered-By: PHP/8.3.9", "PHP/8.3.9")),
		testutil.Exe("usr/sbin/nginx", elfWith("nginx version: nginx/1.27.0")),
		testutil.Exe("usr/local/apache2/bin/httpd", elfWith("Apache/2.4.62 (Unix)")),
		// Temurin: the launcher and the release file agree
		testutil.Exe("opt/java/openjdk/bin/java", elfWith("NOTE: Picked up %s: %s", "openjdk", "java", "0.0", "21.0.4+7-LTS", "-J-ms8m")),
		testutil.Reg("opt/java/openjdk/release", "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.4\"\nJAVA_VERSION_DATE=\"2024-07-16\"\n"),
		// Debian's node: the version is in libnode, which a package installed
		testutil.Reg("var/lib/dpkg/info/libnode108:amd64.list", "/usr/lib/x86_64-linux-gnu/libnode.so.108\n"),
		testutil.Reg("usr/lib/x86_64-linux-gnu/libnode.so.108", elfWith("node.js/v18.19.0")),
		// names that match but say nothing, and text that is no ELF
		testutil.Exe("usr/bin/node-gyp", elfWith("node.js/v1.2.3")),
		testutil.Exe("usr/local/bin/python3.11", elfWith("3.12.4")),
		testutil.Exe("srv/nginx", "#!/bin/sh\necho nginx version: nginx/9.9.9\n"),
		testutil.Reg("srv/release", "VERSION=1\n"),
	}
	s := generate(t, testutil.Image(t, nil, files))
	generic := func(p *Package) bool { return p.Type == "generic" }
	want := []brief{
		{Type: "generic", Name: "httpd", Version: "2.4.62", PURL: "pkg:generic/httpd@2.4.62", FoundBy: "binary/httpd", Path: "/usr/local/apache2/bin/httpd", Layer: 0},
		{Type: "generic", Name: "nginx", Version: "1.27.0", PURL: "pkg:generic/nginx@1.27.0", FoundBy: "binary/nginx", Path: "/usr/sbin/nginx", Layer: 0},
		{Type: "generic", Name: "node", Version: "18.19.0", PURL: "pkg:generic/node@18.19.0", FoundBy: "binary/node", Path: "/usr/lib/x86_64-linux-gnu/libnode.so.108", Layer: 0},
		{Type: "generic", Name: "node", Version: "20.18.1", PURL: "pkg:generic/node@20.18.1", FoundBy: "binary/node", Path: "/usr/local/bin/node", Layer: 0},
		{Type: "generic", Name: "openjdk", Version: "21.0.4", PURL: "pkg:generic/openjdk@21.0.4", FoundBy: "binary/openjdk", Path: "/opt/java/openjdk/bin/java", Layer: 0},
		{Type: "generic", Name: "php", Version: "8.3.9", PURL: "pkg:generic/php@8.3.9", FoundBy: "binary/php", Path: "/usr/local/bin/php", Layer: 0},
		{Type: "generic", Name: "python", Version: "3.12.4", PURL: "pkg:generic/python@3.12.4", FoundBy: "binary/python", Path: "/usr/local/lib/libpython3.12.so.1.0", Layer: 0},
		{Type: "generic", Name: "redis", Version: "7.2.5", PURL: "pkg:generic/redis@7.2.5", FoundBy: "binary/redis", Path: "/usr/local/bin/redis-server", Layer: 0},
	}
	if d := cmp.Diff(want, briefs(s, generic)); d != "" {
		t.Errorf("generic packages (-want +got):\n%s", d)
	}
	for _, p := range s.Packages {
		switch {
		case p.Name == "openjdk" && len(p.Locations) != 2:
			t.Errorf("openjdk locations = %+v, want the launcher and the release file", p.Locations)
		case p.Name == "node" && p.Version == "18.19.0" && p.OwnedBy != "deb:libnode108":
			t.Errorf("Debian's node OwnedBy = %q, want deb:libnode108", p.OwnedBy)
		case p.Name == "node" && p.Version == "20.18.1" && p.OwnedBy != "":
			t.Errorf("the tarball node OwnedBy = %q, want none", p.OwnedBy)
		}
	}
}

// The release file alone (a JDK whose launcher a minified image replaced,
// say) is enough.
func TestBinaryClassifierJavaRelease(t *testing.T) {
	s := generate(t, testutil.Image(t, nil, []testutil.File{
		testutil.Reg("usr/lib/jvm/jdk/release", "JAVA_VERSION=\"17.0.12\"\n"),
	}))
	want := []brief{{Type: "generic", Name: "openjdk", Version: "17.0.12", PURL: "pkg:generic/openjdk@17.0.12", FoundBy: "binary/openjdk-release", Path: "/usr/lib/jvm/jdk/release", Layer: 0}}
	if d := cmp.Diff(want, briefs(s, nil)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// BenchmarkBinaryClassifiers runs the classifiers over a 16 MiB executable
// whose version string is at the end, the worst case: node's is found by a
// literal search, redis' by trying the NUL-terminated strings.
func BenchmarkBinaryClassifiers(b *testing.B) {
	filler := []byte(strings.Repeat("some.symbol_name\x00x86_64 text 1.2\x00", 1<<19))
	for _, c := range []struct{ name, tail string }{
		{"node", "node.js/v20.18.1"},
		{"redis-server", "A7.0.151778644800000000000"},
		{"nginx", "nginx version: nginx/1.27.0"},
	} {
		data := append(append([]byte(elfWith()), filler...), []byte(c.tail+"\x00")...)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if v, _ := classify("/usr/local/bin/"+c.name, data); v == nil {
					b.Fatal("no version found")
				}
			}
		})
	}
}
