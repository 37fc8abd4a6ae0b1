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
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxJSONFile bounds a single JSON input (Debian's whole tracker JSON is
// about 100 MB).
const maxJSONFile = 1 << 30

// maxProblems bounds the problems an import lists one by one.
const maxProblems = 100

// ImportReport says what an import or update did.
type ImportReport struct {
	// Read counts the records read from the inputs; Skipped those left out
	// (invalid, or with nothing harden can match).
	Read, Skipped int
	// Problems lists inputs and records that were skipped, and why.
	Problems []Problem
	// MoreProblems counts problems beyond those listed.
	MoreProblems int
	// Info is the new database's content.
	Info Info
}

// Problem is an input or record an import skipped.
type Problem struct {
	Source string `json:"source"`
	ID     string `json:"id,omitempty"`
	Error  string `json:"error"`
}

// Import adds OSV data to the database in dir (creating it): osv.dev
// all.zip exports, folders of OSV JSON files (and zips), single OSV JSON
// files, and Debian security-tracker JSON. Records replace those with the
// same ID. Bad inputs and records are reported and skipped. The new
// database is written beside the old one and renamed over it, so a failed
// or interrupted import leaves the old database as it was.
func Import(ctx context.Context, dir string, paths []string, opts ...Option) (*ImportReport, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("nothing to import")
	}
	var ins []input
	for _, p := range paths {
		ins = append(ins, fileInput(p))
	}
	return o.write(ctx, dir, ins, nil)
}

// input is one source of records.
type input struct {
	name string
	read func(ctx context.Context, emit func(*Record) error, problem func(Problem)) error
}

// fileInput reads a path: a folder, a zip or a JSON file.
func fileInput(p string) input {
	return input{name: p, read: func(ctx context.Context, emit func(*Record) error, problem func(Problem)) error {
		st, err := os.Stat(p)
		if err != nil {
			problem(Problem{Source: p, Error: err.Error()})
			return nil
		}
		if st.IsDir() {
			return readDir(ctx, p, emit, problem)
		}
		if strings.HasSuffix(strings.ToLower(p), ".zip") {
			return readZip(ctx, p, emit, problem)
		}
		return readJSONFile(p, st.ModTime(), emit, problem)
	}}
}

func readDir(ctx context.Context, dir string, emit func(*Record) error, problem func(Problem)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			problem(Problem{Source: p, Error: err.Error()})
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".zip":
			return readZip(ctx, p, emit, problem)
		case ".json":
			info, err := d.Info()
			if err != nil {
				problem(Problem{Source: p, Error: err.Error()})
				return nil
			}
			return readJSONFile(p, info.ModTime(), emit, problem)
		}
		return nil
	})
}

// readZip reads every .json member of a zip as an OSV record. A zip that
// cannot be opened is a problem, not an error: the other inputs go on.
// Only emit's errors stop it.
func readZip(ctx context.Context, p string, emit func(*Record) error, problem func(Problem)) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		problem(Problem{Source: p, Error: "not a readable zip: " + err.Error()})
		return nil
	}
	defer zr.Close()
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !strings.HasSuffix(strings.ToLower(f.Name), ".json") || f.FileInfo().IsDir() {
			continue
		}
		src := p + ":" + f.Name
		if f.UncompressedSize64 > MaxRecordSize {
			problem(Problem{Source: src, Error: fmt.Sprintf("larger than %d bytes", MaxRecordSize)})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			problem(Problem{Source: src, Error: err.Error()})
			continue
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxRecordSize+1))
		rc.Close()
		if err != nil {
			problem(Problem{Source: src, Error: err.Error()})
			continue
		}
		r, err := ParseRecord(data)
		if err != nil {
			problem(Problem{Source: src, Error: err.Error()})
			continue
		}
		if err := emit(r); err != nil {
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

// readJSONFile reads an OSV record, a JSON array of records, an object
// {"vulns": [...]}, or Debian's tracker JSON.
func readJSONFile(p string, mtime time.Time, emit func(*Record) error, problem func(Problem)) error {
	f, err := os.Open(p)
	if err != nil {
		problem(Problem{Source: p, Error: err.Error()})
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJSONFile+1))
	if err != nil {
		problem(Problem{Source: p, Error: err.Error()})
		return nil
	}
	if len(data) > maxJSONFile {
		problem(Problem{Source: p, Error: fmt.Sprintf("larger than %d bytes", maxJSONFile)})
		return nil
	}
	recs, err := parseJSONInput(data, mtime)
	if err != nil {
		problem(Problem{Source: p, Error: err.Error()})
	}
	for _, r := range recs {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// parseJSONInput tells the kinds of JSON input apart by their first key.
func parseJSONInput(data []byte, mtime time.Time) ([]*Record, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	switch tok {
	case json.Delim('['):
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, fmt.Errorf("parsing JSON array: %w", err)
		}
		return parseRaws(raws)
	case json.Delim('{'):
	default:
		return nil, errors.New("not an OSV record, a list of records or Debian tracker JSON")
	}
	if !dec.More() {
		return nil, nil
	}
	key, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("parsing JSON: %w", err)
	}
	k, _ := key.(string)
	switch {
	case k == "vulns":
		var agg struct {
			Vulns []json.RawMessage `json:"vulns"`
		}
		if err := json.Unmarshal(data, &agg); err != nil {
			return nil, fmt.Errorf("parsing JSON: %w", err)
		}
		return parseRaws(agg.Vulns)
	case osvFields[k]:
		r, err := ParseRecord(data)
		if err != nil {
			return nil, err
		}
		return []*Record{r}, nil
	}
	recs, err := ParseDebianTracker(bytes.NewReader(data), mtime)
	if err != nil {
		return nil, fmt.Errorf("neither an OSV record nor Debian tracker JSON: %w", err)
	}
	return recs, nil
}

func parseRaws(raws []json.RawMessage) ([]*Record, error) {
	var out []*Record
	var errs []error
	for _, raw := range raws {
		r, err := ParseRecord(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// sanitize drops the affected entries harden cannot match (unknown
// ecosystem, versions that do not parse in it) and returns why.
func sanitize(r *Record) (kept []Affected, dropped []error) {
	for i := range r.Affected {
		a := &r.Affected[i]
		if a.Package.Name == "" || a.Package.Ecosystem == "" {
			continue // a GIT-only entry: nothing to match a package against
		}
		if err := checkAffected(a); err != nil {
			dropped = append(dropped, fmt.Errorf("affected %s/%s: %w", a.Package.Ecosystem, a.Package.Name, err))
			continue
		}
		kept = append(kept, *a)
	}
	return kept, dropped
}

// write builds a new database from the old one (unless replacing) and the
// inputs, then renames it over the old file. replaceEcos drops the old
// records of those ecosystems (by base name) first: an update replaces an
// ecosystem whole.
func (o *options) write(ctx context.Context, dir string, ins []input, replaceEcos map[string]bool) (*ImportReport, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating database directory: %w", err)
	}
	final := filepath.Join(dir, FileName)
	tmpFile, err := os.CreateTemp(dir, "."+FileName+".new-*")
	if err != nil {
		return nil, fmt.Errorf("creating database file: %w", err)
	}
	tmp := tmpFile.Name()
	tmpFile.Chmod(0o644) // CreateTemp makes 0600; the database is not secret
	tmpFile.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()
	b, err := bolt.Open(tmp, 0o644, &bolt.Options{Timeout: 5 * time.Second, NoSync: true, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("creating database file: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			b.Close()
		}
	}()
	if err := b.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketRecords, bucketIndex} {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("creating database file: %w", err)
	}
	w := &dbWriter{b: b, ids: map[string]recMeta{}}
	rep := &ImportReport{}
	info := Info{Imported: o.now().UTC()}
	problem := func(p Problem) {
		if len(rep.Problems) < maxProblems {
			rep.Problems = append(rep.Problems, p)
		} else {
			rep.MoreProblems++
		}
		o.log.Debug("import: skipped", "source", p.Source, "id", p.ID, "err", p.Error)
	}
	if !o.replace {
		old, err := Open(dir)
		switch {
		case err == nil:
			info.Sources = old.info.Sources
			err = old.copyInto(ctx, w, replaceEcos)
			old.Close()
			if err != nil {
				return nil, fmt.Errorf("copying the current database: %w", err)
			}
		case errors.Is(err, ErrNoDatabase):
		default:
			o.log.Warn("the current database cannot be read; starting a new one", "err", err)
		}
	}
	unsupported := map[string]int{}
	emit := func(r *Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Read++
		if o.failAfter > 0 && rep.Read > o.failAfter {
			return errSimulated
		}
		kept, dropped := sanitize(r)
		for _, d := range dropped {
			if errors.Is(d, ErrUnsupportedEcosystem) {
				unsupported[d.Error()[strings.LastIndex(d.Error(), ": ")+2:]]++
				continue
			}
			problem(Problem{Source: "record", ID: r.ID, Error: d.Error()})
		}
		if len(kept) == 0 {
			rep.Skipped++ // nothing harden can match (GIT-only, or every entry dropped)
			return nil
		}
		r.Affected = kept
		return w.put(r, nil)
	}
	for _, in := range ins {
		// read reports bad inputs as problems; an error is fatal (the
		// context ended, or the new file cannot be written)
		if err := in.read(ctx, emit, problem); err != nil {
			return nil, fmt.Errorf("importing %s: %w", in.name, err)
		}
		info.Sources = append(info.Sources, SourceInfo{Source: in.name, Time: info.Imported})
	}
	ecos := make([]string, 0, len(unsupported))
	for e := range unsupported {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	for _, e := range ecos {
		problem(Problem{Source: "records", Error: fmt.Sprintf("unsupported ecosystem %s: %d affected entries skipped", e, unsupported[e])})
	}
	if rep.Read == 0 {
		return rep, errors.New("no OSV records found in the inputs")
	}
	if len(info.Sources) > 20 {
		info.Sources = info.Sources[len(info.Sources)-20:]
	}
	if err := w.finish(&info); err != nil {
		return nil, fmt.Errorf("writing database: %w", err)
	}
	if err := b.Sync(); err != nil {
		return nil, fmt.Errorf("writing database: %w", err)
	}
	closed = true
	if err := b.Close(); err != nil {
		return nil, fmt.Errorf("writing database: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("installing the new database: %w", err)
	}
	done = true
	syncDir(dir)
	rep.Info = info
	return rep, nil
}

// errSimulated is the failure the failAfter test hook injects.
var errSimulated = errors.New("simulated failure")

// syncDir makes the rename durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
