package debian

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseDeb822Sources(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Source
		wantErr  string
	}{
		{
			name: "debian 12 default",
			in: `Types: deb
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main contrib
Architectures: amd64 arm64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`,
			want: []Source{
				{Types: []string{"deb"}, URIs: []string{"http://mirror.example/debian"}, Suites: []string{"bookworm", "bookworm-updates"}, Components: []string{"main"}, SignedBy: "/usr/share/keyrings/debian-archive-keyring.gpg", Enabled: true, Origin: "f:1"},
				{Types: []string{"deb", "deb-src"}, URIs: []string{"http://mirror.example/debian-security"}, Suites: []string{"bookworm-security"}, Components: []string{"main", "contrib"}, Architectures: []string{"amd64", "arm64"}, SignedBy: "/usr/share/keyrings/debian-archive-keyring.gpg", Enabled: true, Origin: "f:8"},
			},
		},
		{
			name: "disabled, case-insensitive keys, flat suite",
			in:   "types: deb\nuris: http://x/repo\nsuites: ./\nEnabled: no\n",
			want: []Source{{Types: []string{"deb"}, URIs: []string{"http://x/repo"}, Suites: []string{"./"}, Enabled: false, Origin: "f:1"}},
		},
		{
			name: "inline key block",
			in:   "Types: deb\nURIs: http://x/d\nSuites: s\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n -----END PGP PUBLIC KEY BLOCK-----\n",
			want: []Source{{Types: []string{"deb"}, URIs: []string{"http://x/d"}, Suites: []string{"s"}, Components: []string{"main"}, SignedBy: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n-----END PGP PUBLIC KEY BLOCK-----", Enabled: true, Origin: "f:1"}},
		},
		{name: "missing suites", in: "Types: deb\nURIs: http://x/d\n", wantErr: "needs Types, URIs and Suites"},
		{name: "suite without components", in: "Types: deb\nURIs: http://x/d\nSuites: bookworm\n", wantErr: "needs Components"},
		{name: "flat with components", in: "Types: deb\nURIs: http://x/d\nSuites: ./\nComponents: main\n", wantErr: "cannot have Components"},
		{name: "continuation first", in: " oops\n", wantErr: "continuation line without a field"},
		{name: "no colon", in: "Types deb\n", wantErr: "want \"Field: value\""},
		{name: "empty", in: "\n\n# only comments\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDeb822Sources(strings.NewReader(tt.in), "f")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDeb822Sources() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseDeb822Sources() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSourcesList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Source
		wantErr  string
	}{
		{
			name: "plain and options",
			in: `# comment
deb http://m.example/debian bookworm main contrib # trailing comment

deb [ arch=amd64,arm64 signed-by=/k.gpg ] http://m.example/debian-security bookworm-security main
deb-src http://m.example/debian bookworm main
deb [trusted=yes] http://local/repo ./
`,
			want: []Source{
				{Types: []string{"deb"}, URIs: []string{"http://m.example/debian"}, Suites: []string{"bookworm"}, Components: []string{"main", "contrib"}, Enabled: true, Origin: "l:2"},
				{Types: []string{"deb"}, URIs: []string{"http://m.example/debian-security"}, Suites: []string{"bookworm-security"}, Components: []string{"main"}, Architectures: []string{"amd64", "arm64"}, SignedBy: "/k.gpg", Enabled: true, Origin: "l:4"},
				{Types: []string{"deb-src"}, URIs: []string{"http://m.example/debian"}, Suites: []string{"bookworm"}, Components: []string{"main"}, Enabled: true, Origin: "l:5"},
				{Types: []string{"deb"}, URIs: []string{"http://local/repo"}, Suites: []string{"./"}, Enabled: true, Origin: "l:6"},
			},
		},
		{name: "bad type", in: "rpm http://x y z\n", wantErr: "unknown source type"},
		{name: "no suite", in: "deb http://x\n", wantErr: "want URI and suite"},
		{name: "unclosed options", in: "deb [arch=amd64 http://x s main\n", wantErr: "unclosed ["},
		{name: "bad option", in: "deb [arch] http://x s main\n", wantErr: "not key=value"},
		{name: "suite needs component", in: "deb http://x bookworm\n", wantErr: "need components"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSourcesList(strings.NewReader(tt.in), "l")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSourcesList() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseSourcesList() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepos(t *testing.T) {
	srcs := []Source{
		{Types: []string{"deb"}, URIs: []string{"http://a/debian/"}, Suites: []string{"bookworm", "bookworm-updates"}, Components: []string{"main"}, SignedBy: "/k", Enabled: true},
		{Types: []string{"deb"}, URIs: []string{"http://a/debian"}, Suites: []string{"bookworm"}, Components: []string{"main"}, Enabled: true}, // duplicate
		{Types: []string{"deb-src"}, URIs: []string{"http://src"}, Suites: []string{"bookworm"}, Components: []string{"main"}, Enabled: true},
		{Types: []string{"deb"}, URIs: []string{"http://off"}, Suites: []string{"bookworm"}, Components: []string{"main"}, Enabled: false},
		{Types: []string{"deb"}, URIs: []string{"http://arm"}, Suites: []string{"bookworm"}, Components: []string{"main"}, Architectures: []string{"arm64"}, Enabled: true},
	}
	got := Repos(srcs, "amd64")
	want := []Repo{
		{URI: "http://a/debian", Suite: "bookworm", Components: []string{"main"}, SignedBy: "/k"},
		{URI: "http://a/debian", Suite: "bookworm-updates", Components: []string{"main"}, SignedBy: "/k"},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Repos(amd64) mismatch (-want +got):\n%s", diff)
	}
	if n := len(Repos(srcs, "arm64")); n != 3 {
		t.Errorf("Repos(arm64) has %d repos, want 3", n)
	}
	if got, want := want[0].DistURL("InRelease"), "http://a/debian/dists/bookworm/InRelease"; got != want {
		t.Errorf("DistURL = %q, want %q", got, want)
	}
	flat := Repo{URI: "http://l/repo", Suite: "./"}
	if got, want := flat.DistURL("Packages.xz"), "http://l/repo/./Packages.xz"; got != want {
		t.Errorf("flat DistURL = %q, want %q", got, want)
	}
}

func TestSystemSources(t *testing.T) {
	root := t.TempDir()
	apt := filepath.Join(root, "etc", "apt")
	if err := os.MkdirAll(filepath.Join(apt, "sources.list.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(apt, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := SystemSources(root); err == nil {
		t.Fatal("SystemSources(empty root) = nil error, want one")
	}
	write("sources.list", "deb http://one/debian bookworm main\n")
	write("sources.list.d/b.sources", "Types: deb\nURIs: http://three/debian\nSuites: bookworm\nComponents: main\n")
	write("sources.list.d/a.list", "deb http://two/debian bookworm main\n")
	write("sources.list.d/ignored.txt", "garbage")
	got, err := SystemSources(root)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, s := range got {
		uris = append(uris, s.URIs[0])
	}
	if diff := cmp.Diff([]string{"http://one/debian", "http://two/debian", "http://three/debian"}, uris); diff != "" {
		t.Errorf("SystemSources order (-want +got):\n%s", diff)
	}
}

// TestMachineSources reads this machine's real apt sources (when it has
// any) with both parsers, as the integration tests do to find the mirror.
func TestMachineSources(t *testing.T) {
	srcs, err := SystemSources("/")
	if err != nil {
		t.Skipf("no apt sources on this machine: %v", err)
	}
	if len(Repos(srcs, "amd64")) == 0 {
		t.Errorf("SystemSources(/) = %+v: no enabled deb repository", srcs)
	}
}
