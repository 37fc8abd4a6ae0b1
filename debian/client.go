package debian

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Client reads Debian repositories: signed InRelease files, Packages
// indices and .deb files, through a download cache.
type Client struct {
	cache   *Cache
	http    *http.Client
	keyring openpgp.EntityList
	now     func() time.Time
	log     *slog.Logger
}

// Option configures a Client.
type Option func(*Client) error

// WithHTTPClient sets the HTTP client (default: http.DefaultClient).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return fmt.Errorf("nil HTTP client")
		}
		c.http = hc
		return nil
	}
}

// WithKeyring verifies every repository against keys instead of the keyring
// its source names in Signed-By.
func WithKeyring(keys openpgp.EntityList) Option {
	return func(c *Client) error {
		if len(keys) == 0 {
			return fmt.Errorf("empty keyring")
		}
		c.keyring = keys
		return nil
	}
}

// WithClock sets the clock used for signature times and Valid-Until.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return fmt.Errorf("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLogger sets where progress and warnings are logged (default: nowhere).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return fmt.Errorf("nil logger")
		}
		c.log = l
		return nil
	}
}

// NewClient returns a client that caches downloads in cacheDir.
func NewClient(cacheDir string, opts ...Option) (*Client, error) {
	cache, err := NewCache(cacheDir)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cache: cache,
		http:  http.DefaultClient,
		now:   time.Now,
		log:   slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Cache is the client's download cache.
func (c *Client) Cache() *Cache { return c.cache }

// Release fetches repo's InRelease and verifies its signature with the
// client's keyring or the one the repository's Signed-By names.
func (c *Client) Release(ctx context.Context, repo Repo) (*Release, error) {
	keys := c.keyring
	if keys == nil {
		if repo.SignedBy == "" {
			return nil, fmt.Errorf("%s: the source names no Signed-By keyring; give one with --keyring", repo)
		}
		var err error
		if keys, err = signedByKeyring(repo.SignedBy); err != nil {
			return nil, fmt.Errorf("%s: %w", repo, err)
		}
	}
	url := repo.DistURL("InRelease")
	body, err := c.get(ctx, url)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, maxReleaseSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	rel, err := VerifyInRelease(data, keys, c.now())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	c.log.Debug("verified InRelease", "url", url, "signer", rel.Signer, "date", rel.Date)
	return rel, nil
}

// Packages returns the packages of arch (and "all") that repo's verified
// release lists, from every component. Each index file is checked against
// the release's size and checksums before it is read.
func (c *Client) Packages(ctx context.Context, repo Repo, rel *Release, arch string) ([]*Package, error) {
	comps := repo.Components
	if repo.Flat() {
		comps = []string{""}
	}
	var out []*Package
	for _, comp := range comps {
		dir := "binary-" + arch + "/"
		if comp != "" {
			dir = comp + "/" + dir
		}
		if repo.Flat() {
			dir = ""
		}
		pkgs, err := c.packagesFile(ctx, repo, rel, dir+"Packages", arch)
		if err != nil {
			return nil, err
		}
		out = append(out, pkgs...)
	}
	return out, nil
}

// packagesFile reads one Packages index: from the cache when the release
// names the uncompressed file's checksum, else by downloading the .xz, .gz
// or plain file, checking it, and caching the uncompressed text.
func (c *Client) packagesFile(ctx context.Context, repo Repo, rel *Release, name, arch string) ([]*Package, error) {
	plain, hasPlain := rel.Files[name]
	parse := func(r io.Reader) ([]*Package, error) {
		pkgs, err := ParsePackages(bufio.NewReaderSize(r, 1<<20), arch, &repo)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", repo, name, err)
		}
		return pkgs, nil
	}
	if hasPlain && plain.SHA256 != "" {
		if f, err := c.cache.Open(plain); err == nil {
			defer f.Close()
			c.log.Debug("Packages from cache", "repo", repo.String(), "file", name)
			return parse(f)
		}
	}
	for _, ext := range []string{".xz", ".gz", ""} {
		fi, ok := rel.Files[name+ext]
		if !ok {
			continue
		}
		path, err := c.download(ctx, repo, rel, name+ext, fi)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		dr, err := decompress(ext, bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", repo, name+ext, err)
		}
		defer dr.Close()
		if hasPlain && plain.SHA256 != "" && ext != "" {
			p, err := c.cache.Put(plain, dr)
			if err != nil {
				return nil, fmt.Errorf("%s %s: uncompressed: %w", repo, name, err)
			}
			os.Remove(path) // keep only the uncompressed copy
			g, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer g.Close()
			return parse(g)
		}
		return parse(dr)
	}
	return nil, fmt.Errorf("%s: the release lists no %s{.xz,.gz,} (is %q a valid architecture or component?)", repo, name, arch)
}

// download fetches a file below the suite directory into the cache and
// checks it against fi, preferring the by-hash URL when the release offers it.
func (c *Client) download(ctx context.Context, repo Repo, rel *Release, name string, fi FileInfo) (string, error) {
	if f, err := c.cache.Open(fi); err == nil {
		f.Close()
		p, _ := c.cache.path(fi.SHA256)
		return p, nil
	}
	urls := []string{repo.DistURL(name)}
	if rel.AcquireByHash && fi.SHA256 != "" {
		byHash := dirOf(name) + "by-hash/SHA256/" + fi.SHA256
		urls = []string{repo.DistURL(byHash), repo.DistURL(name)}
	}
	var lastErr error
	for _, u := range urls {
		p, err := c.fetchTo(ctx, u, fi)
		if err == nil {
			return p, nil
		}
		lastErr = err
		if errors.Is(err, ErrChecksum) {
			break
		}
	}
	return "", lastErr
}

// Fetch returns the path of p's .deb, downloaded into the cache (or read
// from it, or from the local file for a package of a --debs folder) and
// checked against the size and checksums the index gave.
func (c *Client) Fetch(ctx context.Context, p *Package) (string, error) {
	fi := p.FileInfo()
	if p.SHA256 == "" {
		return "", fmt.Errorf("package %s: the index gives no SHA256", p.ID())
	}
	if p.Repo == nil {
		f, err := os.Open(p.Filename)
		if err != nil {
			return "", fmt.Errorf("package %s: %w", p.ID(), err)
		}
		defer f.Close()
		h := fi.newHasher()
		if _, err := io.Copy(h, io.LimitReader(f, fi.Size+1)); err != nil {
			return "", fmt.Errorf("package %s: %w", p.ID(), err)
		}
		if err := fi.match(h); err != nil {
			return "", fmt.Errorf("package %s: %s: %w", p.ID(), p.Filename, err)
		}
		return p.Filename, nil
	}
	if f, err := c.cache.Open(fi); err == nil {
		f.Close()
		path, _ := c.cache.path(fi.SHA256)
		return path, nil
	}
	path, err := c.fetchTo(ctx, p.URL(), fi)
	if err != nil {
		return "", fmt.Errorf("package %s: %w", p.ID(), err)
	}
	c.log.Debug("downloaded", "package", p.ID(), "bytes", p.Size)
	return path, nil
}

// fetchTo downloads url into the cache if it matches fi.
func (c *Client) fetchTo(ctx context.Context, url string, fi FileInfo) (string, error) {
	body, err := c.get(ctx, url)
	if err != nil {
		return "", err
	}
	defer body.Close()
	p, err := c.cache.Put(fi, body)
	if err != nil {
		return "", fmt.Errorf("fetching %s: %w", url, err)
	}
	return p, nil
}

// get starts a GET and fails on any status but 200.
func (c *Client) get(ctx context.Context, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("fetching %s: %s", url, resp.Status)
	}
	return resp.Body, nil
}

func dirOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[:i+1]
		}
	}
	return ""
}

// Index fetches and verifies every repository and indexes the packages of arch.
func (c *Client) Index(ctx context.Context, repos []Repo, arch string) (*Index, error) {
	if len(repos) == 0 {
		return nil, fmt.Errorf("no repositories to read")
	}
	var all []*Package
	for _, repo := range repos {
		rel, err := c.Release(ctx, repo)
		if err != nil {
			return nil, err
		}
		pkgs, err := c.Packages(ctx, repo, rel, arch)
		if err != nil {
			return nil, err
		}
		c.log.Debug("read Packages", "repo", repo.String(), "packages", len(pkgs))
		all = append(all, pkgs...)
	}
	return NewIndex(arch, all)
}
