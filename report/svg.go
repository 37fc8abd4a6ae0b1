package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Bar is one value of a chart.
type Bar struct {
	Label string
	Value float64
	// Color is a CSS colour; empty picks one from the palette.
	Color string
	// Title is the tooltip; empty uses "Label: Value".
	Title string
}

// palette holds colours that stay apart for colour-blind readers (Okabe-Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"}

// PaletteColor returns the i-th palette colour.
func PaletteColor(i int) string { return palette[i%len(palette)] }

// SeverityColor is the colour charts use for a severity.
func SeverityColor(s Severity) string {
	switch s {
	case Critical:
		return "#7a0019"
	case High:
		return "#D55E00"
	case Medium:
		return "#E69F00"
	case Low:
		return "#56B4E9"
	case Info:
		return "#999999"
	}
	return "#cccccc"
}

// StackedBarSVG draws one horizontal bar split into segments (for example a
// size by layer), with a legend below. format prints a value for labels.
func StackedBarSVG(title string, bars []Bar, format func(float64) string) string {
	const width, barH, legendLine = 720.0, 28.0, 18.0
	total := 0.0
	for _, b := range bars {
		total += math.Max(b.Value, 0)
	}
	var sb strings.Builder
	height := barH + 30 + legendLine*float64(len(bars))
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" class="chart">`, width, height, attr(title))
	fmt.Fprintf(&sb, `<title>%s</title>`, html.EscapeString(title))
	x := 0.0
	for i, b := range bars {
		if total == 0 {
			break
		}
		w := math.Max(b.Value, 0) / total * width
		color := b.Color
		if color == "" {
			color = PaletteColor(i)
		}
		fmt.Fprintf(&sb, `<rect x="%.2f" y="0" width="%.2f" height="%.0f" fill="%s"><title>%s</title></rect>`, x, w, barH, attr(color), html.EscapeString(barTitle(b, format)))
		x += w
	}
	if total == 0 {
		fmt.Fprintf(&sb, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#eee"/>`, width, barH)
	}
	y := barH + 24
	for i, b := range bars {
		color := b.Color
		if color == "" {
			color = PaletteColor(i)
		}
		fmt.Fprintf(&sb, `<rect x="0" y="%.0f" width="12" height="12" fill="%s"/>`, y-11, attr(color))
		fmt.Fprintf(&sb, `<text x="18" y="%.0f" font-size="12">%s</text>`, y, html.EscapeString(barTitle(b, format)))
		y += legendLine
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

// BarChartSVG draws labelled horizontal bars, one per value, scaled to the
// largest (for example the biggest directories, or CVEs by severity).
func BarChartSVG(title string, bars []Bar, format func(float64) string) string {
	const width, labelW, rowH, valueW = 720.0, 220.0, 22.0, 110.0
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
	}
	height := rowH*float64(len(bars)) + 4
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" class="chart">`, width, height, attr(title))
	fmt.Fprintf(&sb, `<title>%s</title>`, html.EscapeString(title))
	for i, b := range bars {
		y := float64(i) * rowH
		w := 0.0
		if maxV > 0 {
			w = math.Max(b.Value, 0) / maxV * (width - labelW - valueW)
		}
		color := b.Color
		if color == "" {
			color = PaletteColor(0)
		}
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-size="12" text-anchor="end">%s</text>`, labelW-6, y+15, html.EscapeString(truncateLabel(b.Label, 34)))
		fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="%.2f" height="%.0f" fill="%s"><title>%s</title></rect>`, labelW, y+3, w, rowH-6, attr(color), html.EscapeString(barTitle(b, format)))
		fmt.Fprintf(&sb, `<text x="%.2f" y="%.0f" font-size="12">%s</text>`, labelW+w+6, y+15, html.EscapeString(format(b.Value)))
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

func barTitle(b Bar, format func(float64) string) string {
	if b.Title != "" {
		return b.Title
	}
	return b.Label + ": " + format(b.Value)
}

func truncateLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

func attr(s string) string { return html.EscapeString(s) }

// FormatInt prints a chart value as an integer.
func FormatInt(v float64) string { return fmt.Sprintf("%d", int64(v)) }

// FormatBytes prints a chart value as a byte size.
func FormatBytes(v float64) string { return Bytes(int64(v)) }
