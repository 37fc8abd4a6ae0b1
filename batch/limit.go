package batch

import (
	"fmt"
	"io"
	"net/http"
)

// maxPageBytes bounds one answer of a registry walk (a catalog or tag-list
// page): go-containerregistry decodes a page whole, so without a bound a
// registry could make a walk hold gigabytes. A page of 1000 long names is
// well under 1 MB.
const maxPageBytes = 16 << 20

// limitBodies is a transport whose response bodies end in an error past
// max bytes, so an oversized page fails with a clear message.
type limitBodies struct {
	base http.RoundTripper
	max  int64
}

func (l limitBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(req)
	if err == nil && resp.Body != nil {
		resp.Body = &limitedBody{rc: resp.Body, left: l.max, max: l.max, url: req.URL.Redacted()}
	}
	return resp, err
}

// limitedBody reads at most max bytes of rc, then fails.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
	url  string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells an answer of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("registry answer for %s is larger than %d bytes", b.url, b.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
