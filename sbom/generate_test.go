package sbom

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/internal/testutil"
)

const osRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
`

const statusBase = `Package: base-files
Status: install ok installed
Version: 12.4+deb12u5
Architecture: amd64

Package: libc6
Status: install ok installed
Source: glibc
Version: 2.36-9+deb12u4
Architecture: amd64

Package: removed-pkg
Status: deinstall ok config-files
Version: 1.0
Architecture: amd64
`

const statusOwn = statusBase + `
Package: libcurl4
Status: install ok installed
Source: curl
Version: 7.88.1-10+deb12u5
Architecture: amd64
`

const lockV3 = `{
  "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": {"name": "app", "version": "1.0.0", "dependencies": {"express": "4.17.1"}},
    "node_modules/express": {"version": "4.17.1", "resolved": "https://registry.npmjs.org/express/-/express-4.17.1.tgz", "license": "MIT"},
    "node_modules/@scope/left": {"version": "1.0.0"}
  }
}`

const lockV2 = `{
  "name": "mid", "version": "0.2.0", "lockfileVersion": 2,
  "packages": {"": {"name": "mid"}, "node_modules/qs": {"version": "6.7.0"}},
  "dependencies": {"qs": {"version": "6.7.0"}}
}`

const lockV1 = `{
  "name": "old", "version": "0.1.0", "lockfileVersion": 1,
  "dependencies": {"minimist": {"version": "1.2.0", "resolved": "https://registry.npmjs.org/minimist/-/minimist-1.2.0.tgz"}}
}`

// jarBytes makes a jar with a pom.properties and a nested jar.
func jarBytes(t *testing.T, group, artifact, version string, nested []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("META-INF/MANIFEST.MF")
	w.Write([]byte("Manifest-Version: 1.0\r\nImplementation-Title: " + artifact + "\r\n"))
	w, _ = zw.Create("META-INF/maven/" + group + "/" + artifact + "/pom.properties")
	w.Write([]byte("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n"))
	if nested != nil {
		w, _ = zw.Create("BOOT-INF/lib/inner-2.0.jar")
		w.Write(nested)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func generate(t *testing.T, img v1.Image, opts ...Option) *SBOM {
	t.Helper()
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(Wants(opts...)...))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Generate(context.Background(), x, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// brief is what the tests compare of a package.
type brief struct {
	Type, Name, Version, PURL, Source, FoundBy string
	Licenses                                   string
	Path                                       string
	Layer                                      int
	Origin                                     string
}

func briefs(s *SBOM, keep func(*Package) bool) []brief {
	var out []brief
	for i := range s.Packages {
		p := &s.Packages[i]
		if keep != nil && !keep(p) {
			continue
		}
		b := brief{Type: p.Type, Name: p.Name, Version: p.Version, PURL: p.PURL, Source: p.SourceName, FoundBy: p.FoundBy, Licenses: strings.Join(p.Licenses, ","), Layer: -1}
		if len(p.Locations) > 0 {
			b.Path, b.Layer, b.Origin = p.Locations[0].Path, p.Locations[0].LayerIndex(), p.Locations[0].Origin
		}
		out = append(out, b)
	}
	return out
}

func TestGenerateDebianAndLanguages(t *testing.T) {
	self, err := os.ReadFile(os.Args[0]) // this test binary: a Go binary with build info
	if err != nil {
		t.Fatal(err)
	}
	inner := jarBytes(t, "org.inner", "inner", "2.0", nil)
	base := []testutil.File{
		testutil.Reg("usr/lib/os-release", osRelease),
		testutil.Symlink("etc/os-release", "../usr/lib/os-release"),
		testutil.Reg("var/lib/dpkg/status", statusBase),
		testutil.Reg("var/lib/dpkg/info/base-files.list", "/etc/debian_version\n"),
		testutil.Reg("var/lib/dpkg/info/libc6:amd64.list", "/lib/x86_64-linux-gnu/libc.so.6\n"),
		testutil.Reg("usr/share/doc/libc6/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: LGPL-2.1+\n\nFiles: debian/*\nLicense: GPL-2\n"),
		testutil.Reg("usr/share/doc/base-files/copyright", "This is Debian's base-files.\nSee /usr/share/common-licenses/GPL for the license.\n"),
	}
	own := []testutil.File{
		testutil.Reg("var/lib/dpkg/status", statusOwn),
		testutil.Reg("var/lib/dpkg/info/libcurl4:amd64.list", "/usr/lib/x86_64-linux-gnu/libcurl.so.4\n"),
		testutil.Reg("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"),
		testutil.Reg("var/lib/dpkg/status.d/tzdata.md5sums", "abc  usr/share/zoneinfo/UTC\n"),
		testutil.Reg("app/package.json", `{"name": "app", "version": "1.0.0", "license": "ISC"}`),
		testutil.Reg("app/package-lock.json", lockV3),
		testutil.Reg("app/node_modules/express/package.json", `{"name": "express", "version": "4.17.1", "license": "MIT"}`),
		testutil.Reg("old/package-lock.json", lockV1),
		testutil.Reg("mid/package-lock.json", lockV2),
		testutil.Reg("usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License\n\nlong description\n"),
		testutil.Reg("src/go.mod", "module example.com/tool\n\ngo 1.21.5\n\nrequire golang.org/x/net v0.17.0\n"),
		testutil.Exe("usr/local/bin/gotool", string(self)),
		testutil.Reg("opt/app.jar", string(jarBytes(t, "com.example", "demo", "1.2.3", inner))),
	}
	s := generate(t, testutil.Image(t, nil, base, own))

	if d := cmp.Diff(&OS{ID: "debian", VersionID: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)", Ecosystem: "Debian:12"}, s.OS); d != "" {
		t.Errorf("OS (-want +got):\n%s", d)
	}
	notGoBinary := func(p *Package) bool { return p.FoundBy != "go/binary" }
	want := []brief{
		{Type: "deb", Name: "base-files", Version: "12.4+deb12u5", PURL: "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=bookworm", FoundBy: "os/dpkg", Licenses: "GPL", Path: "/var/lib/dpkg/info/base-files.list", Layer: 0},
		{Type: "deb", Name: "libc6", Version: "2.36-9+deb12u4", PURL: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=bookworm&source=glibc", Source: "glibc", FoundBy: "os/dpkg", Licenses: "GPL-2,LGPL-2.1+", Path: "/var/lib/dpkg/info/libc6:amd64.list", Layer: 0},
		{Type: "deb", Name: "libcurl4", Version: "7.88.1-10+deb12u5", PURL: "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u5?arch=amd64&distro=bookworm&source=curl", Source: "curl", FoundBy: "os/dpkg", Path: "/var/lib/dpkg/info/libcurl4:amd64.list", Layer: 1},
		{Type: "deb", Name: "tzdata", Version: "2024a-0+deb12u1", PURL: "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=bookworm", FoundBy: "os/dpkg", Path: "/var/lib/dpkg/status.d/tzdata", Layer: 1},
		{Type: "golang", Name: "golang.org/x/net", Version: "0.17.0", PURL: "pkg:golang/golang.org/x/net@0.17.0", FoundBy: "go/gomod", Path: "/src/go.mod", Layer: 1},
		{Type: "golang", Name: "stdlib", Version: "1.21.5", PURL: "pkg:golang/stdlib@1.21.5", FoundBy: "go/gomod", Path: "/src/go.mod", Layer: 1},
		{Type: "maven", Name: "com.example:demo", Version: "1.2.3", PURL: "pkg:maven/com.example/demo@1.2.3", FoundBy: "java/archive", Path: "/opt/app.jar", Layer: 1},
		{Type: "maven", Name: "org.inner:inner", Version: "2.0", PURL: "pkg:maven/org.inner/inner@2.0", FoundBy: "java/archive", Path: "/opt/app.jar", Layer: 1},
		{Type: "npm", Name: "@scope/left", Version: "1.0.0", PURL: "pkg:npm/%40scope/left@1.0.0", FoundBy: "javascript/packagelockjson", Path: "/app/package-lock.json", Layer: 1},
		{Type: "npm", Name: "app", Version: "1.0.0", PURL: "pkg:npm/app@1.0.0", FoundBy: "javascript/packagejson", Licenses: "ISC", Path: "/app/package.json", Layer: 1},
		{Type: "npm", Name: "express", Version: "4.17.1", PURL: "pkg:npm/express@4.17.1", FoundBy: "javascript/packagelockjson", Licenses: "MIT", Path: "/app/package-lock.json", Layer: 1},
		{Type: "npm", Name: "minimist", Version: "1.2.0", PURL: "pkg:npm/minimist@1.2.0", FoundBy: "javascript/packagelockjson", Path: "/old/package-lock.json", Layer: 1},
		{Type: "npm", Name: "qs", Version: "6.7.0", PURL: "pkg:npm/qs@6.7.0", FoundBy: "javascript/packagelockjson", Path: "/mid/package-lock.json", Layer: 1},
		{Type: "pypi", Name: "requests", Version: "2.31.0", PURL: "pkg:pypi/requests@2.31.0", FoundBy: "python/wheelegg", Licenses: "Apache 2.0,Apache Software License", Path: "/usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA", Layer: 1},
	}
	for i := range want {
		if want[i].Layer == 0 {
			want[i].Origin = ""
		}
	}
	if d := cmp.Diff(want, briefs(s, notGoBinary)); d != "" {
		t.Errorf("packages (-want +got):\n%s", d)
	}
	// express is in the lock file and installed: one package, both places
	for _, p := range s.Packages {
		if p.Name == "express" && len(p.Locations) != 2 {
			t.Errorf("express locations = %+v, want the lock file and package.json", p.Locations)
		}
	}

	// the Go binary: the toolchain and every module of this test binary
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info in the test binary")
	}
	got := map[string]string{}
	for _, p := range s.Packages {
		if p.FoundBy == "go/binary" {
			got[p.Name] = p.Version
			if p.Locations[0].Path != "/usr/local/bin/gotool" {
				t.Errorf("%s found at %s", p.Name, p.Locations[0].Path)
			}
		}
	}
	if v := strings.TrimPrefix(strings.Fields(runtime.Version())[0], "go"); got["stdlib"] != v {
		t.Errorf("stdlib = %q, want %q", got["stdlib"], v)
	}
	for _, dep := range bi.Deps {
		if dep.Replace != nil {
			continue
		}
		if got[dep.Path] != strings.TrimPrefix(dep.Version, "v") {
			t.Errorf("module %s = %q, want %q", dep.Path, got[dep.Path], dep.Version)
		}
	}
}
