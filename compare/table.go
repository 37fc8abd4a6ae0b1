package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/report"
)

// Comparison is the table of profiles. Its JSON form is stable.
type Comparison struct {
	Images   []Column   `json:"images"`
	Rows     []Row      `json:"rows"`
	Profiles []*Profile `json:"-"`
}

// Column heads one image's column.
type Column struct {
	Name  string `json:"name"`
	Ref   string `json:"ref"`
	Score int    `json:"score"`
	Grade string `json:"grade"`
}

// Row is one property across the images.
type Row struct {
	Property string   `json:"property"`
	Values   []string `json:"values"`
	// Numbers holds the value behind each cell when it is a number.
	Numbers []*float64 `json:"numbers,omitempty"`
	// Deltas compares each image with the first ("" for the first).
	Deltas []string `json:"deltas"`
}

// deltaKind says how a row's change is written.
type deltaKind int

const (
	noDelta  deltaKind = iota
	relative           // sizes: "−88 %"
	absolute           // counts: "−241"
	presence           // yes/no rows: "removed" or "added"
)

// Compare builds the table. The first profile is the baseline of the deltas.
func Compare(ps ...*Profile) *Comparison {
	c := &Comparison{Profiles: ps}
	packagesRemoved(ps)
	for _, p := range ps {
		s := p.Audit.Summary
		c.Images = append(c.Images, Column{Name: p.Name, Ref: p.Ref, Score: s.Score, Grade: s.Grade})
	}
	num := func(prop string, kind deltaKind, format func(float64) string, get func(*Profile) (float64, bool)) {
		r := Row{Property: prop}
		any := false
		for _, p := range ps {
			v, ok := get(p)
			if !ok {
				r.Values = append(r.Values, "n/a")
				r.Numbers = append(r.Numbers, nil)
				continue
			}
			any = true
			vv := v
			r.Values = append(r.Values, format(v))
			r.Numbers = append(r.Numbers, &vv)
		}
		if any {
			r.Deltas = deltas(r.Numbers, kind)
			c.Rows = append(c.Rows, r)
		}
	}
	text := func(prop string, get func(*Profile) (string, bool)) {
		r := Row{Property: prop}
		var present []bool
		for _, p := range ps {
			v, yes := get(p)
			r.Values = append(r.Values, v)
			present = append(present, yes)
		}
		r.Deltas = make([]string, len(ps))
		for i := 1; i < len(ps); i++ {
			switch {
			case present[0] && !present[i]:
				r.Deltas[i] = "removed"
			case !present[0] && present[i]:
				r.Deltas[i] = "added"
			}
		}
		c.Rows = append(c.Rows, r)
	}
	bytesF := func(v float64) string { return report.Bytes(int64(v)) }
	intF := func(v float64) string { return fmt.Sprintf("%d", int64(v)) }
	sum := func(p *Profile) *audit.Summary { return &p.Audit.Summary }

	num("Size", relative, bytesF, func(p *Profile) (float64, bool) { return float64(sum(p).SizeBytes), true })
	num("Compressed size", relative, bytesF, func(p *Profile) (float64, bool) {
		return float64(sum(p).CompressedBytes), sum(p).CompressedBytes > 0 && sum(p).CompressedBytes < sum(p).SizeBytes
	})
	num("Layers", absolute, intF, func(p *Profile) (float64, bool) { return float64(sum(p).Layers), true })
	num("Files", relative, intF, func(p *Profile) (float64, bool) { return float64(sum(p).Files), true })
	num("Executables", relative, intF, func(p *Profile) (float64, bool) { return float64(sum(p).Executables), true })
	num("Packages", absolute, intF, func(p *Profile) (float64, bool) { return float64(p.PackageTotal()), true })
	text("Shell present", func(p *Profile) (string, bool) { return which(sum(p).Shells) })
	text("Package manager present", func(p *Profile) (string, bool) { return which(sum(p).PackageManagers) })
	text("Debug/network tools", func(p *Profile) (string, bool) { return which(sum(p).Tools) })
	num("Usable programs (attack surface)", absolute, intF, func(p *Profile) (float64, bool) { return float64(sum(p).UsablePrograms), true })
	num("Setuid/setgid files", absolute, intF, func(p *Profile) (float64, bool) { return float64(sum(p).SetuidFiles), true })
	text("Runs as root", func(p *Profile) (string, bool) {
		if sum(p).RunsAsRoot {
			return "yes", true
		}
		u := sum(p).User
		return "no (" + u + ")", false
	})
	num("Secrets found", absolute, intF, func(p *Profile) (float64, bool) { return float64(sum(p).Secrets), true })
	if anyVulns(ps) {
		num("Known vulnerabilities", absolute, intF, func(p *Profile) (float64, bool) {
			if p.Vulns == nil {
				return 0, false
			}
			return float64(p.Vulns.Total), true
		})
		for _, sev := range []report.Severity{report.Critical, report.High, report.Medium, report.Low, report.Info, report.Unknown} {
			name := sev.String()
			num("  "+name, absolute, intF, func(p *Profile) (float64, bool) {
				if p.Vulns == nil {
					return 0, false
				}
				return float64(p.Vulns.BySeverity[name]), true
			})
		}
		num("  with a fix available", absolute, intF, func(p *Profile) (float64, bool) {
			if p.Vulns == nil {
				return 0, false
			}
			return float64(p.Vulns.Fixable), true
		})
		num("  known exploited (KEV)", absolute, intF, func(p *Profile) (float64, bool) {
			if p.Vulns == nil {
				return 0, false
			}
			return float64(p.Vulns.KEV), true
		})
		text("  severities from", func(p *Profile) (string, bool) {
			if p.Vulns == nil {
				return "", false
			}
			return report.CountList(p.Vulns.BySeveritySource), false
		})
	}
	num("Audit score", absolute, intF, func(p *Profile) (float64, bool) { return float64(sum(p).Score), true })
	text("Audit grade", func(p *Profile) (string, bool) {
		if t := sum(p).IncompleteText(); t != "" {
			return sum(p).Grade + " (" + t + ")", false
		}
		return sum(p).Grade, false
	})
	if anyLint(ps) {
		num("Dockerfile lint findings", absolute, intF, func(p *Profile) (float64, bool) {
			if p.Lint == nil {
				return 0, false
			}
			return float64(p.Lint.Total), true
		})
	}
	return c
}

func which(names []string) (string, bool) {
	if len(names) == 0 {
		return "no", false
	}
	if len(names) > 6 {
		return fmt.Sprintf("yes: %d (%s, …)", len(names), strings.Join(names[:6], ", ")), true
	}
	return "yes (" + strings.Join(names, ", ") + ")", true
}

func deltas(nums []*float64, kind deltaKind) []string {
	out := make([]string, len(nums))
	if len(nums) == 0 || nums[0] == nil {
		return out
	}
	base := *nums[0]
	for i := 1; i < len(nums); i++ {
		if nums[i] == nil {
			continue
		}
		d := *nums[i] - base
		switch kind {
		case relative:
			if base == 0 {
				if d != 0 {
					out[i] = "new"
				}
				continue
			}
			out[i] = signed(math.Round(d/base*100)) + " %"
		case absolute:
			out[i] = signed(d)
		}
	}
	return out
}

// signed writes a number with its sign, using a true minus sign.
func signed(v float64) string {
	switch {
	case v > 0:
		return fmt.Sprintf("+%d", int64(v))
	case v < 0:
		return fmt.Sprintf("−%d", int64(-v))
	}
	return "0"
}

func anyVulns(ps []*Profile) bool {
	for _, p := range ps {
		if p.Vulns != nil {
			return true
		}
	}
	return false
}

func anyLint(ps []*Profile) bool {
	for _, p := range ps {
		if p.Lint != nil {
			return true
		}
	}
	return false
}

// packagesRemoved fills each later profile's PackagesRemoved from the
// first one's package names.
func packagesRemoved(ps []*Profile) {
	if len(ps) < 2 || len(ps[0].PackageNames) == 0 {
		return
	}
	for _, p := range ps[1:] {
		have := map[string]bool{}
		for _, n := range p.PackageNames {
			have[n] = true
		}
		p.PackagesRemoved = nil
		for _, n := range ps[0].PackageNames {
			if !have[n] {
				p.PackagesRemoved = append(p.PackagesRemoved, n)
			}
		}
	}
}
