package cli

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether a stream is a terminal (progress bars only go
// there).
func isTerminal(stream any) bool {
	if w, ok := stream.(interface{ Unwrap() io.Writer }); ok {
		stream = w.Unwrap() // the redacting writer in front of the stream
	}
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// barProgress draws a progress bar on stderr while layers are read. It
// satisfies fsindex.Progress and is safe for the walker's goroutines.
type barProgress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	bar   *progressbar.ProgressBar
}

// progress returns a progress reporter for label, or nil when stderr is not
// a terminal or --quiet is set.
func (g *globals) progress(label string) *barProgress {
	if g.quiet || !isTerminal(g.stderr) {
		return nil
	}
	return &barProgress{w: g.stderr, label: label}
}

func (p *barProgress) Start(total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.label),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	}
	if total < 0 {
		opts = append(opts, progressbar.OptionSpinnerType(14))
	}
	p.bar = progressbar.NewOptions64(total, opts...)
}

func (p *barProgress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Add64(n)
	}
}

func (p *barProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
