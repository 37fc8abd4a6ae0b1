package vuln

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
)

// DefaultEcosystems are downloaded by Update when the database is new and
// no ecosystem is named: those of the packages `harden sbom` finds.
var DefaultEcosystems = []string{"Alpine", "Debian", "Go", "Maven", "npm", "PyPI", "Ubuntu"}

// Update downloads SOURCE/ECOSYSTEM/all.zip for each ecosystem (osv.dev's
// export layout; the source is set with WithSource) and replaces those
// ecosystems' records in the database in dir. With no ecosystems it
// refreshes those the database already has, or DefaultEcosystems. Nothing
// changes unless every download succeeds.
func Update(ctx context.Context, dir string, ecosystems []string, opts ...Option) (*ImportReport, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	if len(ecosystems) == 0 {
		ecosystems = currentEcosystems(dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating database directory: %w", err)
	}
	tmpDir, err := os.MkdirTemp(dir, ".download-*")
	if err != nil {
		return nil, fmt.Errorf("creating download directory: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	replace := map[string]bool{}
	var ins []input
	for _, eco := range ecosystems {
		eco = strings.TrimSpace(eco)
		if eco == "" || strings.ContainsAny(eco, "/\\") {
			return nil, fmt.Errorf("bad ecosystem name %q", eco)
		}
		u := strings.TrimSuffix(o.source, "/") + "/" + url.PathEscape(eco) + "/all.zip"
		p := fmt.Sprintf("%s/%d.zip", tmpDir, len(ins))
		o.log.Info("downloading", "url", u)
		if err := o.fetchOnce(ctx, u, nil, p); err != nil { // osv.dev: one try, as before
			return nil, fmt.Errorf("downloading %s: %w", u, err)
		}
		replace[eco] = true
		in := fileInput(p)
		in.name = u
		ins = append(ins, in)
	}
	return o.write(ctx, dir, ins, replace)
}

// currentEcosystems lists the base ecosystems of the database in dir.
func currentEcosystems(dir string) []string {
	db, err := Open(dir)
	if err != nil {
		return DefaultEcosystems
	}
	defer db.Close()
	seen := map[string]bool{}
	for e := range db.info.Ecosystems {
		seen[baseEcosystem(e)] = true
	}
	out := make([]string, 0, len(seen))
	for e := range seen {
		out = append(out, e)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return DefaultEcosystems
	}
	return out
}
