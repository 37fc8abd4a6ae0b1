package vuln

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxEPSSRows bounds an EPSS file (FIRST's daily file has about 300,000).
const maxEPSSRows = 5_000_000

// parseEPSS reads FIRST's daily EPSS CSV, plain or gzipped: an optional
// comment line "#model_version:v2023.03.01,score_date:2024-01-01T00:00:00+0000",
// the header "cve,epss,percentile", then one row per CVE. The score date
// is returned for the source's freshness.
func parseEPSS(r io.Reader) ([]*enrichItem, time.Time, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("EPSS file: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	sc := bufio.NewScanner(br)
	var model, date string
	var scoreDate time.Time
	var out []*enrichItem
	header := false
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "#") {
			for _, kv := range strings.Split(strings.TrimPrefix(text, "#"), ",") {
				k, v, _ := strings.Cut(kv, ":")
				switch strings.TrimSpace(k) {
				case "model_version":
					model = strings.TrimSpace(v)
				case "score_date":
					v = strings.TrimSpace(v)
					scoreDate = parseLooseTime(strings.Replace(v, "+0000", "Z", 1))
					if len(v) >= 10 {
						date = v[:10]
					}
				}
			}
			continue
		}
		if !header {
			if !strings.EqualFold(strings.ReplaceAll(text, " ", ""), "cve,epss,percentile") {
				return nil, time.Time{}, fmt.Errorf("EPSS file: line %d: want the header cve,epss,percentile", line)
			}
			header = true
			continue
		}
		f := strings.Split(text, ",")
		if len(f) != 3 || !strings.HasPrefix(f[0], "CVE-") {
			return nil, time.Time{}, fmt.Errorf("EPSS file: line %d: want CVE-ID,score,percentile", line)
		}
		score, err1 := strconv.ParseFloat(f[1], 64)
		pct, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil || score < 0 || score > 1 || pct < 0 || pct > 1 {
			return nil, time.Time{}, fmt.Errorf("EPSS file: line %d: score and percentile must be numbers from 0 to 1", line)
		}
		if len(out) >= maxEPSSRows {
			return nil, time.Time{}, fmt.Errorf("EPSS file: more than %d rows", maxEPSSRows)
		}
		out = append(out, &enrichItem{source: SourceEPSS, modified: scoreDate, e: Enrichment{CVE: f[0],
			EPSS: &EPSS{Score: score, Percentile: pct, Date: date, Model: model}}})
	}
	if err := sc.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("EPSS file: %w", err)
	}
	if !header {
		return nil, time.Time{}, errors.New("EPSS file: no cve,epss,percentile header")
	}
	return out, scoreDate, nil
}
