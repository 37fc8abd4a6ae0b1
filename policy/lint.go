package policy

import (
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// lintLevels are the words lint.severity and lint.failureThreshold accept:
// hadolint's levels, "ignore"/"none"/"off" to drop a rule, and harden's
// severity words (critical and high mean error, medium warning, low info).
var lintLevels = []string{"error", "warning", "warn", "info", "style", "ignore", "none", "off", "critical", "high", "medium", "low"}

// labelTypes are the value types lint.labelSchema accepts.
var labelTypes = []string{"text", "url", "semver", "hash", "rfc3339", "spdx", "email"}

// Validate checks the lint section's words: severity overrides, the
// failure threshold, label schema types and path patterns.
func (l Lint) Validate() error {
	if l.FailureThreshold != "" && !validLevel(l.FailureThreshold) {
		return fmt.Errorf("lint.failureThreshold: unknown level %q (want error, warning, info, style or none)", l.FailureThreshold)
	}
	if err := validateSeverities("lint.severity", l.Severity); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(l.LabelSchema)) {
		if !slices.Contains(labelTypes, strings.ToLower(l.LabelSchema[k])) {
			return fmt.Errorf("lint.labelSchema.%s: unknown type %q (want %s)", k, l.LabelSchema[k], strings.Join(labelTypes, ", "))
		}
	}
	for i, o := range l.Overrides {
		if len(o.Paths) == 0 {
			return fmt.Errorf("lint.overrides[%d]: paths is required", i)
		}
		for _, p := range o.Paths {
			if _, err := path.Match(strings.TrimSuffix(p, "/**"), "x"); err != nil {
				return fmt.Errorf("lint.overrides[%d]: bad path pattern %q", i, p)
			}
		}
		if err := validateSeverities(fmt.Sprintf("lint.overrides[%d].severity", i), o.Severity); err != nil {
			return err
		}
	}
	return nil
}

func validLevel(s string) bool {
	return slices.Contains(lintLevels, strings.ToLower(strings.TrimSpace(s)))
}

func validateSeverities(where string, m map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !validLevel(m[k]) {
			return fmt.Errorf("%s.%s: unknown level %q (want error, warning, info, style or ignore)", where, k, m[k])
		}
	}
	return nil
}

// For returns the lint settings for one Dockerfile: the top-level settings
// with every override whose paths match merged in, in file order (ignores
// are added, severities replace, trusted registries replace). file is
// matched as a slash path relative to the working directory, and by its
// base name for patterns without a slash.
func (l Lint) For(file string) Lint {
	out := l
	out.Ignore = slices.Clone(l.Ignore)
	out.Severity = maps.Clone(l.Severity)
	p := filepath.ToSlash(filepath.Clean(file))
	p = strings.TrimPrefix(p, "./")
	for _, o := range l.Overrides {
		if !MatchPath(o.Paths, p) && !MatchPath(o.Paths, "/"+p) && !matchBase(o.Paths, p) {
			continue
		}
		out.Ignore = append(out.Ignore, o.Ignore...)
		if len(o.Severity) > 0 && out.Severity == nil {
			out.Severity = map[string]string{}
		}
		maps.Copy(out.Severity, o.Severity)
		if len(o.TrustedRegistries) > 0 {
			out.TrustedRegistries = o.TrustedRegistries
		}
	}
	return out
}

func matchBase(globs []string, p string) bool {
	for _, g := range globs {
		if !strings.Contains(g, "/") {
			if ok, _ := path.Match(g, path.Base(p)); ok {
				return true
			}
		}
	}
	return false
}
