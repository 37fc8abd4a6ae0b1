package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/report"
)

// runsAsRootCheck reports an image whose container starts as uid 0: no USER,
// USER root or 0, or a user name that /etc/passwd maps to uid 0
// (CIS-DI-0001; Dockle only fails "" and "root").
type runsAsRootCheck struct{ noContent }

func (runsAsRootCheck) ID() string { return "runs-as-root" }

func (c runsAsRootCheck) Rule() Rule {
	return Rule{Weight: 15, Cap: 15, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0001"}, Title: "Container runs as root", Severity: report.High,
		Fix: "Add USER 65532:65532 (or another non-root uid) as the last USER of the Dockerfile"}}
}

func (c runsAsRootCheck) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	if !runsAsRoot(in) {
		return nil, nil
	}
	user := ""
	if in.Index.Config != nil {
		user = in.Index.Config.Config.User
	}
	msg := "no USER is set, so the container runs as root"
	if user != "" {
		msg = fmt.Sprintf("USER is %q, which is uid 0", user)
	}
	ev := report.Evidence{ConfigKey: "Config.User", Value: user}
	return []report.Finding{c.Rule().finding(msg, ev)}, nil
}

// runsAsRoot reports whether the configured user is uid 0.
func runsAsRoot(in *Input) bool {
	user := ""
	if in.Index.Config != nil {
		user = in.Index.Config.Config.User
	}
	name, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	switch name {
	case "", "root", "0":
		return true
	}
	if uid, err := strconv.Atoi(name); err == nil {
		return uid == 0
	}
	if u, ok := in.Accounts().User(name); ok {
		return u.UID == 0
	}
	return false
}
