package base

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/harden-dev/harden/debian"
)

// Source is where a build's packages come from: signed repositories read
// through a client, and/or a folder of local .deb files.
type Source struct {
	client *debian.Client
	repos  []debian.Repo
	local  []*debian.Package
}

// NewSource combines repositories (fetched and verified by client) and
// local packages (from debian.ReadDebDir). client is required: it also
// holds the download cache.
func NewSource(client *debian.Client, repos []debian.Repo, local []*debian.Package) (*Source, error) {
	if client == nil {
		return nil, fmt.Errorf("nil debian client")
	}
	if len(repos) == 0 && len(local) == 0 {
		return nil, fmt.Errorf("no package source: give repositories or a folder of .deb files")
	}
	return &Source{client: client, repos: repos, local: local}, nil
}

// Index reads every repository and the local packages into one index for
// arch. Local packages come first, so they win over a repository's copy of
// the same version.
func (s *Source) Index(ctx context.Context, arch string) (*debian.Index, error) {
	all := append([]*debian.Package(nil), s.local...)
	for _, repo := range s.repos {
		rel, err := s.client.Release(ctx, repo)
		if err != nil {
			return nil, err
		}
		pkgs, err := s.client.Packages(ctx, repo, rel, arch)
		if err != nil {
			return nil, err
		}
		all = append(all, pkgs...)
	}
	return debian.NewIndex(arch, all)
}

// Fetch returns the checked local path of a locked package: a local .deb
// with the same SHA256, the download cache, or each repository in turn.
// A file that does not match its checksum stops the build.
func (s *Source) Fetch(ctx context.Context, lp LockedPackage) (string, error) {
	for _, p := range s.local {
		if p.SHA256 == lp.SHA256 {
			return s.client.Fetch(ctx, p)
		}
	}
	if !strings.Contains(lp.Filename, "/") || len(s.repos) == 0 {
		return "", fmt.Errorf("package %s=%s: no local .deb with SHA256 %s", lp.Name, lp.Version, lp.SHA256)
	}
	var errs []error
	for i := range s.repos {
		path, err := s.client.Fetch(ctx, lp.Package(&s.repos[i]))
		if err == nil {
			return path, nil
		}
		if errors.Is(err, debian.ErrChecksum) || ctx.Err() != nil {
			return "", err
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("package %s=%s: %w", lp.Name, lp.Version, errors.Join(errs...))
}
