package audit

import (
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// Account types are the facts package's: audit reads the parsed files.
type (
	// User is one line of /etc/passwd.
	User = facts.User
	// Group is one line of /etc/group.
	Group = facts.Group
	// ShadowEntry is one line of /etc/shadow without its hash.
	ShadowEntry = facts.ShadowEntry
)

// The account files, as audit's evidence names them.
const (
	passwdPath = facts.PasswdPath
	groupPath  = facts.GroupPath
	shadowPath = facts.ShadowPath
)

// Password states in /etc/shadow.
const (
	PasswordLocked = facts.PasswordLocked
	PasswordEmpty  = facts.PasswordEmpty
	PasswordSet    = facts.PasswordSet
)

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

// accountWants are the parsed account files.
func accountWants() []fsindex.Want {
	return []fsindex.Want{facts.Users.Want(), facts.Groups.Want(), facts.Shadow.Want()}
}

// accountsOf collects the parsed account files from an index built with
// Wants.
func accountsOf(x *fsindex.Index) *Accounts {
	a := &Accounts{}
	var ok bool
	if a.Users, ok = fsindex.Get(x, facts.Users, facts.PasswdPath); !ok {
		_, ok = x.Lookup(facts.PasswdPath)
	}
	a.HasPasswd = ok
	if a.Groups, ok = fsindex.Get(x, facts.Groups, facts.GroupPath); !ok {
		_, ok = x.Lookup(facts.GroupPath)
	}
	a.HasGroup = ok
	if a.Shadow, ok = fsindex.Get(x, facts.Shadow, facts.ShadowPath); !ok {
		_, ok = x.Lookup(facts.ShadowPath)
	}
	a.HasShadow = ok
	return a
}
