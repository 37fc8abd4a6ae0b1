// Package progress draws the progress bar harden shows while it reads an
// image, on a terminal only.
package progress

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// IsTerminal reports whether a stream is a terminal (progress bars only go
// there), looking through a writer in front of it that has Unwrap (the
// CLI's redacting writer).
func IsTerminal(stream any) bool {
	if w, ok := stream.(interface{ Unwrap() io.Writer }); ok {
		stream = w.Unwrap()
	}
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Bar draws a progress bar on w while layers are read. It satisfies
// fsindex.Progress and is safe for the walker's goroutines.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	bar   *progressbar.ProgressBar
}

// New returns a bar labelled label that draws on w once started.
func New(w io.Writer, label string) *Bar { return &Bar{w: w, label: label} }

// Start draws the bar for total bytes (a spinner when total is negative).
func (p *Bar) Start(total int64) {
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

// Add moves the bar n bytes on.
func (p *Bar) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Add64(n)
	}
}

// Done clears the bar.
func (p *Bar) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
