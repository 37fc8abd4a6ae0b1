package audit

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// secretFileNames are files that hold credentials by their nature (Dockle's
// CIS-DI-0010 list, plus keystores and kubeconfig).
var secretFileNames = set("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
	"credentials.json", "credential.json", "credentials", "credential", "password.txt", "passwords.txt",
	"secret_token.rb", "carrierwave.rb", "omniauth.rb", "settings.py", "database.yml", "credentials.xml",
	".env", ".htpasswd", ".pgpass", "master.key")

// secretFileExts are extensions of credential files (Dockle's list, plus
// PKCS#12 keystores).
var secretFileExts = set(".secret", ".ovpn", ".private_key", ".cscfg", ".rdp", ".mdf", ".sdf", ".bek", ".tpm",
	".fve", ".jks", ".psafe3", ".agilekeychain", ".keychain", ".pcap", ".gnucache", ".p12", ".pfx", ".keystore")

// vendorDirs hold files packages ship (libraries, documentation, test
// fixtures): a file named "credentials" there is code, not a credential.
var vendorDirs = []string{"/usr/share/", "/usr/lib/", "/usr/include/", "/usr/local/lib/", "/usr/libexec/", "/lib/",
	"/var/lib/dpkg/", "/etc/ssl/certs/"}

// vendorParts mark library and test trees anywhere.
var vendorParts = []string{"/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/", "/test/", "/tests/",
	"/__tests__/", "/testdata/", "/fixtures/", "/examples/", "/example/", "/.cargo/registry/", "/gems/"}

// isVendored reports whether p is in a package or test tree.
func isVendored(p string) bool {
	for _, d := range vendorDirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	for _, d := range vendorParts {
		if strings.Contains(p, d) {
			return true
		}
	}
	return false
}

// isSecretFile reports whether the name of p says it holds credentials.
func isSecretFile(p string) (string, bool) {
	b := path.Base(p)
	switch {
	case secretFileNames[b]:
		return b, true
	case strings.HasPrefix(b, "id_") && strings.Contains(p, "/.ssh/") && !strings.HasSuffix(b, ".pub"):
		return "SSH private key", true
	case strings.HasSuffix(p, "/.aws/credentials"), strings.HasSuffix(p, "/.kube/config"), strings.HasSuffix(p, "/.git-credentials"):
		return b, true
	case strings.HasPrefix(b, ".env.") && isDotEnvName(b):
		return b, true
	case secretFileExts[path.Ext(b)]:
		return path.Ext(b) + " file", true
	}
	return "", false
}

func isDotEnvName(b string) bool {
	switch strings.TrimPrefix(b, ".env.") {
	case "example", "sample", "template", "dist", "defaults", "schema":
		return false
	}
	return true
}

// secretFile reports files whose name says they hold credentials: SSH
// private keys, cloud credentials, .env files, keystores (CIS-DI-0010).
// Files in package and test trees are left out; --accept-file accepts more.
type secretFile struct{ noContent }

func (secretFile) ID() string { return "secret-file" }

func (c secretFile) Rule() Rule {
	return Rule{Weight: 10, Cap: 20, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0010"}, Title: "Credential file in the image", Severity: report.High,
		Fix: "Keep the file out of the build context (.dockerignore) or mount it at run time, and rotate what it holds"}}
}

func (c secretFile) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, e := range in.Index.Entries() {
		if e.Type != fsindex.TypeRegular && e.Type != fsindex.TypeHardlink {
			continue
		}
		what, ok := isSecretFile(e.Path)
		if !ok || isVendored(e.Path) || in.acceptedFile(e.Path) {
			continue
		}
		out = append(out, c.Rule().finding(fmt.Sprintf("%s is a credential file (%s)", e.Path, what), in.entryEvidence(e)))
	}
	return out, nil
}
