//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchCorpus reads every Dockerfile under testdata (lint cases, fix cases
// and testdata/bench, a sample of real-world shapes).
func benchCorpus(b *testing.B) [][]byte {
	var corpus [][]byte
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !IsDockerfile(d.Name()) {
			return err
		}
		data, err := os.ReadFile(p)
		corpus = append(corpus, data)
		return err
	})
	if err != nil || len(corpus) == 0 {
		b.Fatalf("reading corpus: %v (%d files)", err, len(corpus))
	}
	return corpus
}

// BenchmarkLint lints the corpus with every rule on one goroutine and
// reports files per second (per core, since it is single-threaded).
//
//	go test ./dockerfile/lint -run '^$' -bench Lint -cpu 1
func BenchmarkLint(b *testing.B) {
	corpus := benchCorpus(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		for _, src := range corpus {
			Bytes("Dockerfile", src, Config{})
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "files/s")
	// On a shared machine wall time undercounts; CPU time is what a core gives.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "files/cpu-s")
	}
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLintParallel lints on every core and reports files per second
// per core.
func BenchmarkLintParallel(b *testing.B) {
	corpus := benchCorpus(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			Bytes("Dockerfile", corpus[i%len(corpus)], Config{})
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/float64(runtime.GOMAXPROCS(0)), "files/s/core")
}
