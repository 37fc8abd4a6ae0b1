package audit

import (
	"context"
	"strings"

	"github.com/harden-dev/harden/report"
)

// noHealthcheck reports an image without a HEALTHCHECK (CIS-DI-0006).
// HEALTHCHECK NONE counts as a decision and passes, as in Dockle.
type noHealthcheck struct{ noContent }

func (noHealthcheck) ID() string { return "no-healthcheck" }

func (c noHealthcheck) Rule() Rule {
	return Rule{Weight: 2, Cap: 2, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0006"}, Title: "No HEALTHCHECK", Severity: report.Info,
		Fix: "Add a HEALTHCHECK in exec form that needs no shell (e.g. the app's own --healthcheck flag), or rely on the orchestrator's probes"}}
}

func (c noHealthcheck) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	if in.Index.Config != nil && in.Index.Config.Config.Healthcheck != nil {
		return nil, nil
	}
	return []report.Finding{c.Rule().finding("the image defines no HEALTHCHECK", report.Evidence{ConfigKey: "Config.Healthcheck"})}, nil
}

// needsMissingShell reports a HEALTHCHECK or entrypoint that needs a shell
// or script interpreter the image does not have: the container would fail
// to start or be marked unhealthy.
type needsMissingShell struct{ noContent }

func (needsMissingShell) ID() string { return "needs-missing-shell" }

func (c needsMissingShell) Rule() Rule {
	return Rule{Weight: 10, Cap: 10, Rule: report.Rule{ID: c.ID(), Title: "Entrypoint or HEALTHCHECK needs a shell the image lacks", Severity: report.High,
		Fix: `Use the exec form (["/app", "--flag"]) for ENTRYPOINT, CMD and HEALTHCHECK CMD, and no shell scripts as entrypoints`}}
}

func (c needsMissingShell) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	x := in.Index
	if x.Config == nil || hasShell(x) {
		return nil, nil
	}
	var out []report.Finding
	if hc := x.Config.Config.Healthcheck; hc != nil && len(hc.Test) > 0 {
		if hc.Test[0] == "CMD-SHELL" || hc.Test[0] == "CMD" && len(hc.Test) > 1 && isShellPath(hc.Test[1]) {
			out = append(out, c.Rule().finding("the HEALTHCHECK runs through /bin/sh, which the image does not have",
				report.Evidence{ConfigKey: "Config.Healthcheck.Test", Value: strings.Join(hc.Test, " ")}))
		}
	}
	ep := in.Entrypoint()
	key := "Config.Cmd"
	if len(x.Config.Config.Entrypoint) > 0 {
		key = "Config.Entrypoint"
	}
	switch {
	case ep.ShellForm:
		out = append(out, c.Rule().finding("the entrypoint is in shell form (/bin/sh -c …) but the image has no shell",
			report.Evidence{ConfigKey: key, Value: strings.Join(ep.Argv, " ")}))
	case ep.Interpreter != "":
		if e, err := x.Stat(ep.Interpreter); err != nil || e == nil || !x.Target(e).IsExecutable() {
			ev := in.pathEvidence(ep.Real)
			ev.ConfigKey, ev.Value = key, "#!"+ep.Interpreter
			out = append(out, c.Rule().finding("the entrypoint "+ep.Real+" is a script for "+ep.Interpreter+", which the image does not have", ev))
		}
	}
	return out, nil
}
