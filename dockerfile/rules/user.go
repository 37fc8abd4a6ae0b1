package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func userOf(in *dockerfile.Instruction) (string, bool) {
	if u, ok := in.Command.(*instructions.UserCommand); ok {
		return strings.TrimSpace(u.User), true
	}
	return "", false
}

func isRootUser(u string) bool {
	name, _, _ := strings.Cut(unquote(u), ":")
	return name == "root" || name == "0"
}

// lastUserRoot (DL3002) flags stages whose last USER is root.
type lastUserRoot struct{}

var metaDL3002 = Meta{Rule: report.Rule{
	ID:       "DL3002",
	Aliases:  []string{"DS002", "CIS-DI-0001", "CIS-4.1"},
	Severity: report.Medium,
	Title:    "Last USER should not be root",
	Help:     "A container that runs as root turns any code execution bug into root in the container, one kernel bug away from the host.",
	Fix:      "Switch back to an unprivileged user after the steps that need root: USER 65532:65532.",
	Bad:      "FROM debian:12\nUSER root\n",
	Good:     "FROM debian:12\nUSER root\nRUN true\nUSER 10001\n",
}}

func (lastUserRoot) Meta() *Meta { return &metaDL3002 }
func (lastUserRoot) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		var last *dockerfile.Instruction
		for _, inst := range s.Instructions {
			if u, ok := userOf(inst); ok {
				if isRootUser(u) {
					last = inst
				} else {
					last = nil
				}
			}
		}
		if last != nil {
			out = append(out, at(last, ""))
		}
	}
	return out
}

// nonNumericUser (DL3066) flags non-numeric users.
type nonNumericUser struct{}

var metaDL3066 = Meta{Rule: report.Rule{
	ID:       "DL3066",
	Severity: report.Low,
	Title:    "Non-numeric user-id may not be resolvable by host system",
	Help:     "Kubernetes runAsNonRoot and other host-side checks need a numeric UID; a name is only known inside the image's /etc/passwd.",
	Fix:      "Use the numeric UID (and GID): USER 10001:10001.",
	Bad:      "FROM debian:12\nUSER app\n",
	Good:     "FROM debian:12\nUSER 10001:10001\n",
}}

func (nonNumericUser) Meta() *Meta { return &metaDL3066 }
func (nonNumericUser) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "user", true, func(top, inst *dockerfile.Instruction) {
		u, ok := userOf(inst)
		if !ok {
			return
		}
		name, _, _ := strings.Cut(unquote(u), ":")
		if name == "" || strings.HasPrefix(name, "$") || isDigits(name) {
			return
		}
		out = append(out, at(top, fmt.Sprintf("user %q is not numeric", name)))
	})
	return out
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// useraddHighUID (DL3046) flags useradd with a high UID and no -l.
type useraddHighUID struct{}

var metaDL3046 = Meta{Rule: report.Rule{
	ID:       "DL3046",
	Severity: report.Medium,
	Title:    "useradd without flag -l and high UID will result in excessively large Image",
	Help:     "useradd writes the lastlog and faillog sparse files sized by the UID; a layer stores them in full, so a high UID adds gigabytes.",
	Fix:      "Pass -l (--no-log-init) to useradd.",
	Bad:      "FROM debian:12\nRUN useradd -u 123456 app\n",
	Good:     "FROM debian:12\nRUN useradd -l -u 123456 app\n",
}}

func (useraddHighUID) Meta() *Meta { return &metaDL3046 }
func (useraddHighUID) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool {
		if !c.Is("useradd") || c.HasFlag("l", "no-log-init") {
			return false
		}
		// A UID from a variable has no known length; hadolint counts the
		// characters of "${APP_UID}" and fires.
		uid := optionValue(c, "u", "uid")
		return len(uid) > 5 && !strings.ContainsAny(uid, "$`")
	})
}

// optionValue returns the value of -s VALUE, -sVALUE, --long=VALUE or
// --long VALUE.
func optionValue(c *dockerfile.Command, short, long string) string {
	for i, a := range c.Args {
		next := ""
		if i+1 < len(c.Args) {
			next = c.Args[i+1]
		}
		switch {
		case short != "" && a == "-"+short:
			return next
		case short != "" && len(short) == 1 && strings.HasPrefix(a, "-"+short) && !strings.HasPrefix(a, "--"):
			return a[2:]
		case long != "" && a == "--"+long:
			return next
		case long != "" && strings.HasPrefix(a, "--"+long+"="):
			return a[len(long)+3:]
		}
	}
	return ""
}

// noUser (HD003) flags a final stage that never sets a USER, so runs as root.
type noUser struct{}

var metaHD003 = Meta{Rule: report.Rule{
	ID:       "HD003",
	Aliases:  []string{"DS002", "CIS-DI-0001", "CIS-4.1"},
	Severity: report.Medium,
	Title:    "Final stage runs as root: no USER instruction",
	Help:     "Without USER the container runs as root (UID 0). Distroless images ship a nonroot user, 65532, for exactly this. An explicit USER root at the end is DL3002.",
	Fix:      "Add USER 65532:65532 (or another unprivileged numeric UID) to the final stage, or use a :nonroot base.",
	Bad:      "FROM node:20\nCMD [\"node\",\"index.js\"]\n",
	Good:     "FROM node:20\nUSER 1000:1000\nCMD [\"node\",\"index.js\"]\n",
}}

func (noUser) Meta() *Meta { return &metaHD003 }
func (noUser) Check(in *Input) []Problem {
	final := in.File.Final()
	if final == nil {
		return nil
	}
	for _, s := range final.Chain() {
		for _, inst := range s.Instructions {
			if _, ok := userOf(inst); ok {
				return nil
			}
		}
	}
	root := final.Root()
	base := strings.ToLower(root.Base)
	if strings.Contains(base, "nonroot") || strings.Contains(base, "cgr.dev/") {
		return nil
	}
	return []Problem{at(final.From, "the final stage sets no USER, so the container runs as root")}
}
