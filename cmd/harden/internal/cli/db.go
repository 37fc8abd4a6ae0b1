package cli

import (
	"cmp"
	"errors"
	"path/filepath"
	"time"

	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/vuln"
	"github.com/spf13/cobra"
)

func newDBCmd(g *globals) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the offline vulnerability database (OSV data) that scan uses",
	}
	cmd.PersistentFlags().StringVar(&dir, "db", "", "database directory (default $XDG_CACHE_HOME/harden/db)")
	cmd.AddCommand(newDBImportCmd(g, &dir), newDBUpdateCmd(g, &dir), newDBStatusCmd(g, &dir))
	return cmd
}

// dbDir picks the database directory: the flag, then .harden.yaml's
// scan.db, then the user cache directory.
func (g *globals) dbDir(flag, fromConfig string) (string, error) {
	if d := cmp.Or(flag, fromConfig); d != "" {
		return d, nil
	}
	return g.cacheDir("db", "--db")
}

// cacheDir is XDG_CACHE_HOME/harden/NAME (or ~/.cache/harden/NAME); flag
// is the flag that names another directory.
func (g *globals) cacheDir(name, flag string) (string, error) {
	if x := g.getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "harden", name), nil
	}
	if h := g.getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "harden", name), nil
	}
	return "", usageError{errors.New("no cache directory: set XDG_CACHE_HOME or HOME, or pass " + flag)}
}

// inDB is a db subcommand's run in the database directory d.
func (g *globals) inDB(dir *string, run func(cmd *cobra.Command, args []string, d string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := g.checkFormat("table", "json"); err != nil {
			return err
		}
		d, err := g.dbDir(*dir, "")
		if err != nil {
			return err
		}
		return run(cmd, args, d)
	}
}

func newDBImportCmd(g *globals, dir *string) *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Add OSV records from all.zip exports, folders, JSON files or Debian tracker JSON",
		Args:  minArgs(1, "import wants at least one PATH"),
		RunE: g.inDB(dir, func(cmd *cobra.Command, args []string, d string) error {
			opts := []vuln.Option{vuln.WithLogger(g.log)}
			if replace {
				opts = append(opts, vuln.WithReplace())
			}
			rep, err := vuln.Import(cmd.Context(), d, args, opts...)
			return g.writeImport(d, rep, err)
		}),
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "start from an empty database instead of adding to it")
	return cmd
}

func newDBUpdateCmd(g *globals, dir *string) *cobra.Command {
	var source string
	cmd := &cobra.Command{
		Use:   "update [ECOSYSTEM...|nvd|cve|kev|epss]",
		Short: "Download OSV exports, NVD, CVE records, CISA KEV or EPSS and update the database",
		RunE: g.inDB(dir, func(cmd *cobra.Command, args []string, d string) error {
			opts := []vuln.Option{vuln.WithLogger(g.log)}
			if key := g.getenv("NVD_API_KEY"); key != "" {
				opts = append(opts, vuln.WithNVDAPIKey(key))
			}
			src := ""
			if cmd.Flags().Changed("source") {
				src = source
			}
			rep, err := vuln.UpdateNamed(cmd.Context(), d, args, src, opts...)
			if err != nil {
				return err
			}
			return g.writeImport(d, rep, nil)
		}),
	}
	cmd.Flags().StringVar(&source, "source", vuln.DefaultSource, "URL base the ECOSYSTEM/all.zip files are downloaded from, or a feed's address (URL, file or folder)")
	return cmd
}

func newDBStatusCmd(g *globals, dir *string) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the database's ecosystems, record counts and age",
		Args:  exactArgs(0, "no arguments"),
		RunE: g.inDB(dir, func(cmd *cobra.Command, args []string, d string) error {
			db, err := vuln.Open(d)
			if err != nil {
				return err
			}
			defer db.Close()
			st := db.Status(time.Now())
			if g.format == "json" {
				return report.WriteJSON(g.stdout, st)
			}
			return vuln.WriteStatus(g.stdout, st)
		}),
	}
}

// writeImport prints an import's or update's problems and, when it
// worked, what it read.
func (g *globals) writeImport(dir string, rep *vuln.ImportReport, err error) error {
	for _, l := range rep.ProblemLines() {
		g.info("%s", l)
	}
	if err != nil {
		return err
	}
	if g.format == "json" {
		return report.WriteJSON(g.stdout, rep)
	}
	return vuln.WriteImport(g.stdout, dir, rep)
}
