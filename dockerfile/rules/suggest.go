package rules

import (
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

// distance is the Levenshtein distance, capped at 3 for speed.
func distance(a, b string) int {
	if d := len(a) - len(b); d > 2 || d < -2 {
		return 3
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
