package redact

import (
	"regexp"
	"strings"
)

// A command line stored as a list ("--password", "s3cret") or printed one
// word a line (a JSON array, a YAML list) splits a flag from its value, so
// the flag alone says the next word is a secret.

var reFlagWord = regexp.MustCompile(`^--?[A-Za-z0-9][A-Za-z0-9_-]*$`)

// secretFlag reports whether word is an option whose value, the next word,
// is a secret: --password, --token, --api-key, -u/--user (user:password).
func secretFlag(word string) bool {
	if !reFlagWord.MatchString(word) {
		return false
	}
	switch word {
	case "-u", "--user":
		return true
	}
	return strongName(strings.TrimLeft(word, "-"))
}

// argv redacts, in a list of words, each word that follows a secret flag.
func argv(list []string) {
	for i := 1; i < len(list); i++ {
		if secretFlag(list[i-1]) && list[i] != "" && !isReference(list[i]) && !strings.HasPrefix(list[i], "-") && !strings.HasPrefix(list[i], "<redacted:") {
			if (list[i-1] == "-u" || list[i-1] == "--user") && !userPassword(list[i]) {
				continue // a user name alone, or docker's user:group
			}
			list[i] = Label(RuleSecretName)
		}
	}
}

// reLineWord is one word alone on a line: a JSON array element or a YAML
// list item, quoted or not.
var reLineWord = regexp.MustCompile(`^[ \t]*(?:-[ \t]+)?("(?:\\.|[^"\\])*"|'[^']*'|[^\s"',]+)[ \t]*,?[ \t]*\r?\n?$`)

// lineWord returns the word a line holds alone and where it is, unquoted.
func lineWord(line string) (word string, start, end int, ok bool) {
	m := reLineWord.FindStringSubmatchIndex(line)
	if m == nil {
		return "", 0, 0, false
	}
	start, end = trimQuotes(line, m[2], m[3])
	return line[start:end], start, end, true
}

// userPassword reports whether the value of -u/--user looks like curl's
// user:password and not docker's user:group (65532:65532, app:app).
func userPassword(v string) bool {
	user, pass, ok := strings.Cut(v, ":")
	if !ok || pass == "" || pass == user {
		return false
	}
	return strings.Trim(pass, "0123456789") != ""
}
