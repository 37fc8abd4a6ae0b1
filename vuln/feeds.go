package vuln

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The default addresses of the enrichment feeds db update downloads.
const (
	DefaultNVDURL  = "https://services.nvd.nist.gov/rest/json/cves/2.0"
	DefaultCVEURL  = "https://github.com/CVEProject/cvelistV5/releases/latest/download/all_CVEs_at_midnight.zip.zip"
	DefaultKEVURL  = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	DefaultEPSSURL = "https://epss.cyentia.com/epss_scores-current.csv.gz"
)

// Feeds are the enrichment sources UpdateFeed knows.
var Feeds = []string{SourceNVD, SourceCVE5, SourceKEV, SourceEPSS}

// IsFeed reports whether name is an enrichment feed rather than an OSV
// ecosystem.
func IsFeed(name string) bool {
	for _, f := range Feeds {
		if f == name {
			return true
		}
	}
	return false
}

// UpdateFeed downloads one enrichment feed and imports it into the
// database in dir: "nvd" through the NVD CVE API 2.0 (incrementally after
// the first time, see updateNVD), "cve" (the CVE Program's daily bundle,
// a zip of a zip), "kev" (CISA's catalog) or "epss" (FIRST's daily CSV).
// src overrides the feed's address; a local file or folder is imported
// as it is. Nothing changes unless the whole download succeeds.
func UpdateFeed(ctx context.Context, dir, feed, src string, opts ...Option) (*ImportReport, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	if src == "" {
		src = map[string]string{SourceNVD: DefaultNVDURL, SourceCVE5: DefaultCVEURL, SourceKEV: DefaultKEVURL, SourceEPSS: DefaultEPSSURL}[feed]
	}
	if src == "" {
		return nil, fmt.Errorf("unknown feed %q (want nvd, cve, kev or epss)", feed)
	}
	if !isURL(src) {
		return o.write(ctx, dir, []input{fileInput(src)}, nil)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating database directory: %w", err)
	}
	if feed == SourceNVD {
		return o.updateNVD(ctx, dir, src)
	}
	tmpDir, err := os.MkdirTemp(dir, ".download-*")
	if err != nil {
		return nil, fmt.Errorf("creating download directory: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	name := map[string]string{SourceCVE5: "cve.zip", SourceKEV: "kev.json", SourceEPSS: "epss.csv.gz"}[feed]
	p := filepath.Join(tmpDir, name)
	o.log.Info("downloading", "url", src)
	if err := o.fetch(ctx, src, nil, p); err != nil {
		return nil, fmt.Errorf("downloading %s: %w", src, err)
	}
	in := fileInput(p)
	in.name = src
	return o.write(ctx, dir, []input{in}, nil)
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// retryable answers: NVD answers 403 and 429 when a client goes past its
// rate, 503 when it is busy.
func retryable(code int) bool {
	return code == http.StatusForbidden || code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable ||
		code == http.StatusBadGateway || code == http.StatusGatewayTimeout
}

// fetch downloads u to p with retries and back-off on the answers a busy
// or rate-limiting server gives, and on a body that ends early.
func (o *options) fetch(ctx context.Context, u string, header http.Header, p string) error {
	var last error
	for attempt := 0; attempt <= o.retries; attempt++ {
		if attempt > 0 {
			wait := o.backoff << (attempt - 1)
			var ra *retryAfter
			if errors.As(last, &ra) && ra.d > wait {
				wait = ra.d
			}
			o.log.Info("retrying", "url", u, "after", wait, "err", last)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
		err := o.fetchOnce(ctx, u, header, p)
		if err == nil {
			return nil
		}
		last = err
		var perm *permanent
		if errors.As(err, &perm) || ctx.Err() != nil {
			return err
		}
	}
	return fmt.Errorf("%w (after %d tries)", last, o.retries+1)
}

type permanent struct{ error }

type retryAfter struct {
	error
	d time.Duration
}

func (o *options) fetchOnce(ctx context.Context, u string, header http.Header, p string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return &permanent{err}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("server answered %s", resp.Status)
		if !retryable(resp.StatusCode) {
			return &permanent{err}
		}
		if s, e := strconv.Atoi(resp.Header.Get("Retry-After")); e == nil && s > 0 {
			return &retryAfter{err, time.Duration(s) * time.Second}
		}
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return &permanent{err}
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, o.maxDownload+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("download cut short: %w", err)
	}
	if n > o.maxDownload {
		return &permanent{errors.New("download is larger than the limit")}
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("download cut short: %d of %d bytes", n, resp.ContentLength)
	}
	return nil
}

// nvdState is the progress of an NVD update, kept beside the database so
// an interrupted update resumes where it stopped. Pages already fetched
// stay in the pages folder until the import succeeds.
type nvdState struct {
	// Start and End bound lastModified for an incremental update (empty:
	// the whole catalogue).
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
	// Next is the startIndex of the next page; Total the API's count.
	Next  int `json:"next"`
	Total int `json:"total"`
	Pages int `json:"pages"`
}

// nvdWindow is how far back one incremental NVD request may reach: the
// API refuses lastMod ranges over 120 days.
const nvdWindow = 120 * 24 * time.Hour

// updateNVD pages through the NVD CVE API 2.0. After a first full
// download, it asks only for records modified since the last update
// (lastModStartDate/lastModEndDate); past the API's 120-day range it
// downloads everything again. It waits between requests as NVD asks (6 s,
// or 0.6 s with an API key from WithNVDAPIKey), and resumes an
// interrupted update from its state file.
func (o *options) updateNVD(ctx context.Context, dir, base string) (*ImportReport, error) {
	stateFile := filepath.Join(dir, ".nvd-update.json")
	pagesDir := filepath.Join(dir, ".nvd-pages")
	var st nvdState
	if data, err := os.ReadFile(stateFile); err == nil && json.Unmarshal(data, &st) == nil {
		o.log.Info("resuming the NVD update", "next", st.Next, "total", st.Total)
	} else {
		st = nvdState{}
		os.RemoveAll(pagesDir)
		now := o.now().UTC()
		if db, err := Open(dir); err == nil {
			last := db.info.Data[SourceNVD].Imported
			db.Close()
			if !last.IsZero() && now.Sub(last) < nvdWindow {
				st.Start, st.End = last.Add(-time.Hour).Format(time.RFC3339), now.Format(time.RFC3339)
			}
		}
	}
	if err := os.MkdirAll(pagesDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating download directory: %w", err)
	}
	header := http.Header{}
	delay := o.nvdDelay
	if o.nvdKey != "" {
		header.Set("apiKey", o.nvdKey)
		delay = o.nvdDelay / 10
	}
	save := func() error {
		data, _ := json.Marshal(st)
		tmp := stateFile + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, stateFile)
	}
	for first := st.Pages == 0; first || st.Next < st.Total; first = false {
		if st.Pages > 0 || !first {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(delay):
			}
		}
		q := url.Values{"startIndex": {strconv.Itoa(st.Next)}, "resultsPerPage": {strconv.Itoa(o.nvdPageSize)}}
		if st.Start != "" {
			q.Set("lastModStartDate", st.Start)
			q.Set("lastModEndDate", st.End)
		}
		u := base + "?" + q.Encode()
		p := filepath.Join(pagesDir, fmt.Sprintf("page-%06d.json", st.Pages))
		o.log.Info("downloading", "url", u)
		page, err := o.fetchNVDPage(ctx, u, header, p)
		if err != nil {
			return nil, fmt.Errorf("NVD API: %w (run the update again to resume)", err)
		}
		st.Total = page.TotalResults
		st.Next = page.StartIndex + len(page.Vulnerabilities)
		st.Pages++
		if len(page.Vulnerabilities) == 0 {
			break
		}
		if err := save(); err != nil {
			return nil, fmt.Errorf("saving NVD update state: %w", err)
		}
	}
	in := fileInput(pagesDir)
	in.name = base
	rep, err := o.write(ctx, dir, []input{in}, nil)
	if err != nil {
		return nil, err
	}
	os.Remove(stateFile)
	os.RemoveAll(pagesDir)
	return rep, nil
}

// fetchNVDPage downloads one page and checks it is a whole NVD answer (a
// body cut short is fetched again).
func (o *options) fetchNVDPage(ctx context.Context, u string, header http.Header, p string) (*nvdPage, error) {
	var last error
	for try := 0; try < 2; try++ {
		if err := o.fetch(ctx, u, header, p); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		page, _, err := parseNVDPage(data)
		if err == nil {
			return page, nil
		}
		last = err
		os.Remove(p)
	}
	return nil, last
}
