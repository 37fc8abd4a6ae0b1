package fsindex

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Cache keeps what Build learns from a layer, so that a layer indexed
// before (a base image's, shared by many images) is not read again. Build
// stores a layer's parts only after reading it in full and checking it
// against its diff_id, and only when the result depends on nothing but the
// layer and the wants (no WithMaxKeptBytes cut). Get must return exactly the
// bytes Put stored, or false; package layercache is the on-disk one.
//
// Parts are named by what they hold: the entries of the layer, and one part
// per want, named by a digest of the want's name, MaxSize and how its values
// are encoded. So commands with different wants share the parts they have in
// common; a want whose Match or Parse is configured by something else than
// MaxSize must say so in its Name. The cache itself names the code: parts
// written by another analyzer version are never read.
type Cache interface {
	Get(diffID v1.Hash, part string) ([]byte, bool)
	Put(diffID v1.Hash, part string, write func(io.Writer) error) error
}

// WithCache reads layers' results from c where it has them and stores
// those it lacks. Results are the same with and without it.
func WithCache(c Cache) Option {
	return func(o *options) error { o.cache = c; return nil }
}

// cacheFormat names the encoding of the parts; it changes when the record
// or want part layout below does.
const cacheFormat = "fs1"

const metaPart = cacheFormat + ".meta"

// outcomeKind is what a want made of one record.
type outcomeKind uint8

const (
	outcomeData           outcomeKind = iota + 1 // the bytes were kept
	outcomeValue                                 // Parse returned a value
	outcomeTooLarge                              // skipped: over the want's MaxSize
	outcomeParseError                            // skipped: Parse failed
	outcomeHeadParseError                        // skipped: a head-only parse failed (listed with size skips)
)

// outcome is what want (an index in options.wants) made of record rec.
type outcome struct {
	rec    int
	want   int
	kind   outcomeKind
	reason string
}

func (p *parser) outcome(want int, kind outcomeKind, reason string) {
	p.outcomeAt(len(p.result.records), want, kind, reason)
}

func (p *parser) outcomeAt(rec, want int, kind outcomeKind, reason string) {
	if p.o.cache == nil {
		return
	}
	p.result.outcomes = append(p.result.outcomes, outcome{rec: rec, want: want, kind: kind, reason: reason})
}

// wantPart names the part holding what w made of a layer.
func wantPart(w *Want) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%t\x00%t\x00", w.Name, w.maxSize(), w.parse != nil, w.headOnly)
	if w.parse != nil {
		io.WriteString(h, w.valueCodec().id())
	}
	return cacheFormat + ".w-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// cacheable reports whether the layer's results may be stored: only layers
// whose content is checked against a sha256 diff_id.
func (o *options) cacheable(diffID v1.Hash) bool {
	return o.cache != nil && o.verify && diffID.Algorithm == "sha256" && len(diffID.Hex) == 64
}

// fromCache returns the layer's result from the cache when every part is
// there, and the names of the parts it found.
func (o *options) fromCache(l v1.Layer, index int, diffID v1.Hash, kept, count *atomic.Int64) (*layerResult, map[string]bool, error) {
	found := map[string]bool{}
	if o.cache == nil || diffID.Algorithm != "sha256" || len(diffID.Hex) != 64 {
		return nil, found, nil
	}
	data, ok := o.cache.Get(diffID, metaPart)
	var res *layerResult
	if ok {
		var err error
		if res, err = decodeMeta(data, index); err != nil {
			o.log.Debug("layer cache: unusable entry", "layer", diffID, "part", metaPart, "err", err)
		} else {
			found[metaPart] = true
		}
	}
	var items []cachedSkip
	for i := range o.wants {
		w := &o.wants[i]
		part := wantPart(w)
		data, ok := o.cache.Get(diffID, part)
		if !ok || res == nil {
			continue
		}
		skips, err := applyWantPart(res, w, i, data)
		if err != nil {
			o.log.Debug("layer cache: unusable entry", "layer", diffID, "part", part, "err", err)
			continue
		}
		found[part] = true
		items = append(items, skips...)
	}
	if res == nil || len(found) != len(o.wantParts())+1 {
		return nil, found, nil
	}
	// The same kept bytes and entry counts as a read would add.
	var need int64
	for i := range res.records {
		if res.records[i].data != nil {
			need += res.records[i].size
		}
	}
	if kept.Add(need) > o.maxKeptBytes {
		kept.Add(-need)
		return nil, found, nil // read it: the cut depends on the order of files
	}
	if c := count.Add(res.entries); c > int64(o.maxEntries) {
		return nil, found, fmt.Errorf("image has more than %d entries; refusing to index it (see WithMaxEntries)", o.maxEntries)
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].before(items[b]) })
	for _, s := range items {
		r := &res.records[s.rec]
		res.skipped = append(res.skipped, Skipped{Path: r.path, Want: o.wants[s.want].Name, Size: r.size, Reason: s.reason})
	}
	compressed, err := sniffCompressed(l)
	if err != nil {
		return nil, found, err
	}
	res.compressed = compressed
	if o.progress != nil {
		if n := rawSize(l); n > 0 {
			o.progress.Add(n)
		}
	}
	return res, found, nil
}

// wantParts lists the distinct want parts of the options.
func (o *options) wantParts() map[string]bool {
	m := map[string]bool{}
	for i := range o.wants {
		m[wantPart(&o.wants[i])] = true
	}
	return m
}

// toCache stores the parts of a freshly read layer the cache lacks.
func (o *options) toCache(diffID v1.Hash, res *layerResult, found map[string]bool) {
	if !o.cacheable(diffID) || res.capped {
		return
	}
	put := func(part string, write func(io.Writer) error) {
		if err := o.cache.Put(diffID, part, write); err != nil {
			o.log.Debug("layer cache: not stored", "layer", diffID, "part", part, "err", err)
		}
	}
	if !found[metaPart] {
		put(metaPart, func(w io.Writer) error { return encodeMeta(w, res) })
	}
	byWant := map[int][]outcome{}
	for _, oc := range res.outcomes {
		byWant[oc.want] = append(byWant[oc.want], oc)
	}
	done := map[string]bool{}
	for i := range o.wants {
		w := &o.wants[i]
		part := wantPart(w)
		if found[part] || done[part] {
			continue
		}
		done[part] = true
		ocs := byWant[i]
		put(part, func(wr io.Writer) error { return encodeWantPart(wr, res, w, ocs) })
	}
}

// sniffCompressed tells whether a layer's stored blob is gzip or zstd from
// its first bytes, as a read would, without reading the rest.
func sniffCompressed(l v1.Layer) (bool, error) {
	raw, _, err := openRaw(l)
	if err != nil {
		return false, fmt.Errorf("opening: %w", err)
	}
	defer raw.Close()
	var magic [4]byte
	n, _ := io.ReadFull(raw, magic[:])
	b := magic[:n]
	return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) || bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}), nil
}

// cachedRecord is a record as the meta part stores it.
type cachedRecord struct {
	Kind      uint8
	Path      string
	Type      uint8
	Mode      uint32
	UID, GID  int
	Size      int64
	Link      string
	MTime     int64 // seconds
	MTimeNsec int32
	Xattrs    map[string]string
}

type cachedAnomaly struct{ Name, Problem string }

// cachedMeta heads the meta part; the records follow in chunks, so that
// neither side holds a second copy of a large layer's records.
type cachedMeta struct {
	Entries          int64
	UncompressedSize int64
	Records          int
	Anomalies        []cachedAnomaly
}

const recordChunk = 4096

func encodeMeta(w io.Writer, res *layerResult) error {
	m := cachedMeta{Entries: res.entries, UncompressedSize: res.uncompressedSize, Records: len(res.records),
		Anomalies: make([]cachedAnomaly, len(res.anomalies))}
	for i, a := range res.anomalies {
		m.Anomalies[i] = cachedAnomaly{Name: a.Name, Problem: a.Problem}
	}
	enc := gob.NewEncoder(w)
	if err := enc.Encode(&m); err != nil {
		return err
	}
	chunk := make([]cachedRecord, 0, recordChunk)
	for i, r := range res.records {
		chunk = append(chunk, cachedRecord{Kind: uint8(r.kind), Path: r.path, Type: uint8(r.typ), Mode: uint32(r.mode),
			UID: r.uid, GID: r.gid, Size: r.size, Link: r.link, MTime: r.modTime.Unix(),
			MTimeNsec: int32(r.modTime.Nanosecond()), Xattrs: r.xattrs})
		if len(chunk) == recordChunk || i == len(res.records)-1 {
			if err := enc.Encode(chunk); err != nil {
				return err
			}
			chunk = chunk[:0]
		}
	}
	return nil
}

// decodeMeta rebuilds a layer's records. Entries are local files anyone
// with access to the cache could edit, so what the parser guarantees of a
// record (a clean absolute path, a known type) is checked again.
func decodeMeta(data []byte, index int) (*layerResult, error) {
	var m cachedMeta
	dec := gob.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	// Every record took at least a few bytes of the entry.
	if m.Records < 0 || m.Records > len(data) || m.Entries < int64(m.Records) || m.UncompressedSize < 0 {
		return nil, fmt.Errorf("inconsistent counts")
	}
	res := &layerResult{entries: m.Entries, uncompressedSize: m.UncompressedSize, records: make([]record, 0, m.Records)}
	var chunk []cachedRecord
	for len(res.records) < m.Records {
		chunk = chunk[:0]
		if err := dec.Decode(&chunk); err != nil {
			return nil, err
		}
		if len(chunk) == 0 || len(res.records)+len(chunk) > m.Records {
			return nil, fmt.Errorf("record chunks do not add up")
		}
		for _, c := range chunk {
			r := record{kind: recordKind(c.Kind), path: c.Path, typ: Type(c.Type), mode: fileModeBits(c.Mode),
				uid: c.UID, gid: c.GID, size: c.Size, link: c.Link, modTime: time.Unix(c.MTime, int64(c.MTimeNsec)), xattrs: c.Xattrs}
			if !validPath(r.path) || r.kind > kindOpaque || (r.kind == kindEntry) != (r.typ >= TypeRegular && r.typ <= TypeFIFO) ||
				r.typ == TypeHardlink && !validPath(r.link) || r.size < 0 || r.path == "/" && r.kind != kindOpaque {
				return nil, fmt.Errorf("record %d is not one the parser makes", len(res.records))
			}
			res.records = append(res.records, r)
		}
	}
	for _, a := range m.Anomalies {
		res.anomalies = append(res.anomalies, Anomaly{Layer: index, Name: a.Name, Problem: a.Problem})
	}
	return res, nil
}

// fileModeBits keeps only the bits fileMode sets.
func fileModeBits(m uint32) fs.FileMode {
	return fs.FileMode(m) & (0o777 | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

func validPath(p string) bool {
	return len(p) > 0 && len(p) <= maxPathLen && p[0] == '/' && path.Clean(p) == p && !containsNUL(p)
}

func containsNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}

// cachedItem is what a want made of one record, as its part stores it.
type cachedItem struct {
	Rec    int
	Kind   uint8
	Data   []byte
	Reason string
}

type cachedWant struct {
	Items  []cachedItem
	Values []byte // the values of the outcomeValue items, by the want's codec
}

// cachedSkip is a Skipped entry of a cache hit, ordered as a read makes
// them: by record, then size skips before parse failures, then want.
type cachedSkip struct {
	rec, want, phase int
	reason           string
}

func (a cachedSkip) before(b cachedSkip) bool {
	if a.rec != b.rec {
		return a.rec < b.rec
	}
	if a.phase != b.phase {
		return a.phase < b.phase
	}
	return a.want < b.want
}

func encodeWantPart(wr io.Writer, res *layerResult, w *Want, ocs []outcome) error {
	var cw cachedWant
	var vals []any
	for _, oc := range ocs {
		it := cachedItem{Rec: oc.rec, Kind: uint8(oc.kind), Reason: oc.reason}
		r := &res.records[oc.rec]
		switch oc.kind {
		case outcomeData:
			it.Data = r.data
		case outcomeValue:
			vals = append(vals, r.parsed[w.Name])
		}
		cw.Items = append(cw.Items, it)
	}
	if len(vals) > 0 {
		enc, err := w.valueCodec().encode(vals)
		if err != nil {
			return err
		}
		cw.Values = enc
	}
	return gob.NewEncoder(wr).Encode(&cw)
}

// applyWantPart puts what w (options.wants[wi]) made of the layer into its
// records and returns its skips.
func applyWantPart(res *layerResult, w *Want, wi int, data []byte) ([]cachedSkip, error) {
	var cw cachedWant
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&cw); err != nil {
		return nil, err
	}
	nvals := 0
	for _, it := range cw.Items {
		if outcomeKind(it.Kind) == outcomeValue {
			nvals++
		}
	}
	var vals []any
	if nvals > 0 {
		if w.parse == nil {
			return nil, fmt.Errorf("values for a want without Parse")
		}
		var err error
		if vals, err = w.valueCodec().decode(cw.Values); err != nil {
			return nil, err
		}
		if len(vals) != nvals {
			return nil, fmt.Errorf("%d values for %d items", len(vals), nvals)
		}
	}
	var skips []cachedSkip
	for _, it := range cw.Items {
		if it.Rec < 0 || it.Rec >= len(res.records) || res.records[it.Rec].kind != kindEntry || res.records[it.Rec].typ != TypeRegular {
			return nil, fmt.Errorf("item for record %d, which is not a regular file", it.Rec)
		}
		r := &res.records[it.Rec]
		switch outcomeKind(it.Kind) {
		case outcomeData:
			if int64(len(it.Data)) != r.size {
				return nil, fmt.Errorf("%s: %d bytes kept for a file of %d", r.path, len(it.Data), r.size)
			}
			if r.data == nil {
				r.data = it.Data
				if r.data == nil {
					r.data = []byte{}
				}
			}
		case outcomeValue:
			if r.parsed == nil {
				r.parsed = map[string]any{}
			}
			r.parsed[w.Name] = vals[0]
			vals = vals[1:]
		case outcomeTooLarge:
			skips = append(skips, cachedSkip{rec: it.Rec, want: wi, phase: 0, reason: tooLargeReason(w)})
		case outcomeParseError:
			skips = append(skips, cachedSkip{rec: it.Rec, want: wi, phase: 1, reason: it.Reason})
		case outcomeHeadParseError:
			skips = append(skips, cachedSkip{rec: it.Rec, want: wi, phase: 0, reason: it.Reason})
		default:
			return nil, fmt.Errorf("unknown item kind %d", it.Kind)
		}
	}
	return skips, nil
}

func tooLargeReason(w *Want) string {
	return "larger than the " + strconv.FormatInt(w.maxSize(), 10) + " bytes this want reads"
}
