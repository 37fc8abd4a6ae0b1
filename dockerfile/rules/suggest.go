package rules

import (
	"github.com/harden-dev/harden/internal/textdist"
	"maps"
	"slices"
	"strings"
)

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// suggest returns the known name closest to name (edit distance ≤ 2, or the
// same name in another case), or "".
func suggest(name string, known []string, more map[string]bool) string {
	cands := append(slices.Clone(known), keys(more)...)
	best, bestD := "", 3
	for _, c := range cands {
		if c == name {
			continue
		}
		if strings.EqualFold(c, name) {
			return c
		}
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < bestD && d < len(name) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance, capped at 3: strings whose lengths
// differ by more than two are never suggested, so they are not compared.
func distance(a, b string) int {
	if d := len(a) - len(b); d > 2 || d < -2 {
		return 3
	}
	return textdist.Levenshtein(a, b)
}
