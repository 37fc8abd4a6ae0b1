package vuln

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

// GitLabSchemaVersion is the version of GitLab's security report schemas
// (gitlab-org/security-products/security-report-schemas,
// dist/container-scanning-report-format.json) the report follows.
const GitLabSchemaVersion = "15.0.7"

// GitLabReport is GitLab's container scanning report
// (artifacts:reports:container_scanning).
type GitLabReport struct {
	Version         string          `json:"version"`
	Scan            gitlabScan      `json:"scan"`
	Vulnerabilities []gitlabVuln    `json:"vulnerabilities"`
	Remediations    []gitlabNothing `json:"remediations"`
}

type gitlabNothing struct{}

type gitlabTool struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Vendor  struct {
		Name string `json:"name"`
	} `json:"vendor"`
}

type gitlabScan struct {
	Analyzer  gitlabTool `json:"analyzer"`
	Scanner   gitlabTool `json:"scanner"`
	Type      string     `json:"type"`
	StartTime string     `json:"start_time"`
	EndTime   string     `json:"end_time"`
	Status    string     `json:"status"`
}

type gitlabVuln struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	Severity    string             `json:"severity"`
	Solution    string             `json:"solution,omitempty"`
	Identifiers []gitlabIdentifier `json:"identifiers"`
	Links       []gitlabLink       `json:"links,omitempty"`
	Location    gitlabLocation     `json:"location"`
}

type gitlabIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type gitlabLink struct {
	URL string `json:"url"`
}

type gitlabLocation struct {
	Dependency struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Version string `json:"version"`
	} `json:"dependency"`
	OperatingSystem string `json:"operating_system"`
	Image           string `json:"image"`
}

// GitLab turns a scan result into GitLab's container scanning report. Each
// finding gets a stable ID (a hash of image, package, version and
// vulnerability) so GitLab tracks it across pipelines.
func GitLab(r *Result, toolVersion string, start, end time.Time) *GitLabReport {
	tool := gitlabTool{ID: "harden", Name: "harden", Version: toolVersion}
	tool.Vendor.Name = "harden-dev"
	const layout = "2006-01-02T15:04:05"
	out := &GitLabReport{Version: GitLabSchemaVersion, Vulnerabilities: []gitlabVuln{}, Remediations: []gitlabNothing{},
		Scan: gitlabScan{Analyzer: tool, Scanner: tool, Type: "container_scanning",
			StartTime: start.UTC().Format(layout), EndTime: end.UTC().Format(layout), Status: "success"}}
	osName := "unknown"
	if r.OS != nil && r.OS.ID != "" {
		osName = r.OS.ID + ":" + r.OS.VersionID
	}
	image := strings.TrimPrefix(r.Source.Name, "docker-daemon:")
	for i := range r.Findings {
		f := &r.Findings[i]
		sum := sha256.Sum256([]byte(image + "\x00" + f.Package.Name + "\x00" + f.Installed + "\x00" + f.ID))
		v := gitlabVuln{ID: hex.EncodeToString(sum[:16]), Name: f.ID, Description: f.Summary, Severity: gitlabSeverity(f.Severity)}
		if v.Name == "" {
			v.Name = f.ID
		}
		if f.Summary != "" {
			v.Name = f.ID + ": " + f.Summary
		}
		if f.Fixed != "" {
			v.Solution = "Upgrade " + f.Package.Name + " to " + f.Fixed + " or later."
		}
		for _, id := range append([]string{f.ID}, f.Aliases...) {
			v.Identifiers = append(v.Identifiers, gitlabIdentifier{Type: identifierType(id), Name: id, Value: id, URL: identifierURL(id)})
		}
		if f.URL != "" {
			v.Links = []gitlabLink{{URL: f.URL}}
		}
		v.Location.Dependency.Package.Name = f.Package.Name
		v.Location.Dependency.Version = f.Installed
		v.Location.OperatingSystem = osName
		v.Location.Image = image
		out.Vulnerabilities = append(out.Vulnerabilities, v)
	}
	return out
}

// gitlabSeverity maps to the schema's words: Info, Unknown, Low, Medium,
// High, Critical.
func gitlabSeverity(s report.Severity) string {
	switch s {
	case report.Critical:
		return "Critical"
	case report.High:
		return "High"
	case report.Medium:
		return "Medium"
	case report.Low:
		return "Low"
	case report.Info:
		return "Info"
	}
	return "Unknown"
}

func identifierType(id string) string {
	if i := strings.IndexAny(id, "-:"); i > 0 {
		return strings.ToLower(id[:i])
	}
	return "other"
}

func identifierURL(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "https://nvd.nist.gov/vuln/detail/" + id
	case strings.HasPrefix(id, "GHSA-"):
		return "https://github.com/advisories/" + id
	}
	return "https://osv.dev/vulnerability/" + id
}
