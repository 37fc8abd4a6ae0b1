package secrets

import (
	"strings"
	"testing"
)

// FuzzScan checks that no input makes Scan or Text panic, exceed the match
// cap, or return a redaction that holds more than a format prefix.
func FuzzScan(f *testing.F) {
	fk := newFakes(9)
	for _, s := range []string{"", "password: " + fk.Password, "-----BEGIN PRIVATE KEY-----\n" + fk.KeyBody,
		fk.GitHub + " " + fk.JWT, "DB_PASSWORD=x\n", "\x00\xff", strings.Repeat("AKIA", 100)} {
		f.Add("/app/.env", s)
		f.Add("/root/.npmrc", s)
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		ms := Scan(p, []byte(s))
		if len(ms) > MaxMatches {
			t.Fatalf("%d matches", len(ms))
		}
		for _, m := range ms {
			if !strings.HasSuffix(m.Redacted, "****") || len(m.Redacted) > 12 {
				t.Fatalf("bad redaction %q", m.Redacted)
			}
			if m.Line < 1 {
				t.Fatalf("line %d", m.Line)
			}
		}
		red, tms := Text(s)
		if len(tms) > MaxMatches {
			t.Fatalf("%d text matches", len(tms))
		}
		if len(tms) == 0 && red != s {
			t.Fatalf("Text changed a string without matches")
		}
	})
}
