package vuln

import (
	"fmt"
	"io"
	"time"

	"github.com/harden-dev/harden/report"
)

// WriteImport prints what an import or update read and the ecosystems the
// database in dir now holds.
func WriteImport(w io.Writer, dir string, rep *ImportReport) error {
	fmt.Fprintf(w, "read %d records (%d skipped: nothing harden can match) and %d NVD, CVE, KEV and EPSS entries; the database in %s now holds %d records\n",
		rep.Read, rep.Skipped, rep.Enriched, dir, rep.Info.Records)
	return writeEcosystems(w, rep.Info)
}

// WriteStatus prints the database's size, age, sources and ecosystems.
func WriteStatus(w io.Writer, st Status) error {
	fmt.Fprintf(w, "database  %s (%s)\n", st.Path, report.Bytes(st.SizeBytes))
	fmt.Fprintf(w, "imported  %s\n", st.Imported.Format(time.RFC3339))
	if !st.Newest.IsZero() {
		fmt.Fprintf(w, "data as of %s (%s old)\n", st.Newest.Format(time.RFC3339), report.Age(time.Duration(st.Age*float64(time.Second))))
	}
	fmt.Fprintf(w, "records   %d\n\n", st.Records)
	t := report.NewTable("SOURCE", "RECORDS", "NEWEST", "IMPORTED", "AGE").AlignRight(1)
	for _, u := range st.DataSources {
		newest := ""
		if !u.Newest.IsZero() {
			newest = u.Newest.Format(time.DateOnly)
		}
		t.Add(u.Name, u.Records, newest, u.Imported.Format(time.RFC3339), report.Age(time.Duration(u.Age*float64(time.Second))))
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return writeEcosystems(w, st.Info)
}

func writeEcosystems(w io.Writer, info Info) error {
	t := report.NewTable("ECOSYSTEM", "RECORDS", "NEWEST").AlignRight(1)
	for _, e := range info.EcosystemNames() {
		ei := info.Ecosystems[e]
		newest := ""
		if !ei.Newest.IsZero() {
			newest = ei.Newest.Format(time.DateOnly)
		}
		t.Add(e, ei.Records, newest)
	}
	return t.WriteText(w)
}

// ProblemLines are the import's skipped files and records, one line each
// (none for a nil report).
func (rep *ImportReport) ProblemLines() []string {
	var out []string
	if rep == nil {
		return nil
	}
	for _, p := range rep.Problems {
		id := ""
		if p.ID != "" {
			id = " " + p.ID
		}
		out = append(out, fmt.Sprintf("skipped %s%s: %s", p.Source, id, p.Error))
	}
	if rep.MoreProblems > 0 {
		out = append(out, fmt.Sprintf("... and %d more skipped", rep.MoreProblems))
	}
	return out
}

// Usable reports whether dir holds a database this harden can read.
func Usable(dir string) bool {
	db, err := Open(dir)
	if err != nil {
		return false
	}
	db.Close()
	return true
}
