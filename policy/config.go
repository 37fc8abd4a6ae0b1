// Package policy reads .harden.yaml, the one configuration file every harden
// command shares, and decides which findings it suppresses.
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
	"gopkg.in/yaml.v3"
)

// FileName is the configuration file harden looks for in the working directory.
const FileName = ".harden.yaml"

// maxConfigSize bounds what Load reads; a policy file is a few kilobytes.
const maxConfigSize = 1 << 20

// Config is the parsed .harden.yaml. Every section is optional.
type Config struct {
	// FailOn is the default severity at which audit and scan exit 1.
	FailOn string `yaml:"failOn,omitempty"`
	// Ignore suppresses findings by ID (harden's own, or an alias such as a
	// CVE, a Dockle/CIS ID or a hadolint rule) in every command.
	Ignore []Ignore `yaml:"ignore,omitempty"`
	// Lint configures `harden lint`.
	Lint Lint `yaml:"lint,omitempty"`
	// Audit configures `harden audit`.
	Audit Audit `yaml:"audit,omitempty"`
	// Scan configures `harden scan`.
	Scan Scan `yaml:"scan,omitempty"`
}

// Ignore is one suppression. Only ID is required.
type Ignore struct {
	// ID matches a finding's ID or any of its aliases, case-insensitively.
	ID string `yaml:"id"`
	// Paths limits the suppression to evidence paths matching one of these
	// globs (path.Match syntax, plus a trailing "/**" for a whole tree).
	Paths []string `yaml:"paths,omitempty"`
	// Expires ends the suppression on this date (YYYY-MM-DD); afterwards the
	// finding is reported again, as .trivyignore and osv-scanner do.
	Expires string `yaml:"expires,omitempty"`
	// Reason is kept for the humans reading the file and shown in JSON output.
	Reason string `yaml:"reason,omitempty"`
}

// Lint is the `lint:` section.
type Lint struct {
	// Ignore lists rule IDs (or aliases) never reported.
	Ignore []string `yaml:"ignore,omitempty"`
	// Severity overrides a rule's severity: {DL3008: info}. "ignore" drops it.
	Severity map[string]string `yaml:"severity,omitempty"`
	// TrustedRegistries lists the registries FROM may use (DL3026); empty allows all.
	TrustedRegistries []string `yaml:"trustedRegistries,omitempty"`
	// FailureThreshold is the severity at which lint exits 1 (default: warning).
	FailureThreshold string `yaml:"failureThreshold,omitempty"`
	// RequireDigest raises "base not pinned by digest" from info to warning.
	RequireDigest bool `yaml:"requireDigest,omitempty"`
	// Overrides apply to Dockerfiles whose path matches one of Paths.
	Overrides []LintOverride `yaml:"overrides,omitempty"`
	// DisableIgnorePragma makes inline "# harden ignore=" (and hadolint,
	// trivy, check=skip) comments have no effect.
	DisableIgnorePragma bool `yaml:"disableIgnorePragma,omitempty"`
	// LabelSchema requires labels and checks their values (DL3049–DL3058):
	// label name → text, url, semver, hash, rfc3339, spdx or email.
	LabelSchema map[string]string `yaml:"labelSchema,omitempty"`
	// StrictLabels flags labels that are not in LabelSchema (DL3050).
	StrictLabels bool `yaml:"strictLabels,omitempty"`
}

// LintOverride changes lint settings for some files.
type LintOverride struct {
	Paths    []string          `yaml:"paths"`
	Ignore   []string          `yaml:"ignore,omitempty"`
	Severity map[string]string `yaml:"severity,omitempty"`
	// TrustedRegistries, when set, replaces the top-level list for these files.
	TrustedRegistries []string `yaml:"trustedRegistries,omitempty"`
}

// Audit is the `audit:` section.
type Audit struct {
	// AcceptFiles lists paths (globs) whose secrets are accepted, like Dockle's --accept-file.
	AcceptFiles []string `yaml:"acceptFiles,omitempty"`
	// AcceptKeys lists env/label keys (globs) accepted as not secret, like Dockle's --accept-key.
	AcceptKeys []string `yaml:"acceptKeys,omitempty"`
	// RequireELFHardening fails on app binaries without PIE, RELRO, canary or NX.
	RequireELFHardening bool `yaml:"requireELFHardening,omitempty"`
	// MinScore makes audit exit 1 when the image scores lower (0–100; 0 is off).
	MinScore int `yaml:"minScore,omitempty"`
}

// Scan is the `scan:` section.
type Scan struct {
	// MaxDBAge is the oldest the vulnerability data may be, e.g. "5d" or
	// "168h": scan fails (exit 2) when a source it uses is older.
	MaxDBAge string `yaml:"maxDBAge,omitempty"`
	// OnlyFixed reports only vulnerabilities with a fixed version.
	OnlyFixed bool `yaml:"onlyFixed,omitempty"`
	// VEX lists OpenVEX documents to apply.
	VEX []string `yaml:"vex,omitempty"`
	// DB is the vulnerability database directory (default: the user cache
	// directory's harden/db).
	DB string `yaml:"db,omitempty"`
}

// Load parses a configuration and checks its values.
func Load(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("config is larger than %d bytes", maxConfigSize)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadFile reads the configuration at path. A missing file is not an error
// when optional is true: it yields an empty Config.
func LoadFile(name string, optional bool) (*Config, error) {
	f, err := os.Open(name)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return &Config{}, nil
		}
		return nil, fmt.Errorf("opening config: %w", err)
	}
	defer f.Close()
	c, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

func (c *Config) validate() error {
	if c.FailOn != "" {
		if _, err := report.ParseSeverity(c.FailOn); err != nil {
			return fmt.Errorf("failOn: %w", err)
		}
	}
	for i, ig := range c.Ignore {
		if strings.TrimSpace(ig.ID) == "" {
			return fmt.Errorf("ignore[%d]: id is required", i)
		}
		if ig.Expires != "" {
			if _, err := time.Parse(time.DateOnly, ig.Expires); err != nil {
				return fmt.Errorf("ignore[%d] (%s): expires %q is not a YYYY-MM-DD date", i, ig.ID, ig.Expires)
			}
		}
		for _, p := range ig.Paths {
			if _, err := path.Match(strings.TrimSuffix(p, "/**"), "/"); err != nil {
				return fmt.Errorf("ignore[%d] (%s): bad path pattern %q", i, ig.ID, p)
			}
		}
	}
	if c.Scan.MaxDBAge != "" {
		if _, err := ParseAge(c.Scan.MaxDBAge); err != nil {
			return fmt.Errorf("scan.maxDBAge: %w", err)
		}
	}
	// every section checks its own words, so a bad value is found at load
	// whichever command reads the file
	if err := c.Lint.Validate(); err != nil {
		return err
	}
	return c.Audit.Validate()
}

// Suppressed reports whether an ignore entry that is in force at now covers
// the finding, and returns that entry.
func (c *Config) Suppressed(f report.Finding, now time.Time) (Ignore, bool) {
	if c == nil {
		return Ignore{}, false
	}
	for _, ig := range c.Ignore {
		if ig.Expires != "" {
			end, _ := time.Parse(time.DateOnly, ig.Expires)
			if !now.Before(end.AddDate(0, 0, 1)) {
				continue
			}
		}
		if !MatchesID(ig.ID, f) {
			continue
		}
		if len(ig.Paths) == 0 || slices.ContainsFunc(f.Evidence, func(e report.Evidence) bool { return MatchPath(ig.Paths, e.Path) }) {
			return ig, true
		}
	}
	return Ignore{}, false
}

// MatchesID reports whether id names the finding or one of its aliases.
func MatchesID(id string, f report.Finding) bool {
	if strings.EqualFold(id, f.ID) {
		return true
	}
	for _, a := range f.Aliases {
		if strings.EqualFold(id, a) {
			return true
		}
	}
	return false
}

// MatchPath reports whether p matches one of the globs. A glob ending in
// "/**" matches the directory and everything below it.
func MatchPath(globs []string, p string) bool {
	for _, g := range globs {
		if dir, ok := strings.CutSuffix(g, "/**"); ok {
			if p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/") {
				return true
			}
			continue
		}
		if ok, _ := path.Match(g, p); ok {
			return true
		}
	}
	return false
}

// Filter splits findings into those kept and those an ignore entry suppressed.
func (c *Config) Filter(fs []report.Finding, now time.Time) (kept, suppressed []report.Finding) {
	for _, f := range fs {
		if _, ok := c.Suppressed(f, now); ok {
			suppressed = append(suppressed, f)
		} else {
			kept = append(kept, f)
		}
	}
	return kept, suppressed
}
