package sbom

import (
	"sort"
	"time"
)

// SBOM is the package inventory of one image, directory or lock file.
type SBOM struct {
	// Source names what was inventoried.
	Source Source `json:"source"`
	// Created is when the inventory was made.
	Created time.Time `json:"created"`
	// OS is the distribution from /etc/os-release, when there is one.
	OS *OS `json:"os,omitempty"`
	// Packages are sorted by type, name, version.
	Packages []Package `json:"packages"`
	// Summary counts the packages.
	Summary Summary `json:"summary"`
	// Problems lists files an extractor could not read; the rest of the
	// inventory is still valid.
	Problems []Problem `json:"problems,omitempty"`
	// Layers describes the layers locations refer to, by index.
	Layers []Layer `json:"layers,omitempty"`
}

// Source is what an SBOM describes.
type Source struct {
	// Name is the image reference, directory or file as the user gave it.
	Name string `json:"name"`
	// Kind is "image", "directory" or "file".
	Kind string `json:"kind"`
	// Digest is the image config digest (the image ID), when known.
	Digest string `json:"digest,omitempty"`
}

// OS is the distribution the image is built on.
type OS struct {
	// ID and VersionID are os-release's ID and VERSION_ID: "debian", "12".
	ID        string `json:"id"`
	VersionID string `json:"versionID,omitempty"`
	// Codename is VERSION_CODENAME: "bookworm".
	Codename string `json:"codename,omitempty"`
	// PrettyName is PRETTY_NAME: "Debian GNU/Linux 12 (bookworm)".
	PrettyName string `json:"prettyName,omitempty"`
	// Ecosystem is the OSV ecosystem of the OS packages: "Debian:12".
	Ecosystem string `json:"ecosystem,omitempty"`
}

// Package is one installed or declared package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Type is the package URL type: deb, apk, rpm, npm, pypi, golang, maven.
	Type string `json:"type"`
	// Ecosystem is the OSV ecosystem: "Debian:12", "npm", "PyPI", "Go".
	Ecosystem string `json:"ecosystem,omitempty"`
	// PURL is the package URL.
	PURL string `json:"purl,omitempty"`
	// Licenses are the declared licenses, as written (SPDX IDs where the
	// source uses them).
	Licenses []string `json:"licenses,omitempty"`
	// SourceName and SourceVersion name the source package of a dpkg, apk or
	// rpm binary package (advisories are written against it).
	SourceName    string `json:"sourceName,omitempty"`
	SourceVersion string `json:"sourceVersion,omitempty"`
	// Arch is the architecture of an OS package.
	Arch string `json:"arch,omitempty"`
	// Locations are the files that prove the package, the most telling one
	// first (for dpkg: the file list the install wrote, then the status file).
	Locations []Location `json:"locations"`
	// FoundBy names the extractor: "os/dpkg", "javascript/packagejson".
	FoundBy string `json:"foundBy"`
	// OwnedBy names the OS package whose files include this language
	// package's ("deb:node-semver"): the distribution ships it, and its
	// advisories cover it.
	OwnedBy string `json:"ownedBy,omitempty"`
}

// Location is a file that proves a package, with the layer that wrote it.
type Location struct {
	// Path is absolute in the image ("/var/lib/dpkg/status"); for a lock
	// file given directly it is the path as given.
	Path string `json:"path"`
	// Layer is the index of the layer holding the visible version of the
	// file; nil when there are no layers (a lock file).
	Layer *int `json:"layer,omitempty"`
	// Origin says whether that layer comes from the base image or your own
	// build ("base", "own"; empty when unknown).
	Origin string `json:"origin,omitempty"`
}

// Layer is what an SBOM records of an image layer.
type Layer struct {
	Index       int    `json:"index"`
	DiffID      string `json:"diffID"`
	Instruction string `json:"instruction,omitempty"`
	Origin      string `json:"origin,omitempty"`
}

// Problem is a file an extractor failed on.
type Problem struct {
	Path      string `json:"path"`
	Extractor string `json:"extractor"`
	Error     string `json:"error"`
}

// Summary counts packages.
type Summary struct {
	// Packages is the number of packages.
	Packages int `json:"packages"`
	// ByType counts packages per type (deb, npm, ...).
	ByType map[string]int `json:"byType"`
	// ByOrigin counts packages whose first location is in a base-image
	// layer ("base"), an own layer ("own") or neither ("unknown").
	ByOrigin map[string]int `json:"byOrigin,omitempty"`
}

// LayerIndex returns the location's layer index, or -1.
func (l Location) LayerIndex() int {
	if l.Layer == nil {
		return -1
	}
	return *l.Layer
}

// key identifies a package for de-duplication: the same package found twice
// (a lock file entry and its installed package.json) is listed once, with
// both locations.
func (p *Package) key() string {
	if p.PURL != "" {
		return p.Type + "\x00" + p.PURL
	}
	return p.Type + "\x00" + p.Name + "\x00" + p.Version
}

// Summarize recomputes s.Summary from s.Packages.
func (s *SBOM) Summarize() {
	sum := Summary{Packages: len(s.Packages), ByType: map[string]int{}, ByOrigin: map[string]int{}}
	for _, p := range s.Packages {
		sum.ByType[p.Type]++
		origin := "unknown"
		if len(p.Locations) > 0 && p.Locations[0].Origin != "" {
			origin = p.Locations[0].Origin
		}
		sum.ByOrigin[origin]++
	}
	s.Summary = sum
}

// sortPackages orders packages by type, name, version, first path.
func sortPackages(ps []Package) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := &ps[i], &ps[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return firstPath(a) < firstPath(b)
	})
}

func firstPath(p *Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}
