package vuln

import (
	"archive/zip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// zipOf writes the JSON files of dir into a zip, as osv.dev exports them.
func zipOf(t *testing.T, dir, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(filepath.Base(p))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestImportZipAndStatus(t *testing.T) {
	dir := t.TempDir()
	z := filepath.Join(t.TempDir(), "all.zip")
	zipOf(t, "testdata/records", z)
	rep, err := Import(context.Background(), dir, []string{z}, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 10 || rep.Skipped != 0 || len(rep.Problems) != 0 {
		t.Errorf("report = %+v, want 10 read, none skipped", rep)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := db.Status(fixedNow)
	want := map[string]EcosystemInfo{
		"Alpine:v3.20": {Records: 1, Newest: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)},
		"Debian:11":    {Records: 1, Newest: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		"Debian:12":    {Records: 3, Newest: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)},
		"Go":           {Records: 1, Newest: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)},
		"PyPI":         {Records: 2, Newest: time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)},
		"npm":          {Records: 3, Newest: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)},
	}
	if d := cmp.Diff(want, st.Ecosystems); d != "" {
		t.Errorf("ecosystems (-want +got):\n%s", d)
	}
	if st.Records != 10 || st.SizeBytes == 0 || !st.Imported.Equal(fixedNow) {
		t.Errorf("status = %+v", st)
	}
}

func TestImportReportsBadInput(t *testing.T) {
	dir := t.TempDir()
	rep, err := Import(context.Background(), dir, []string{"testdata/bad", "testdata/records/TEST-NPM-1.json", "testdata/missing.json"}, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, filepath.Base(p.Source)+" "+p.ID+" "+p.Error)
	}
	wantSubstrings := []string{
		"bad-event.json  TEST-BADEVENT-1: affected[0].ranges[0]: an event must set exactly one",
		"corrupt.zip  not a readable zip",
		"record TEST-BADVERSION-1 affected Debian:12/foo: invalid version \"1.0 beta\"",
		"not-osv.json  neither an OSV record nor Debian tracker JSON",
		"missing.json  stat testdata/missing.json",
		"records  unsupported ecosystem \"NoSuchEcosystem\": 1 affected entries skipped",
	}
	if len(got) != len(wantSubstrings) {
		t.Fatalf("problems = %q, want %d", got, len(wantSubstrings))
	}
	for _, w := range wantSubstrings {
		found := false
		for _, g := range got {
			if strings.Contains(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem like %q in %q", w, got)
		}
	}
	// the good half of the record with a bad version is kept
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Info().Records != 2 {
		t.Errorf("records = %d, want 2 (TEST-NPM-1 and the npm half of TEST-BADVERSION-1)", db.Info().Records)
	}
	res, err := Match(context.Background(), db, testSBOM(pkg("npm", "npm", "ok-package", "1.0.0")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].ID != "TEST-BADVERSION-1" {
		t.Errorf("findings = %v", hits(res))
	}
}

// TestImportIsAtomic: an import that fails half way leaves the old
// database as it was, and a stale temporary file does not disturb it.
func TestImportIsAtomic(t *testing.T) {
	dir := t.TempDir()
	if _, err := Import(context.Background(), dir, []string{"testdata/records/TEST-NPM-1.json"}, WithClock(clock)); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	failing := func(o *options) error { o.failAfter = 3; return nil }
	if _, err := Import(context.Background(), dir, []string{"testdata/records"}, failing); !errors.Is(err, errSimulated) {
		t.Fatalf("Import with a failure = %v, want the simulated failure", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, dir, []string{"testdata/records"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Import with a cancelled context = %v", err)
	}
	// a crash leaves a temporary file behind
	if err := os.WriteFile(filepath.Join(dir, "."+FileName+".new-123"), []byte("half written"), 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("the database changed after failed imports")
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Info().Records != 1 {
		t.Errorf("records = %d, want 1", db.Info().Records)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+FileName+".new-") && e.Name() != "."+FileName+".new-123" {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestImportAddsAndReplaces(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"testdata/records/TEST-NPM-1.json", "testdata/records/TEST-GO-1.json"} {
		if _, err := Import(context.Background(), dir, []string{p}); err != nil {
			t.Fatal(err)
		}
	}
	db, _ := Open(dir)
	if n := db.Info().Records; n != 2 {
		t.Errorf("after two imports: %d records, want 2", n)
	}
	db.Close()
	if _, err := Import(context.Background(), dir, []string{"testdata/records/TEST-GO-1.json"}, WithReplace()); err != nil {
		t.Fatal(err)
	}
	db, _ = Open(dir)
	defer db.Close()
	if n := db.Info().Records; n != 1 {
		t.Errorf("after --replace: %d records, want 1", n)
	}
}

func TestImportDebianTracker(t *testing.T) {
	db := testDB(t, "testdata/tracker/bookworm.json")
	foo := pkg("deb", "Debian:12", "libfoo1", "1.2-3")
	foo.SourceName = "foo"
	bar := pkg("deb", "Debian:12", "bar", "0.9-1")
	res, err := Match(context.Background(), db, testSBOM(foo, bar), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	want := []hit{
		{Pkg: "libfoo1@1.2-3", ID: "CVE-2099-0001", Fixed: "1.2-3+deb12u1", Records: "DEBIAN-CVE-2099-0001", Severity: 3},
		{Pkg: "bar@0.9-1", ID: "CVE-2099-0001", Records: "DEBIAN-CVE-2099-0001", Severity: 2},
		{Pkg: "bar@0.9-1", ID: "DEBIAN-TEMP-0000000-ABCDEF", Records: "DEBIAN-TEMP-0000000-ABCDEF", Severity: 2},
		{Pkg: "libfoo1@1.2-3", ID: "CVE-2099-0003", Records: "DEBIAN-CVE-2099-0003", Severity: 1},
	}
	if d := cmp.Diff(want, hits(res)); d != "" {
		t.Errorf("tracker findings (-want +got):\n%s", d)
	}
	// bullseye was never affected (fixed_version "0"); sid has no ecosystem
	r, _ := db.lookup("Debian:12", "foo", map[string]*Record{})
	if len(r) != 2 {
		t.Fatalf("foo records = %d, want 2", len(r))
	}
	for _, rec := range r {
		for _, a := range rec.Affected {
			if a.Package.Ecosystem != "Debian:12" {
				t.Errorf("%s has an entry for %s", rec.ID, a.Package.Ecosystem)
			}
		}
	}
}

func TestUpdate(t *testing.T) {
	zips := t.TempDir()
	os.MkdirAll(filepath.Join(zips, "npm"), 0o755)
	zipOf(t, "testdata/records", filepath.Join(zips, "npm", "all.zip"))
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		http.FileServer(http.Dir(zips)).ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	// a first import with an old npm record and a Go record
	if _, err := Import(context.Background(), dir, []string{"testdata/records/TEST-GO-1.json", "testdata/records/TEST-NPM-2.json"}); err != nil {
		t.Fatal(err)
	}
	rep, err := Update(context.Background(), dir, []string{"npm"}, WithSource(srv.URL), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"/npm/all.zip"}, asked); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	if rep.Info.Records != 10 {
		t.Errorf("records after update = %d, want 10 (the zip's, plus the Go record kept)", rep.Info.Records)
	}
	// a failed download changes nothing
	if _, err := Update(context.Background(), dir, []string{"PyPI"}, WithSource(srv.URL)); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Update of a missing ecosystem = %v, want a 404 error", err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Info().Records != 10 {
		t.Errorf("records after a failed update = %d, want 10", db.Info().Records)
	}
	if _, err := Update(context.Background(), dir, nil, WithSource("ftp://x")); err == nil {
		t.Error("an ftp source was accepted")
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("Open(empty dir) = %v, want ErrNoDatabase", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("not a database"), 0o644)
	if _, err := Open(dir); err == nil {
		t.Error("Open(garbage) succeeded")
	}
}
