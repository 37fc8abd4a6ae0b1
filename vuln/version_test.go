package vuln

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionOrder runs testdata/versions/ECOSYSTEM.txt: one "A op B" case
// per line, op one of < = >. The hard cases of each ecosystem are there
// (Debian tildes and epochs, npm prereleases, PEP 440 dev/post/local).
func TestVersionOrder(t *testing.T) {
	files, err := filepath.Glob("testdata/versions/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no version tables: %v", err)
	}
	ecosystems := map[string]string{"RedHat": "Red Hat"}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		eco := name
		if e, ok := ecosystems[name]; ok {
			eco = e
		}
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s := bufio.NewScanner(f)
			n := 0
			for line := 1; s.Scan(); line++ {
				text := strings.TrimSpace(s.Text())
				if text == "" || strings.HasPrefix(text, "#") {
					continue
				}
				fields := strings.Fields(text)
				if len(fields) != 3 {
					t.Fatalf("%s:%d: want \"A op B\", got %q", file, line, text)
				}
				want := map[string]int{"<": -1, "=": 0, ">": 1}[fields[1]]
				got, err := Compare(eco, fields[0], fields[2])
				if err != nil {
					t.Errorf("%s:%d: Compare(%q, %q): %v", file, line, fields[0], fields[2], err)
					continue
				}
				if got != want {
					t.Errorf("%s:%d: Compare(%s, %s) = %d, want %d (%s)", file, line, fields[0], fields[2], got, want, text)
				}
				// the order must be antisymmetric
				if back, _ := Compare(eco, fields[2], fields[0]); back != -want {
					t.Errorf("%s:%d: Compare(%s, %s) = %d, want %d", file, line, fields[2], fields[0], back, -want)
				}
				n++
			}
			if n == 0 {
				t.Fatalf("%s has no cases", file)
			}
		})
	}
}

func TestCompareErrors(t *testing.T) {
	if _, err := Compare("Debian:12", "1.0 beta", "1.0"); err == nil {
		t.Error("a version with a space was accepted")
	}
	if _, err := Compare("Nonexistent", "1.0", "1.0"); err == nil {
		t.Error("an unknown ecosystem was accepted")
	}
}
