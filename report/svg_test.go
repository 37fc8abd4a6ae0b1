package report

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestCharts(t *testing.T) {
	bars := []Bar{{Label: "layer 0 <base>", Value: 3000}, {Label: "layer 1", Value: 1000}, {Label: "empty", Value: 0}}
	for name, svg := range map[string]string{
		"stacked": StackedBarSVG("Size by layer", bars, FormatBytes),
		"bars":    BarChartSVG("Top directories", bars, FormatBytes),
		"zero":    StackedBarSVG("Nothing", []Bar{{Label: "x"}}, FormatInt),
	} {
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Errorf("%s: not well-formed XML: %v\n%s", name, err, svg)
		}
		if strings.Contains(svg, "<base>") {
			t.Errorf("%s: label not escaped", name)
		}
	}
	svg := StackedBarSVG("Size by layer", bars, FormatBytes)
	if !strings.Contains(svg, `width="540.00"`) || !strings.Contains(svg, "layer 0 &lt;base&gt;: 3.00 kB") {
		t.Errorf("stacked bar: the 3000/4000 segment should be 540 of 720 wide and labelled:\n%s", svg)
	}
}
