package rules

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/dockerfile"
)

// exampleConfig turns on what the rules that need configuration need.
var exampleConfig = Config{
	TrustedRegistries: []string{"docker.io"},
	LabelSchema: map[string]string{
		"org.opencontainers.image.source": "url", "org.opencontainers.image.created": "rfc3339",
		"org.opencontainers.image.licenses": "spdx", "org.opencontainers.image.revision": "hash",
		"org.opencontainers.image.version": "semver", "maintainer": "email",
	},
	StrictLabels:      true,
	Dockerignore:      []string{"tmp", "*.env"},
	DockerignoreKnown: true,
}

// configFor returns the configuration a rule's examples run with.
func configFor(id string) Config {
	c := exampleConfig
	switch id {
	case "HD006":
		c.Dockerignore = nil // no .dockerignore next to the file
	case "DL3049":
		c.LabelSchema = map[string]string{"org.opencontainers.image.source": "url"}
	}
	return c
}

func mustParse(t testing.TB, src string) *dockerfile.File {
	t.Helper()
	f, err := dockerfile.ParseBytes("Dockerfile", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return f
}

// lines runs a rule and returns the lines it reports.
func lines(t testing.TB, r Rule, src string, cfg Config) []int {
	t.Helper()
	var out []int
	for _, p := range r.Check(&Input{File: mustParse(t, src), Config: cfg}) {
		out = append(out, p.Line)
	}
	return out
}

// ruleCase is one input for a rule and the lines it must report.
type ruleCase struct {
	name string
	src  string
	want []int
	cfg  *Config
}

// runCases checks a rule against a table of cases.
func runCases(t *testing.T, r Rule, cases []ruleCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(r.Meta().ID+"/"+tt.name, func(t *testing.T) {
			cfg := configFor(r.Meta().ID)
			if tt.cfg != nil {
				cfg = *tt.cfg
			}
			got := lines(t, r, tt.src, cfg)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s.Check(%q) lines mismatch (-want +got):\n%s", r.Meta().ID, tt.src, diff)
			}
		})
	}
}

var (
	idPattern    = regexp.MustCompile(`^(DL[0-9]{4}|DS[0-9]{3}|HD[0-9]{3}|DKL-[A-Z]{2}-[0-9]{4}|[A-Z][A-Za-z]+)$`)
	aliasPattern = regexp.MustCompile(`^(DS[0-9]{3}|DKL-[A-Z]{2}-[0-9]{4}|CIS-DI-[0-9]{4}|CIS-4\.[0-9]+|[A-Z][A-Za-z]+)$`)
)

func TestMetaWellFormed(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range All() {
		m := r.Meta()
		if !idPattern.MatchString(m.ID) {
			t.Errorf("rule ID %q is not well formed", m.ID)
		}
		if ids[m.ID] {
			t.Errorf("rule ID %q is used twice", m.ID)
		}
		ids[m.ID] = true
		if m.Title == "" || m.Help == "" || m.Fix == "" || m.Bad == "" || m.Good == "" {
			t.Errorf("%s: title, description, fix, bad and good are all required", m.ID)
		}
		for _, a := range m.Aliases {
			if !aliasPattern.MatchString(a) || a == m.ID {
				t.Errorf("%s: alias %q is not well formed", m.ID, a)
			}
		}
		if r.Meta() != m {
			t.Errorf("%s: Meta must return the same value", m.ID)
		}
		if m.Level().Severity() != m.Severity {
			t.Errorf("%s: severity %s is no lint level (error high, warning medium, info low, style info, off unknown)", m.ID, m.Severity)
		}
	}
	for _, r := range All() {
		for _, a := range r.Meta().Aliases {
			if ids[a] {
				t.Errorf("%s: alias %q is another rule's ID", r.Meta().ID, a)
			}
		}
	}
	for _, n := range NotImplementedRules() {
		if ids[n.ID] || n.Reason == "" {
			t.Errorf("not-implemented %q: implemented or without a reason", n.ID)
		}
	}
}

// TestExamples runs every rule on its own bad and good example: the bad
// one must be flagged and the good one not.
func TestExamples(t *testing.T) {
	for _, r := range All() {
		m := r.Meta()
		t.Run(m.ID, func(t *testing.T) {
			cfg := configFor(m.ID)
			if got := lines(t, r, m.Bad, cfg); len(got) == 0 {
				t.Errorf("%s does not flag its bad example:\n%s", m.ID, m.Bad)
			}
			if got := lines(t, r, m.Good, cfg); len(got) != 0 {
				t.Errorf("%s flags its good example on lines %v:\n%s", m.ID, got, m.Good)
			}
		})
	}
}

// TestCounts pins how many rules each source contributes, so a rule that
// drops out of All is noticed.
func TestCounts(t *testing.T) {
	got := map[string]int{}
	for _, r := range All() {
		got[Source(r.Meta().ID)]++
	}
	want := map[string]int{"hadolint": 71, "Trivy": 5, "BuildKit": 13, "Dockle": 1, "harden": 7}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules per source (-want +got):\n%s", diff)
	}
	// Every Trivy check and BuildKit check is a rule or an alias.
	covered := map[string]bool{}
	for _, r := range All() {
		covered[r.Meta().ID] = true
		for _, a := range r.Meta().Aliases {
			covered[a] = true
		}
	}
	for _, n := range NotImplementedRules() {
		covered[n.ID] = true
	}
	trivy := strings.Fields("DS001 DS002 DS004 DS005 DS006 DS007 DS008 DS009 DS010 DS011 DS012 DS013 DS014 DS015 DS016 DS017 DS019 DS020 DS021 DS022 DS023 DS024 DS025 DS026 DS027 DS029 DS030 DS031")
	buildkit := strings.Fields("StageNameCasing FromAsCasing NoEmptyContinuation ConsistentInstructionCasing DuplicateStageName ReservedStageName JSONArgsRecommended MaintainerDeprecated UndefinedArgInFrom WorkdirRelativePath UndefinedVar MultipleInstructionsDisallowed LegacyKeyValueFormat InvalidBaseImagePlatform RedundantTargetPlatform SecretsUsedInArgOrEnv InvalidDefaultArgInFrom FromPlatformFlagConstDisallowed CopyIgnoredFile InvalidDefinitionDescription ExposeProtoCasing ExposeInvalidFormat")
	for _, id := range append(trivy, buildkit...) {
		if !covered[id] {
			t.Errorf("%s is neither implemented, an alias, nor listed as not implemented", id)
		}
	}
}
