package base

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/harden-dev/harden/debian"
)

// staged is one package's data archive, decompressed into a temporary
// file by a worker so that slow decompression (xz) of several packages
// runs in parallel while the layer is written in order.
type staged struct {
	done chan struct{}
	path string
	err  error
}

// wait blocks until the package is staged and opens its tar.
func (s *staged) wait(ctx context.Context) (*os.File, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
	}
	if s.err != nil {
		return nil, s.err
	}
	return os.Open(s.path)
}

// stageAll decompresses every package's data archive into dir, at most
// GOMAXPROCS at a time, in order. The returned cleanup removes the files
// and waits for the workers.
func stageAll(ctx context.Context, names []string, debs []*debian.Deb, dir string) ([]*staged, func()) {
	ctx, cancel := context.WithCancel(ctx)
	out := make([]*staged, len(debs))
	for i := range out {
		out[i] = &staged{done: make(chan struct{})}
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, d := range debs {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for _, s := range out[i:] {
					s.err = ctx.Err()
					close(s.done)
				}
				return
			}
			wg.Add(1)
			go func(s *staged, name string, d *debian.Deb) {
				defer wg.Done()
				defer func() { <-sem }()
				s.path, s.err = stageOne(ctx, name, d, dir)
				close(s.done)
			}(out[i], names[i], d)
		}
	}()
	return out, func() {
		cancel()
		wg.Wait()
		for _, s := range out {
			if s.path != "" {
				os.Remove(s.path)
			}
		}
	}
}

func stageOne(ctx context.Context, name string, d *debian.Deb, dir string) (string, error) {
	rc, err := d.Data()
	if err != nil {
		return "", fmt.Errorf("package %s: %w", name, err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(dir, "harden-data-*.tar")
	if err != nil {
		return "", fmt.Errorf("package %s: %w", name, err)
	}
	_, err = io.Copy(f, &ctxReader{ctx: ctx, r: rc})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("package %s: decompressing %s: %w", name, d.DataName, err)
	}
	return f.Name(), nil
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
