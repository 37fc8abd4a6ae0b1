package cli

import (
	"github.com/harden-dev/harden/demo"
	"runtime"

	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type demoFlags struct {
	workdir, vulndb, report string
	keep                    bool
	lines                   int
}

func newDemoCmd(g *globals) *cobra.Command {
	f := &demoFlags{}
	cmd := &cobra.Command{
		Use:     "demo",
		Short:   "The whole job end to end on the reference app: build, lint, audit, scan, minify, base, fix, compare",
		Args:    cobra.NoArgs,
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.workdir == "" {
				dir, err := g.cacheDir("demo", "--workdir")
				if err != nil {
					return err
				}
				f.workdir = dir
			}
			o := demo.Options{WorkDir: f.workdir, VulnDB: f.vulndb, Report: f.report, Keep: f.keep, Lines: f.lines,
				Version: readBuildInfo().Version, Out: g.stdout, Logger: g.log}
			if g.format == "json" {
				o.Out = g.stderr // the story goes to stderr, the result to stdout
			}
			o.DefaultDB, _ = g.dbDir("", "")
			// tracing after a failed verify needs a static harden; without one it is skipped
			o.Helper, _, _ = g.minifyHelper(runtime.GOARCH)
			res, err := demo.Run(cmd.Context(), o)
			if err != nil || g.format != "json" {
				return err
			}
			return report.WriteJSON(g.stdout, res)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.workdir, "workdir", "", "where the demo keeps its sources, images and database (default: the user cache dir/harden/demo)")
	fl.StringVar(&f.vulndb, "vulndb", "", "OSV data to import for the scan (a folder of records, all.zip files, or Debian tracker JSON); without it the demo uses the database `harden db` made, if any")
	fl.StringVarP(&f.report, "output", "o", "demo-report.html", "the HTML report to write")
	fl.BoolVar(&f.keep, "keep", false, "leave the demo images in the engine (harden-demo/app:minified, harden-demo/app:distroless, harden-demo/nodejs-base) to try them")
	fl.IntVar(&f.lines, "lines", 25, "lines of each command's output to show (0: all)")
	return cmd
}
