package vuln

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// dbWriter fills a new database file.
type dbWriter struct {
	b       *bolt.DB
	pending [][2][]byte
	ids     map[string]recMeta
	n       int
}

type recMeta struct {
	keys     []string
	ecos     []string
	modified time.Time
}

func (w *dbWriter) put(r *Record, data []byte) error {
	if data == nil {
		var err error
		if data, err = json.Marshal(r); err != nil {
			return err
		}
	}
	m := recMeta{modified: r.Modified}
	seenKey, seenEco := map[string]bool{}, map[string]bool{}
	for _, a := range r.Affected {
		k := string(indexKey(a.Package.Ecosystem, a.Package.Name))
		if !seenKey[k] {
			seenKey[k] = true
			m.keys = append(m.keys, k)
		}
		if !seenEco[a.Package.Ecosystem] {
			seenEco[a.Package.Ecosystem] = true
			m.ecos = append(m.ecos, a.Package.Ecosystem)
		}
	}
	w.ids[r.ID] = m // a later record with the same ID replaces the earlier
	w.pending = append(w.pending, [2][]byte{[]byte(r.ID), data})
	w.n++
	if len(w.pending) >= 2000 {
		return w.flush()
	}
	return nil
}

func (w *dbWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	err := w.b.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		for _, kv := range w.pending {
			if err := b.Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
	w.pending = w.pending[:0]
	return err
}

// finish writes the index and the meta data.
func (w *dbWriter) finish(info *Info) error {
	if err := w.flush(); err != nil {
		return err
	}
	index := map[string][]string{}
	info.Ecosystems = map[string]EcosystemInfo{}
	info.Records = len(w.ids)
	for id, m := range w.ids {
		for _, k := range m.keys {
			index[k] = append(index[k], id)
		}
		for _, e := range m.ecos {
			ei := info.Ecosystems[e]
			ei.Records++
			if m.modified.After(ei.Newest) {
				ei.Newest = m.modified
			}
			info.Ecosystems[e] = ei
		}
		if m.modified.After(info.Newest) {
			info.Newest = m.modified
		}
	}
	keys := make([]string, 0, len(index))
	for k := range index {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	infoJSON, err := json.Marshal(info)
	if err != nil {
		return err
	}
	return w.b.Update(func(tx *bolt.Tx) error {
		ib := tx.Bucket(bucketIndex)
		ib.FillPercent = 1 // written in key order, never updated
		for _, k := range keys {
			ids := index[k]
			sort.Strings(ids)
			if err := ib.Put([]byte(k), []byte(strings.Join(ids, "\n"))); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
			return err
		}
		return meta.Put(keyInfo, infoJSON)
	})
}

// copyInto copies the records into a new database, leaving out those of
// replaced ecosystems.
func (db *DB) copyInto(ctx context.Context, w *dbWriter, replaceEcos map[string]bool) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := &Record{}
			if err := json.Unmarshal(v, r); err != nil {
				return nil // damaged: dropped
			}
			if len(replaceEcos) > 0 {
				all := true
				for _, a := range r.Affected {
					if !replaceEcos[baseEcosystem(a.Package.Ecosystem)] {
						all = false
					}
				}
				if all {
					return nil
				}
			}
			return w.put(r, append([]byte(nil), v...))
		})
	})
}
