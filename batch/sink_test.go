package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/harden-dev/harden/redact"
)

// writes records every Write call, to check each is one whole line.
type writes struct {
	mu    sync.Mutex
	calls [][]byte
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, bytes.Clone(p))
	return len(p), nil
}

// Results from concurrent images come out as whole lines, one a Write,
// each a JSON object with the image's fields, even when the result holds
// newlines and is long.
func TestJSONLLines(t *testing.T) {
	w := &writes{}
	sink := NewJSONL(w)
	fn := func(ctx context.Context, ref string) (Result, error) {
		if strings.HasSuffix(ref, "7") {
			return Result{}, fmt.Errorf("%s: not an image\nsecond line", ref)
		}
		return Result{Digest: "sha256:" + strings.Repeat("c", 64), Value: map[string]any{
			"history": "RUN apt-get update &&\\\n  apt-get install -y curl\n",
			"pad":     strings.Repeat("x", 64<<10),
		}}, nil
	}
	sum, err := Run(context.Background(), refs(40), 4, fn, sink)
	if err != nil || sum.OK != 36 || sum.Failed != 4 {
		t.Fatalf("Run = %+v, %v", sum, err)
	}
	if len(w.calls) != 40 {
		t.Fatalf("%d writes, want 40 (one per image)", len(w.calls))
	}
	seen := map[string]bool{}
	for _, c := range w.calls {
		if bytes.Count(c, []byte("\n")) != 1 || c[len(c)-1] != '\n' {
			t.Fatalf("a write is not one line: %.80q", c)
		}
		var r struct {
			Ref, Digest, Status, Error string
			Result                     map[string]any
		}
		if err := json.Unmarshal(c, &r); err != nil {
			t.Fatalf("line is not JSON: %v: %.80q", err, c)
		}
		seen[r.Ref] = true
		if strings.HasSuffix(r.Ref, "7") {
			if r.Status != "error" || r.Error != r.Ref+": not an image" || r.Result != nil || r.Digest != "" {
				t.Errorf("failed image line = %+v", r)
			}
		} else if r.Status != "ok" || r.Error != "" || r.Result["history"] != "RUN apt-get update &&\\\n  apt-get install -y curl\n" {
			t.Errorf("good image line = %.200v", r)
		}
	}
	if len(seen) != 40 {
		t.Errorf("%d distinct references in the output, want 40", len(seen))
	}
}

// Through the CLI's redacting writer, a secret in a result never reaches
// the output, and the lines stay whole JSON.
func TestJSONLRedacted(t *testing.T) {
	var out bytes.Buffer
	rw := redact.NewWriter(&out)
	sink := NewJSONL(rw)
	fn := func(ctx context.Context, ref string) (Result, error) {
		return Result{Value: map[string]any{"env": []string{"PATH=/usr/bin", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"}}}, nil
	}
	if _, err := Run(context.Background(), refs(3), 2, fn, sink); err != nil {
		t.Fatal(err)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "wJalrXUtnFEMI") {
		t.Fatalf("secret in the output:\n%s", out.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) || !strings.Contains(l, "AWS_SECRET_ACCESS_KEY=<redacted:") {
			t.Errorf("line = %s", l)
		}
	}
}

type failing struct{ err error }

func (f failing) Write([]byte) (int, error) { return 0, f.err }

func TestJSONLWriteError(t *testing.T) {
	full := errors.New("no space left on device")
	err := NewJSONL(failing{full}).Put(Result{Ref: "a:1", Status: StatusOK})
	if !errors.Is(err, full) || !strings.HasPrefix(err.Error(), "writing the result of a:1: ") {
		t.Errorf("Put error = %v", err)
	}
	err = NewJSONL(&bytes.Buffer{}).Put(Result{Ref: "b:1", Value: func() {}})
	if err == nil || !strings.HasPrefix(err.Error(), "encoding the result of b:1: ") {
		t.Errorf("unencodable result: error = %v", err)
	}
}

func TestTee(t *testing.T) {
	a, b := &collect{}, &collect{}
	if err := Tee(a, b).Put(Result{Ref: "x"}); err != nil || len(a.got) != 1 || len(b.got) != 1 {
		t.Errorf("Tee put: %v, %d, %d", err, len(a.got), len(b.got))
	}
	full := errors.New("full")
	c := &collect{}
	err := Tee(sinkFunc(func(Result) error { return full }), c).Put(Result{Ref: "y"})
	if !errors.Is(err, full) || len(c.got) != 0 {
		t.Errorf("Tee after an error: %v, %d puts", err, len(c.got))
	}
}

func TestTextPrintsErrorThenRendering(t *testing.T) {
	var out, errs bytes.Buffer
	s := NewText(&out, &errs, "harden")
	for _, r := range []Result{
		{Ref: "a", Status: StatusOK, Text: []byte("table a\n")},
		{Ref: "b", Status: StatusPolicy, Error: "score 40 is below 80", Text: []byte("table b\n")},
		{Ref: "c", Status: StatusError, Error: "c: no such image"},
	} {
		if err := s.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := out.String(), "table a\n\ntable b\n\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if got, want := errs.String(), "harden: b: score 40 is below 80\nharden: c: c: no such image\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

func TestSummaryErr(t *testing.T) {
	for _, c := range []struct {
		s    Summary
		want string
	}{
		{Summary{OK: 3}, ""},
		{Summary{OK: 2, Policy: 1}, "1 of 3 images crossed a threshold"},
		{Summary{OK: 1, Policy: 1, Failed: 1, NotStarted: 1}, "1 of 4 images could not be analyzed"},
	} {
		got := ""
		if err := c.s.Err(); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%+v: Err %q, want %q", c.s, got, c.want)
		}
	}
	if got, want := (Summary{OK: 1, Policy: 2, Failed: 3}).String(), "6 images: 1 ok, 2 crossed a threshold, 3 failed"; got != want {
		t.Errorf("String %q, want %q", got, want)
	}
}
