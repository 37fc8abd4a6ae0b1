package audit

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// worldWritable reports files and directories anyone may write: a
// directory without the sticky bit lets any user replace others' files.
// Symlinks (always 0777) and device nodes are left out.
type worldWritable struct{ noContent }

func (worldWritable) ID() string { return "world-writable" }

func (c worldWritable) Rule() Rule {
	return Rule{Weight: 2, Cap: 6, Rule: report.Rule{ID: c.ID(), Title: "World-writable file or directory without sticky bit", Severity: report.Medium,
		Fix: "chmod o-w the path (or +t for a shared directory such as /tmp)"}}
}

func (c worldWritable) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, e := range in.Index.Entries() {
		if e.Mode&0o002 == 0 {
			continue
		}
		switch e.Type {
		case fsindex.TypeDir:
			if e.Mode&fs.ModeSticky != 0 {
				continue
			}
		case fsindex.TypeRegular, fsindex.TypeHardlink, fsindex.TypeFIFO:
		default:
			continue
		}
		ev := in.entryEvidence(e)
		ev.Value = e.ModeString()
		out = append(out, c.Rule().finding(fmt.Sprintf("%s %s is writable by every user", e.Type, e.Path), ev))
	}
	return out, nil
}
