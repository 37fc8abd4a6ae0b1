package audit

import (
	"context"
	"fmt"
	"sort"

	"github.com/harden-dev/harden/report"
)

// maxOwnerEvidence caps the sample paths listed per unknown owner.
const maxOwnerEvidence = 5

// unknownOwner reports files whose uid or gid /etc/passwd or /etc/group do
// not list: a user created later with that id would own them. One finding
// per unknown id, with a few sample paths.
type unknownOwner struct{ noContent }

func (unknownOwner) ID() string { return "unknown-owner" }

func (c unknownOwner) Rule() Rule {
	return Rule{Weight: 1, Cap: 3, Rule: report.Rule{ID: c.ID(), Title: "File owned by an unknown user or group", Severity: report.Low,
		Fix: "chown the files to a user the image defines (COPY --chown=65532:65532), or add the user to /etc/passwd"}}
}

func (c unknownOwner) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	a := in.Accounts()
	if !a.HasPasswd || !a.HasGroup {
		return nil, skip("no /etc/passwd or /etc/group")
	}
	type owner struct {
		kind string
		id   int
	}
	files := map[owner][]string{}
	count := map[owner]int{}
	for _, e := range in.Index.Entries() {
		if e.Implicit() {
			continue
		}
		var bad []owner
		if e.UID != 0 && !a.UID(e.UID) {
			bad = append(bad, owner{"uid", e.UID})
		}
		if e.GID != 0 && !a.GID(e.GID) {
			bad = append(bad, owner{"gid", e.GID})
		}
		for _, o := range bad {
			count[o]++
			if len(files[o]) < maxOwnerEvidence {
				files[o] = append(files[o], e.Path)
			}
		}
	}
	keys := make([]owner, 0, len(count))
	for o := range count {
		keys = append(keys, o)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind > keys[j].kind
		}
		return keys[i].id < keys[j].id
	})
	var out []report.Finding
	for _, o := range keys {
		var ev []report.Evidence
		for _, p := range files[o] {
			ev = append(ev, in.pathEvidence(p))
		}
		out = append(out, c.Rule().finding(fmt.Sprintf("%d paths are owned by %s %d, which the image does not define", count[o], o.kind, o.id), ev...))
	}
	return out, nil
}
