package batch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// JSONL writes each result as one line of JSON (JSON Lines).
type JSONL struct {
	mu sync.Mutex
	w  io.Writer
}

// NewJSONL writes results to w, one compact JSON object a line, each line
// in a single Write, so a line is never split between images and a
// line-buffered filter in front of w (the CLI's redact.Writer) sees whole
// lines. It is safe for concurrent use.
func NewJSONL(w io.Writer) *JSONL { return &JSONL{w: w} }

// Put writes r as one line.
func (s *JSONL) Put(r Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding the result of %s: %w", r.Ref, err)
	}
	b = append(b, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("writing the result of %s: %w", r.Ref, err)
	}
	return nil
}

// Tee puts each result into every sink in turn (--format jsonl with
// --output-dir); the first error stops it.
func Tee(sinks ...Sink) Sink { return tee(sinks) }

type tee []Sink

func (t tee) Put(r Result) error {
	var errs []error
	for _, s := range t {
		if err := s.Put(r); err != nil {
			errs = append(errs, err)
			break
		}
	}
	return errors.Join(errs...)
}
