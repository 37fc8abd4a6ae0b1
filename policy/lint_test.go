package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLintSectionLoads(t *testing.T) {
	c, err := Load(strings.NewReader(`
lint:
  ignore: [DL3008]
  severity: {DL3015: error, HD005: ignore}
  trustedRegistries: [docker.io, "*.gcr.io"]
  failureThreshold: info
  requireDigest: true
  disableIgnorePragma: true
  strictLabels: true
  labelSchema: {org.opencontainers.image.source: url}
  overrides:
    - paths: ["legacy/**"]
      ignore: [DL3002]
      severity: {DL3015: info}
      trustedRegistries: ["*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Lint.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	want := Lint{
		Ignore: []string{"DL3008"}, Severity: map[string]string{"DL3015": "error", "HD005": "ignore"},
		TrustedRegistries: []string{"docker.io", "*.gcr.io"}, FailureThreshold: "info", RequireDigest: true,
		DisableIgnorePragma: true, StrictLabels: true, LabelSchema: map[string]string{"org.opencontainers.image.source": "url"},
		Overrides: []LintOverride{{Paths: []string{"legacy/**"}, Ignore: []string{"DL3002"}, Severity: map[string]string{"DL3015": "info"}, TrustedRegistries: []string{"*"}}},
	}
	if diff := cmp.Diff(want, c.Lint); diff != "" {
		t.Errorf("lint section (-want +got):\n%s", diff)
	}
}

func TestLintValidate(t *testing.T) {
	tests := []struct {
		name string
		lint Lint
		want string
	}{
		{"ok", Lint{FailureThreshold: "warning", Severity: map[string]string{"DL3008": "style"}}, ""},
		{"bad threshold", Lint{FailureThreshold: "loud"}, `lint.failureThreshold: unknown level "loud"`},
		{"bad severity", Lint{Severity: map[string]string{"DL3008": "urgent"}}, `lint.severity.DL3008: unknown level "urgent"`},
		{"bad label type", Lint{LabelSchema: map[string]string{"a": "number"}}, `lint.labelSchema.a: unknown type "number"`},
		{"override without paths", Lint{Overrides: []LintOverride{{Ignore: []string{"DL3008"}}}}, "lint.overrides[0]: paths is required"},
		{"bad override severity", Lint{Overrides: []LintOverride{{Paths: []string{"a"}, Severity: map[string]string{"X": "y"}}}}, `lint.overrides[0].severity.X: unknown level "y"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.lint.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
				t.Errorf("Validate() = %q, want prefix %q", got, tt.want)
			}
		})
	}
}

func TestLintFor(t *testing.T) {
	l := Lint{
		Ignore: []string{"DL3008"}, Severity: map[string]string{"DL3015": "error"}, TrustedRegistries: []string{"docker.io"},
		Overrides: []LintOverride{
			{Paths: []string{"legacy/**"}, Ignore: []string{"DL3002"}, Severity: map[string]string{"DL3015": "info"}},
			{Paths: []string{"*.dev.Dockerfile"}, TrustedRegistries: []string{"*"}},
		},
	}
	tests := []struct {
		file string
		want Lint
	}{
		{"Dockerfile", Lint{Ignore: []string{"DL3008"}, Severity: map[string]string{"DL3015": "error"}, TrustedRegistries: []string{"docker.io"}}},
		{"./legacy/app/Dockerfile", Lint{Ignore: []string{"DL3008", "DL3002"}, Severity: map[string]string{"DL3015": "info"}, TrustedRegistries: []string{"docker.io"}}},
		{"svc/api.dev.Dockerfile", Lint{Ignore: []string{"DL3008"}, Severity: map[string]string{"DL3015": "error"}, TrustedRegistries: []string{"*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := l.For(tt.file)
			got.Overrides = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("For(%q) (-want +got):\n%s", tt.file, diff)
			}
		})
	}
	if l.Severity["DL3015"] != "error" || len(l.Ignore) != 1 {
		t.Error("For changed the receiver's maps or slices")
	}
}
