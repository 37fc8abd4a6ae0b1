// Package rules holds harden's Dockerfile lint rules: every hadolint rule,
// every Trivy Dockerfile check and every BuildKit build check (under the ID
// users know, with the other tools' IDs as aliases), and harden's own
// distroless-practice rules (HD0xx). All lists them; NotImplemented lists
// the few that are not, with the reason.
//
// A rule is a small unexported type named by what it flags (aptUnpinned is
// DL3008), with its metadata (Meta, which embeds harden's one rule type
// report.Rule, including a bad and a good example Dockerfile that
// TestExamples runs) and a Check over a parsed dockerfile.File. It reports
// Problems; the lint engine in dockerfile/lint applies ignore pragmas,
// configuration and severity overrides.
package rules
