package audit

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/harden-dev/harden/report"
)

var (
	idRE    = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	aliasRE = regexp.MustCompile(`^(CIS-DI-00(0[1-9]|1[01])|DKL-DI-000[1-6]|DKL-LI-000[1-3])$`)
)

// TestRules checks that every check has a unique, well-formed ID, a rule
// that matches it, a title, a fix and a sane weight.
func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		id := c.ID()
		r := c.Rule()
		switch {
		case !idRE.MatchString(id):
			t.Errorf("ID %q is not kebab-case", id)
		case seen[id]:
			t.Errorf("ID %q is used twice", id)
		case r.ID != id:
			t.Errorf("%s: Rule().ID = %q", id, r.ID)
		case r.Title == "" || r.Fix == "":
			t.Errorf("%s: rule needs a title and a fix", id)
		case r.Severity < report.Info || r.Severity > report.Critical:
			t.Errorf("%s: severity %v", id, r.Severity)
		case r.Weight < 0 || r.Cap < 0 || r.Cap > 0 && r.Cap < r.Weight:
			t.Errorf("%s: weight %d, cap %d", id, r.Weight, r.Cap)
		}
		for _, a := range r.Aliases {
			if !aliasRE.MatchString(a) {
				t.Errorf("%s: alias %q is not a Dockle/CIS checkpoint ID", id, a)
			}
		}
		seen[id] = true
	}
}

// TestDocsListEveryCheck checks docs/audit.md: a section per check and the
// weights the score uses, so the documented formula is the real one.
func TestDocsListEveryCheck(t *testing.T) {
	doc, err := os.ReadFile("../docs/audit.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, r := range Rules() {
		if !strings.Contains(text, "\n### "+r.ID+"\n") {
			t.Errorf("docs/audit.md has no section \"### %s\"", r.ID)
		}
		row := regexp.MustCompile(`(?m)^\| \[` + "`" + regexp.QuoteMeta(r.ID) + "`" + `\]\(#` + regexp.QuoteMeta(r.ID) + `\) \| ([^|]*)\| ([^|]*)\| (\w+) \| (\d+) \| (\d+) \|`)
		m := row.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("docs/audit.md mapping table has no row for %s", r.ID)
			continue
		}
		if strings.TrimSpace(m[3]) != r.Severity.String() || m[4] != strconv.Itoa(r.Weight) || m[5] != strconv.Itoa(r.Cap) {
			t.Errorf("docs row for %s says severity %s, weight %s, cap %s; code says %s, %d, %d", r.ID, m[3], m[4], m[5], r.Severity, r.Weight, r.Cap)
		}
		for _, a := range r.Aliases {
			if !strings.Contains(m[1]+m[2], a) {
				t.Errorf("docs row for %s does not name alias %s", r.ID, a)
			}
		}
	}
	// Every Dockle checkpoint is mapped or explained.
	for _, id := range []string{"CIS-DI-0001", "CIS-DI-0002", "CIS-DI-0003", "CIS-DI-0004", "CIS-DI-0005", "CIS-DI-0006", "CIS-DI-0007",
		"CIS-DI-0008", "CIS-DI-0009", "CIS-DI-0010", "CIS-DI-0011", "DKL-DI-0001", "DKL-DI-0002", "DKL-DI-0003", "DKL-DI-0004",
		"DKL-DI-0005", "DKL-DI-0006", "DKL-LI-0001", "DKL-LI-0002", "DKL-LI-0003"} {
		if !strings.Contains(text, id) {
			t.Errorf("docs/audit.md does not mention %s", id)
		}
	}
}
