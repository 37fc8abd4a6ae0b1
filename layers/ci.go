package layers

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Thresholds are Dive's three CI rules. A nil field is disabled.
type Thresholds struct {
	// LowestEfficiency fails the image when its efficiency is below it.
	LowestEfficiency *float64
	// HighestWastedBytes fails the image when more bytes are wasted.
	HighestWastedBytes *int64
	// HighestUserWastedPercent fails the image when wasted bytes over user
	// bytes (a ratio, 0.1 = 10 %) is above it.
	HighestUserWastedPercent *float64
}

// DefaultThresholds are Dive's defaults: efficiency at least 0.9, user
// waste at most 10 %, wasted bytes not checked.
func DefaultThresholds() Thresholds {
	eff, pct := 0.9, 0.1
	return Thresholds{LowestEfficiency: &eff, HighestUserWastedPercent: &pct}
}

// RuleResult is the outcome of one CI rule.
type RuleResult struct {
	Rule    string `json:"rule"`
	Status  string `json:"status"` // pass, fail or skip
	Message string `json:"message,omitempty"`
}

// Check evaluates the thresholds the way Dive's CI mode does and reports
// every rule; Failed tells whether any failed.
func (r *Report) Check(t Thresholds) []RuleResult {
	out := []RuleResult{}
	switch v := t.LowestEfficiency; {
	case v == nil:
		out = append(out, RuleResult{Rule: "lowestEfficiency", Status: "skip"})
	case *v > r.Dive.Efficiency:
		out = append(out, RuleResult{Rule: "lowestEfficiency", Status: "fail",
			Message: fmt.Sprintf("image efficiency is too low (efficiency=%v < threshold=%v)", r.Dive.Efficiency, *v)})
	default:
		out = append(out, RuleResult{Rule: "lowestEfficiency", Status: "pass"})
	}
	switch v := t.HighestWastedBytes; {
	case v == nil:
		out = append(out, RuleResult{Rule: "highestWastedBytes", Status: "skip"})
	case r.Dive.WastedBytes > *v:
		out = append(out, RuleResult{Rule: "highestWastedBytes", Status: "fail",
			Message: fmt.Sprintf("too many bytes wasted (wasted-bytes=%d > threshold=%d)", r.Dive.WastedBytes, *v)})
	default:
		out = append(out, RuleResult{Rule: "highestWastedBytes", Status: "pass"})
	}
	switch v := t.HighestUserWastedPercent; {
	case v == nil:
		out = append(out, RuleResult{Rule: "highestUserWastedPercent", Status: "skip"})
	case *v < r.Dive.UserWastedPercent:
		out = append(out, RuleResult{Rule: "highestUserWastedPercent", Status: "fail",
			Message: fmt.Sprintf("too many bytes wasted, relative to the user bytes added (%%-user-wasted-bytes=%v > threshold=%v)", r.Dive.UserWastedPercent, *v)})
	default:
		out = append(out, RuleResult{Rule: "highestUserWastedPercent", Status: "pass"})
	}
	return out
}

// Failed reports whether any rule failed.
func Failed(rs []RuleResult) bool {
	for _, r := range rs {
		if r.Status == "fail" {
			return true
		}
	}
	return false
}

// ParseDiveCI reads a .dive-ci file ("rules:" with lowestEfficiency,
// highestWastedBytes, highestUserWastedPercent; "disabled", "off", "false"
// or no value turns a rule off). Rules the file does not name keep the
// values in base.
func ParseDiveCI(r io.Reader, base Thresholds) (Thresholds, error) {
	var doc struct {
		Rules map[string]any `yaml:"rules"`
	}
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return base, err
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return base, fmt.Errorf("parsing .dive-ci: %w", err)
	}
	t := base
	for k, v := range doc.Rules {
		s := ""
		if v != nil { // "rule:" with no value is off, as in Dive
			s = strings.TrimSpace(fmt.Sprint(v))
		}
		switch k {
		case "lowestEfficiency", "lowest-efficiency", "lowest-efficiency-threshold":
			if t.LowestEfficiency, err = parseRatio(s); err != nil {
				return base, fmt.Errorf(".dive-ci %s: %w", k, err)
			}
		case "highestWastedBytes", "highest-wasted-bytes":
			if t.HighestWastedBytes, err = ParseBytes(s); err != nil {
				return base, fmt.Errorf(".dive-ci %s: %w", k, err)
			}
		case "highestUserWastedPercent", "highest-user-wasted-percent":
			if t.HighestUserWastedPercent, err = parseRatio(s); err != nil {
				return base, fmt.Errorf(".dive-ci %s: %w", k, err)
			}
		default:
			return base, fmt.Errorf(".dive-ci: unknown rule %q", k)
		}
	}
	return t, nil
}

// ParseRatio reads a threshold ratio between 0 and 1 such as 0.9, or a
// word that disables the rule (see disabled).
func ParseRatio(s string) (*float64, error) { return parseRatio(s) }

func parseRatio(s string) (*float64, error) {
	if disabled(s) {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return nil, fmt.Errorf("bad ratio %q (want a number from 0 to 1 such as 0.9, or disabled)", s)
	}
	return &v, nil
}

// disabled reports whether a rule value turns the rule off: empty,
// "disabled", "off" or "false" in any case, as Dive reads them.
func disabled(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "disabled", "off", "false":
		return true
	}
	return false
}

// ParseBytes reads a byte count the way Dive does (go-humanize): "1000",
// "20MB" (decimal), "20MiB" (binary), or a word that disables the rule.
func ParseBytes(s string) (*int64, error) {
	if disabled(s) {
		return nil, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(s[:i]), strings.ToLower(strings.TrimSpace(s[i:]))
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return nil, fmt.Errorf("bad byte count %q (want e.g. 1000, 20MB, 20MiB or disabled)", s)
	}
	mult, ok := byteUnits[unit]
	if !ok {
		return nil, fmt.Errorf("bad byte count %q: unknown unit %q", s, unit)
	}
	n := int64(v * mult)
	return &n, nil
}

var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20, "gi": 1 << 30, "gib": 1 << 30, "ti": 1 << 40, "tib": 1 << 40,
}
