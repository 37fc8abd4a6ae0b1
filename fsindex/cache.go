package fsindex

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"sync/atomic"

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
	if !o.metaClean(res) {
		o.log.Debug("layer cache: not stored, an entry holds a secret", "layer", diffID)
		return
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
		if !o.wantClean(res, w, ocs) {
			o.log.Debug("layer cache: not stored, it holds a secret", "layer", diffID, "want", w.Name)
			continue
		}
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
