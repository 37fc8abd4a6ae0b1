package batch

import (
	"slices"
	"testing"
)

func TestShard(t *testing.T) {
	for _, n := range []int{0, 1, 7, 10, 11} {
		for _, count := range []int{1, 3, 4, 12} {
			all := refs(n)
			var joined []string
			for i := range count {
				part, err := Shard(all, i, count)
				if err != nil {
					t.Fatal(err)
				}
				if lo, hi := n/count, (n+count-1)/count; len(part) < lo || len(part) > hi {
					t.Errorf("Shard(%d refs, %d, %d) has %d, want %d..%d", n, i, count, len(part), lo, hi)
				}
				joined = append(joined, part...)
			}
			if !slices.Equal(joined, all) {
				t.Errorf("%d shards of %d refs = %v, want every ref once in order", count, n, joined)
			}
		}
	}
	for _, bad := range [][2]int{{0, 0}, {-1, 2}, {2, 2}} {
		if _, err := Shard(refs(3), bad[0], bad[1]); err == nil {
			t.Errorf("Shard(%d, %d) accepted", bad[0], bad[1])
		}
	}
}
