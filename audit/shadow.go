package audit

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/report"
)

// shadowPassword reports accounts of /etc/shadow with an empty password
// (anyone may log in; DKL-LI-0001) or a password hash baked into the image.
// The hash itself is never read into memory past the walk.
type shadowPassword struct{ noContent }

func (shadowPassword) ID() string { return "shadow-password" }

func (c shadowPassword) Rule() Rule {
	return Rule{Weight: 5, Cap: 10, Rule: report.Rule{ID: c.ID(), Aliases: []string{"DKL-LI-0001"}, Title: "Password set or empty in /etc/shadow", Severity: report.Medium,
		Fix: "Lock the account (passwd -l NAME, or '*' in /etc/shadow); containers need no login passwords"}}
}

func (c shadowPassword) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	a := in.Accounts()
	if !a.HasShadow {
		return nil, skip("no /etc/shadow")
	}
	var out []report.Finding
	for _, s := range a.Shadow {
		f := c.Rule().finding("", report.Evidence{Path: shadowPath, Line: s.Line})
		switch s.Password {
		case PasswordEmpty:
			f.Severity = report.High
			f.Message = fmt.Sprintf("account %s has an empty password: anyone can log in as it", s.Name)
		case PasswordSet:
			f.Message = fmt.Sprintf("account %s has a password hash in the image", s.Name)
		default:
			continue
		}
		ev := in.pathEvidence(shadowPath)
		ev.Line = s.Line
		f.Evidence = []report.Evidence{ev}
		out = append(out, f)
	}
	return out, nil
}
