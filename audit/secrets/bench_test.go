package secrets

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

type corpusFile struct {
	path string
	data []byte
}

// goSourceCorpus reads up to limit bytes of text files from the Go source
// tree of the running toolchain: real code and text, with the words
// password, token and secret in places.
func goSourceCorpus(tb testing.TB, limit int64) ([]corpusFile, int64) {
	tb.Helper()
	var corpus []corpusFile
	var total int64
	root := filepath.Join(runtime.GOROOT(), "src")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || total > limit {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 || len(data) > 1<<20 || LooksBinary(data[:min(len(data), 512)]) {
			return nil
		}
		corpus = append(corpus, corpusFile{p, data})
		total += int64(len(data))
		return nil
	})
	if len(corpus) == 0 {
		tb.Skip("no Go source tree at " + root)
	}
	return corpus, total
}

// BenchmarkScan is the per-file secret scan of audit over 64 MB of the Go
// source tree: its cost per byte.
func BenchmarkScan(b *testing.B) {
	corpus, total := goSourceCorpus(b, 64<<20)
	b.SetBytes(total)
	var found int
	for b.Loop() {
		found = 0
		for _, f := range corpus {
			found += len(Scan(f.path, f.data))
		}
	}
	b.ReportMetric(float64(len(corpus)), "files")
	b.ReportMetric(float64(found), "matches")
}
