package vuln

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// nvdServer serves the shared NVD records as the NVD CVE API 2.0 does, in
// pages, and misbehaves as told: fail maps a request number (1-based) to
// an HTTP status, truncate cuts that request's body short.
type nvdServer struct {
	records  []json.RawMessage
	mu       sync.Mutex
	n        int
	fail     map[int]int
	truncate map[int]bool
	queries  []string
	keys     []string
}

func (s *nvdServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.n++
	n := s.n
	s.queries = append(s.queries, r.URL.RawQuery)
	s.keys = append(s.keys, r.Header.Get("apiKey"))
	s.mu.Unlock()
	if code, ok := s.fail[n]; ok {
		w.Header().Set("Retry-After", "0")
		http.Error(w, "slow down", code)
		return
	}
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("startIndex"))
	per, _ := strconv.Atoi(q.Get("resultsPerPage"))
	recs := s.records
	if q.Get("lastModStartDate") != "" {
		recs = recs[:3] // "modified since": a few
	}
	end := min(start+per, len(recs))
	page := map[string]any{"resultsPerPage": end - start, "startIndex": start, "totalResults": len(recs), "format": "NVD_CVE", "version": "2.0", "timestamp": "2026-11-27T00:00:00.000"}
	var vs []map[string]json.RawMessage
	for _, rec := range recs[start:end] {
		vs = append(vs, map[string]json.RawMessage{"cve": rec})
	}
	page["vulnerabilities"] = vs
	body, _ := json.Marshal(page)
	if s.truncate[n] {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		return
	}
	w.Write(body)
}

func sharedNVDRecords(t *testing.T) []json.RawMessage {
	var out []json.RawMessage
	var names []string
	filepath.WalkDir(filepath.Join(sharedVulnDB(t), "nvd"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

var fastPacing = WithPacing(time.Millisecond, time.Millisecond, 3)

func TestUpdateNVDPagesRetriesAndResumes(t *testing.T) {
	srv := &nvdServer{records: sharedNVDRecords(t), fail: map[int]int{2: 429, 3: 503, 5: 403}, truncate: map[int]bool{6: true}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	rep, err := UpdateFeed(context.Background(), dir, SourceNVD, ts.URL, WithClock(clock), fastPacing, WithNVDPageSize(50), WithNVDAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Enriched != 127 || rep.Info.Data[SourceNVD].Records != 127 {
		t.Fatalf("enriched %d, NVD holds %d; want 127 records in 3 pages", rep.Enriched, rep.Info.Data[SourceNVD].Records)
	}
	// 3 pages + 3 refused answers + 1 body cut short
	if srv.n != 7 || srv.keys[0] != "k" {
		t.Errorf("%d requests (want 7), api key %q", srv.n, srv.keys[0])
	}
	if _, err := os.Stat(filepath.Join(dir, ".nvd-update.json")); !os.IsNotExist(err) {
		t.Error("the state file stays after a finished update")
	}
	// the next update asks only for what changed since
	srv.queries = nil
	later := fixedNow.Add(24 * time.Hour)
	if _, err := UpdateFeed(context.Background(), dir, SourceNVD, ts.URL, WithClock(func() time.Time { return later }), fastPacing); err != nil {
		t.Fatal(err)
	}
	if len(srv.queries) != 1 || !strings.Contains(srv.queries[0], "lastModStartDate=") || !strings.Contains(srv.queries[0], "lastModEndDate=") {
		t.Errorf("incremental update asked %v", srv.queries)
	}
}

func TestUpdateNVDFailureLeavesDatabaseAndResumes(t *testing.T) {
	recs := sharedNVDRecords(t)
	dir := t.TempDir()
	// a database with OSV data first
	if _, err := Import(context.Background(), dir, []string{filepath.Join(sharedVulnDB(t), "osv", "npm")}, WithClock(clock)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, FileName))
	// page 2 is refused more often than the retries allow
	srv := &nvdServer{records: recs, fail: map[int]int{2: 503, 3: 503, 4: 503, 5: 503}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	_, err := UpdateFeed(context.Background(), dir, SourceNVD, ts.URL, WithClock(clock), fastPacing, WithNVDPageSize(50))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want the 503 after the retries", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if string(before) != string(after) {
		t.Fatal("a failed update changed the database")
	}
	// a truncated body, twice: fails too, nothing changes
	srv2 := &nvdServer{records: recs, truncate: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true}}
	ts2 := httptest.NewServer(srv2)
	defer ts2.Close()
	dir2 := t.TempDir()
	if _, err := UpdateFeed(context.Background(), dir2, SourceNVD, ts2.URL, WithClock(clock), fastPacing); err == nil {
		t.Fatal("a download cut short every time was accepted")
	}
	if _, err := os.Stat(filepath.Join(dir2, FileName)); !os.IsNotExist(err) {
		t.Error("a failed first update left a database")
	}
	// the first run stopped after page 1: a second run resumes at page 2
	srv.mu.Lock()
	srv.fail, srv.queries = nil, nil
	srv.mu.Unlock()
	rep, err := UpdateFeed(context.Background(), dir, SourceNVD, ts.URL, WithClock(clock), fastPacing, WithNVDPageSize(50))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(srv.queries[0], "startIndex=50") {
		t.Errorf("the resumed update began with %q, want startIndex=50", srv.queries[0])
	}
	if rep.Info.Data[SourceNVD].Records != 127 || rep.Info.Records == 0 {
		t.Errorf("after resuming: %d NVD entries, %d OSV records", rep.Info.Data[SourceNVD].Records, rep.Info.Records)
	}
}

func TestUpdateKEVAndEPSSFeeds(t *testing.T) {
	kev, err := os.ReadFile(filepath.Join(sharedVulnDB(t), "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		switch r.URL.Path {
		case "/kev.json":
			w.Write(kev)
		case "/epss.csv":
			fmt.Fprint(w, "#model_version:v2025.03.14,score_date:2026-11-26T00:00:00+0000\ncve,epss,percentile\nCVE-2023-44487,0.94,0.99\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	dir := t.TempDir()
	rep, err := UpdateFeed(context.Background(), dir, SourceKEV, ts.URL+"/kev.json", WithClock(clock), fastPacing)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Info.Data[SourceKEV].Records != 1404 {
		t.Errorf("KEV holds %d entries", rep.Info.Data[SourceKEV].Records)
	}
	rep, err = UpdateFeed(context.Background(), dir, SourceEPSS, ts.URL+"/epss.csv", WithClock(clock), fastPacing)
	if err != nil {
		t.Fatal(err)
	}
	if st := rep.Info.Data[SourceEPSS]; st.Records != 1 || st.Newest.Format(time.DateOnly) != "2026-11-26" || rep.Info.Data[SourceKEV].Records != 1404 {
		t.Errorf("after EPSS: %+v", rep.Info.Data)
	}
	if _, err := UpdateFeed(context.Background(), dir, SourceKEV, ts.URL+"/missing.json", WithClock(clock), fastPacing); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a missing feed: %v", err)
	}
}
