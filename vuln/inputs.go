package vuln

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// sink takes what the inputs hold.
type sink struct {
	osv     func(*Record) error
	enrich  func(*enrichItem) error
	declare func(source string, newest time.Time)
	problem func(Problem)
	// tmpDir is where nested zips are unpacked (beside the database).
	tmpDir string
}

// input is one source of records.
type input struct {
	name string
	read func(ctx context.Context, s *sink) error
}

// fileInput reads a path: a folder, a zip, a JSON file or an EPSS CSV.
func fileInput(p string) input {
	return input{name: p, read: func(ctx context.Context, s *sink) error {
		st, err := os.Stat(p)
		if err != nil {
			s.problem(Problem{Source: p, Error: err.Error()})
			return nil
		}
		if st.IsDir() {
			return readDir(ctx, p, s)
		}
		return readFile(ctx, p, st.ModTime(), s)
	}}
}

func readDir(ctx context.Context, dir string, s *sink) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.problem(Problem{Source: p, Error: err.Error()})
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || kindOf(p) == "" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			s.problem(Problem{Source: p, Error: err.Error()})
			return nil
		}
		return readFile(ctx, p, info.ModTime(), s)
	})
}

// kindOf tells the inputs harden reads by their names: "zip", "json",
// "csv" (EPSS, also gzipped) or "" (skipped in folders).
func kindOf(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".zip"):
		return "zip"
	case strings.HasSuffix(n, ".json"):
		return "json"
	case strings.HasSuffix(n, ".csv"), strings.HasSuffix(n, ".csv.gz"):
		return "csv"
	}
	return ""
}

// readFile reads one file by its kind; a name of no known kind is read as
// JSON (a single record given by path).
func readFile(ctx context.Context, p string, mtime time.Time, s *sink) error {
	switch kindOf(p) {
	case "zip":
		return readZip(ctx, p, s)
	case "csv":
		return readEPSSFile(p, s)
	}
	return readJSONFile(p, mtime, s)
}

// readZip reads every .json member of a zip (OSV records, CVE JSON 5
// records, NVD records) and the zips inside it (the CVE Program's daily
// bundle is a zip of a zip). A zip that cannot be opened is a problem, not
// an error: the other inputs go on. Only the sink's errors stop it.
func readZip(ctx context.Context, p string, s *sink) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		s.problem(Problem{Source: p, Error: "not a readable zip: " + err.Error()})
		return nil
	}
	defer zr.Close()
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() {
			continue
		}
		src := p + ":" + f.Name
		switch kindOf(f.Name) {
		case "zip":
			if err := readNestedZip(ctx, f, src, s); err != nil {
				return err
			}
			continue
		case "json":
		default:
			continue
		}
		if f.UncompressedSize64 > MaxRecordSize {
			s.problem(Problem{Source: src, Error: fmt.Sprintf("larger than %d bytes", MaxRecordSize)})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			s.problem(Problem{Source: src, Error: err.Error()})
			continue
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxRecordSize+1))
		rc.Close()
		if err != nil {
			s.problem(Problem{Source: src, Error: err.Error()})
			continue
		}
		if err := s.json(src, data, f.Modified); err != nil {
			return err
		}
	}
	return nil
}

// readNestedZip copies a zip member that is itself a zip to a temporary
// file (zip needs random access) and reads it.
func readNestedZip(ctx context.Context, f *zip.File, src string, s *sink) error {
	if f.UncompressedSize64 > maxJSONFile*8 {
		s.problem(Problem{Source: src, Error: "nested zip is too large"})
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		s.problem(Problem{Source: src, Error: err.Error()})
		return nil
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(s.tmpDir, ".nested-*.zip")
	if err != nil {
		return fmt.Errorf("unpacking %s: %w", src, err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, io.LimitReader(rc, maxJSONFile*8))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.problem(Problem{Source: src, Error: err.Error()})
		return nil
	}
	return readZip(ctx, tmp.Name(), s)
}

// readEPSSFile reads an EPSS CSV (plain or gzipped) whole.
func readEPSSFile(p string, s *sink) error {
	f, err := os.Open(p)
	if err != nil {
		s.problem(Problem{Source: p, Error: err.Error()})
		return nil
	}
	defer f.Close()
	items, date, err := parseEPSS(f)
	if err != nil {
		s.problem(Problem{Source: p, Error: err.Error()})
		return nil
	}
	s.declare(SourceEPSS, date)
	for _, it := range items {
		if err := s.enrich(it); err != nil {
			return err
		}
	}
	return nil
}

// osvFields are the top-level keys that tell an OSV record from Debian's
// tracker JSON (whose keys are package names).
var osvFields = map[string]bool{
	"schema_version": true, "id": true, "modified": true, "published": true, "withdrawn": true,
	"aliases": true, "upstream": true, "related": true, "summary": true, "details": true,
	"severity": true, "affected": true, "references": true, "credits": true, "database_specific": true,
}

// readJSONFile reads a JSON input of any kind parseJSONInput knows.
func readJSONFile(p string, mtime time.Time, s *sink) error {
	f, err := os.Open(p)
	if err != nil {
		s.problem(Problem{Source: p, Error: err.Error()})
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJSONFile+1))
	if err != nil {
		s.problem(Problem{Source: p, Error: err.Error()})
		return nil
	}
	if len(data) > maxJSONFile {
		s.problem(Problem{Source: p, Error: fmt.Sprintf("larger than %d bytes", maxJSONFile)})
		return nil
	}
	return s.json(p, data, mtime)
}

// json reads one JSON document of any kind and hands on what it holds;
// what cannot be read is a problem of src.
func (s *sink) json(src string, data []byte, mtime time.Time) error {
	d, err := parseJSONInput(data, mtime)
	if err != nil {
		s.problem(Problem{Source: src, Error: err.Error()})
	}
	if d.declared != "" {
		s.declare(d.declared, d.newest)
	}
	for _, r := range d.records {
		if err := s.osv(r); err != nil {
			return err
		}
	}
	for _, it := range d.items {
		if err := s.enrich(it); err != nil {
			return err
		}
	}
	return nil
}

// parsed is what one JSON document holds: OSV records, enrichment, and for
// a whole-source document (the KEV catalog) its source and date.
type parsed struct {
	records  []*Record
	items    []*enrichItem
	declared string
	newest   time.Time
}

// sniffLimit is the size up to which a JSON document's kind is told by its
// whole set of top-level keys; larger ones (Debian's tracker JSON) by the
// first key.
const sniffLimit = 64 << 20

// parseJSONInput tells the kinds of JSON input apart: an OSV record, a
// list of records or {"vulns": [...]}, Debian's tracker JSON, an NVD CVE
// API 2.0 record or answer, a CVE JSON 5 record, CISA's KEV catalog.
func parseJSONInput(data []byte, mtime time.Time) (parsed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return parsed{}, fmt.Errorf("not JSON: %w", err)
	}
	switch tok {
	case json.Delim('['):
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return parsed{}, fmt.Errorf("parsing JSON array: %w", err)
		}
		recs, err := parseRaws(raws)
		return parsed{records: recs}, err
	case json.Delim('{'):
	default:
		return parsed{}, errors.New("not an OSV record, a list of records or Debian tracker JSON")
	}
	if !dec.More() {
		return parsed{}, nil
	}
	key, err := dec.Token()
	if err != nil {
		return parsed{}, fmt.Errorf("parsing JSON: %w", err)
	}
	k, _ := key.(string)
	// An OSV record's first key is one of its own (NVD's is "id" too, so
	// that one needs a look at the other keys).
	if (k == "id" || !osvFields[k]) && k != "vulns" && len(data) <= sniffLimit {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(data, &keys); err != nil {
			return parsed{}, fmt.Errorf("parsing JSON: %w", err)
		}
		if p, ok, err := parseEnrichment(data, keys); ok {
			return p, err
		}
	}
	switch {
	case k == "vulns":
		var agg struct {
			Vulns []json.RawMessage `json:"vulns"`
		}
		if err := json.Unmarshal(data, &agg); err != nil {
			return parsed{}, fmt.Errorf("parsing JSON: %w", err)
		}
		recs, err := parseRaws(agg.Vulns)
		return parsed{records: recs}, err
	case osvFields[k]:
		r, err := ParseRecord(data)
		if err != nil {
			return parsed{}, err
		}
		return parsed{records: []*Record{r}}, nil
	}
	recs, err := ParseDebianTracker(bytes.NewReader(data), mtime)
	if err != nil {
		return parsed{}, fmt.Errorf("neither an OSV record nor Debian tracker JSON: %w", err)
	}
	return parsed{records: recs}, nil
}

// parseEnrichment reads the enrichment documents, told by their keys; ok
// is false for anything else.
func parseEnrichment(data []byte, keys map[string]json.RawMessage) (p parsed, ok bool, err error) {
	has := func(k string) bool { _, ok := keys[k]; return ok }
	switch {
	case has("dataType") && has("cveMetadata"):
		it, err := parseCVE5Record(data)
		if err != nil {
			return parsed{}, true, err
		}
		return parsed{items: []*enrichItem{it}}, true, nil
	case has("catalogVersion") && has("vulnerabilities"):
		items, released, err := parseKEV(data)
		return parsed{items: items, declared: SourceKEV, newest: released}, true, err
	case has("vulnerabilities") && (has("resultsPerPage") || has("totalResults")):
		_, items, err := parseNVDPage(data)
		return parsed{items: items}, true, err
	case has("id") && (has("vulnStatus") || has("sourceIdentifier")) && !has("modified"):
		it, err := parseNVDRecord(data)
		if err != nil {
			return parsed{}, true, err
		}
		return parsed{items: []*enrichItem{it}}, true, nil
	}
	return parsed{}, false, nil
}
