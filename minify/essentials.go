package minify

import (
	"fmt"
	"github.com/harden-dev/harden/internal/distroless"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// NonrootUID is the user and group minified images run as, as distroless's
// "nonroot".
const NonrootUID = distroless.NonrootUID

// keepEssentials adds what every distroless image has.
func (k *Keeper) keepEssentials() {
	k.keepAccounts()
	if _, ok := k.x.Lookup("/etc/nsswitch.conf"); ok {
		k.Keep("/etc/nsswitch.conf", Reason{Rule: "essentials", Why: "name service switch configuration"})
	} else {
		k.generate(&Item{Path: "/etc/nsswitch.conf", Type: fsindex.TypeRegular, Mode: 0o644, Data: []byte(distroless.Nsswitch)},
			Reason{Rule: "essentials", Why: "written: the image has none, and glibc defaults differ"})
	}
	ca := Reason{Rule: "ca-certs", Why: "CA certificates, for TLS"}
	for _, p := range []string{"/etc/ssl/certs", "/etc/pki/tls/certs", "/etc/pki/ca-trust/extracted", "/usr/share/ca-certificates"} {
		if e, err := k.x.Stat(p); err == nil && e.IsDir() {
			k.KeepTree(p, ca, nil)
		}
	}
	for _, p := range []string{"/etc/ssl/cert.pem", "/etc/ca-certificates.conf"} {
		if _, err := k.x.Resolve(p); err == nil {
			k.Keep(p, ca)
		}
	}
	keepTZ := k.o.tzdata == nil || *k.o.tzdata
	if keepTZ {
		tz := Reason{Rule: "tzdata", Why: "time zone data (--tzdata)"}
		if k.o.tzdata == nil && k.ownTZ != "" {
			k.drop("/usr/share/zoneinfo", k.ownTZ+" (--tzdata keeps it anyway)")
		} else if _, err := k.KeepTree("/usr/share/zoneinfo", tz, nil); err != nil && k.o.tzdata != nil {
			k.Warn("--tzdata: the image has no /usr/share/zoneinfo")
		}
		for _, p := range []string{"/etc/localtime", "/etc/timezone"} {
			if _, ok := k.x.Lookup(p); ok {
				if _, err := k.Keep(p, tz); err != nil {
					if e, ok := k.x.Lookup(p); ok {
						k.add(e, tz)
					}
				}
			}
		}
	}
	osr := Reason{Rule: "os-release", Why: "tells scanners which distribution the packages come from"}
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release", "/etc/debian_version", "/etc/alpine-release", "/etc/lsb-release"} {
		if _, err := k.x.Resolve(p); err == nil {
			k.Keep(p, osr)
		}
	}
	dirs := Reason{Rule: "essentials", Why: "every distroless image has it"}
	k.generate(&Item{Path: "/tmp", Type: fsindex.TypeDir, Mode: 0o777 | fs.ModeSticky}, dirs)
	k.generate(&Item{Path: "/root", Type: fsindex.TypeDir, Mode: 0o700}, dirs)
	k.generate(&Item{Path: "/home/nonroot", Type: fsindex.TypeDir, Mode: 0o700, UID: NonrootUID, GID: NonrootUID}, dirs)
	if it, ok := k.plan.items["/home"]; ok && it.Source == nil {
		it.Mode = 0o755
	}
}

// account is one line of /etc/passwd.
type account struct {
	name     string
	uid, gid int
	home     string
}

// keepAccounts writes /etc/passwd and /etc/group with root, nonroot and the
// image's own non-root user.
func (k *Keeper) keepAccounts() {
	users := []account{{"root", 0, 0, "/root"}, {"nonroot", NonrootUID, NonrootUID, "/home/nonroot"}}
	groups := map[int]string{0: "root", NonrootUID: "nonroot"}
	extra := k.serverAccounts()
	if u, ok := k.configuredUser(); ok {
		extra = append([]account{u}, extra...)
	}
	for _, u := range extra {
		if u.uid == 0 || u.uid == NonrootUID || slices.ContainsFunc(users, func(a account) bool { return a.name == u.name }) {
			continue
		}
		users = append(users, u)
		if _, ok := groups[u.gid]; !ok {
			groups[u.gid] = groupName(k.x, u.gid, u.name)
		}
	}
	var pw strings.Builder
	for _, u := range users {
		fmt.Fprintf(&pw, "%s:x:%d:%d:%s:%s:/sbin/nologin\n", u.name, u.uid, u.gid, u.name, u.home)
	}
	var gr strings.Builder
	gids := []int{0, NonrootUID}
	for _, u := range users[2:] {
		if u.gid != 0 && u.gid != NonrootUID && !slices.Contains(gids, u.gid) {
			gids = append(gids, u.gid)
		}
	}
	for _, g := range gids {
		fmt.Fprintf(&gr, "%s:x:%d:\n", groups[g], g)
	}
	r := Reason{Rule: "passwd", Why: "rewritten: root, nonroot (65532), the image's own user and the users its server switches to"}
	k.generate(&Item{Path: "/etc/passwd", Type: fsindex.TypeRegular, Mode: 0o644, Data: []byte(pw.String())}, r)
	k.generate(&Item{Path: "/etc/group", Type: fsindex.TypeRegular, Mode: 0o644, Data: []byte(gr.String())}, r)
}

// configuredUser looks the image's User up in its /etc/passwd.
func (k *Keeper) configuredUser() (account, bool) {
	user := k.x.Config.Config.User
	if user == "" {
		return account{}, false
	}
	name, grp, _ := strings.Cut(user, ":")
	accounts := k.passwd()
	var a account
	found := false
	if uid, err := strconv.Atoi(name); err == nil {
		a = account{name: "app", uid: uid, gid: uid, home: "/"}
		for _, acc := range accounts {
			if acc.uid == uid {
				a, found = acc, true
				break
			}
		}
		found = true
	} else {
		for _, acc := range accounts {
			if acc.name == name {
				a, found = acc, true
				break
			}
		}
	}
	if !found {
		k.Warn("the image's user %q is not in its /etc/passwd; it is not carried over", user)
		return account{}, false
	}
	if grp != "" {
		if gid, err := strconv.Atoi(grp); err == nil {
			a.gid = gid
		}
	}
	return a, true
}

// passwd returns the accounts of the image's /etc/passwd (through a
// symlink, if it is one) that minify can carry over: names it can write
// into a service file, ids that are not negative.
func (k *Keeper) passwd() []account {
	res, err := k.x.Resolve(facts.PasswdPath)
	if err != nil {
		return nil
	}
	users, _ := fsindex.Get(k.x, facts.Users, res.Path)
	var out []account
	for _, u := range users {
		if u.UID < 0 || u.GID < 0 || !validService(u.Name) {
			continue
		}
		out = append(out, account{name: u.Name, uid: u.UID, gid: u.GID, home: u.Home})
	}
	return out
}

// groupName finds a group's name in the image's /etc/group.
func groupName(x *fsindex.Index, gid int, fallback string) string {
	groups, _ := fsindex.Get(x, facts.Groups, facts.GroupPath)
	for _, g := range groups {
		if g.GID == gid && validService(g.Name) {
			return g.Name
		}
	}
	return fallback
}
