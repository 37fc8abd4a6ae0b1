package batch

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/google/go-cmp/cmp"
)

// collect is a sink that keeps results, for tests that look at them all.
type collect struct {
	mu  sync.Mutex
	got []Result
}

func (c *collect) Put(r Result) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, r)
	return nil
}

func (c *collect) byRef() map[string]Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]Result{}
	for _, r := range c.got {
		m[r.Ref] = r
	}
	return m
}

// sinkFunc adapts a function to Sink.
type sinkFunc func(Result) error

func (f sinkFunc) Put(r Result) error { return f(r) }

func refs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("img%02d", i)
	}
	return out
}

func TestRunResults(t *testing.T) {
	fn := func(ctx context.Context, ref string) (Result, error) {
		switch ref {
		case "broken":
			return Result{}, errors.New("broken: reading layer 2: unexpected EOF\n\tmore detail\nand more")
		case "strict":
			return Result{Digest: "sha256:" + strings.Repeat("a", 64), Status: StatusPolicy, Value: "findings"}, errors.New("2 findings at high or above")
		case "panics":
			var m map[string]int
			m["x"] = 1 // a bug met on one image
		case "silent":
			return Result{Status: StatusError}, nil
		}
		return Result{Digest: "sha256:" + strings.Repeat("b", 64), Value: ref}, nil
	}
	sink := &collect{}
	sum, err := Run(context.Background(), []string{"good1", "broken", "strict", "panics", "silent", "good2"}, 2, fn, sink)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Summary{OK: 2, Policy: 1, Failed: 3}); sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}
	if sum.Worst() != StatusError || sum.Total() != 6 {
		t.Errorf("Worst = %s, Total = %d", sum.Worst(), sum.Total())
	}
	got := sink.byRef()
	want := map[string]Result{
		"good1":  {Ref: "good1", Digest: "sha256:" + strings.Repeat("b", 64), Status: StatusOK, Value: "good1"},
		"good2":  {Ref: "good2", Digest: "sha256:" + strings.Repeat("b", 64), Status: StatusOK, Value: "good2"},
		"broken": {Ref: "broken", Status: StatusError, Error: "broken: reading layer 2: unexpected EOF"},
		"strict": {Ref: "strict", Digest: "sha256:" + strings.Repeat("a", 64), Status: StatusPolicy, Error: "2 findings at high or above", Value: "findings"},
		"panics": {Ref: "panics", Status: StatusError, Error: "internal error: assignment to entry in nil map"},
		"silent": {Ref: "silent", Status: StatusError, Error: "failed without an error message"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func TestRunWorst(t *testing.T) {
	for _, tt := range []struct {
		s    Summary
		want Status
	}{{Summary{}, StatusOK}, {Summary{OK: 3}, StatusOK}, {Summary{OK: 1, Policy: 1}, StatusPolicy}, {Summary{Policy: 1, Failed: 1}, StatusError}} {
		if got := tt.s.Worst(); got != tt.want {
			t.Errorf("%+v.Worst() = %s, want %s", tt.s, got, tt.want)
		}
	}
}

// At most jobs images run at once, and jobs are actually used: the first
// `jobs` calls meet at a barrier that only opens when all are running.
func TestRunBoundsJobs(t *testing.T) {
	for _, jobs := range []int{1, 3} {
		t.Run(fmt.Sprint("jobs=", jobs), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var running, peak, calls atomic.Int32
			barrier := make(chan struct{})
			fn := func(ctx context.Context, ref string) (Result, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				if calls.Add(1) == int32(jobs) {
					close(barrier)
				}
				select {
				case <-barrier:
				case <-ctx.Done():
					return Result{}, ctx.Err()
				}
				runtime.Gosched()
				return Result{}, nil
			}
			sum, err := Run(ctx, refs(40), jobs, fn, &collect{})
			if err != nil {
				t.Fatalf("Run: %v (the first %d images never ran together)", err, jobs)
			}
			if sum.OK != 40 {
				t.Errorf("summary = %+v, want 40 ok", sum)
			}
			if p := peak.Load(); p != int32(jobs) {
				t.Errorf("peak concurrency = %d, want %d", p, jobs)
			}
		})
	}
}

// The sink gets each result when its image is done, not at the end: the
// first image waits until the sink has seen the second one's result.
func TestRunStreams(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	secondPut := make(chan struct{})
	fn := func(ctx context.Context, ref string) (Result, error) {
		if ref == "first" {
			select {
			case <-secondPut:
			case <-ctx.Done():
				return Result{}, errors.New("the sink never got the second result while the first ran")
			}
		}
		return Result{}, nil
	}
	var order []string
	sink := sinkFunc(func(r Result) error {
		order = append(order, r.Ref)
		if r.Ref == "second" {
			close(secondPut)
		}
		return nil
	})
	sum, err := Run(ctx, []string{"first", "second"}, 2, fn, sink)
	if err != nil || sum.OK != 2 {
		t.Fatalf("Run = %+v, %v", sum, err)
	}
	if !slices.Equal(order, []string{"second", "first"}) {
		t.Errorf("sink order = %v, want completion order [second first]", order)
	}
}

// big is a result object of one megabyte, so a runner that kept results
// would hold the whole run.
type big struct{ b [1 << 20]byte }

// The runner keeps no result once the sink has it: while image i runs, of
// the results already put (and dropped by the sink), none is still
// reachable after a collection, whatever the number of images. So memory
// follows jobs, not the image count.
func TestRunHoldsNoResults(t *testing.T) {
	const n, jobs = 60, 2
	var (
		mu     sync.Mutex
		put    []weak.Pointer[big]
		worst  int
		checks int
	)
	// live counts the reachable results among the first n put.
	live := func(n int) int {
		mu.Lock()
		defer mu.Unlock()
		c := 0
		for _, p := range put[:n] {
			if p.Value() != nil {
				c++
			}
		}
		return c
	}
	fn := func(ctx context.Context, ref string) (Result, error) {
		// Results put before the collections start were allocated
		// before them; two cycles collect them even if one was made
		// while another worker's collection ran.
		mu.Lock()
		before := len(put)
		mu.Unlock()
		runtime.GC()
		runtime.GC()
		l := live(before)
		mu.Lock()
		worst = max(worst, l)
		checks++
		mu.Unlock()
		v := &big{}
		v.b[0] = 1
		return Result{Value: v}, nil
	}
	sink := sinkFunc(func(r Result) error {
		mu.Lock()
		defer mu.Unlock()
		put = append(put, weak.Make(r.Value.(*big)))
		return nil
	})
	sum, err := Run(context.Background(), refs(n), jobs, fn, sink)
	if err != nil || sum.OK != n {
		t.Fatalf("Run = %+v, %v", sum, err)
	}
	if checks != n || len(put) != n {
		t.Fatalf("%d checks, %d results put; want %d", checks, len(put), n)
	}
	// A result in the hands of a worker between Put and its next image
	// may still be on its stack; more than jobs would be the runner
	// keeping them.
	if worst > jobs {
		t.Errorf("up to %d results of %d were still reachable after the sink took them, want at most %d (jobs)", worst, n, jobs)
	}
	runtime.GC()
	if l := live(n); l != 0 {
		t.Errorf("%d results reachable after Run returned", l)
	}
}

// Interrupted, the runner starts no new image, waits for the running ones
// and puts their results, and counts the rest as not started.
func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started atomic.Int32
	var afterCancel atomic.Bool
	cancelled := make(chan struct{})
	fn := func(ctx context.Context, ref string) (Result, error) {
		if afterCancelNow(cancelled) {
			afterCancel.Store(true)
		}
		if started.Add(1) == 3 {
			cancel()
			close(cancelled)
			<-ctx.Done()
			time.Sleep(10 * time.Millisecond) // still running when Run is told to stop
			return Result{}, ctx.Err()
		}
		return Result{}, nil
	}
	sink := &collect{}
	sum, err := Run(ctx, refs(100), 1, fn, sink)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want context.Canceled", err)
	}
	if afterCancel.Load() {
		t.Error("an image started after the interruption")
	}
	if want := (Summary{OK: 2, Failed: 1, NotStarted: 97}); sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}
	got := sink.byRef()
	if r := got["img02"]; r.Status != StatusError || r.Error != "context canceled" {
		t.Errorf("the interrupted image's result = %+v", r)
	}
	if len(got) != 3 {
		t.Errorf("%d results put, want 3 (the images that ran)", len(got))
	}
}

func afterCancelNow(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// A sink that cannot write (a full disk) stops the run: a result that
// cannot be kept is not worth computing.
func TestRunSinkError(t *testing.T) {
	full := errors.New("writing: no space left on device")
	puts := 0
	sink := sinkFunc(func(r Result) error {
		puts++
		if puts == 3 {
			return full
		}
		return nil
	})
	sum, err := Run(context.Background(), refs(50), 1, func(ctx context.Context, ref string) (Result, error) {
		return Result{}, nil
	}, sink)
	if !errors.Is(err, full) {
		t.Fatalf("Run error = %v, want the sink's", err)
	}
	if puts != 3 || sum.OK != 3 || sum.NotStarted != 47 {
		t.Errorf("after a sink error: %d puts, summary %+v; want 3 puts, 3 ok, 47 not started", puts, sum)
	}
}

func TestRunDefaults(t *testing.T) {
	var peak, running atomic.Int32
	fn := func(ctx context.Context, ref string) (Result, error) {
		n := running.Add(1)
		defer running.Add(-1)
		if n > peak.Load() {
			peak.Store(n)
		}
		time.Sleep(time.Millisecond)
		return Result{}, nil
	}
	sum, err := Run(context.Background(), refs(5), 0, fn, &collect{})
	if err != nil || sum.OK != 5 || peak.Load() != DefaultJobs {
		t.Errorf("jobs=0: %+v, %v, peak %d; want 5 ok at %d at once", sum, err, peak.Load(), DefaultJobs)
	}
	sum, err = Run(context.Background(), nil, 4, fn, &collect{})
	if err != nil || sum != (Summary{}) {
		t.Errorf("no refs: %+v, %v", sum, err)
	}
}

func TestRunAlreadyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	sum, err := Run(ctx, refs(5), 2, func(ctx context.Context, ref string) (Result, error) {
		ran = true
		return Result{}, nil
	}, &collect{})
	if !errors.Is(err, context.Canceled) || ran || sum != (Summary{NotStarted: 5}) {
		t.Errorf("Run on a done context = %+v, %v, ran %v; want nothing started", sum, err, ran)
	}
	if _, err := Run(context.Background(), refs(1), 1, nil, &collect{}); err == nil {
		t.Error("Run without a function accepted")
	}
}
