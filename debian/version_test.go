package debian

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"pault.ag/go/debian/dependency"
	"pault.ag/go/debian/version"
)

// TestVersionOrder checks pault.ag/go/debian/version against the cases in
// testdata/debian-versions.txt, and that a relation agrees with it.
func TestVersionOrder(t *testing.T) {
	f, err := os.Open("testdata/debian-versions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 3 {
			t.Fatalf("line %d: want LEFT OP RIGHT, got %q", line, text)
		}
		a, err := version.Parse(fields[0])
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		b, err := version.Parse(fields[2])
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}[fields[1]]
		got := sign(version.Compare(a, b))
		if got != want {
			t.Errorf("line %d: Compare(%s, %s) = %d, want %d", line, a, b, got, want)
		}
		if back := sign(version.Compare(b, a)); back != -want {
			t.Errorf("line %d: Compare(%s, %s) = %d, want %d", line, b, a, back, -want)
		}
		op := map[int]string{-1: "<<", 0: "=", 1: ">>"}[want]
		if !(&dependency.VersionRelation{Number: fields[2], Operator: op}).SatisfiedBy(a) {
			t.Errorf("line %d: %s does not satisfy (%s %s)", line, a, op, fields[2])
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d cases read", n)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
