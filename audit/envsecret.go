package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/harden-dev/harden/report"
)

// secretInEnv reports secrets in the config's Env and Labels: the value of
// a secret-looking key (PASSWORD, SECRET, TOKEN, KEY, ACCESS, …) or a
// well-known token format anywhere (CIS-DI-0010). Values are redacted.
type secretInEnv struct{ noContent }

func (secretInEnv) ID() string { return "secret-in-env" }

func (c secretInEnv) Rule() Rule {
	return Rule{Weight: 20, Cap: 30, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0010"}, Title: "Secret in environment or label", Severity: report.Critical,
		Fix: "Pass secrets at run time (docker run --env-file, a secret store, mounted files) and rotate the one baked into the image"}}
}

func (c secretInEnv) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, s := range in.configSecrets() {
		where := "environment variable " + s.Key
		if strings.HasPrefix(s.ConfigKey, "Config.Labels") {
			where = "label " + s.Key
		}
		ev := report.Evidence{ConfigKey: s.ConfigKey, Value: s.Key + "=" + s.Redacted}
		out = append(out, c.Rule().finding(fmt.Sprintf("%s holds a secret (%s)", where, s.Title), ev))
	}
	return out, nil
}
