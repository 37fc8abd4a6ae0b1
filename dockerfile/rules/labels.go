package rules

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// labelSet is one key=value of a LABEL instruction, unquoted.
type labelSet struct {
	inst  *dockerfile.Instruction
	key   string
	value string
}

// allLabels returns every label of the file's LABEL instructions, in order.
func allLabels(f *dockerfile.File) []labelSet {
	var out []labelSet
	for _, inst := range f.Instructions {
		if inst.Cmd != "label" {
			continue
		}
		for _, kv := range inst.KeyValues() {
			out = append(out, labelSet{inst, unquote(kv.Key), unquote(kv.Value)})
		}
	}
	return out
}

// schemaCheck reports schema labels of type typ whose value fails valid.
func schemaCheck(in *Input, typ string, valid func(string) bool, what string) []Problem {
	var out []Problem
	for _, l := range allLabels(in.File) {
		if t, ok := in.Config.LabelSchema[l.key]; ok && t == typ && l.value != "" && !valid(l.value) {
			out = append(out, at(l.inst, fmt.Sprintf("label %q is not %s", l.key, what)))
		}
	}
	return out
}

// missingLabel (DL3049) flags final stages missing a schema label.
type missingLabel struct{}

var metaDL3049 = Meta{Rule: report.Rule{
	ID:       "DL3049",
	Severity: report.Low,
	Title:    "Label `<label>` is missing",
	Help:     "The label schema in .harden.yaml (lint.labelSchema) requires the label on every image the file builds.",
	Fix:      "Add the label to the final stage.",
	Bad:      "FROM debian:12\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.source=https://example.com/repo\n",
}, Needs: "labelSchema"}

func (missingLabel) Meta() *Meta { return &metaDL3049 }
func (missingLabel) Check(in *Input) []Problem {
	if len(in.Config.LabelSchema) == 0 {
		return nil
	}
	f := in.File
	names := keys(in.Config.LabelSchema)
	var out []Problem
	for _, s := range f.Leaves() {
		if s != f.Final() && f.CopiedFrom(s) {
			continue
		}
		have := map[string]bool{}
		for _, st := range s.Chain() {
			for _, inst := range st.Instructions {
				for _, kv := range inst.KeyValues() {
					if inst.Cmd == "label" {
						have[unquote(kv.Key)] = true
					}
				}
			}
		}
		for _, n := range names {
			if !have[n] {
				out = append(out, at(s.From, fmt.Sprintf("label %q is missing", n)))
			}
		}
	}
	return out
}

// superfluousLabel (DL3050) flags labels outside the schema when strict labels are on.
type superfluousLabel struct{}

var metaDL3050 = Meta{Rule: report.Rule{
	ID:       "DL3050",
	Severity: report.Low,
	Title:    "Superfluous label(s) present",
	Help:     "With lint.strictLabels, only the labels of lint.labelSchema are allowed.",
	Fix:      "Remove the label or add it to the schema.",
	Bad:      "FROM debian:12\nLABEL other=bar\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.source=https://example.com/repo\n",
}, Needs: "labelSchema and strictLabels"}

func (superfluousLabel) Meta() *Meta { return &metaDL3050 }
func (superfluousLabel) Check(in *Input) []Problem {
	if !in.Config.StrictLabels {
		return nil
	}
	var out []Problem
	for _, l := range allLabels(in.File) {
		if _, ok := in.Config.LabelSchema[l.key]; !ok {
			out = append(out, at(l.inst, fmt.Sprintf("label %q is not in the schema", l.key)))
		}
	}
	return out
}

// emptyLabel (DL3051) flags empty schema labels.
type emptyLabel struct{}

var metaDL3051 = Meta{Rule: report.Rule{
	ID:       "DL3051",
	Severity: report.Medium,
	Title:    "label `<label>` is empty",
	Help:     "A schema label must have a value.",
	Fix:      "Give the label a value.",
	Bad:      "FROM debian:12\nLABEL org.opencontainers.image.source=\"\"\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.source=https://example.com/repo\n",
}, Needs: "labelSchema"}

func (emptyLabel) Meta() *Meta { return &metaDL3051 }
func (emptyLabel) Check(in *Input) []Problem {
	var out []Problem
	for _, l := range allLabels(in.File) {
		if _, ok := in.Config.LabelSchema[l.key]; ok && strings.TrimSpace(l.value) == "" {
			out = append(out, at(l.inst, fmt.Sprintf("label %q is empty", l.key)))
		}
	}
	return out
}

// labelNotURL (DL3052) flags schema url labels that are not URLs.
type labelNotURL struct{}

var metaDL3052 = Meta{Rule: report.Rule{
	ID:       "DL3052",
	Severity: report.Medium,
	Title:    "Label `<label>` is not a valid URL",
	Help:     "The schema says the label holds a URL.",
	Fix:      "Write an absolute URL.",
	Bad:      "FROM debian:12\nLABEL org.opencontainers.image.source=not-url\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.source=https://example.com/repo\n",
}, Needs: "labelSchema"}

func (labelNotURL) Meta() *Meta { return &metaDL3052 }
func (labelNotURL) Check(in *Input) []Problem {
	return schemaCheck(in, "url", func(v string) bool {
		u, err := url.Parse(v)
		return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
	}, "a valid URL")
}

// labelNotRFC3339 (DL3053) flags schema rfc3339 labels that are not RFC 3339 times.
type labelNotRFC3339 struct{}

var metaDL3053 = Meta{Rule: report.Rule{
	ID:       "DL3053",
	Severity: report.Medium,
	Title:    "Label `<label>` is not a valid time format - must conform to RFC3339",
	Help:     "The schema says the label holds an RFC 3339 time.",
	Fix:      "Write e.g. 2024-05-01T12:00:00Z.",
	Bad:      "FROM debian:12\nLABEL org.opencontainers.image.created=yesterday\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.created=2024-05-01T12:00:00Z\n",
}, Needs: "labelSchema"}

func (labelNotRFC3339) Meta() *Meta { return &metaDL3053 }
func (labelNotRFC3339) Check(in *Input) []Problem {
	return schemaCheck(in, "rfc3339", func(v string) bool { _, err := time.Parse(time.RFC3339Nano, v); return err == nil }, "an RFC 3339 time")
}

// spdxSet builds the set of common SPDX license identifiers.
func spdxSet() map[string]bool {
	m := map[string]bool{}
	for _, id := range strings.Fields(`0BSD AFL-3.0 AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-1.1 Apache-2.0 APSL-2.0 Artistic-2.0
		BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-Clear BSD-4-Clause BSL-1.0 BUSL-1.1 CC-BY-4.0 CC-BY-SA-4.0
		CC0-1.0 CDDL-1.0 CDDL-1.1 CECILL-2.1 CPL-1.0 ECL-2.0 EPL-1.0 EPL-2.0 EUPL-1.1 EUPL-1.2 GPL-1.0-only GPL-1.0-or-later GPL-2.0
		GPL-2.0-only GPL-2.0-or-later GPL-3.0 GPL-3.0-only GPL-3.0-or-later ISC LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1-only
		LGPL-2.1-or-later LGPL-3.0 LGPL-3.0-only LGPL-3.0-or-later LPPL-1.3c MIT MIT-0 MPL-1.1 MPL-2.0 MS-PL MS-RL MulanPSL-2.0 NCSA
		ODbL-1.0 OFL-1.1 OpenSSL OSL-3.0 PHP-3.01 PostgreSQL Python-2.0 Ruby SSPL-1.0 Unicode-DFS-2016 Unlicense UPL-1.0 Vim W3C WTFPL
		X11 Zlib ZPL-2.1`) {
		m[strings.ToLower(id)] = true
	}
	return m
}

var spdxKnown = spdxSet()
var spdxOps = regexp.MustCompile(`(?i)\s+(AND|OR|WITH)\s+|[()]`)

// labelNotSPDX (DL3054) flags schema spdx labels that are not SPDX expressions.
type labelNotSPDX struct{}

var metaDL3054 = Meta{Rule: report.Rule{
	ID:       "DL3054",
	Severity: report.Medium,
	Title:    "Label `<label>` is not a valid SPDX identifier",
	Help:     "The schema says the label holds an SPDX license expression (harden knows the common identifiers and LicenseRef-*).",
	Fix:      "Write e.g. Apache-2.0 or MIT OR Apache-2.0.",
	Bad:      "FROM debian:12\nLABEL org.opencontainers.image.licenses=not-spdx\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.licenses=BSD-3-Clause\n",
}, Needs: "labelSchema"}

func (labelNotSPDX) Meta() *Meta { return &metaDL3054 }
func (labelNotSPDX) Check(in *Input) []Problem {
	return schemaCheck(in, "spdx", func(v string) bool {
		for _, id := range strings.Fields(spdxOps.ReplaceAllString(v, " ")) {
			id = strings.TrimSuffix(id, "+")
			if !spdxKnown[strings.ToLower(id)] && !strings.HasPrefix(id, "LicenseRef-") && !strings.HasSuffix(id, "-exception") {
				return false
			}
		}
		return strings.TrimSpace(v) != ""
	}, "an SPDX identifier")
}

var gitHash = regexp.MustCompile(`^(?:[0-9a-f]{7}|[0-9a-f]{40})$`)

// labelNotGitHash (DL3055) flags schema hash labels that are not git hashes.
type labelNotGitHash struct{}

var metaDL3055 = Meta{Rule: report.Rule{
	ID:       "DL3055",
	Severity: report.Medium,
	Title:    "Label `<label>` is not a valid git hash",
	Help:     "The schema says the label holds a short (7) or full (40) lower-case git hash.",
	Fix:      "Write the commit hash.",
	Bad:      "FROM debian:12\nLABEL org.opencontainers.image.revision=not-git-hash\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.revision=2dbfae9\n",
}, Needs: "labelSchema"}

func (labelNotGitHash) Meta() *Meta { return &metaDL3055 }
func (labelNotGitHash) Check(in *Input) []Problem {
	return schemaCheck(in, "hash", gitHash.MatchString, "a git hash")
}

var semverRe = regexp.MustCompile(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$`)

// labelNotSemver (DL3056) flags schema semver labels that are not semantic versions.
type labelNotSemver struct{}

var metaDL3056 = Meta{Rule: report.Rule{
	ID:       "DL3056",
	Severity: report.Medium,
	Title:    "Label `<label>` does not conform to semantic versioning",
	Help:     "The schema says the label holds a semantic version.",
	Fix:      "Write e.g. 1.4.2.",
	Bad:      "FROM debian:12\nLABEL org.opencontainers.image.version=not-sem-ver\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.version=1.0.0\n",
}, Needs: "labelSchema"}

func (labelNotSemver) Meta() *Meta { return &metaDL3056 }
func (labelNotSemver) Check(in *Input) []Problem {
	return schemaCheck(in, "semver", semverRe.MatchString, "a semantic version")
}

// labelNotEmail (DL3058) flags schema email labels that are not addresses.
type labelNotEmail struct{}

var metaDL3058 = Meta{Rule: report.Rule{
	ID:       "DL3058",
	Severity: report.Medium,
	Title:    "Label `<label>` is not a valid email format - must conform to RFC5322",
	Help:     "The schema says the label holds an e-mail address.",
	Fix:      "Write e.g. team@example.com.",
	Bad:      "FROM debian:12\nLABEL maintainer=not-email\n",
	Good:     "FROM debian:12\nLABEL maintainer=team@example.com\n",
}, Needs: "labelSchema"}

func (labelNotEmail) Meta() *Meta { return &metaDL3058 }
func (labelNotEmail) Check(in *Input) []Problem {
	return schemaCheck(in, "email", func(v string) bool { _, err := mail.ParseAddress(v); return err == nil }, "an e-mail address")
}

// labelTypes are the schema types lint.labelSchema accepts.
var labelTypes = []string{"email", "hash", "rfc3339", "semver", "spdx", "text", "url"}

// LabelTypes returns the types a label schema may use.
func LabelTypes() []string { s := append([]string(nil), labelTypes...); sort.Strings(s); return s }
