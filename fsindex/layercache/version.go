package layercache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
)

var analyzerVersion = sync.OnceValues(readAnalyzerVersion)

// AnalyzerVersion identifies the code that computed an entry: a digest of
// the running executable's Go build ID, which changes with any change to
// the code or its dependencies (a version string would not, in a
// development build). Where the build ID cannot be read (not ELF), it is a
// digest of the executable itself.
func AnalyzerVersion() (string, error) { return analyzerVersion() }

func readAnalyzerVersion() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("layer cache: finding the executable: %w", err)
	}
	id, err := goBuildID(exe)
	if err != nil || len(id) == 0 {
		if id, err = fileDigest(exe); err != nil {
			return "", fmt.Errorf("layer cache: identifying the executable: %w", err)
		}
	}
	sum := sha256.Sum256(id)
	return "b" + hex.EncodeToString(sum[:12]), nil
}

// goBuildID reads the Go build ID note the linker writes into ELF files.
func goBuildID(exe string) ([]byte, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return nil, fmt.Errorf("no Go build ID note")
	}
	data, err := s.Data()
	if err != nil {
		return nil, err
	}
	// An ELF note: namesz, descsz, type, then the name "Go\0\0" and the ID.
	if len(data) < 16 || !bytes.Equal(data[12:16], []byte("Go\x00\x00")) {
		return nil, fmt.Errorf("malformed Go build ID note")
	}
	n := binary.LittleEndian.Uint32(data[4:8])
	if f.ByteOrder == binary.BigEndian {
		n = binary.BigEndian.Uint32(data[4:8])
	}
	if uint64(n) > uint64(len(data)-16) {
		return nil, fmt.Errorf("malformed Go build ID note")
	}
	return data[16 : 16+n], nil
}

func fileDigest(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
