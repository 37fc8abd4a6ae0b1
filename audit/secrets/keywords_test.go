package secrets

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// indexOffsets is the plain way: every occurrence of w in data, found with
// bytes.Index from each position on (overlapping ones included).
func indexOffsets(data []byte, w string) []int {
	var out []int
	for off := 0; off < len(data); {
		j := bytes.Index(data[off:], []byte(w))
		if j < 0 {
			break
		}
		out = append(out, off+j)
		off += j + 1
	}
	return out
}

// TestKeywordOffsets checks the one-pass keyword index against bytes.Index
// for every keyword, on crafted overlaps and on real source files.
func TestKeywordOffsets(t *testing.T) {
	inputs := [][]byte{
		[]byte(""),
		[]byte("xoxoxoxb- secret_access_key=1 SECRET_ACCESS_KEY AKIAAKIA ghp_ghp_ PRIVATE KEY-----"),
		[]byte("api_key apikey api-key API_KEY apiKey passwordpassword tokentoken eyJeyJ"),
		[]byte(strings.Repeat("xox", 1000)),
	}
	corpus, _ := goSourceCorpus(t, 4<<20)
	for _, f := range corpus {
		inputs = append(inputs, f.data)
	}
	found := 0
	for _, data := range inputs {
		occ := keywords.offsets(data)
		for n, w := range keywords.words {
			want := indexOffsets(data, w)
			var got []int
			if occ != nil {
				got = occ[n]
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("offsets of %q in a %d-byte input (-bytes.Index +index):\n%s", w, len(data), d)
			}
			found += len(got)
		}
	}
	if found < 100 {
		t.Errorf("only %d keyword occurrences over %d inputs: the test checks too little", found, len(inputs))
	}
}

// TestKeywordIndexByRule: each rule's keywords map back to its own words.
func TestKeywordIndexByRule(t *testing.T) {
	for i, r := range rules {
		var got []string
		for _, n := range keywords.byRule[i] {
			got = append(got, keywords.words[n])
		}
		if d := cmp.Diff(r.Keywords, got); d != "" {
			t.Errorf("rule %s keywords (-rule +index):\n%s", r.ID, d)
		}
	}
}
