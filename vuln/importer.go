package vuln

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// Read counts the OSV records read from the inputs; Skipped those left
	// out (invalid, or with nothing harden can match); Enriched the NVD,
	// CVE, KEV and EPSS entries read.
	Read, Skipped, Enriched int
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
		for _, name := range [][]byte{bucketMeta, bucketRecords, bucketIndex, bucketEnrich} {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("creating database file: %w", err)
	}
	w := &dbWriter{b: b, ids: map[string]recMeta{}}
	ew := newEnrichWriter(b)
	var oldData map[string]SourceState
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
			oldData = old.info.Data
			err = old.copyInto(ctx, w, replaceEcos)
			if err == nil {
				err = old.copyEnrichment(ew)
			}
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
	enriched := 0
	sk := &sink{osv: emit, problem: problem, tmpDir: dir, declare: ew.declare,
		enrich: func(it *enrichItem) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			enriched++
			if o.failAfter > 0 && rep.Read+enriched > o.failAfter {
				return errSimulated
			}
			return ew.put(it)
		}}
	for _, in := range ins {
		// read reports bad inputs as problems; an error is fatal (the
		// context ended, or the new file cannot be written)
		if err := in.read(ctx, sk); err != nil {
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
	if rep.Read == 0 && enriched == 0 {
		return rep, errors.New("no OSV records, NVD, CVE, KEV or EPSS data found in the inputs")
	}
	rep.Enriched = enriched
	data, err := ew.finish(info.Imported, oldData)
	if err != nil {
		return nil, fmt.Errorf("writing database: %w", err)
	}
	info.Data = data
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
