package batch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/harden-dev/harden/image"
)

// Bounds on a registry walk: a registry answers with what it likes, and a
// page loop (a Link header back to the same page) or an endless catalog
// must end with a clear error rather than fill memory.
const (
	maxWalkRefs  = 100_000
	maxWalkPages = 10_000
)

// walker expands registry: references into the images a registry lists.
type walker struct {
	allTags  bool
	nameOpts []name.Option
	puller   *remote.Puller
	log      *slog.Logger
	refs     int // references produced so far, for maxWalkRefs
	pages    int // pages fetched so far, for maxWalkPages
}

func newWalker(ctx context.Context, o *options) (*walker, error) {
	nopts, ropts, err := image.RegistryOptions(ctx, o.imageOpts...)
	if err != nil {
		return nil, err
	}
	rt, err := image.RegistryTransport(o.imageOpts...)
	if err != nil {
		return nil, err
	}
	ropts = append(ropts, remote.WithTransport(limitBodies{base: rt, max: o.maxPage}))
	if o.pageSize > 0 {
		ropts = append(ropts, remote.WithPageSize(o.pageSize))
	}
	p, err := remote.NewPuller(ropts...)
	if err != nil {
		return nil, err
	}
	return &walker{allTags: o.allTags, nameOpts: nopts, puller: p, log: o.log}, nil
}

// expand returns the images a registry:HOST or registry:HOST/REPO
// reference stands for, and false for a reference that stands for itself.
func (w *walker) expand(ctx context.Context, ref string) ([]string, bool, error) {
	r, err := image.ParseReference(ref)
	if err != nil || r.Transport != image.Registry {
		return nil, false, nil
	}
	if host, ok := registryHost(r.Name); ok {
		reg, err := name.NewRegistry(host, w.nameOpts...)
		if err != nil {
			return nil, false, fmt.Errorf("%s: bad registry name: %w", ref, err)
		}
		refs, err := w.catalog(ctx, reg)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", ref, err)
		}
		return refs, true, nil
	}
	if !w.allTags {
		return nil, false, nil
	}
	// registry:HOST/REPO with --all-tags; a reference with a tag or a
	// digest names one image and stays as it is.
	repo, err := name.NewRepository(r.Name, w.nameOpts...)
	if err != nil {
		return nil, false, nil
	}
	refs, err := w.tags(ctx, repo)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", ref, err)
	}
	return refs, true, nil
}

// registryHost reports whether a registry: reference names a registry
// alone: "localhost:5000", "ghcr.io", "10.0.0.1:5000", or anything with a
// trailing slash ("myhost/"). The part before a colon must look like a
// host (a dot, localhost, an IPv6 bracket), so "node:18" stays an image.
func registryHost(s string) (string, bool) {
	if strings.HasSuffix(s, "/") {
		h := strings.TrimSuffix(s, "/")
		return h, h != "" && !strings.Contains(h, "/")
	}
	if strings.Contains(s, "/") || strings.Contains(s, "@") {
		return "", false
	}
	h, _, _ := strings.Cut(s, ":")
	if strings.HasPrefix(s, "[") {
		return s, true
	}
	return s, h == "localhost" || strings.Contains(h, ".")
}

// catalog lists every repository of reg and the images each holds.
func (w *walker) catalog(ctx context.Context, reg name.Registry) ([]string, error) {
	c, err := w.puller.Catalogger(ctx, reg)
	if err != nil {
		return nil, fmt.Errorf("listing the catalog: %w", oneLine(err))
	}
	var repos []string
	for c.HasNext() {
		if err := w.page(); err != nil {
			return nil, err
		}
		page, err := c.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the catalog: %w", oneLine(err))
		}
		repos = append(repos, page.Repos...)
		if len(repos) > maxWalkRefs {
			return nil, fmt.Errorf("catalog lists more than %d repositories", maxWalkRefs)
		}
	}
	slices.Sort(repos)
	repos = slices.Compact(repos)
	var out []string
	for _, rn := range repos {
		repo, err := validRepository(reg.Name()+"/"+rn, w.nameOpts)
		if err != nil {
			w.log.Warn("skipping a repository the catalog lists with a bad name", "registry", reg.Name(), "repository", rn, "error", err)
			continue
		}
		refs, err := w.tags(ctx, repo)
		var answered *transport.Error
		if errors.As(err, &answered) {
			// The registry answered for this repository alone (deleted
			// since the catalog, no permission): the others still run.
			w.log.Warn("skipping a repository whose tags the registry did not list", "repository", repo.Name(), "error", oneLine(err))
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, refs...)
	}
	return out, nil
}

// tags lists the images of repo: every tag with --all-tags, else latest
// (a repository without it is skipped, and logged).
func (w *walker) tags(ctx context.Context, repo name.Repository) ([]string, error) {
	l, err := w.puller.Lister(ctx, repo)
	if err != nil {
		return nil, fmt.Errorf("listing the tags of %s: %w", repo.RepositoryStr(), oneLine(err))
	}
	var tags []string
	for l.HasNext() {
		if err := w.page(); err != nil {
			return nil, err
		}
		page, err := l.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the tags of %s: %w", repo.RepositoryStr(), oneLine(err))
		}
		tags = append(tags, page.Tags...)
		if w.refs+len(tags) > maxWalkRefs {
			return nil, fmt.Errorf("registry lists more than %d images", maxWalkRefs)
		}
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)
	if !w.allTags {
		if !slices.Contains(tags, "latest") {
			w.log.Info("skipping a repository without a latest tag (--all-tags takes every tag)", "repository", repo.Name())
			return nil, nil
		}
		tags = []string{"latest"}
	}
	var out []string
	for _, t := range tags {
		tag, err := validTag(repo, t, w.nameOpts)
		if err != nil {
			w.log.Warn("skipping a tag the registry lists with a bad name", "repository", repo.Name(), "tag", t, "error", err)
			continue
		}
		out = append(out, string(image.Registry)+":"+tag.Name())
	}
	w.refs += len(out)
	return out, nil
}

// page counts a fetched page against maxWalkPages.
func (w *walker) page() error {
	w.pages++
	if w.pages > maxWalkPages {
		return fmt.Errorf("registry walk took more than %d pages", maxWalkPages)
	}
	return nil
}

// validRepository parses a repository name a registry gave. go-containerregistry
// lets "../x" through; distribution's grammar (each path component
// alphanumerics joined by single separators) does not.
func validRepository(s string, opts []name.Option) (name.Repository, error) {
	if _, err := reference.WithName(s); err != nil {
		return name.Repository{}, err
	}
	return name.NewRepository(s, opts...)
}

// validTag parses a tag a registry gave, with distribution's grammar.
func validTag(repo name.Repository, tag string, opts []name.Option) (name.Tag, error) {
	n, err := reference.WithName(repo.Name())
	if err == nil {
		_, err = reference.WithTag(n, tag)
	}
	if err != nil {
		return name.Tag{}, err
	}
	return name.NewTag(repo.Name()+":"+tag, opts...)
}
