package vuln

import (
	"context"
	"errors"
)

// UpdateNamed updates the database in dir from what names says: feed names
// (nvd, cve, kev, epss) update that feed, from source when given; other
// names are ecosystems updated from source (DefaultSource when empty);
// no name refreshes the ecosystems the database has. It returns the last
// update's report.
func UpdateNamed(ctx context.Context, dir string, names []string, source string, opts ...Option) (*ImportReport, error) {
	var feeds, ecos []string
	for _, a := range names {
		if IsFeed(a) {
			feeds = append(feeds, a)
		} else {
			ecos = append(ecos, a)
		}
	}
	if source != "" && len(feeds) > 0 && len(names) > 1 {
		return nil, errors.New("--source names one feed's address: update one feed at a time with it")
	}
	var rep *ImportReport
	var err error
	for _, feed := range feeds {
		if rep, err = UpdateFeed(ctx, dir, feed, source, opts...); err != nil {
			return nil, err
		}
	}
	if len(ecos) > 0 || len(feeds) == 0 {
		src := source
		if src == "" {
			src = DefaultSource
		}
		if rep, err = Update(ctx, dir, ecos, append(opts, WithSource(src))...); err != nil {
			return nil, err
		}
	}
	return rep, nil
}
