package audit

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Account files harden reads. /etc/shadow is parsed into password states
// at walk time: no hash is ever kept.
const (
	passwdPath = "/etc/passwd"
	groupPath  = "/etc/group"
	shadowPath = "/etc/shadow"
	// maxAccountLines bounds what one account file may hold.
	maxAccountLines = 100_000
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

// Accounts holds the image's users and groups.
type Accounts struct {
	// HasPasswd, HasGroup and HasShadow tell whether the files exist.
	HasPasswd, HasGroup, HasShadow bool
	Users                          []User
	Groups                         []Group
	Shadow                         []ShadowEntry
}

// User returns the user named n.
func (a *Accounts) User(n string) (User, bool) {
	for _, u := range a.Users {
		if u.Name == n {
			return u, true
		}
	}
	return User{}, false
}

// UID reports whether some user has uid.
func (a *Accounts) UID(uid int) bool {
	for _, u := range a.Users {
		if u.UID == uid {
			return true
		}
	}
	return false
}

// GID reports whether some group has gid.
func (a *Accounts) GID(gid int) bool {
	for _, g := range a.Groups {
		if g.GID == gid {
			return true
		}
	}
	return false
}

// accountsWant keeps the parsed account files.
func accountsWant() fsindex.Want {
	return fsindex.Want{
		Name:    "audit/accounts",
		Match:   fsindex.MatchPath(func(p string) bool { return p == passwdPath || p == groupPath || p == shadowPath }),
		MaxSize: 16 << 20,
		Parse:   parseAccountFile,
	}
}

// parseAccountFile parses /etc/passwd, /etc/group or /etc/shadow by path.
func parseAccountFile(p string, data []byte) (any, error) {
	switch p {
	case passwdPath:
		return ParsePasswd(data)
	case groupPath:
		return ParseGroup(data)
	case shadowPath:
		return ParseShadow(data)
	}
	return nil, fmt.Errorf("not an account file: %s", p)
}

// accountLines calls fn with the fields of every non-comment line.
func accountLines(data []byte, minFields int, fn func(fields []string, line int)) error {
	line := 0
	for len(data) > 0 {
		line++
		if line > maxAccountLines {
			return fmt.Errorf("more than %d lines", maxAccountLines)
		}
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
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

// accountsOf collects the parsed account files from an index built with
// Wants.
func accountsOf(x *fsindex.Index) *Accounts {
	a := &Accounts{}
	if v, ok := x.Parsed("audit/accounts", passwdPath); ok {
		a.HasPasswd, a.Users = true, v.([]User)
	} else if _, ok := x.Lookup(passwdPath); ok {
		a.HasPasswd = true
	}
	if v, ok := x.Parsed("audit/accounts", groupPath); ok {
		a.HasGroup, a.Groups = true, v.([]Group)
	} else if _, ok := x.Lookup(groupPath); ok {
		a.HasGroup = true
	}
	if v, ok := x.Parsed("audit/accounts", shadowPath); ok {
		a.HasShadow, a.Shadow = true, v.([]ShadowEntry)
	} else if _, ok := x.Lookup(shadowPath); ok {
		a.HasShadow = true
	}
	return a
}
