package secrets

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rnd makes a random string from alphabet. Test secrets are made at run
// time so no token-shaped string is committed.
func rnd(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum       = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b64         = alnum + "+/"
)

// Fakes holds one fake secret of every format, made at run time.
type fakes struct {
	AWSKeyID, AWSSecret, GitHub, GitLab, Slack, Stripe, Google, NPM, JWT, Password, KeyBody string
}

func newFakes(seed uint64) fakes {
	r := rand.New(rand.NewPCG(seed, 7))
	body := ""
	for i := 0; i < 4; i++ {
		body += rnd(r, b64, 64) + "\n"
	}
	return fakes{
		AWSKeyID:  "AKIA" + rnd(r, upperDigits, 16),
		AWSSecret: rnd(r, b64, 40),
		GitHub:    "ghp_" + rnd(r, alnum, 36),
		GitLab:    "glpat-" + rnd(r, alnum, 20),
		Slack:     "xoxb-" + rnd(r, "0123456789", 11) + "-" + rnd(r, alnum, 24),
		Stripe:    "sk_live_" + rnd(r, alnum, 24),
		Google:    "AIza" + rnd(r, alnum, 35),
		NPM:       "npm_" + rnd(r, alnum, 36),
		JWT:       "eyJ" + rnd(r, alnum, 20) + ".eyJ" + rnd(r, alnum, 30) + "." + rnd(r, alnum, 43),
		Password:  rnd(r, alnum, 10) + "7#Q",
		KeyBody:   body,
	}
}

func TestScan(t *testing.T) {
	f := newFakes(1)
	tests := []struct {
		name string
		path string
		data string
		want []string // rule IDs, in order
	}{
		{"aws key id in code", "/app/a.js", "const id = '" + f.AWSKeyID + "';\n", []string{"aws-access-key-id"}},
		{"aws key id inside a longer word is not one", "/app/a.js", "X" + f.AWSKeyID + "Z\n", nil},
		{"aws documentation example", "/app/a.js", "id = AKIAIOSFODNN7EXAMPLE\n", nil},
		{"aws secret", "/app/x.ini", "aws_secret_access_key = " + f.AWSSecret + "\n", []string{"aws-secret-access-key"}},
		{"github token", "/app/a.sh", "export GH=" + f.GitHub + "\n", []string{"github-token"}},
		{"gitlab token", "/app/a.sh", "git clone https://oauth2:" + f.GitLab + "@gitlab.example/x\n", []string{"gitlab-token"}},
		{"slack token", "/app/a.py", "SLACK = \"" + f.Slack + "\"\n", []string{"slack-token"}},
		{"stripe live key", "/app/a.rb", "Stripe.api_key = '" + f.Stripe + "'\n", []string{"stripe-key"}},
		{"google api key", "/app/a.js", "key: '" + f.Google + "',\n", []string{"google-api-key"}},
		{"npm token", "/app/a.sh", "echo " + f.NPM + "\n", []string{"npm-token"}},
		{"npm_config variables are not tokens", "/app/a.js", "process.env.npm_config_cache_lock_retries_abcdefghij\n", nil},
		{"jwt", "/app/a.txt", "Authorization: Bearer " + f.JWT + "\n", []string{"jwt"}},
		{"private key with body", "/root/key.pem", "-----BEGIN RSA PRIVATE KEY-----\n" + f.KeyBody + "-----END RSA PRIVATE KEY-----\n", []string{"private-key"}},
		{"private key header in library code", "/usr/lib/node_modules/forge/pem.js", "var h = '-----BEGIN PRIVATE KEY-----';\n", nil},
		{"encrypted key with headers", "/k", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n" + f.KeyBody, []string{"private-key"}},
		{"npmrc token", "/root/.npmrc", "//registry.npmjs.org/:_authToken=" + f.Password + "\n", []string{"npmrc-auth"}},
		{"npmrc with a variable", "/root/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", nil},
		{"npmrc rule only for .npmrc", "/root/notes", "//registry.npmjs.org/:_authToken=abcdef\n", nil},
		{"pypirc", "/root/.pypirc", "[pypi]\nusername = me\npassword = " + f.Password + "\n", []string{"pypirc-password"}},
		{"netrc", "/root/.netrc", "machine example.com login me password " + f.Password + "\n", []string{"netrc-password"}},
		{"git credentials", "/root/.git-credentials", "https://me:" + f.Password + "@git.example.com\n", []string{"git-credentials"}},
		{"docker config", "/root/.docker/config.json", `{"auths":{"r.example":{"auth":"` + f.AWSSecret + `"}}}`, []string{"docker-config-auth"}},
		{"aws credentials file", "/root/.aws/credentials", "[default]\naws_access_key_id = " + f.AWSKeyID + "\naws_secret_access_key = " + f.AWSSecret + "\n", []string{"aws-access-key-id", "aws-secret-access-key"}},
		{"dotenv secret", "/app/.env", "PORT=3000\nDB_PASSWORD=hunter22\n", []string{"dotenv-secret"}},
		{"dotenv example is not scanned as .env", "/app/.env.example", "DB_PASSWORD=hunter22\n", nil},
		{"generic password assignment in config", "/app/config.yml", "db:\n  password: " + f.Password + "\n", []string{"generic-secret-config"}},
		{"generic quoted password in code", "/app/db.js", "const dbPassword = \"" + f.Password + "\";\n", []string{"generic-secret"}},
		{"generic unquoted value in code is an expression", "/app/db.js", "token = mapping_token9x\n", nil},
		{"generic identifier without digits", "/app/a.yml", "tokenType: isClosingBraceToken\n", nil},
		{"generic placeholder", "/app/config.yml", "password: changeme123\n", nil},
		{"generic low entropy", "/app/config.yml", "password: aaaaaaaaaaaa\n", nil},
		{"generic reference", "/app/a.js", "const password = options.password;\n", nil},
		{"generic key that names a file", "/app/a.env.sh", "SECRET_FILE=" + f.Password + "\n", nil},
		{"nothing", "/app/a.txt", "hello world\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Scan(tt.path, []byte(tt.data))
			var ids []string
			for _, m := range got {
				ids = append(ids, m.Rule)
				if strings.Contains(tt.data, m.Redacted) && m.Redacted != "****" && len(m.Redacted) > 10 {
					t.Errorf("redaction %q too long", m.Redacted)
				}
			}
			if d := cmp.Diff(tt.want, ids); d != "" {
				t.Errorf("Scan(%q) rules (-want +got):\n%s", tt.data, d)
			}
		})
	}
}

func TestScanLinesAndRedaction(t *testing.T) {
	f := newFakes(2)
	data := "line one\nline two\ntoken: " + f.GitHub + "\n\nkey=" + f.AWSKeyID + "\n"
	got := Scan("/x", []byte(data))
	want := []Match{
		{Rule: "github-token", Title: "GitHub token", Line: 3, Redacted: "ghp_****"},
		{Rule: "aws-access-key-id", Title: "AWS access key ID", Line: 5, Redacted: "AKIA****"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Scan (-want +got):\n%s", d)
	}
}

func TestText(t *testing.T) {
	f := newFakes(3)
	s := "/bin/sh -c echo " + f.GitHub + " > /root/.git-credentials && curl -H 'x: " + f.Slack + "' x"
	red, ms := Text(s)
	if strings.Contains(red, f.GitHub) || strings.Contains(red, f.Slack) {
		t.Fatalf("Text left a secret in %q", red)
	}
	if len(ms) != 2 || ms[0].Rule != "github-token" || ms[1].Rule != "slack-token" {
		t.Errorf("Text matches = %+v", ms)
	}
	if !strings.Contains(red, "ghp_****") || !strings.HasPrefix(red, "/bin/sh -c echo ") {
		t.Errorf("Text redacted to %q", red)
	}
	if same, ms := Text("apt-get update"); same != "apt-get update" || ms != nil {
		t.Errorf("Text(clean) = %q, %v", same, ms)
	}
}

func TestScanBounded(t *testing.T) {
	f := newFakes(4)
	data := strings.Repeat("t="+f.GitHub+"\n", 500)
	if got := Scan("/x", []byte(data)); len(got) != MaxMatches {
		t.Errorf("Scan found %d matches, want the cap %d", len(got), MaxMatches)
	}
}

func TestIsSensitiveKey(t *testing.T) {
	tests := map[string]bool{
		"DB_PASSWORD": true, "MYSQL_ROOT_PASSWORD": true, "API_TOKEN": true, "AWS_SECRET_ACCESS_KEY": true,
		"GITHUB_AUTH": true, "PRIVATE_KEY": true, "secretKey": true,
		"GPG_KEY": false, "GPG_KEYS": false, "PASSWORD_FILE": false, "NODE_VERSION": false, "PATH": false,
		"HOME": false, "KEYSERVER": false, "PUBLIC_KEY": false, "TOKEN_URL": false, "AWS_ACCESS_KEY_ID": false,
		"org.opencontainers.image.authors": false, "": false,
	}
	for k, want := range tests {
		if got := IsSensitiveKey(k); got != want {
			t.Errorf("IsSensitiveKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestIsPlaceholder(t *testing.T) {
	tests := map[string]bool{
		"": true, "abc": true, "/run/secrets/db": true, "$DB_PASS": true, "${TOKEN}": true, "true": true,
		"3000": true, "changeme": true, "<your-token>": true, "your_password_here": true,
		"hunter22": false, "s3cr3t-Value": false, "1234567": false,
	}
	for v, want := range tests {
		if got := IsPlaceholder(v); got != want {
			t.Errorf("IsPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		v    string
		keep int
		want string
	}{
		{"ghp_abcdefghijklmnop", 4, "ghp_****"},
		{"short", 4, "****"},
		{"hunter22", 0, "****"},
	}
	for _, tt := range tests {
		if got := Redact(tt.v, tt.keep); got != tt.want {
			t.Errorf("Redact(%q, %d) = %q, want %q", tt.v, tt.keep, got, tt.want)
		}
	}
}

func TestLooksBinary(t *testing.T) {
	if !LooksBinary([]byte("\x7fELF\x02\x01\x01\x00")) {
		t.Error("ELF head not binary")
	}
	if LooksBinary([]byte("#!/bin/sh\necho héllo\n")) {
		t.Error("UTF-8 text looks binary")
	}
	if !LooksBinary([]byte(strings.Repeat("\xff\xfe\x80", 50))) {
		t.Error("invalid UTF-8 not binary")
	}
}

func TestEntropy(t *testing.T) {
	if e := Entropy("aaaa"); e != 0 {
		t.Errorf("Entropy(aaaa) = %v", e)
	}
	if e := Entropy("abcd"); e != 2 {
		t.Errorf("Entropy(abcd) = %v, want 2", e)
	}
}

func TestIsSensitiveLabel(t *testing.T) {
	tests := map[string]bool{
		"api_token": true, "com.example.db.password": true, "vendor.private_key": true,
		"dev.harden.fixture.key": false, "org.opencontainers.image.source": false, "maintainer": false,
	}
	for k, want := range tests {
		if got := IsSensitiveLabel(k); got != want {
			t.Errorf("IsSensitiveLabel(%q) = %v, want %v", k, got, want)
		}
	}
}
