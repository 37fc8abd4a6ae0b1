package vuln

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketEnrich = []byte("enrich")

// enrichWriter adds enrichment to a new database file in batches, merging
// each source's part into what the CVE already has.
type enrichWriter struct {
	b       *bolt.DB
	pending map[string][]*enrichItem
	n       int
	// whole lists the sources that came as one document this import (the
	// KEV catalog, an EPSS file): their old parts of CVEs the document no
	// longer names are dropped at the end. seen holds those CVEs.
	whole map[string]time.Time
	seen  map[string]map[string]bool
	read  map[string]int
}

func newEnrichWriter(b *bolt.DB) *enrichWriter {
	return &enrichWriter{b: b, pending: map[string][]*enrichItem{}, whole: map[string]time.Time{},
		seen: map[string]map[string]bool{}, read: map[string]int{}}
}

// declare notes that source came whole in this import, dated newest.
func (w *enrichWriter) declare(source string, newest time.Time) {
	if t, ok := w.whole[source]; !ok || newest.After(t) {
		w.whole[source] = newest
	}
}

func (w *enrichWriter) put(it *enrichItem) error {
	w.pending[it.e.CVE] = append(w.pending[it.e.CVE], it)
	w.read[it.source]++
	if it.source == SourceKEV || it.source == SourceEPSS {
		if w.seen[it.source] == nil {
			w.seen[it.source] = map[string]bool{}
		}
		w.seen[it.source][it.e.CVE] = true
	}
	w.n++
	if w.n >= 5000 {
		return w.flush()
	}
	return nil
}

func (w *enrichWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	err := w.b.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEnrich)
		for cve, items := range w.pending {
			e := &Enrichment{CVE: cve}
			if old := b.Get([]byte(cve)); old != nil {
				if err := json.Unmarshal(old, e); err != nil {
					e = &Enrichment{CVE: cve} // damaged: start again
				}
			}
			for _, it := range items {
				e.merge(it)
				if it.source == SourceCVE5 && it.modified.After(e.CVEUpdated) {
					e.CVEUpdated = it.modified
				}
			}
			if err := putEnrichment(b, e); err != nil {
				return err
			}
		}
		return nil
	})
	clear(w.pending)
	w.n = 0
	return err
}

func putEnrichment(b *bolt.Bucket, e *Enrichment) error {
	if e.empty() {
		return b.Delete([]byte(e.CVE))
	}
	data, err := e.marshal()
	if err != nil {
		return err
	}
	return b.Put([]byte(e.CVE), data)
}

// finish drops the stale parts of whole sources and counts what each
// source holds. old is the previous database's source states.
func (w *enrichWriter) finish(now time.Time, old map[string]SourceState) (map[string]SourceState, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	states := map[string]SourceState{}
	err := w.b.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEnrich)
		var rewrite []*Enrichment
		err := b.ForEach(func(k, v []byte) error {
			e := &Enrichment{}
			if err := json.Unmarshal(v, e); err != nil {
				return fmt.Errorf("enrichment of %s is damaged: %w", k, err)
			}
			changed := false
			for src := range w.whole {
				if !w.seen[src][e.CVE] {
					before := e.empty()
					e.drop(map[string]bool{src: true})
					changed = changed || !before
				}
			}
			if changed {
				rewrite = append(rewrite, e)
			}
			count(states, e)
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range rewrite {
			if err := putEnrichment(b, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for src, st := range states {
		o := old[src]
		st.Imported = o.Imported
		if w.read[src] > 0 {
			st.Imported = now
		}
		if t, ok := w.whole[src]; ok && !t.IsZero() {
			st.Newest = t // the catalog's or file's own date
		} else if (src == SourceKEV || src == SourceEPSS) && w.read[src] == 0 && !o.Newest.IsZero() {
			st.Newest = o.Newest
		}
		states[src] = st
	}
	return states, nil
}

// count adds one CVE's parts to the per-source counts and newest times.
func count(states map[string]SourceState, e *Enrichment) {
	add := func(src string, t time.Time) {
		st := states[src]
		st.Records++
		if t.After(st.Newest) {
			st.Newest = t
		}
		states[src] = st
	}
	if e.NVD != nil {
		add(SourceNVD, e.NVD.Modified)
	}
	if e.CNA != nil || e.ADP != nil || e.SSVC != nil {
		add(SourceCVE5, e.CVEUpdated)
	}
	if e.KEV != nil {
		add(SourceKEV, parseLooseTime(e.KEV.DateAdded))
	}
	if e.EPSS != nil {
		add(SourceEPSS, parseLooseTime(e.EPSS.Date))
	}
}

// copyEnrichment copies the old database's enrichment into the new file.
func (db *DB) copyEnrichment(w *enrichWriter) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEnrich)
		if b == nil {
			return nil
		}
		return w.b.Update(func(ntx *bolt.Tx) error {
			nb := ntx.Bucket(bucketEnrich)
			return b.ForEach(func(k, v []byte) error {
				return nb.Put(append([]byte(nil), k...), append([]byte(nil), v...))
			})
		})
	})
}

// Enrichment returns what the database knows of a CVE beyond OSV, or nil.
func (db *DB) Enrichment(cve string) (*Enrichment, error) {
	var e *Enrichment
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEnrich)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(cve))
		if v == nil {
			return nil
		}
		e = &Enrichment{}
		if err := json.Unmarshal(v, e); err != nil {
			return fmt.Errorf("enrichment of %s is damaged: %w", cve, err)
		}
		return nil
	})
	return e, err
}
