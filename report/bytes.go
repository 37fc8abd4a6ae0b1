package report

import "fmt"

// Bytes formats a byte count the way Dive and docker do: decimal units
// (1 kB = 1000 B) with three significant digits.
func Bytes(n int64) string {
	const unit = 1000
	if n < 0 {
		return "-" + Bytes(-n)
	}
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	prefix := "kMGTPE"[exp]
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f %cB", v, prefix)
	case v >= 10:
		return fmt.Sprintf("%.1f %cB", v, prefix)
	default:
		return fmt.Sprintf("%.2f %cB", v, prefix)
	}
}

// Percent formats a ratio (0.25) as a percentage ("25.0 %").
func Percent(r float64) string { return fmt.Sprintf("%.1f %%", r*100) }
