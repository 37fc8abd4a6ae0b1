package fsindex

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Whiteout names from the OCI image spec (layer.md, "Whiteouts").
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// recordKind says what a tar entry does to the filesystem.
type recordKind uint8

const (
	kindEntry    recordKind = iota // adds or replaces a path
	kindWhiteout                   // removes a path of a lower layer
	kindOpaque                     // hides a directory's lower contents
)

// record is one tar entry of a layer, parsed and with its kept contents.
type record struct {
	kind    recordKind
	path    string
	typ     Type
	mode    fs.FileMode
	uid     int
	gid     int
	size    int64
	link    string
	modTime time.Time
	xattrs  map[string]string
	// data is the kept content; parsed holds Key parse results by want name.
	data   []byte
	parsed map[string]any
}

// layerResult is what a worker hands to the applier for one layer.
type layerResult struct {
	records          []record
	anomalies        []Anomaly
	skipped          []Skipped
	compressed       bool
	uncompressedSize int64
	// entries counts the tar headers (for WithMaxEntries on a cache hit);
	// outcomes says what each want made of each record (for the cache);
	// capped is set when WithMaxKeptBytes dropped a file, which depends on
	// the other layers, so the layer is not cached.
	entries  int64
	outcomes []outcome
	capped   bool
}

// maxPooled is the largest file the parse pool takes (most ELF files and
// every file the secret scan reads); up to maxScratch, files are parsed in
// line from a reused buffer, and larger ones from a mapped temporary file.
const (
	maxPooled  = 1 << 20
	maxScratch = 4 << 20
)

// parser turns one layer's tar stream into records.
type parser struct {
	o      *options
	layer  int
	kept   *atomic.Int64 // bytes kept over all layers
	count  *atomic.Int64 // entries over all layers
	result layerResult
	head   [HeadSize]byte
	// pool parses the files of at most maxPooled bytes that only parses
	// read; spill holds those over maxScratch.
	pool  *parsePool
	spill spill
	// scratch holds a file only parses read, in line.
	scratch []byte
	// skipKeys gives each of result.skipped its place (finishParses).
	skipKeys []skipKey
}

// parseLayer returns what layer l holds: from the cache when it has the
// layer, else read (and then stored in the cache).
func (o *options) parseLayer(ctx context.Context, l v1.Layer, index int, wantDiffID v1.Hash, kept, count *atomic.Int64) (*layerResult, error) {
	res, found, err := o.fromCache(l, index, wantDiffID, kept, count)
	if res != nil || err != nil {
		if res != nil {
			o.log.Debug("layer from the cache", "layer", index, "diff_id", wantDiffID)
		}
		return res, err
	}
	res, err = o.readLayer(ctx, l, index, wantDiffID, kept, count)
	if err != nil {
		return nil, err
	}
	o.toCache(wantDiffID, res, found)
	return res, nil
}

// readLayer reads layer l once: decompresses it, checks its digests, and
// parses every tar entry.
func (o *options) readLayer(ctx context.Context, l v1.Layer, index int, wantDiffID v1.Hash, kept, count *atomic.Int64) (*layerResult, error) {
	s, err := openLayerStream(ctx, l, o.progress, o.verify)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	p := &parser{o: o, layer: index, kept: kept, count: count}
	defer p.spill.close()
	if o.parses() {
		p.pool = newParsePool(o)
		defer p.pool.wait()
	}
	p.result.compressed = s.compressed
	if err := p.readTar(tar.NewReader(s.tar)); err != nil {
		return nil, err
	}
	p.finishParses()
	if err := s.finish(l, wantDiffID); err != nil {
		return nil, err
	}
	p.result.uncompressedSize = s.tar.n
	return &p.result, nil
}

func (p *parser) anomaly(name, problem string) {
	p.result.anomalies = append(p.result.anomalies, Anomaly{Layer: p.layer, Name: name, Problem: problem})
}

// readTar parses every entry of the layer tar.
func (p *parser) readTar(tr *tar.Reader) error {
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("truncated layer tar after %d entries", n)
			}
			return fmt.Errorf("corrupt layer tar after %d entries: %w", n, decompressError(err))
		}
		p.result.entries++
		if c := p.count.Add(1); c > int64(p.o.maxEntries) {
			return fmt.Errorf("image has more than %d entries; refusing to index it (see WithMaxEntries)", p.o.maxEntries)
		}
		if err := p.entry(tr, h); err != nil {
			return err
		}
	}
}

// cleanName confines a tar member name to the root. It returns "" and a
// problem for names that cannot be used.
func cleanName(name string) (string, string) {
	switch {
	case strings.IndexByte(name, 0) >= 0:
		return "", "name contains a NUL byte"
	case len(name) > maxPathLen:
		return "", fmt.Sprintf("name longer than %d bytes", maxPathLen)
	}
	rel := path.Clean(strings.TrimLeft(name, "/"))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", "name escapes the image root with .."
	}
	if rel == "." {
		return "/", ""
	}
	return "/" + rel, ""
}

// entry turns one tar header into a record.
func (p *parser) entry(tr *tar.Reader, h *tar.Header) error {
	name, problem := cleanName(h.Name)
	if problem != "" {
		p.anomaly(h.Name, problem)
		return nil
	}
	if name == "/" {
		return nil // the root itself: its metadata does not matter here
	}
	dir, base := path.Split(name)
	dir = path.Clean(dir)
	if strings.HasPrefix(base, whiteoutPrefix) {
		if base == opaqueMarker {
			p.result.records = append(p.result.records, record{kind: kindOpaque, path: dir})
			return nil
		}
		target := base[len(whiteoutPrefix):]
		if target == "" || target == "." || target == ".." {
			p.anomaly(h.Name, "whiteout names no file")
			return nil
		}
		p.result.records = append(p.result.records, record{kind: kindWhiteout, path: path.Join(dir, target)})
		return nil
	}
	r := record{
		path:    name,
		mode:    fileMode(h.Mode),
		uid:     h.Uid,
		gid:     h.Gid,
		modTime: h.ModTime,
		xattrs:  xattrs(h.PAXRecords),
	}
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		r.typ, r.size = TypeRegular, h.Size
		if err := p.contents(tr, &r); err != nil {
			return err
		}
	case tar.TypeDir:
		r.typ = TypeDir
	case tar.TypeSymlink:
		r.typ, r.link = TypeSymlink, h.Linkname
	case tar.TypeLink:
		target, problem := cleanName(h.Linkname)
		if problem != "" || target == "/" {
			p.anomaly(h.Name, "hardlink target "+h.Linkname+" is outside the image root")
			return nil
		}
		r.typ, r.link = TypeHardlink, target
	case tar.TypeChar:
		r.typ = TypeChar
	case tar.TypeBlock:
		r.typ = TypeBlock
	case tar.TypeFifo:
		r.typ = TypeFIFO
	default:
		p.anomaly(h.Name, fmt.Sprintf("unsupported tar entry type %q", h.Typeflag))
		return nil
	}
	p.result.records = append(p.result.records, r)
	return nil
}

// contents reads the head of a regular file, asks every want, and keeps the
// bytes (or the parsed value) for those that match.
func (p *parser) contents(tr *tar.Reader, r *record) error {
	if len(p.o.wants) == 0 {
		return nil
	}
	n := int(min(r.size, HeadSize))
	head := p.head[:n]
	if _, err := io.ReadFull(tr, head); err != nil {
		return fmt.Errorf("reading %s: %w", r.path, truncated(err))
	}
	rec := len(p.result.records) // r's index once entry appends it
	var matched []*Want
	var matchedAt []int // indexes of matched in p.o.wants
	var need int64
	cand := Candidate{Path: r.path, Mode: r.mode, Size: r.size, Head: head}
	for i := range p.o.wants {
		w := &p.o.wants[i]
		if !w.Match(&cand) {
			continue
		}
		if w.headOnly {
			v, err := w.parse(r.path, head) // the body is not read for it
			p.parsed(rec, r, i, v, err, skipTooLarge)
			continue
		}
		if r.size > w.maxSize() {
			p.outcome(i, outcomeTooLarge, "")
			p.skip(rec, skipTooLarge, i, Skipped{Path: r.path, Want: w.Name, Size: r.size, Reason: tooLargeReason(w)})
			continue
		}
		matched = append(matched, w)
		matchedAt = append(matchedAt, i)
		need = r.size
	}
	if len(matched) == 0 {
		return nil
	}
	keepBytes := false
	for _, w := range matched {
		if w.parse == nil {
			keepBytes = true
		}
	}
	if keepBytes && p.kept.Add(need) > p.o.maxKeptBytes {
		p.kept.Add(-need)
		p.result.capped = true
		for j, w := range matched {
			p.skip(rec, skipBudget, matchedAt[j], Skipped{Path: r.path, Want: w.Name, Size: r.size,
				Reason: fmt.Sprintf("all kept contents would exceed %d bytes", p.o.maxKeptBytes)})
		}
		return nil
	}
	// Bytes only a key's parse reads go to the parse pool, or for large
	// files to a temporary file mapped into memory (one large ELF file must
	// not take its size of heap); bytes that are kept get their own buffer.
	var data []byte
	switch {
	case !keepBytes && r.size <= maxPooled && p.pool != nil:
		buf := p.pool.buffer(r.size)
		copy(buf, head)
		if _, err := io.ReadFull(tr, buf[n:]); err != nil {
			p.pool.free <- buf
			return fmt.Errorf("reading %s: %w", r.path, truncated(err))
		}
		p.pool.submit(&parseJob{rec: rec, path: r.path, wants: matchedAt, data: buf})
		return nil
	case keepBytes || r.size <= maxScratch:
		if keepBytes {
			data = make([]byte, r.size)
		} else {
			if int64(cap(p.scratch)) < r.size {
				p.scratch = make([]byte, r.size)
			}
			data = p.scratch[:r.size]
		}
		copy(data, head)
		if _, err := io.ReadFull(tr, data[n:]); err != nil {
			return fmt.Errorf("reading %s: %w", r.path, truncated(err))
		}
	default:
		mapped, release, err := p.spill.read(tr, head, r.size)
		if err != nil {
			return fmt.Errorf("reading %s: %w", r.path, truncated(err))
		}
		defer release()
		data = mapped
	}
	for j, w := range matched {
		if w.parse == nil {
			p.outcome(matchedAt[j], outcomeData, "")
			continue
		}
		v, err := w.parse(r.path, data)
		p.parsed(rec, r, matchedAt[j], v, err, skipParse)
	}
	if keepBytes {
		r.data = data
	}
	return nil
}

func truncated(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("truncated layer tar")
	}
	return decompressError(err)
}

// fileMode converts tar mode bits to fs.FileMode permission and special bits.
func fileMode(m int64) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// xattrs keeps the extended attributes of a PAX header, bounded in size.
func xattrs(pax map[string]string) map[string]string {
	var out map[string]string
	for k, v := range pax {
		name, ok := strings.CutPrefix(k, "SCHILY.xattr.")
		if !ok || len(v) > 4096 {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = v
	}
	return out
}
