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

// Text writes each result for people, as it completes: the error line
// "PREFIX: REF: ERROR" to errs when it has one, then its Text and a blank
// line to out.
type Text struct {
	out, errs io.Writer
	prefix    string
}

// NewText writes texts to out and error lines, each begun with prefix, to
// errs. Run serialises Put, so results never interleave.
func NewText(out, errs io.Writer, prefix string) *Text {
	return &Text{out: out, errs: errs, prefix: prefix}
}

// Put writes r.
func (t *Text) Put(r Result) error {
	if r.Error != "" {
		fmt.Fprintf(t.errs, "%s: %s: %s\n", t.prefix, r.Ref, r.Error)
	}
	if r.Text != nil {
		t.out.Write(r.Text)
		fmt.Fprintln(t.out)
	}
	return nil
}
