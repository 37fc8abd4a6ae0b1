package secrets

import (
	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// keywordIndex finds every rule keyword in one pass over a file
// (Aho-Corasick), where one bytes.Index pass per keyword read the file
// some 45 times.
type keywordIndex struct {
	ac    ahocorasick.AhoCorasick
	words []string
	// byRule lists, for each rule (same order as rules), the pattern
	// numbers of its keywords in the rule's own order.
	byRule [][]int
}

var keywords = newKeywordIndex(rules)

func newKeywordIndex(rs []Rule) *keywordIndex {
	k := &keywordIndex{byRule: make([][]int, len(rs))}
	id := map[string]int{}
	for i, r := range rs {
		for _, w := range r.Keywords {
			n, ok := id[w]
			if !ok {
				n = len(k.words)
				id[w] = n
				k.words = append(k.words, w)
			}
			k.byRule[i] = append(k.byRule[i], n)
		}
	}
	// Standard semantics, overlapping: every occurrence of every keyword,
	// also one inside another ("secret" in "secret_access_key").
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.StandardMatch, DFA: true})
	k.ac = b.Build(k.words)
	return k
}

// offsets returns, per pattern number, the start offsets of its
// occurrences in data, ascending; nil when no keyword occurs (the common
// case, which then costs one pass and no allocation).
func (k *keywordIndex) offsets(data []byte) [][]int {
	var out [][]int
	it := k.ac.IterOverlappingByte(data)
	for m := it.Next(); m != nil; m = it.Next() {
		if out == nil {
			out = make([][]int, len(k.words))
		}
		out[m.Pattern()] = append(out[m.Pattern()], m.Start())
	}
	return out
}
