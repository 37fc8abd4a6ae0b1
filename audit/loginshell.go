package audit

import (
	"context"
	"fmt"
	"path"

	"github.com/harden-dev/harden/report"
)

// systemUIDMax is the highest uid Debian and Alpine give system accounts.
const systemUIDMax = 999

// noLogin are the shells that refuse a login, and the special commands
// some system accounts run instead of a shell.
var noLogin = set("nologin", "false", "true", "sync", "shutdown", "halt", "")

// loginShell reports system accounts (uid below 1000, root and nobody
// included) whose shell allows a login when the shell exists in the image.
type loginShell struct{ noContent }

func (loginShell) ID() string { return "system-account-login-shell" }

func (c loginShell) Rule() Rule {
	return Rule{Weight: 1, Cap: 3, Rule: report.Rule{ID: c.ID(), Title: "Login shell on a system account", Severity: report.Low,
		Fix: "Set the account's shell to /usr/sbin/nologin (usermod -s /usr/sbin/nologin NAME)"}}
}

func (c loginShell) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	a := in.Accounts()
	if !a.HasPasswd {
		return nil, skip("no /etc/passwd")
	}
	var out []report.Finding
	for _, u := range a.Users {
		if u.UID > systemUIDMax && u.UID != 65534 {
			continue
		}
		if noLogin[path.Base(u.Shell)] {
			continue
		}
		if e, err := in.Index.Stat(u.Shell); err != nil || e == nil || !in.Index.Target(e).IsExecutable() {
			continue // the shell is not there: no login is possible
		}
		ev := in.pathEvidence(passwdPath)
		ev.Line = u.Line
		ev.Value = u.Shell
		out = append(out, c.Rule().finding(fmt.Sprintf("system account %s (uid %d) has the login shell %s", u.Name, u.UID, u.Shell), ev))
	}
	return out, nil
}
