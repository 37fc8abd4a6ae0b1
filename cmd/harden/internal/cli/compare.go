package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/sbom"

	"github.com/harden-dev/harden/compare"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/vuln"
	"github.com/spf13/cobra"
)

// compareFlags are shared by compare and report.
type compareFlags struct {
	many               manyFlags // --images-from, --all-tags
	image              imageFlags
	names, dockerfiles []string
	all, noScan        bool
	db                 string
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
		Use:     "compare IMAGE IMAGE [IMAGE...]",
		Short:   "Set images side by side: size, packages, shells, tools, root, secrets, CVEs, score",
		PreRunE: g.formats("table", "json", "markdown", "html"),
		RunE: func(cmd *cobra.Command, args []string) error {
			refs, err := g.expandRefs(cmd.Context(), &f.many, args)
			if err != nil {
				return err
			}
			if len(refs) < 2 {
				return usageError{fmt.Errorf("compare wants two images or more, got %d", len(refs))}
			}
			c, err := g.compareImages(cmd.Context(), refs, f)
			if err != nil {
				return err
			}
			return c.Write(g.stdout, g.format, compare.HTMLOptions{Version: readBuildInfo().Version})
		},
	}
	addCompareFlags(cmd, f)
	f.many.image = &f.image
	cmd.Flags().StringVar(&f.many.imagesFrom, "images-from", "", "also compare the images listed in FILE, one a line (- for standard input)")
	cmd.Flags().BoolVar(&f.many.allTags, "all-tags", false, "registry:HOST[/REPO] means every tag of every repository (default: each repository's latest)")
	return cmd
}

func newReportCmd(g *globals) *cobra.Command {
	f := &compareFlags{}
	var others []string
	var out, title string
	cmd := &cobra.Command{
		Use:     "report IMAGE [--compare IMAGE...] -o report.html",
		Short:   "Write one self-contained HTML report: grade, comparison, charts, findings, vulnerabilities",
		Args:    exactArgs(1, "IMAGE"),
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("report needs -o FILE.html")}
			}
			c, err := g.compareImages(cmd.Context(), append(args, others...), f)
			if err != nil {
				return err
			}
			if _, err := c.WriteHTMLFile(out, compare.HTMLOptions{Title: title, Version: readBuildInfo().Version, AllFindings: f.all}); err != nil {
				return err
			}
			g.info("wrote %s", out)
			if g.format == "json" {
				return report.WriteJSON(g.stdout, compare.Written{Output: out, Comparison: c})
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

// compareImages measures each image in one pass and sets them side by
// side, with vulnerability rows unless --no-scan or there is no database
// (when --db was not given).
func (g *globals) compareImages(ctx context.Context, refs []string, f *compareFlags) (*compare.Comparison, error) {
	open := func(ctx context.Context, ref string, wants ...fsindex.Want) (*image.Image, *fsindex.Index, error) {
		return g.indexImage(ctx, ref, &f.image, wants...)
	}
	o := compare.Options{Open: open, Names: f.names, Dockerfiles: f.dockerfiles}
	if err := o.Check(len(refs)); err != nil {
		return nil, usageError{err}
	}
	sbom.UseLogger(g.log)
	if !f.noScan {
		dir, err := g.dbDir(f.db, "")
		if err != nil {
			return nil, err
		}
		switch db, err := vuln.Open(dir); {
		case errors.Is(err, vuln.ErrNoDatabase) && f.db == "":
			g.info("no vulnerability database in %s: the comparison has no vulnerability rows (harden db import or harden db update makes one)", dir)
		case err != nil:
			return nil, err
		default:
			defer db.Close()
			o.DB = db
		}
	}
	return compare.Images(ctx, refs, o)
}
