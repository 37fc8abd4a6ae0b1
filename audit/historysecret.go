package audit

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/report"
)

// secretInHistory reports secrets in the image history: build arguments
// and ENV values under secret-looking keys and token formats in RUN lines
// (CIS-DI-0010). The history is kept in the image for anyone to read.
type secretInHistory struct{ noContent }

func (secretInHistory) ID() string { return "secret-in-history" }

func (c secretInHistory) Rule() Rule {
	return Rule{Weight: 20, Cap: 30, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0010"}, Title: "Secret in image history", Severity: report.Critical,
		Fix: "Use BuildKit secret mounts (RUN --mount=type=secret) instead of ARG/ENV for credentials, rebuild, and rotate the secret"}}
}

func (c secretInHistory) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, h := range in.History() {
		for _, s := range h.Secrets {
			ev := in.historyEvidence(h)
			what := s.Title
			if s.Key != "" {
				what = s.Key + " (" + s.Title + ")"
				ev.Value = s.Key + "=" + s.Redacted
			} else {
				ev.Value = s.Redacted
			}
			out = append(out, c.Rule().finding(fmt.Sprintf("history step %d holds a secret: %s", h.Index, what), ev))
		}
	}
	return out, nil
}
