package compare

import (
	"bytes"
	"context"
	"fmt"
	"github.com/harden-dev/harden/internal/atomicfile"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/vuln"
)

// Opener opens and indexes one image, keeping the contents wants ask for.
// The caller closes the image.
type Opener func(ctx context.Context, ref string, wants ...fsindex.Want) (*image.Image, *fsindex.Index, error)

// Options are what Images needs besides the references.
type Options struct {
	Open Opener
	// Names are the column names, one per image (default: ColumnName).
	Names []string
	// Dockerfiles are the images' Dockerfiles, in order ("" skips one), to
	// count their lint findings.
	Dockerfiles []string
	// DB is an opened vulnerability database, or nil for no vulnerability rows.
	DB *vuln.DB
}

// Images measures each image in one pass and sets them side by side, the
// first being the one the others are compared with. Strings found in the
// images are redacted.
func Images(ctx context.Context, refs []string, o Options) (*Comparison, error) {
	if err := o.Check(len(refs)); err != nil {
		return nil, err
	}
	pkgs := Packages{DB: o.DB}
	var profiles []*Profile
	for i, ref := range refs {
		ms := []Measurer{pkgs}
		if i < len(o.Dockerfiles) && o.Dockerfiles[i] != "" {
			ms = append(ms, Dockerfile{Path: o.Dockerfiles[i]})
		}
		img, x, err := o.Open(ctx, ref, Wants(ms...)...)
		if err != nil {
			return nil, err
		}
		name := ColumnName(ref)
		if len(o.Names) > 0 {
			name = o.Names[i]
		}
		p, err := Measure(ctx, name, img.Ref.String(), img.Tags, x, ms...)
		img.Close()
		if err != nil {
			return nil, err
		}
		profiles = append(profiles, p)
	}
	c := Compare(profiles...)
	redact.Value(c) // before any renderer cuts or escapes a string
	return c, nil
}

// Check reports names or Dockerfiles that do not fit n images.
func (o Options) Check(n int) error {
	if len(o.Names) > 0 && len(o.Names) != n {
		return fmt.Errorf("--names has %d names for %d images", len(o.Names), n)
	}
	if len(o.Dockerfiles) > n {
		return fmt.Errorf("--dockerfile given %d times for %d images", len(o.Dockerfiles), n)
	}
	return nil
}

// ColumnName shortens a reference for a column head: an archive or layout
// path becomes its file name, a transport prefix is dropped.
func ColumnName(ref string) string {
	if i := strings.Index(ref, ":"); i > 0 && !strings.Contains(ref[:i], "/") && !strings.Contains(ref[:i], ".") {
		switch ref[:i] {
		case "docker-archive", "oci-archive", "oci", "dir":
			return filepath.Base(strings.TrimSuffix(ref[i+1:], "/"))
		case "docker-daemon", "registry":
			return ref[i+1:]
		}
	}
	if _, err := os.Stat(ref); err == nil {
		return filepath.Base(strings.TrimSuffix(ref, "/"))
	}
	return ref
}

// Write prints the comparison in format: json, markdown, html (with
// opts), or table.
func (c *Comparison) Write(w io.Writer, format string, opts HTMLOptions) error {
	switch format {
	case "json":
		return c.WriteJSON(w)
	case "markdown":
		return c.WriteMarkdown(w)
	case "html":
		return c.WriteHTML(w, opts)
	}
	return c.WriteText(w)
}

// Written is what `harden report --format json` prints besides the page:
// the file it was written to and the comparison.
type Written struct {
	Output string `json:"output"`
	*Comparison
}

// WriteHTMLFile writes the report page to name atomically, redacted like
// harden's standard output (a report is never the place for a secret from
// an image), and returns its size.
func (c *Comparison) WriteHTMLFile(name string, opts HTMLOptions) (int, error) {
	var page bytes.Buffer
	if err := c.WriteHTML(&page, opts); err != nil {
		return 0, err
	}
	return page.Len(), atomicfile.Write(name, redact.Bytes(page.Bytes()))
}
