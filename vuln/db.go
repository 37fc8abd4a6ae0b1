package vuln

import (
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

// FileName is the database file inside the database directory.
const FileName = "osv.db"

// schemaVersion changes when the stored layout does; an older file must be
// imported again.
const schemaVersion = "2"

var (
	bucketMeta    = []byte("meta")
	bucketRecords = []byte("records")
	bucketIndex   = []byte("index")
	keySchema     = []byte("schema")
	keyInfo       = []byte("info")
)

// ErrNoDatabase is returned (wrapped) by Open when the directory holds no
// database yet.
var ErrNoDatabase = errors.New("no vulnerability database")

// DB is an opened vulnerability database. It is read-only: Import and
// Update write a new file and swap it in, so a DB stays valid while they run.
type DB struct {
	path string
	bolt *bolt.DB
	info Info
}

// Info describes a database's content.
type Info struct {
	// Imported is when the file was written (by Import or Update).
	Imported time.Time `json:"imported"`
	// Newest is the latest "modified" time of any record: how fresh the
	// data is.
	Newest time.Time `json:"newest"`
	// Records counts the records, Ecosystems the records per ecosystem
	// (records naming several count in each).
	Records    int                      `json:"records"`
	Ecosystems map[string]EcosystemInfo `json:"ecosystems"`
	// Sources lists what was imported, the latest last.
	Sources []SourceInfo `json:"sources,omitempty"`
	// Data says, per enrichment source (nvd, cve, kev, epss), how many
	// CVEs it covers, its newest record and when it was last imported.
	Data map[string]SourceState `json:"data,omitempty"`
}

// EcosystemInfo counts one ecosystem's records.
type EcosystemInfo struct {
	Records int       `json:"records"`
	Newest  time.Time `json:"newest"`
}

// SourceInfo is one import: a file, folder or URL and when it was read.
type SourceInfo struct {
	Source string    `json:"source"`
	Time   time.Time `json:"time"`
}

// Open opens the database in dir for reading. It does not parse records:
// opening costs one small read whatever the database's size.
func Open(dir string) (*DB, error) {
	p := filepath.Join(dir, FileName)
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s (run `harden db update` or `harden db import`)", ErrNoDatabase, dir)
		}
		return nil, fmt.Errorf("opening vulnerability database: %w", err)
	}
	b, err := bolt.Open(p, 0o644, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability database %s: %w", p, err)
	}
	db := &DB{path: p, bolt: b}
	if err := b.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || tx.Bucket(bucketRecords) == nil || tx.Bucket(bucketIndex) == nil {
			return errors.New("not a harden vulnerability database")
		}
		if v := string(meta.Get(keySchema)); v != schemaVersion {
			return fmt.Errorf("database layout %q is not %q: import the data again", v, schemaVersion)
		}
		return json.Unmarshal(meta.Get(keyInfo), &db.info)
	}); err != nil {
		b.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return db, nil
}

// Close releases the database file.
func (db *DB) Close() error { return db.bolt.Close() }

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Info returns what the database holds.
func (db *DB) Info() Info { return db.info }

// Age is how old the data is at now: since the newest record's modified
// time, or since the import when no record has one.
func (i Info) Age(now time.Time) time.Duration {
	t := i.Newest
	if t.IsZero() {
		t = i.Imported
	}
	return now.Sub(t)
}

// Status is a database's state, as `harden db status` prints it.
type Status struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"sizeBytes"`
	Info
	// Age is the data's age in seconds at the time Status was asked.
	Age float64 `json:"ageSeconds"`
	// DataSources lists each data source with its counts and dates.
	DataSources []UsedSource `json:"dataSources"`
}

// Status reports the database's path, size, counts and age.
func (db *DB) Status(now time.Time) Status {
	st := Status{Path: db.path, Info: db.info, Age: db.info.Age(now).Seconds(), DataSources: db.info.UsedSources(now)}
	if fi, err := os.Stat(db.path); err == nil {
		st.SizeBytes = fi.Size()
	}
	return st
}

// EcosystemNames returns the ecosystem names, sorted.
func (i Info) EcosystemNames() []string {
	out := make([]string, 0, len(i.Ecosystems))
	for e := range i.Ecosystems {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// lookup returns the records that name package name in ecosystem eco.
func (db *DB) lookup(eco, name string, cache map[string]*Record) ([]*Record, error) {
	var out []*Record
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ids := tx.Bucket(bucketIndex).Get(indexKey(eco, name))
		if len(ids) == 0 {
			return nil
		}
		recs := tx.Bucket(bucketRecords)
		for _, id := range strings.Split(string(ids), "\n") {
			if r, ok := cache[id]; ok {
				out = append(out, r)
				continue
			}
			data := recs.Get([]byte(id))
			if data == nil {
				continue
			}
			r := &Record{}
			if err := json.Unmarshal(data, r); err != nil {
				return fmt.Errorf("record %s is damaged: %w", id, err)
			}
			cache[id] = r
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// indexKey is the index key of a package: its ecosystem and its name as
// the ecosystem compares names (npm and PyPI names are case-insensitive,
// PyPI also treats runs of "-", "_" and "." alike, PEP 503).
func indexKey(eco, name string) []byte {
	return []byte(eco + "\x00" + normName(eco, name))
}

func normName(eco, name string) string {
	switch baseEcosystem(eco) {
	case "npm":
		return strings.ToLower(name)
	case "PyPI":
		var b strings.Builder
		dash := false
		for _, r := range strings.ToLower(name) {
			if r == '-' || r == '_' || r == '.' {
				if !dash {
					b.WriteByte('-')
				}
				dash = true
				continue
			}
			dash = false
			b.WriteRune(r)
		}
		return b.String()
	}
	return name
}
