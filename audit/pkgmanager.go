package audit

import (
	"context"

	"github.com/harden-dev/harden/report"
)

// packageManagerPresent reports operating-system package managers (apt,
// dpkg, apk, rpm, …) unless the entrypoint runs them.
type packageManagerPresent struct{ noContent }

func (packageManagerPresent) ID() string { return "package-manager-present" }

func (c packageManagerPresent) Rule() Rule {
	return Rule{Weight: 5, Cap: 15, Rule: report.Rule{ID: c.ID(), Aliases: unnecessary, Title: "Package manager present", Severity: report.High,
		Fix: "Install packages in a build stage and copy only what the app needs into a distroless final stage"}}
}

func (c packageManagerPresent) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	return toolFindings(in, c.Rule(), in.Surface().PackageManagers, true), nil
}

// installerPresent reports language package installers (pip, npm, npx,
// yarn, gem, cargo, go, …) unless the entrypoint runs them: a node image
// keeps node, but npm is still reported.
type installerPresent struct{ noContent }

func (installerPresent) ID() string { return "language-installer-present" }

func (c installerPresent) Rule() Rule {
	return Rule{Weight: 3, Cap: 6, Rule: report.Rule{ID: c.ID(), Aliases: unnecessary, Title: "Language package installer present", Severity: report.Medium,
		Fix: "Run npm/pip/gem installs in a build stage and copy the installed dependencies, not the installer, into the final image"}}
}

func (c installerPresent) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	return toolFindings(in, c.Rule(), in.Surface().Installers, true), nil
}

// toolPresent reports debug, network, editor, build, privilege and
// interpreter tools unless the entrypoint runs them.
type toolPresent struct{ noContent }

func (toolPresent) ID() string { return "debug-tool-present" }

func (c toolPresent) Rule() Rule {
	return Rule{Weight: 1, Cap: 12, Rule: report.Rule{ID: c.ID(), Aliases: unnecessary, Title: "Debug or network tool present", Severity: report.Medium,
		Fix: "Leave curl, wget, git, compilers, editors and debuggers in the build stage; debug with an ephemeral debug container instead"}}
}

func (c toolPresent) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	return toolFindings(in, c.Rule(), in.Surface().Tools, true), nil
}
