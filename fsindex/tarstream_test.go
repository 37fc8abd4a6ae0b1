package fsindex

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func tarOf(t *testing.T, files map[string]string, order ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, name := range order {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestTarStreamSkips: archive/tar skips bodies through Seek and still
// reads every header and the bodies it is asked for; the byte count covers
// the skipped bodies.
func TestTarStreamSkips(t *testing.T) {
	big := strings.Repeat("x", 3<<20) // larger than the bufio buffer
	data := tarOf(t, map[string]string{"a": big, "b": "hello", "c": big}, "a", "b", "c")
	ts := &tarStream{br: bufio.NewReaderSize(bytes.NewReader(data), 1<<16)}
	tr := tar.NewReader(ts)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == "b" {
			body, err := io.ReadAll(tr)
			if err != nil || string(body) != "hello" {
				t.Fatalf("body of b = %q, %v", body, err)
			}
		}
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Errorf("names = %v", names)
	}
	if _, err := io.Copy(io.Discard, ts); err != nil {
		t.Fatal(err)
	}
	if ts.n != int64(len(data)) {
		t.Errorf("counted %d bytes, the tar has %d", ts.n, len(data))
	}
	if _, err := ts.Seek(-1, io.SeekCurrent); err == nil {
		t.Error("a backward seek was accepted")
	}
}

// TestTarStreamTruncated: a tar cut inside a body that is skipped must be
// an error, never a clean end of the archive.
func TestTarStreamTruncated(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	data := tarOf(t, map[string]string{"a": big, "b": "hello"}, "a", "b")
	cut := data[:1<<20]
	tr := tar.NewReader(&tarStream{br: bufio.NewReaderSize(bytes.NewReader(cut), 1<<16)})
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := tr.Next()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Next after a truncated body = %v, want io.ErrUnexpectedEOF", err)
	}
}
