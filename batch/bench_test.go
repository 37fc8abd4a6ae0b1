package batch

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
)

// BenchmarkRunMemory runs images whose results are 4 MB each and reports
// the peak live heap seen while they ran: it follows jobs, and stays flat
// as the number of images grows (a runner that kept results would grow by
// 4 MB an image).
func BenchmarkRunMemory(b *testing.B) {
	for _, jobs := range []int{1, 4} {
		for _, n := range []int{16, 128} {
			b.Run(fmt.Sprintf("jobs=%d/images=%d", jobs, n), func(b *testing.B) {
				sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
				var peak atomic.Uint64
				fn := func(ctx context.Context, ref string) (Result, error) {
					v := make([]byte, 4<<20)
					v[len(v)-1] = 1
					runtime.GC()
					metrics.Read(sample)
					for {
						p := peak.Load()
						if cur := sample[0].Value.Uint64(); cur <= p || peak.CompareAndSwap(p, cur) {
							break
						}
					}
					return Result{Value: v}, nil
				}
				sink := sinkFunc(func(Result) error { return nil })
				for b.Loop() {
					if _, err := Run(context.Background(), refs(n), jobs, fn, sink); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-live-MB")
			})
		}
	}
}
