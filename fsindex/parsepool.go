package fsindex

import (
	"runtime"
	"sort"
	"sync"
)

// parsePool runs the wants' parses (ELF summaries, secret scans) of one
// layer on other goroutines while the walker reads on, so that the parsing
// overlaps the read and the digest instead of following it. Files go to
// it in buffers from a small free list, which bounds both the memory and
// how far the read runs ahead; results are applied in record order when
// the layer is read, so the index is the same as with parses done in line.
type parsePool struct {
	o    *options
	jobs chan *parseJob
	free chan []byte
	wg   sync.WaitGroup
	all  []*parseJob // in the order the files were read
}

// parseJob is one file's parses.
type parseJob struct {
	rec   int
	path  string
	wants []int // indexes in options.wants, each with a parse
	data  []byte
	vals  []any
	errs  []error
}

// parseBuffers is how many files may wait for or be in a parse at once.
const parseBuffers = 3

func newParsePool(o *options) *parsePool {
	pp := &parsePool{o: o, jobs: make(chan *parseJob), free: make(chan []byte, parseBuffers)}
	for i := 0; i < parseBuffers; i++ {
		pp.free <- nil // grown to the size of the files they carry
	}
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		pp.wg.Add(1)
		go pp.work()
	}
	return pp
}

func (pp *parsePool) work() {
	defer pp.wg.Done()
	for j := range pp.jobs {
		j.vals, j.errs = make([]any, len(j.wants)), make([]error, len(j.wants))
		for k, wi := range j.wants {
			j.vals[k], j.errs[k] = pp.o.wants[wi].parse(j.path, j.data)
		}
		// The parses do not keep data (Want's contract): the buffer is free.
		pp.free <- j.data[:0]
		j.data = nil
	}
}

// buffer waits for a free buffer and makes it size bytes long.
func (pp *parsePool) buffer(size int64) []byte {
	b := <-pp.free
	if int64(cap(b)) < size {
		b = make([]byte, size)
	}
	return b[:size]
}

// submit hands a file to the pool; its buffer came from buffer.
func (pp *parsePool) submit(j *parseJob) {
	pp.all = append(pp.all, j)
	pp.jobs <- j
}

// wait ends the workers once every parse is done. It is safe to call more
// than once.
func (pp *parsePool) wait() {
	if pp.jobs == nil {
		return
	}
	close(pp.jobs)
	pp.wg.Wait()
	pp.jobs = nil
}

// finishParses waits for the parses and applies them to the layer's records.
func (p *parser) finishParses() {
	if p.pool == nil {
		return
	}
	p.pool.wait()
	for _, j := range p.pool.all {
		r := &p.result.records[j.rec]
		for k, wi := range j.wants {
			p.parsed(j.rec, r, wi, j.vals[k], j.errs[k], skipParse)
		}
	}
	p.pool.all = nil
	// Skips were recorded as files were read, parse failures as parses
	// ended: put them in the order of the files, as an in-line parse does.
	sort.Stable(skipOrder{p})
}

// skipKey orders Skipped entries: by record, then size skips (and
// failures of head-only parses, which run beside them), budget skips and
// parse failures, then want.
type skipKey struct{ rec, phase, want int }

const (
	skipTooLarge = iota
	skipBudget
	skipParse
)

// skip records a Skipped entry with its place.
func (p *parser) skip(rec, phase, want int, s Skipped) {
	p.result.skipped = append(p.result.skipped, s)
	p.skipKeys = append(p.skipKeys, skipKey{rec, phase, want})
}

type skipOrder struct{ p *parser }

func (s skipOrder) Len() int { return len(s.p.skipKeys) }

func (s skipOrder) Less(i, j int) bool {
	a, b := s.p.skipKeys[i], s.p.skipKeys[j]
	if a.rec != b.rec {
		return a.rec < b.rec
	}
	if a.phase != b.phase {
		return a.phase < b.phase
	}
	return a.want < b.want
}

func (s skipOrder) Swap(i, j int) {
	s.p.skipKeys[i], s.p.skipKeys[j] = s.p.skipKeys[j], s.p.skipKeys[i]
	s.p.result.skipped[i], s.p.result.skipped[j] = s.p.result.skipped[j], s.p.result.skipped[i]
}

// parsed records what want wi's parse made of record rec; a failure is
// skipped in phase.
func (p *parser) parsed(rec int, r *record, wi int, v any, err error, phase int) {
	w := &p.o.wants[wi]
	if err != nil {
		reason := "parse: " + err.Error()
		kind := outcomeParseError
		if phase == skipTooLarge {
			kind = outcomeHeadParseError
		}
		p.outcomeAt(rec, wi, kind, reason)
		p.skip(rec, phase, wi, Skipped{Path: r.path, Want: w.Name, Size: r.size, Reason: reason})
		return
	}
	p.outcomeAt(rec, wi, outcomeValue, "")
	if r.parsed == nil {
		r.parsed = map[string]any{}
	}
	r.parsed[w.Name] = v
}
