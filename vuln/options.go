package vuln

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/harden-dev/harden/report"
	"github.com/openvex/go-vex/pkg/vex"
)

// DefaultSource is the URL base Update downloads from: osv.dev's public
// export, one all.zip per ecosystem.
const DefaultSource = "https://osv-vulnerabilities.storage.googleapis.com"

// Option configures Import, Update and Match.
type Option func(*options) error

// Suppressor decides whether a finding is suppressed (an ignore entry of
// .harden.yaml, say) and says why.
type Suppressor func(f report.Finding, now time.Time) (reason string, ok bool)

type options struct {
	log         *slog.Logger
	now         func() time.Time
	replace     bool
	source      string
	client      *http.Client
	maxDownload int64
	onlyFixed   bool
	vex         []*vex.VEX
	suppress    Suppressor
	maxAge      time.Duration
	osOwned     bool
	failAfter   int // test hook: fail an import after this many records
	retries     int
	backoff     time.Duration
	nvdDelay    time.Duration
	nvdKey      string
	nvdPageSize int
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{
		log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		now:         time.Now,
		source:      DefaultSource,
		client:      http.DefaultClient,
		maxDownload: 8 << 30,
		retries:     5,
		backoff:     2 * time.Second,
		nvdDelay:    6 * time.Second,
		nvdPageSize: 2000,
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithLogger sends progress and skipped-input messages to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l != nil {
			o.log = l
		}
		return nil
	}
}

// WithClock sets the clock (tests, reproducible output).
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("clock must not be nil")
		}
		o.now = now
		return nil
	}
}

// WithReplace makes Import start from an empty database instead of adding
// to the existing one.
func WithReplace() Option {
	return func(o *options) error { o.replace = true; return nil }
}

// WithSource sets the URL base Update downloads ECOSYSTEM/all.zip from.
func WithSource(base string) Option {
	return func(o *options) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("source %q is not an http(s) URL", base)
		}
		o.source = base
		return nil
	}
}

// WithHTTPClient sets the client Update uses.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		if c == nil {
			return errors.New("http client must not be nil")
		}
		o.client = c
		return nil
	}
}

// WithOnlyFixed makes Match report only vulnerabilities with a fixed version.
func WithOnlyFixed() Option {
	return func(o *options) error { o.onlyFixed = true; return nil }
}

// WithVEX applies OpenVEX documents: findings a statement marks
// not_affected or fixed are suppressed.
func WithVEX(docs ...*vex.VEX) Option {
	return func(o *options) error {
		for _, d := range docs {
			if d == nil {
				return errors.New("nil VEX document")
			}
		}
		o.vex = append(o.vex, docs...)
		return nil
	}
}

// WithSuppressor suppresses the findings s accepts.
func WithSuppressor(s Suppressor) Option {
	return func(o *options) error { o.suppress = s; return nil }
}

// WithMaxAge marks the result stale when the database is older than d.
func WithMaxAge(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return errors.New("max age must not be negative")
		}
		o.maxAge = d
		return nil
	}
}

// WithOSOwned matches language packages that an OS package installed too
// (sbom.Package.OwnedBy). By default they are left to the OS package's
// advisories, which know the distribution's backported fixes; osv-scanner
// and Trivy do the same.
func WithOSOwned() Option {
	return func(o *options) error { o.osOwned = true; return nil }
}

// WithNVDAPIKey sends an NVD API key (NVD_API_KEY), which allows ten times
// the request rate.
func WithNVDAPIKey(key string) Option {
	return func(o *options) error { o.nvdKey = key; return nil }
}

// WithPacing sets the pause between NVD requests (NVD asks for 6 s without
// a key), the first back-off after a refused or failed download (doubled
// each time) and the number of retries.
func WithPacing(nvdDelay, backoff time.Duration, retries int) Option {
	return func(o *options) error {
		if nvdDelay < 0 || backoff < 0 || retries < 0 {
			return errors.New("pacing must not be negative")
		}
		o.nvdDelay, o.backoff, o.retries = nvdDelay, backoff, retries
		return nil
	}
}

// WithNVDPageSize sets resultsPerPage (NVD's maximum is 2,000).
func WithNVDPageSize(n int) Option {
	return func(o *options) error {
		if n < 1 || n > 2000 {
			return errors.New("NVD page size must be 1 to 2000")
		}
		o.nvdPageSize = n
		return nil
	}
}
