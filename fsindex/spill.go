package fsindex

import (
	"fmt"
	"io"
	"os"
)

// spill holds the body of one large file that only a parse reads: written
// to an unlinked temporary file and mapped read-only (where the system can
// map files; elsewhere read into memory), so the pages the parse does not
// touch never take memory. Parse must not keep data (Want.Parse), which is
// what makes unmapping after it safe.
type spill struct {
	f *os.File
}

// read copies head and the rest of the file (size bytes in all) from r and
// returns them; release must be called once the bytes are no longer used.
func (s *spill) read(r io.Reader, head []byte, size int64) ([]byte, func(), error) {
	if s.f == nil {
		f, err := os.CreateTemp("", "harden-spill-*")
		if err != nil {
			return readAll(r, head, size)
		}
		_ = os.Remove(f.Name()) // unlinked: gone when closed, even on a crash
		s.f = f
	}
	if err := s.f.Truncate(0); err != nil {
		return nil, nil, err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	if _, err := s.f.Write(head); err != nil {
		return nil, nil, fmt.Errorf("temporary file: %w", err)
	}
	rest := size - int64(len(head))
	n, err := io.Copy(s.f, io.LimitReader(r, rest))
	if err != nil {
		return nil, nil, err
	}
	if n != rest {
		return nil, nil, io.ErrUnexpectedEOF
	}
	data, release, err := mapFile(s.f, size)
	if err != nil {
		// No mapping: read the bytes back into memory.
		if _, err := s.f.Seek(0, io.SeekStart); err != nil {
			return nil, nil, err
		}
		return readAll(s.f, nil, size)
	}
	return data, release, nil
}

// readAll reads size bytes (head first) into a new buffer.
func readAll(r io.Reader, head []byte, size int64) ([]byte, func(), error) {
	data := make([]byte, size)
	n := copy(data, head)
	if _, err := io.ReadFull(r, data[n:]); err != nil {
		return nil, nil, err
	}
	return data, func() {}, nil
}

func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}
