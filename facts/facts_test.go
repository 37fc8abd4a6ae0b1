package facts_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

const status = "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nConffiles:\n /etc/issue 123\n /etc/motd 456\nDescription: Debian base system\n This package contains the basic filesystem hierarchy.\n .\n And more.\n\n" +
	"Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n" +
	"Package: bad\nthis line has no colon\n\n" +
	"Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\nSource: openssl\n"

func TestParseDpkgStatus(t *testing.T) {
	paras, err := facts.ParseDpkgStatus([]byte(strings.ReplaceAll(status, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paras {
		names = append(names, p.Name())
	}
	// the malformed paragraph keeps its text, with no fields
	if diff := cmp.Diff([]string{"base-files", "gone", "", "libssl3"}, names); diff != "" {
		t.Fatalf("names (-want +got):\n%s", diff)
	}
	base := paras[0]
	if base.Fields["Conffiles"] != "/etc/issue 123\n/etc/motd 456\n" {
		t.Errorf("Conffiles = %q", base.Fields["Conffiles"])
	}
	if !strings.HasPrefix(base.Fields["Description"], "Debian base system\nThis package") {
		t.Errorf("Description = %q", base.Fields["Description"])
	}
	if want := strings.Split(status, "\n\n")[0] + "\n"; base.Text != want {
		t.Errorf("Text = %q, want the paragraph as written %q", base.Text, want)
	}
	if paras[2].Text != "Package: bad\nthis line has no colon\n" {
		t.Errorf("malformed paragraph text = %q", paras[2].Text)
	}
	if !base.Installed() || paras[1].Installed() || !(facts.DpkgParagraph{Fields: map[string]string{"Package": "x"}}).Installed() {
		t.Error("Installed: want true for installed and for no Status (status.d), false for config-files")
	}
	if l := paras[3]; l.Arch() != "amd64" || l.Version() != "3.0.11-1~deb12u2" || l.Fields["Source"] != "openssl" {
		t.Errorf("libssl3 = %+v", l.Fields)
	}
}

// TestParseDpkgStatusFixture reads a real Debian 9 status file.
func TestParseDpkgStatusFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(tu.SharedDir(t), "testdata", "osv-offline-fixtures", "debian9-dpkg", "var", "lib", "dpkg", "status"))
	if err != nil {
		t.Fatal(err)
	}
	paras, err := facts.ParseDpkgStatus(data)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\nPackage: ") + 1; len(paras) != n {
		t.Fatalf("%d paragraphs, the file has %d packages", len(paras), n)
	}
	for _, p := range paras {
		if p.Name() == "" || p.Version() == "" || !p.Installed() {
			t.Errorf("paragraph %q: name %q version %q installed %v", p.Text[:20], p.Name(), p.Version(), p.Installed())
		}
	}
}

// TestKeys indexes a tree holding each database and reads the facts back.
func TestKeys(t *testing.T) {
	fsys := fstest.MapFS{
		"var/lib/dpkg/status":                  {Data: []byte(status)},
		"var/lib/dpkg/info/libssl3:amd64.list": {Data: []byte("/.\n/usr\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n")},
		"var/lib/dpkg/status.d/tzdata":         {Data: []byte("Package: tzdata\nVersion: 2024a\n")},
		"var/lib/dpkg/status.d/tzdata.md5sums": {Data: []byte("d41d8cd98f00b204e9800998ecf8427e  usr/share/zoneinfo/UTC\n")},
		"lib/apk/db/installed":                 {Data: []byte("C:Q1\nP:musl\nV:1.2.4-r2\nF:lib\nR:ld-musl-x86_64.so.1\nR:../../etc/evil/x\nR:libc.musl-x86_64.so.1\n\nP:busybox\nV:1.36\nF:bin\nR:busybox\n")},
		"etc/passwd":                           {Data: []byte("root:x:0:0:root:/root:/bin/bash\n# comment\nbroken\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n")},
		"etc/group":                            {Data: []byte("root:x:0:\nnonroot:x:65532:\n")},
		"etc/shadow":                           {Data: []byte("root:*:19000::::::\nnonroot::19000::::::\napp:$6$salt$hash:19000::::::\n")},
		"usr/bin/run":                          {Data: []byte("#!/usr/bin/env python3 -u\nprint(1)\n"), Mode: 0o755},
	}
	x, err := fsindex.FromFS(context.Background(), fsys, fsindex.WithWants(facts.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	if paras, ok := fsindex.Get(x, facts.DpkgStatus, facts.DpkgStatusPath); !ok || len(paras) != 4 {
		t.Errorf("status = %d paragraphs, %v", len(paras), ok)
	}
	if paras, ok := fsindex.Get(x, facts.DpkgStatus, "/var/lib/dpkg/status.d/tzdata"); !ok || paras[0].Name() != "tzdata" {
		t.Errorf("status.d/tzdata = %+v, %v", paras, ok)
	}
	if _, ok := fsindex.Get(x, facts.DpkgStatus, "/var/lib/dpkg/status.d/tzdata.md5sums"); ok {
		t.Error("an md5sums file read as a control file")
	}
	files, from := facts.DpkgFileList(x, "libssl3", "")
	if from != "/var/lib/dpkg/info/libssl3:amd64.list" || !cmp.Equal(files, []string{"/usr", "/usr/lib/x86_64-linux-gnu/libssl.so.3"}) {
		t.Errorf("libssl3 files = %v from %s", files, from)
	}
	if files, from := facts.DpkgFileList(x, "tzdata", ""); from != "/var/lib/dpkg/status.d/tzdata.md5sums" || !cmp.Equal(files, []string{"/usr/share/zoneinfo/UTC"}) {
		t.Errorf("tzdata files = %v from %s", files, from)
	}
	if name, arch := facts.DpkgListOwner(from); name != "libssl3" || arch != "amd64" {
		t.Errorf("owner of %s = %s %s", from, name, arch)
	}
	apk, _ := fsindex.Get(x, facts.ApkInstalled, facts.ApkInstalledPath)
	want := []facts.ApkPackage{{Name: "musl", Version: "1.2.4-r2", Files: []string{"/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"}},
		{Name: "busybox", Version: "1.36", Files: []string{"/bin/busybox"}}}
	if diff := cmp.Diff(want, apk); diff != "" {
		t.Errorf("apk (-want +got):\n%s", diff)
	}
	users, _ := fsindex.Get(x, facts.Users, facts.PasswdPath)
	if len(users) != 2 || users[1].Name != "nonroot" || users[1].UID != 65532 || users[1].Line != 4 {
		t.Errorf("users = %+v", users)
	}
	if groups, _ := fsindex.Get(x, facts.Groups, facts.GroupPath); len(groups) != 2 || groups[1].GID != 65532 {
		t.Errorf("groups = %+v", groups)
	}
	shadow, _ := fsindex.Get(x, facts.Shadow, facts.ShadowPath)
	var states []string
	for _, s := range shadow {
		states = append(states, s.Password)
	}
	if !cmp.Equal(states, []string{facts.PasswordLocked, facts.PasswordEmpty, facts.PasswordSet}) {
		t.Errorf("shadow states = %v", states)
	}
	if line, ok := fsindex.Get(x, facts.Shebang, "/usr/bin/run"); !ok || line != "#!/usr/bin/env python3 -u" {
		t.Errorf("shebang = %q, %v", line, ok)
	}
}

// TestELF reads the summary of a real executable: the test binary itself.
func TestELF(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	x, err := fsindex.FromFS(context.Background(), fstest.MapFS{"bin/test": {Data: data, Mode: 0o755}}, fsindex.WithWants(facts.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	info, ok := fsindex.Get(x, facts.ELF, "/bin/test")
	if !ok || info == nil || !info.Go {
		t.Fatalf("ELF of a Go test binary = %+v, %v", info, ok)
	}
	if _, ok := fsindex.Get(x, facts.ELFStrings, "/bin/test"); !ok {
		t.Error("no ELF strings")
	}
	if _, ok := fsindex.Get(x, facts.Shebang, "/bin/test"); ok {
		t.Error("an ELF file has a shebang")
	}
}

// BenchmarkParseDpkgStatus parses a status file of 2,000 packages, the size
// of a large Debian image's.
func BenchmarkParseDpkgStatus(b *testing.B) {
	var sb strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&sb, "Package: pkg%d\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 100\n"+
			"Maintainer: Debian <d@example.org>\nArchitecture: amd64\nVersion: 1.%d-1\nDepends: libc6 (>= 2.34)\n"+
			"Conffiles:\n /etc/pkg%d.conf 0123456789abcdef0123456789abcdef\nDescription: package %d\n A longer description\n .\n of it.\n\n", i, i, i, i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if paras, err := facts.ParseDpkgStatus(data); err != nil || len(paras) != 2000 {
			b.Fatalf("%d paragraphs, %v", len(paras), err)
		}
	}
}
