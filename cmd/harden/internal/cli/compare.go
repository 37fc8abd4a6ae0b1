package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	scalibrlog "github.com/google/osv-scalibr/log"
	"github.com/harden-dev/harden/compare"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/vuln"
	"github.com/spf13/cobra"
)

// compareFlags are shared by compare and report.
type compareFlags struct {
	image       imageFlags
	names       []string
	dockerfiles []string
	all         bool
	db          string
	noScan      bool
}

func addCompareFlags(cmd *cobra.Command, f *compareFlags) {
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.StringSliceVar(&f.names, "names", nil, "column names, one per image, in order (default: the references)")
	fl.StringArrayVar(&f.dockerfiles, "dockerfile", nil, "Dockerfile of an image, to count its lint findings; repeat once per image, in order (an empty value skips one)")
	fl.StringVar(&f.db, "db", "", "vulnerability database directory (default $XDG_CACHE_HOME/harden/db; without one, no vulnerability rows)")
	fl.BoolVar(&f.noScan, "no-scan", false, "leave out the vulnerability rows even when a database is there")
}

func newCompareCmd(g *globals) *cobra.Command {
	f := &compareFlags{}
	cmd := &cobra.Command{
		Use:   "compare IMAGE IMAGE [IMAGE...]",
		Short: "Set images side by side: size, packages, shells, tools, root, secrets, CVEs, score",
		Long: `compare reads each image once, runs every analysis on that one pass (layers,
audit, packages and, with a vulnerability database, scan), and prints a
column per image and a row per property, with the change against the first
image. Markdown fits a pull-request comment; html writes the report page
(see harden report for the full page with findings).`,
		Example: `  harden compare node:18 docker-daemon:app:minified
  harden compare --format markdown before.tar after.tar > comment.md
  harden compare --dockerfile Dockerfile --dockerfile Dockerfile.distroless app:fat app:slim`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError{fmt.Errorf("compare wants two images or more, got %d", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json", "markdown", "html"); err != nil {
				return err
			}
			c, err := g.compareImages(cmd.Context(), args, f)
			if err != nil {
				return err
			}
			switch g.format {
			case "json":
				return c.WriteJSON(g.stdout)
			case "markdown":
				return c.WriteMarkdown(g.stdout)
			case "html":
				return c.WriteHTML(g.stdout, compare.HTMLOptions{Version: readBuildInfo().Version})
			}
			return c.WriteText(g.stdout)
		},
	}
	addCompareFlags(cmd, f)
	return cmd
}

func newReportCmd(g *globals) *cobra.Command {
	f := &compareFlags{}
	var others []string
	var out, title string
	cmd := &cobra.Command{
		Use:   "report IMAGE [--compare IMAGE...] -o report.html",
		Short: "Write one self-contained HTML report: grade, comparison, charts, findings, vulnerabilities",
		Long: `report writes a single HTML file that needs no network: the summary and
grade of each image, the comparison table, charts drawn as inline SVG (size by
layer, largest directories, vulnerabilities by severity, packages), the audit
findings with their evidence, and the vulnerability list. It reads well in a
narrow window, prints, and works without JavaScript.`,
		Example: `  harden report node:18 --compare app:minified -o report.html`,
		Args:    exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			if out == "" {
				return usageError{fmt.Errorf("report needs -o FILE.html")}
			}
			c, err := g.compareImages(cmd.Context(), append(args, others...), f)
			if err != nil {
				return err
			}
			var page bytes.Buffer
			if err := c.WriteHTML(&page, compare.HTMLOptions{Title: title, Version: readBuildInfo().Version, AllFindings: f.all}); err != nil {
				return err
			}
			if err := writeReport(out, page.Bytes()); err != nil {
				return err
			}
			g.info("wrote %s", out)
			if g.format == "json" {
				return report.WriteJSON(g.stdout, reportJSON{Output: out, Comparison: c})
			}
			return nil
		},
	}
	addCompareFlags(cmd, f)
	cmd.Flags().StringArrayVar(&others, "compare", nil, "another image to set beside the first (repeatable)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the HTML file to write")
	cmd.Flags().StringVar(&title, "title", "", "page title (default: harden report: IMAGE)")
	cmd.Flags().BoolVar(&f.all, "all", false, "list informational findings too")
	return cmd
}

// compareImages measures each image in one pass and sets them side by side.
func (g *globals) compareImages(ctx context.Context, refs []string, f *compareFlags) (*compare.Comparison, error) {
	if len(f.names) > 0 && len(f.names) != len(refs) {
		return nil, usageError{fmt.Errorf("--names has %d names for %d images", len(f.names), len(refs))}
	}
	if len(f.dockerfiles) > len(refs) {
		return nil, usageError{fmt.Errorf("--dockerfile given %d times for %d images", len(f.dockerfiles), len(refs))}
	}
	pkgs, closeDB, err := g.packagesMeasurer(f)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	var profiles []*compare.Profile
	for i, ref := range refs {
		ms := []compare.Measurer{pkgs}
		if i < len(f.dockerfiles) && f.dockerfiles[i] != "" {
			ms = append(ms, compare.Dockerfile{Path: f.dockerfiles[i]})
		}
		img, x, err := g.indexImage(ctx, ref, &f.image, compare.Wants(ms...)...)
		if err != nil {
			return nil, err
		}
		name := columnName(ref)
		if len(f.names) > 0 {
			name = f.names[i]
		}
		p, err := compare.Measure(ctx, name, img.Ref.String(), img.Tags, x, ms...)
		img.Close()
		if err != nil {
			return nil, err
		}
		profiles = append(profiles, p)
	}
	c := compare.Compare(profiles...)
	redact.Value(c) // before any renderer cuts or escapes a string
	return c, nil
}

// writeReport writes a report file atomically, redacted like standard
// output: a report is never the place for a secret from an image.
func writeReport(name string, data []byte) error {
	return writeFileAtomic(name, redact.Bytes(data))
}

// packagesMeasurer inventories packages and, when a vulnerability database
// is there (and --no-scan is not set), scans them.
func (g *globals) packagesMeasurer(f *compareFlags) (compare.Packages, func(), error) {
	scalibrlog.SetLogger(scalibrLogger{g.log})
	if f.noScan {
		return compare.Packages{}, func() {}, nil
	}
	dir, err := g.dbDir(f.db, "")
	if err != nil {
		return compare.Packages{}, nil, err
	}
	db, err := vuln.Open(dir)
	if errors.Is(err, vuln.ErrNoDatabase) && f.db == "" {
		g.info("no vulnerability database in %s: the comparison has no vulnerability rows (harden db import or harden db update makes one)", dir)
		return compare.Packages{}, func() {}, nil
	}
	if err != nil {
		return compare.Packages{}, nil, err
	}
	return compare.Packages{DB: db}, func() { db.Close() }, nil
}

// columnName shortens a reference for a column head: an archive or layout
// path becomes its file name, a transport prefix is dropped.
func columnName(ref string) string {
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

// reportJSON is what `harden report --format json` prints besides the page.
type reportJSON struct {
	Output string `json:"output"`
	*compare.Comparison
}
