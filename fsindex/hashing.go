package fsindex

import (
	"hash"
	"io"
)

// hashingReader passes bytes through and hashes a copy of them on another
// goroutine, so checking the digest of a large layer runs on a second CPU
// beside the parsing instead of in front of it. Sum (or stop) must be called
// once reading is over.
type hashingReader struct {
	r    io.Reader
	h    hash.Hash
	work chan []byte
	free chan []byte
	done chan struct{}
	sum  []byte
}

const hashChunk = 1 << 20

func newHashingReader(r io.Reader, h hash.Hash) *hashingReader {
	const buffers = 4
	hr := &hashingReader{r: r, h: h, work: make(chan []byte, buffers), free: make(chan []byte, buffers), done: make(chan struct{})}
	for i := 0; i < buffers; i++ {
		hr.free <- make([]byte, hashChunk)
	}
	go func() {
		defer close(hr.done)
		for b := range hr.work {
			hr.h.Write(b)
			hr.free <- b[:cap(b)]
		}
	}()
	return hr
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	for off := 0; off < n; {
		buf := <-hr.free
		m := copy(buf, p[off:n])
		hr.work <- buf[:m]
		off += m
	}
	return n, err
}

// Sum waits for the hashing to catch up and returns the digest.
func (hr *hashingReader) Sum() []byte {
	hr.stop()
	if hr.sum == nil {
		hr.sum = hr.h.Sum(nil)
	}
	return hr.sum
}

// stop ends the hashing goroutine; it is safe to call more than once.
func (hr *hashingReader) stop() {
	select {
	case <-hr.done:
		return
	default:
	}
	close(hr.work)
	<-hr.done
}
