package secrets

import (
	"math"
	"strings"
)

// sensitiveWords are the key substrings Dockle's CIS-DI-0010 looks for in
// ENV and ARG names (case-insensitive).
var sensitiveWords = []string{"pass", "secret", "key", "access", "token", "credential", "auth"}

// referenceSuffixes mark keys that name where a secret is, not the secret.
var referenceSuffixes = []string{"_file", "_path", "_dir", "_url", "_uri", "_version", "_id", "_env", "_name", "_type", "_mode", "_length", "_len", "_size", "_ttl", "_expiry", "_header", "_algorithm", "_alg"}

// IsSensitiveKey reports whether an environment, label or build-arg name
// looks like it holds a secret: it contains PASS, SECRET, KEY, ACCESS,
// TOKEN, CREDENTIAL or AUTH (as Dockle's CIS-DI-0010, plus the last two),
// and is not a known non-secret (GPG_KEY, *_FILE, *_PATH, *_URL, *_VERSION, …).
func IsSensitiveKey(key string) bool {
	k := strings.ToLower(strings.TrimSpace(key))
	if k == "" {
		return false
	}
	switch k {
	case "gpg_key", "gpg_keys", "public_key", "keyring", "apt_key_dont_warn_on_dangerous_usage",
		"passenger_version", "auth_type", "author", "authors":
		return false
	}
	for _, s := range referenceSuffixes {
		if strings.HasSuffix(k, s) {
			return false
		}
	}
	if strings.Contains(k, "public") || strings.Contains(k, "keyserver") || strings.Contains(k, "keyboard") ||
		strings.Contains(k, "monkey") || strings.Contains(k, "passthrough") || strings.Contains(k, "bypass") ||
		strings.Contains(k, "compass") || strings.Contains(k, "author") {
		return false
	}
	for _, w := range sensitiveWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// labelWords are the key words that make a label look secret: labels are
// namespaced (org.example.signing.key), so a bare "key" is not enough.
var labelWords = []string{"pass", "secret", "token", "credential", "api_key", "apikey", "api-key", "private_key",
	"private-key", "access_key", "access-key", "auth"}

// IsSensitiveLabel is IsSensitiveKey for image labels: the key must name
// a password, secret, token, credential or an API, private or access key.
func IsSensitiveLabel(key string) bool {
	if !IsSensitiveKey(key) {
		return false
	}
	k := strings.ToLower(key)
	for _, w := range labelWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// IsPlaceholder reports whether a value is obviously not a real secret:
// empty, a reference to a file or variable, a boolean, a short number, or
// a placeholder such as "changeme" or "<your-token>".
func IsPlaceholder(v string) bool {
	v = strings.Trim(strings.TrimSpace(v), `"'`)
	if len(v) < 4 {
		return true
	}
	switch v[0] {
	case '/', '$', '~', '.', '<', '{', '%', '@':
		return true
	}
	l := strings.ToLower(v)
	switch l {
	case "true", "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "required", "optional", "disabled", "enabled":
		return true
	}
	digits := true
	for _, r := range v {
		if r < '0' || r > '9' {
			digits = false
			break
		}
	}
	if digits && len(v) <= 6 {
		return true
	}
	for _, p := range []string{"example", "changeme", "change_me", "change-me", "your_", "your-", "yourpass", "placeholder",
		"dummy", "sample", "xxxx", "****", "redacted", "{{", "${", "%s", "replace", "insert", "fixme", "todo"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// Entropy is the Shannon entropy of s in bits per byte.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}

// Redact hides a secret: it keeps at most keep leading characters (the
// fixed prefix of a token format) and replaces the rest with "****". The
// length of the secret is not shown.
func Redact(value string, keep int) string {
	if keep <= 0 || keep >= len(value)/2 {
		return "****"
	}
	return value[:keep] + "****"
}
