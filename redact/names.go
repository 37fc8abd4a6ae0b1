package redact

import (
	"strings"

	"github.com/harden-dev/harden/audit/secrets"
)

// strongWords make a key secret whatever its value looks like.
var strongWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "APIKEY", "API_KEY", "API-KEY",
	"CREDENTIAL", "PRIVATE_KEY", "PRIVATEKEY", "ACCESS_KEY", "ACCESSKEY", "AUTHTOKEN", "_AUTH"}

// notSecret are keys that hold public or reference values though their
// name contains a secret word.
func notSecret(k string) bool {
	switch k {
	case "GPG_KEY", "GPG_KEYS", "PUBLIC_KEY", "KEYRING":
		return true
	}
	for _, s := range []string{"_FILE", "_PATH", "_DIR"} {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// strongName reports whether the value of key k is redacted whatever it is.
func strongName(k string) bool {
	k = strings.ToUpper(strings.Trim(k, `"'-`))
	if k == "" || notSecret(k) {
		return false
	}
	if strings.HasSuffix(k, "_KEY") || strings.HasSuffix(k, "-KEY") || strings.HasSuffix(k, ".KEY") {
		return true
	}
	for _, w := range strongWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// SecretName reports whether a key (an environment variable, label, build
// argument or option name) names a secret: its value is then redacted,
// unless (for the looser names audit's IsSensitiveKey accepts, such as
// *ACCESS* or *AUTH*) the value is an obvious placeholder.
func SecretName(key string) bool {
	if !hasSecretWord(key) {
		return false
	}
	return strongName(key) || weakName(key)
}

// weakName is audit's IsSensitiveKey for environment-style names; a
// camelCase name is a field of harden's own output ("configKey"), where
// only the strong words count.
func weakName(key string) bool {
	for i := 1; i < len(key); i++ {
		if key[i-1] >= 'a' && key[i-1] <= 'z' && key[i] >= 'A' && key[i] <= 'Z' {
			return false
		}
	}
	return secrets.IsSensitiveKey(strings.Trim(key, `"'-`))
}

// keyedValue reports whether value, assigned to key, is to be redacted.
func keyedValue(key, value string) bool {
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	if v == "" || strings.HasPrefix(v, "<redacted:") || strings.HasPrefix(v, "&lt;redacted:") || isReference(v) ||
		strings.HasSuffix(v, "****") && len(v) <= 12 { // audit's own mask: a format prefix and ****
		return false
	}
	if metasyntactic(v) {
		return false
	}
	if strongName(key) {
		return true
	}
	return weakName(key) && !secrets.IsPlaceholder(v)
}

// isReference is a shell or template variable ($TOKEN, ${TOKEN}), not a value.
func isReference(v string) bool {
	if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") && !strings.ContainsAny(v[2:len(v)-1], "{}$ ") {
		return true
	}
	if strings.HasPrefix(v, "$") && len(v) > 1 {
		for _, c := range v[1:] {
			if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				return false
			}
		}
		return true
	}
	return false
}

// metasyntactic reports whether v is a word documentation uses for a value
// (KEY=VALUE, --token TOKEN), not a value.
func metasyntactic(v string) bool {
	switch strings.ToLower(strings.Trim(v, ".…[]")) {
	case "", "value", "values", "val", "key", "secret", "token", "password", "passwd", "pass", "string", "str", "x", "xxx":
		return true
	}
	return false
}
