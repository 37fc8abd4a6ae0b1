package audit

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/harden-dev/harden/report"
)

// setuidFile reports files with the setuid or setgid bit (CIS-DI-0008).
// Directories are left out: setgid on a directory only passes its group
// on to new files.
type setuidFile struct{ noContent }

func (setuidFile) ID() string { return "setuid-file" }

func (c setuidFile) Rule() Rule {
	return Rule{Weight: 2, Cap: 10, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0008"}, Title: "Setuid or setgid file", Severity: report.Medium,
		Fix: "Remove the file, or drop the bit in the Dockerfile (chmod u-s,g-s FILE) and run with --security-opt no-new-privileges"}}
}

func (c setuidFile) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, e := range in.Index.Entries() {
		if e.IsDir() || e.Mode&(fs.ModeSetuid|fs.ModeSetgid) == 0 {
			continue
		}
		what := "setuid"
		switch {
		case e.Mode&fs.ModeSetuid != 0 && e.Mode&fs.ModeSetgid != 0:
			what = "setuid and setgid"
		case e.Mode&fs.ModeSetgid != 0:
			what = "setgid"
		}
		owner := fmt.Sprintf("uid %d", e.UID)
		if e.Mode&fs.ModeSetuid == 0 {
			owner = fmt.Sprintf("gid %d", e.GID)
		}
		ev := in.entryEvidence(e)
		ev.Value = e.ModeString()
		out = append(out, c.Rule().finding(fmt.Sprintf("%s is %s (runs as %s)", e.Path, what, owner), ev))
	}
	return out, nil
}
