package redact

import (
	"encoding/json"
	"strings"
	"testing"
)

// Test values are built at run time so no file in the repository holds a
// string a secret scanner reports.
var (
	awsID     = "AKIA" + "Q3EXZ7RW2JPL4M9T"
	awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "Q3x8Zt2Lm9"
	ghToken   = "ghp_" + "x4Rk9aLq2Wm7Zp3Ts8Vb1Nc6Yd0Fh5Jg2KeQ"
	example   = "AKIA" + "IOSFODNN7EXAMPLE"
)

func TestString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"AWS_SECRET_ACCESS_KEY=" + awsSecret, "AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>"},
		{"AWS_ACCESS_KEY_ID=" + awsID, "AWS_ACCESS_KEY_ID=<redacted:aws-access-key-id>"},
		{"token " + ghToken + " used", "token <redacted:github-token> used"},
		// an example key is still redacted under a key that names a secret
		{"AWS_SECRET_KEY=" + example, "AWS_SECRET_KEY=<redacted:secret-name>"},
		{"DB_PASSWORD=hunter2", "DB_PASSWORD=<redacted:secret-name>"},
		{`DB_PASSWORD="two words"`, `DB_PASSWORD="<redacted:secret-name>"`},
		{"API_KEY=abc;echo", "API_KEY=<redacted:secret-name>;echo"},
		// a reference or an empty value is not a secret
		{"TOKEN=$DEPLOY_TOKEN", "TOKEN=$DEPLOY_TOKEN"},
		{"TOKEN=", "TOKEN="},
		{"PATH=/usr/bin:/bin", "PATH=/usr/bin:/bin"},
		{"GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D"},
		// URL credentials
		{"git clone https://bob:s3cr3t@git.example.com/x.git", "git clone https://<redacted:url-credentials>@git.example.com/x.git"},
		{"https://" + ghToken + "@github.com/o/r", "https://<redacted:github-token>@github.com/o/r"},
		{"ssh://git@github.com/o/r", "ssh://git@github.com/o/r"},
		// build arguments, whatever their names
		{"|1 DEPLOY_TOKEN=abc123 /bin/sh -c make", "|1 DEPLOY_TOKEN=<redacted:secret-name> /bin/sh -c make"},
		{"RUN |2 A=x B=y z /bin/sh -c make # buildkit", "RUN |2 A=<redacted:build-arg> B=<redacted:build-arg> /bin/sh -c make # buildkit"},
		{"|1 VERSION=1.2 make", "|1 VERSION=<redacted:build-arg> make"},
		// JSON: a quoted key, an escaped value
		{`"DEPLOY_TOKEN": "abc\"def"`, `"DEPLOY_TOKEN": "<redacted:secret-name>"`},
		{`{"env": "AWS_SECRET_ACCESS_KEY=` + strings.ReplaceAll(awsSecret, "/", `\/`) + `"}`, `{"env": "AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>"}`},
		{`"x": "\u0067hp_` + ghToken[4:] + `"`, `"x": "<redacted:github-token>"`},
		// HTML escapes
		{"AWS_SECRET_ACCESS_KEY&#61;" + strings.ReplaceAll(awsSecret, "/", "&#47;"), "AWS_SECRET_ACCESS_KEY&#61;<redacted:aws-secret-access-key>"},
		// headers and flags
		{`curl -H "Authorization: Bearer abcdef123456" x`, `curl -H "Authorization: Bearer <redacted:auth-header>" x`},
		{"curl -u admin:pw1234 x", "curl -u <redacted:auth-header> x"},
		{"login --password s3cret9 --user x", "login --password <redacted:secret-name> --user x"},
		{"  password: s3cret9", "  password: <redacted:secret-name>"},
		// prose and plain text stay
		{"environment variable DEPLOY_TOKEN holds a secret (GitHub token)", "environment variable DEPLOY_TOKEN holds a secret (GitHub token)"},
		{"a=b c:d", "a=b c:d"},
	} {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if got := String(String(c.in)); got != String(c.in) {
			t.Errorf("String is not idempotent on %q: %q", c.in, got)
		}
	}
}

func TestPrivateKey(t *testing.T) {
	body := strings.Repeat("MIIEowIBAAKCAQEA7x", 4)
	in := "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----"
	if got := String(in); strings.Contains(got, body) || !strings.Contains(got, "<redacted:private-key>") {
		t.Errorf("private key not redacted: %q", got)
	}
}

func TestArgvStream(t *testing.T) {
	in := "{\n  \"argv\": [\n    \"/hello\",\n    \"--password\",\n    \"hunter22\",\n    \"-u\",\n    \"bob\",\n    \"--token\",\n    \"$T\"\n  ]\n}\n" +
		"args:\n  - --api-key\n  - abc123\n"
	got := string(Bytes([]byte(in)))
	for _, leak := range []string{"hunter22", "abc123"} {
		if strings.Contains(got, leak) {
			t.Errorf("%s not redacted:\n%s", leak, got)
		}
	}
	for _, keep := range []string{`"bob"`, `"$T"`, `"/hello"`} {
		if !strings.Contains(got, keep) {
			t.Errorf("%s redacted:\n%s", keep, got)
		}
	}
	list := []string{"run", "--password", "pw123456", "-u", "bob:pw", "--verbose", "x"}
	Value(&list)
	if want := []string{"run", "--password", Label(RuleSecretName), "-u", Label(RuleSecretName), "--verbose", "x"}; strings.Join(list, " ") != strings.Join(want, " ") {
		t.Errorf("argv: got %q", list)
	}
}

// TestJSONStaysValid: a redacted JSON document is still JSON, whatever
// escapes surround the secret.
func TestJSONStaysValid(t *testing.T) {
	for _, s := range []string{
		`RUN |1 DEPLOY_TOKEN=` + ghToken + ` /bin/sh -c curl -H "Authorization: token $DEPLOY_TOKEN" x`,
		`TOKEN="a\"b\\" PASSWORD=\x y`,
		`curl -H "Authorization: Bearer ` + ghToken + `"`,
		"AWS_SECRET_ACCESS_KEY=" + awsSecret + "\\",
		`x="` + ghToken + `\`,
	} {
		doc, err := json.Marshal(map[string]string{"v": s})
		if err != nil {
			t.Fatal(err)
		}
		got := Bytes(doc)
		if !json.Valid(got) {
			t.Errorf("redacting %s gave invalid JSON %s", doc, got)
		}
	}
}

// TestNotOverRedacted: harden's own words are not secrets.
func TestNotOverRedacted(t *testing.T) {
	for _, s := range []string{
		`"configKey": "Config.User"`,
		`"secrets": 26,`,
		"  passwd: rewritten: root, nonroot (65532)",
		"Secrets: 26",
		"error: token expired",
		"http://localhost:8080/healthz",
		`"publicKey": "ssh-ed25519 AAAA"`,
	} {
		if got := String(s); got != s {
			t.Errorf("String(%q) = %q", s, got)
		}
	}
}

func TestDockerUser(t *testing.T) {
	for _, s := range []string{"docker run --user 65532:65532 app", "docker run -u app:app x", "  --user 0:0 \\"} {
		if got := String(s); got != s {
			t.Errorf("String(%q) = %q", s, got)
		}
	}
	list := []string{"docker", "run", "-u", "65532:65532"}
	Value(&list)
	if list[3] != "65532:65532" {
		t.Errorf("argv: %q", list)
	}
}
