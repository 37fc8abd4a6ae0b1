package facts

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Account files. /etc/shadow is parsed into password states at walk time:
// no hash is ever kept.
const (
	PasswdPath = "/etc/passwd"
	GroupPath  = "/etc/group"
	ShadowPath = "/etc/shadow"
	// MaxAccountLines bounds what one account file may hold.
	MaxAccountLines = 100_000
	maxAccountFile  = 16 << 20
)

// User is one line of /etc/passwd.
type User struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
	Line  int    `json:"line"`
}

// Group is one line of /etc/group.
type Group struct {
	Name string `json:"name"`
	GID  int    `json:"gid"`
	Line int    `json:"line"`
}

// Password states in /etc/shadow.
const (
	PasswordLocked = "locked" // "*", "!", "!!", "!…" (a locked hash) or "x"
	PasswordEmpty  = "empty"  // "": anyone can log in without one
	PasswordSet    = "set"    // a hash
)

// ShadowEntry is one line of /etc/shadow without its hash.
type ShadowEntry struct {
	Name     string `json:"name"`
	Password string `json:"password"` // PasswordLocked, PasswordEmpty or PasswordSet
	Line     int    `json:"line"`
}

func isPath(want string) func(*fsindex.Candidate) bool {
	return func(c *fsindex.Candidate) bool { return c.Path == want }
}

// Users is the parsed /etc/passwd.
var Users = fsindex.NewKey("facts/passwd", maxAccountFile, isPath(PasswdPath),
	func(_ string, data []byte) ([]User, error) { return ParsePasswd(data) })

// Groups is the parsed /etc/group.
var Groups = fsindex.NewKey("facts/group", maxAccountFile, isPath(GroupPath),
	func(_ string, data []byte) ([]Group, error) { return ParseGroup(data) })

// Shadow is the parsed /etc/shadow: password states, never hashes.
var Shadow = fsindex.NewKey("facts/shadow", maxAccountFile, isPath(ShadowPath),
	func(_ string, data []byte) ([]ShadowEntry, error) { return ParseShadow(data) })

// accountLines calls fn with the fields of every non-comment line.
func accountLines(data []byte, minFields int, fn func(fields []string, line int)) error {
	line := 0
	for len(data) > 0 {
		line++
		if line > MaxAccountLines {
			return fmt.Errorf("more than %d lines", MaxAccountLines)
		}
		var l []byte
		l, data, _ = bytes.Cut(data, newline)
		s := strings.TrimRight(string(l), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(strings.TrimSpace(s), "#") {
			continue
		}
		f := strings.Split(s, ":")
		if len(f) < minFields {
			continue
		}
		fn(f, line)
	}
	return nil
}

// ParsePasswd reads /etc/passwd. Malformed lines are skipped.
func ParsePasswd(data []byte) ([]User, error) {
	var out []User
	err := accountLines(data, 7, func(f []string, line int) {
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			return
		}
		out = append(out, User{Name: f[0], UID: uid, GID: gid, Home: f[5], Shell: f[6], Line: line})
	})
	return out, err
}

// ParseGroup reads /etc/group. Malformed lines are skipped.
func ParseGroup(data []byte) ([]Group, error) {
	var out []Group
	err := accountLines(data, 3, func(f []string, line int) {
		gid, err := strconv.Atoi(f[2])
		if err != nil {
			return
		}
		out = append(out, Group{Name: f[0], GID: gid, Line: line})
	})
	return out, err
}

// ParseShadow reads /etc/shadow and keeps only whether each password is
// locked, empty or set.
func ParseShadow(data []byte) ([]ShadowEntry, error) {
	var out []ShadowEntry
	err := accountLines(data, 2, func(f []string, line int) {
		out = append(out, ShadowEntry{Name: f[0], Password: passwordState(f[1]), Line: line})
	})
	return out, err
}

func passwordState(h string) string {
	switch {
	case h == "":
		return PasswordEmpty
	case h == "x" || strings.HasPrefix(h, "*") || strings.HasPrefix(h, "!"):
		return PasswordLocked
	default:
		return PasswordSet
	}
}
