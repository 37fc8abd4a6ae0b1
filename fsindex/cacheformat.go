package fsindex

// How the cache parts are encoded (gob): a layer's records in the meta
// part, and what each want made of them in its own part.

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"time"
)

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
	for len(res.records) < m.Records {
		// A new slice each time: gob leaves out zero fields, so decoding
		// into a reused one would keep the last chunk's values there.
		var chunk []cachedRecord
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
