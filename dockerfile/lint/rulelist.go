package lint

import (
	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/rules"
)

// RuleInfo is one rule in --list-rules --format json.
type RuleInfo struct {
	ID          string           `json:"id"`
	Aliases     []string         `json:"aliases"`
	Source      string           `json:"source"`
	Level       dockerfile.Level `json:"level"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	Fix         string           `json:"fix"`
	Fixable     bool             `json:"fixable"`
	Needs       string           `json:"needs,omitempty"`
}

// RuleList describes the rules for --list-rules --format json.
func RuleList(rs []rules.Rule) []RuleInfo {
	out := make([]RuleInfo, 0, len(rs))
	for _, r := range rs {
		m := r.Meta()
		al := m.Aliases
		if al == nil {
			al = []string{}
		}
		out = append(out, RuleInfo{ID: m.ID, Aliases: al, Source: rules.Source(m.ID), Level: m.Level(), Title: m.Title,
			Description: m.Help, Fix: m.Fix, Fixable: m.Fixable, Needs: m.Needs})
	}
	return out
}
