package fsindex

// Wanter is the one shape of everything that runs on an index (audit
// checks, minify profiles, compare measurers): before the walk it says
// which file contents and facts it reads, then it runs on the Index built
// with them.
type Wanter interface {
	// Wants lists the contents (Want) and facts (Key.Want) read from the
	// walk; nil when the metadata of the index is enough.
	Wants() []Want
}

// Merge joins want lists, keeping the first want of each name, in order.
// Analyzers share facts by declaring the same Key; the walk computes each
// once.
func Merge(lists ...[]Want) []Want {
	var out []Want
	seen := map[string]bool{}
	for _, ws := range lists {
		for _, w := range ws {
			if !seen[w.Name] {
				seen[w.Name] = true
				out = append(out, w)
			}
		}
	}
	return out
}
