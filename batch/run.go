package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// DefaultJobs is how many images run at once unless the caller asks for
// more. One keeps a batch's peak memory at a single image's (the index and
// wanted file contents of one image, about 150 MB for a 1 GB image), so a
// nightly run over a registry needs no more memory than one `harden audit`;
// --jobs N trades N times that for wall time on registry and I/O waits.
const DefaultJobs = 1

// Status says how one image's run ended.
type Status string

// The statuses, from best to worst.
const (
	// StatusOK: the command worked and the result passes.
	StatusOK Status = "ok"
	// StatusPolicy: the command worked but the result crosses a threshold
	// (the CLI's exit 1).
	StatusPolicy Status = "policy"
	// StatusError: the command could not produce a result for this image
	// (unreadable, hostile, unreachable, interrupted).
	StatusError Status = "error"
)

// Result is one image's outcome, as the sinks write it.
type Result struct {
	// Ref is the reference the image was run for, as Expand returned it.
	Ref string `json:"ref"`
	// Digest is the image's manifest digest ("sha256:<hex>", what
	// image.Image's Digest gives for any source). It names the image's
	// file in NewDir; empty when the image could not be opened.
	Digest string `json:"digest,omitempty"`
	// Status is how the run ended; Error is why, on one line, when it is
	// not StatusOK (a policy failure says which threshold).
	Status Status `json:"status"`
	Error  string `json:"error,omitempty"`
	// Value is the command's result object (what --format json prints for
	// one image), when there is one.
	Value any `json:"result,omitempty"`
	// Text is the result rendered for people, what the Text sink prints
	// (never in JSON).
	Text []byte `json:"-"`
}

// Func runs the command on one image. The runner fills Ref. A returned
// error fails this image only: its first line goes to Error and Status
// becomes StatusError unless the Func set StatusPolicy (the command worked
// and the result crosses a threshold; the error says which). Digest and
// Value are kept with an error, so a partial result is not lost. A Func
// must honour ctx: when the run is interrupted the images already running
// see ctx done. It runs concurrently with other images' Funcs.
type Func func(ctx context.Context, ref string) (Result, error)

// Summary counts the images of a run by status; NotStarted are those an
// interruption (or a sink error) kept from starting.
type Summary struct {
	OK, Policy, Failed, NotStarted int
}

// Total is the number of images the run was given.
func (s Summary) Total() int { return s.OK + s.Policy + s.Failed + s.NotStarted }

// Worst is the worst status of the images that ran (StatusOK for none).
func (s Summary) Worst() Status {
	switch {
	case s.Failed > 0:
		return StatusError
	case s.Policy > 0:
		return StatusPolicy
	}
	return StatusOK
}

// String counts the images by how they ended, for a closing line.
func (s Summary) String() string {
	return fmt.Sprintf("%d images: %d ok, %d crossed a threshold, %d failed", s.Total(), s.OK, s.Policy, s.Failed)
}

// Err is the run's verdict on one line: how many images failed, else how
// many crossed a threshold (Worst says which); nil when all passed.
func (s Summary) Err() error {
	switch s.Worst() {
	case StatusError:
		return fmt.Errorf("%d of %d images could not be analyzed", s.Failed, s.Total())
	case StatusPolicy:
		return fmt.Errorf("%d of %d images crossed a threshold", s.Policy, s.Total())
	}
	return nil
}

// Sink receives each result as soon as its image is done. Run calls Put
// from one goroutine at a time, and keeps no result after Put returns; an
// error from Put stops the run (no new image starts) and is returned by Run.
type Sink interface {
	Put(Result) error
}

// Run runs fn for each reference, at most jobs at a time (jobs < 1 means
// DefaultJobs), and hands each result to sink as it completes, in the order
// they complete. One image failing does not stop the others. When ctx is
// done no new image starts; Run waits for the running ones, puts their
// results, and returns the summary with ctx's error. Run returns a non-nil
// error only for an interruption or a sink error; failed images are in the
// summary.
func Run(ctx context.Context, refs []string, jobs int, fn Func, sink Sink) (Summary, error) {
	if fn == nil || sink == nil {
		return Summary{}, errors.New("batch.Run needs a function and a sink")
	}
	if jobs < 1 {
		jobs = DefaultJobs
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)

	var (
		mu      sync.Mutex // serialises Put and guards sum and sinkErr
		sum     Summary
		sinkErr error
		wg      sync.WaitGroup
	)
	work := make(chan string)
	for range min(jobs, len(refs)) {
		wg.Go(func() {
			for ref := range work {
				if ctx.Err() != nil {
					// Handed over in the same instant the run was
					// stopped: it does not start.
					mu.Lock()
					sum.NotStarted++
					mu.Unlock()
					continue
				}
				res := runOne(ctx, fn, ref)
				mu.Lock()
				switch res.Status {
				case StatusOK:
					sum.OK++
				case StatusPolicy:
					sum.Policy++
				default:
					sum.Failed++
				}
				if sinkErr == nil {
					if err := sink.Put(res); err != nil {
						sinkErr = err
						stop(err)
					}
				}
				mu.Unlock()
			}
		})
	}
	sent := 0
feed:
	for _, ref := range refs {
		// Checked first so a done context never starts another image,
		// even when a worker is free at the same moment.
		if ctx.Err() != nil {
			break
		}
		select {
		case work <- ref:
			sent++
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	sum.NotStarted += len(refs) - sent
	if sinkErr != nil {
		return sum, sinkErr
	}
	return sum, context.Cause(ctx)
}

// runOne runs fn for one image and normalises its result: the reference,
// a status, the error on one line. A panic in fn (a bug met on one hostile
// image) fails that image, not the run.
func runOne(ctx context.Context, fn Func, ref string) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Result{Ref: ref, Status: StatusError, Error: oneLine(fmt.Errorf("internal error: %v", p)).Error()}
		}
	}()
	res, err := fn(ctx, ref)
	res.Ref = ref
	switch {
	case err != nil:
		if res.Status != StatusPolicy {
			res.Status = StatusError
		}
		res.Error = oneLine(err).Error()
	case res.Status == "":
		res.Status = StatusOK
	case res.Status != StatusOK && res.Status != StatusPolicy:
		res.Status = StatusError
	}
	if res.Status == StatusError && res.Error == "" {
		res.Error = "failed without an error message"
	}
	return res
}

// oneLine keeps the first line of an error (a result's error is one
// line), still wrapping it for errors.Is and errors.As.
func oneLine(err error) error {
	msg := err.Error()
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		return &firstLine{msg: strings.TrimSpace(msg[:i]), err: err}
	}
	return err
}

type firstLine struct {
	msg string
	err error
}

func (e *firstLine) Error() string { return e.msg }
func (e *firstLine) Unwrap() error { return e.err }
