package secrets

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/google/osv-scalibr/veles"
)

// Rule is one kind of secret. Rules are data: the package's list never
// changes after start-up.
type Rule struct {
	// ID is stable and kebab-case, e.g. "aws-access-key-id".
	ID string
	// Title names the secret for people, e.g. "AWS access key ID".
	Title string
	// Keywords are literals (case-sensitive; list the spellings) one of
	// which must occur on the line of a match; a rule without keywords runs
	// on the whole of the files its Files predicate selects.
	Keywords []string
	// Files, when set, limits the rule to these files (by path).
	Files func(p string) bool
	// re finds the secret; the group named "secret" is the value, "key" the
	// name it is assigned to (for assignments).
	re *regexp.Regexp
	// detectors, instead of re, are osv-scalibr's veles detectors that
	// find the secret (veles.go).
	detectors []veles.Detector
	// keep is how many leading characters of the value a redaction may
	// show: the fixed prefix that names the format ("AKIA", "ghp_"), never
	// the random part.
	keep int
	// minEntropy, when set, drops values with less Shannon entropy (bits
	// per character) and placeholders such as "changeme".
	minEntropy float64
	// keyed drops assignments whose key is a reference, not a secret
	// (PASSWORD_FILE, TOKEN_URL).
	keyed bool
	// sensitiveKey drops assignments whose key does not look secret.
	sensitiveKey bool
	// digit drops values without a digit (identifiers such as getToken).
	digit bool
}

// base returns the last element of p.
func base(p string) string { return path.Base(p) }

func fileNamed(names ...string) func(string) bool {
	return func(p string) bool {
		b := base(p)
		for _, n := range names {
			if b == n {
				return true
			}
		}
		return false
	}
}

// isDotEnv matches .env and .env.production, not .env.example.
func isDotEnv(p string) bool {
	b := base(p)
	if b == ".env" {
		return true
	}
	if !strings.HasPrefix(b, ".env.") {
		return false
	}
	switch strings.TrimPrefix(b, ".env.") {
	case "example", "sample", "template", "dist", "defaults", "schema":
		return false
	}
	return true
}

func isDockerConfig(p string) bool { return strings.HasSuffix(p, "/.docker/config.json") }

// genericKeywords are the spellings of the words generic rules look for.
var genericKeywords = []string{"password", "Password", "PASSWORD", "passwd", "Passwd", "PASSWD", "secret", "Secret", "SECRET",
	"token", "Token", "TOKEN", "api_key", "API_KEY", "apikey", "apiKey", "ApiKey", "APIKEY", "api-key"}

// configExts are configuration formats, where values are often unquoted.
var configExts = map[string]bool{".yml": true, ".yaml": true, ".ini": true, ".conf": true, ".cfg": true, ".cnf": true,
	".properties": true, ".toml": true, ".env": true, ".config": true}

// isConfigFile matches configuration files by extension, and files under
// /etc without one.
func isConfigFile(p string) bool {
	ext := path.Ext(p)
	return configExts[ext] || ext == "" && strings.HasPrefix(p, "/etc/")
}

// assignment is the value part of KEY=VALUE / KEY: VALUE, quoted or not.
const assignment = `\s*[:=]\s*["']?`

// rules is every rule: token formats (hand-written, then veles', see
// veles.go) before file and generic rules, so a token in an assignment is
// reported as the token. Nothing writes it.
var rules = slices.Concat(tokenRules, velesRules, fileRules)

// tokenRules and fileRules are the hand-written rules: the kinds veles has
// no detector for or finds less of (docs/secrets.md says which and why).
var tokenRules = []Rule{
	{
		ID: "private-key", Title: "private key",
		Keywords: []string{"PRIVATE KEY"},
		// The header alone is not enough (libraries print it): a base64
		// body must follow, after optional Proc-Type/DEK-Info headers.
		re: regexp.MustCompile(`-----BEGIN ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----\r?\n(?:[A-Za-z-]+:[^\n]*\n)*\s*(?P<secret>[A-Za-z0-9+/=]{40,})`),
	},
	{
		ID: "aws-access-key-id", Title: "AWS access key ID",
		Keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA", "A3T"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9])(?P<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})(?:[^A-Za-z0-9]|$)`),
		keep:     4,
	},
	{
		ID: "aws-secret-access-key", Title: "AWS secret access key",
		Keywords: []string{"secret_access_key", "SECRET_ACCESS_KEY", "SecretAccessKey", "secretAccessKey"},
		re:       regexp.MustCompile(`(?i)(?P<key>aws_?secret_?access_?key)` + assignment + `(?P<secret>[A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)`),
	},
	{
		ID: "github-token", Title: "GitHub token",
		Keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9_])(?P<secret>(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,251}))(?:[^A-Za-z0-9_]|$)`),
		keep:     4,
	},
	{
		ID: "gitlab-token", Title: "GitLab token",
		Keywords: []string{"glpat-", "glptt-", "gldt-"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])(?P<secret>(?:glpat|glptt|gldt)-[A-Za-z0-9_-]{20,})`),
		keep:     6,
	},
	{
		ID: "slack-token", Title: "Slack token",
		Keywords: []string{"xox"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9])(?P<secret>xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{8,})`),
		keep:     5,
	},
	{
		ID: "slack-webhook", Title: "Slack webhook URL",
		Keywords: []string{"hooks.slack.com"},
		re:       regexp.MustCompile(`hooks\.slack\.com/(?:services|workflows)/(?P<secret>T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,})`),
	},
	{
		ID: "google-api-key", Title: "Google API key",
		Keywords: []string{"AIza"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])(?P<secret>AIza[0-9A-Za-z_-]{35})(?:[^A-Za-z0-9_-]|$)`),
		keep:     4,
	},
	{
		ID: "jwt", Title: "JSON Web Token",
		Keywords: []string{"eyJ"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})`),
		keep:     3,
	},
}

var fileRules = []Rule{
	{
		ID: "npmrc-auth", Title: "npm registry credential in .npmrc",
		Files: fileNamed(".npmrc", "npmrc"),
		re:    regexp.MustCompile(`(?m)^\s*(?:\S*:)?(?P<key>_authToken|_auth|_password)\s*=\s*["']?(?P<secret>[^\s"'$][^\s"']*)`),
	},
	{
		ID: "pypirc-password", Title: "password in .pypirc",
		Files: fileNamed(".pypirc"),
		re:    regexp.MustCompile(`(?m)^\s*(?P<key>password)\s*[:=]\s*(?P<secret>[^\s$][^\s]*)`),
	},
	{
		ID: "netrc-password", Title: "password in .netrc",
		Files: fileNamed(".netrc", "_netrc"),
		re:    regexp.MustCompile(`(?:^|\s)(?P<key>password)\s+(?P<secret>\S+)`),
	},
	{
		ID: "git-credentials", Title: "credential in .git-credentials",
		Files: fileNamed(".git-credentials"),
		re:    regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^:@\s/]+:(?P<secret>[^@\s/]+)@`),
	},
	{
		ID: "docker-config-auth", Title: "registry credential in Docker config.json",
		Files: isDockerConfig,
		re:    regexp.MustCompile(`"(?P<key>auth|identitytoken)"\s*:\s*"(?P<secret>[A-Za-z0-9+/=._-]{8,})"`),
	},
	{
		ID: "aws-credentials-file", Title: "AWS credentials file entry",
		Files: func(p string) bool { return strings.HasSuffix(p, "/.aws/credentials") },
		re:    regexp.MustCompile(`(?mi)^\s*(?P<key>aws_secret_access_key|aws_session_token)\s*=\s*(?P<secret>\S+)`),
	},
	{
		ID: "dotenv-secret", Title: "secret in a .env file",
		Files:        isDotEnv,
		re:           regexp.MustCompile(`(?m)^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*["']?(?P<secret>[^\s"'#$][^\s"'#]*)`),
		keyed:        true,
		sensitiveKey: true,
	},
	{
		// In any file, a quoted value: password = "s3cr3t-Value9".
		ID: "generic-secret", Title: "hard-coded password or secret",
		Keywords:   genericKeywords,
		re:         regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_.-])(?P<key>[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api_?key|api-key)[A-Za-z0-9_.-]*)["']?\s*(?:[:=]|:=|=>)\s*["'](?P<secret>[A-Za-z0-9+/=_!@#%^*~.-]{8,128})["']`),
		minEntropy: 3.0, digit: true, keyed: true, sensitiveKey: true,
	},
	{
		// In configuration files, unquoted values too: password: s3cr3t9.
		ID: "generic-secret-config", Title: "hard-coded password or secret in a config file",
		Keywords:   genericKeywords,
		Files:      isConfigFile,
		re:         regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_.-])(?P<key>[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api_?key|api-key)[A-Za-z0-9_.-]*)\s*[:=]\s*(?P<secret>[A-Za-z0-9+/=_!@#%^*~-]{8,128})(?:[\s,;]|$)`),
		minEntropy: 3.0, digit: true, keyed: true, sensitiveKey: true,
	},
}

// Rules returns every rule's ID and title, for documentation.
func Rules() []Rule { return append([]Rule(nil), rules...) }
