package audit

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/harden-dev/harden/report"
)

// duplicateID reports a uid that several /etc/passwd users share, or a gid
// that several /etc/group groups share (DKL-LI-0002).
type duplicateID struct{ noContent }

func (duplicateID) ID() string { return "duplicate-id" }

func (c duplicateID) Rule() Rule {
	return Rule{Weight: 2, Cap: 4, Rule: report.Rule{ID: c.ID(), Aliases: []string{"DKL-LI-0002"}, Title: "Duplicate uid or gid", Severity: report.Medium,
		Fix: "Give every user and group its own id"}}
}

func (c duplicateID) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	a := in.Accounts()
	if !a.HasPasswd && !a.HasGroup {
		return nil, skip("no /etc/passwd or /etc/group")
	}
	var out []report.Finding
	users := map[int][]User{}
	for _, u := range a.Users {
		users[u.UID] = append(users[u.UID], u)
	}
	for _, id := range sortedKeys(users) {
		us := users[id]
		if len(us) < 2 {
			continue
		}
		var names []string
		var ev []report.Evidence
		for _, u := range us {
			names = append(names, u.Name)
			e := in.pathEvidence(passwdPath)
			e.Line = u.Line
			ev = append(ev, e)
		}
		out = append(out, c.Rule().finding(fmt.Sprintf("uid %d is shared by %s", id, strings.Join(names, ", ")), ev...))
	}
	groups := map[int][]Group{}
	for _, g := range a.Groups {
		groups[g.GID] = append(groups[g.GID], g)
	}
	for _, id := range sortedKeys(groups) {
		gs := groups[id]
		if len(gs) < 2 {
			continue
		}
		var names []string
		var ev []report.Evidence
		for _, g := range gs {
			names = append(names, g.Name)
			e := in.pathEvidence(groupPath)
			e.Line = g.Line
			ev = append(ev, e)
		}
		out = append(out, c.Rule().finding(fmt.Sprintf("gid %d is shared by groups %s", id, strings.Join(names, ", ")), ev...))
	}
	return out, nil
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
