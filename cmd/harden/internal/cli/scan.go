package cli

import (
	"context"
	"github.com/harden-dev/harden/attach"
	"io"
	"strings"

	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
	"github.com/spf13/cobra"
)

type scanFlags struct {
	image                      imageFlags
	many                       manyFlags
	db, failOn, maxAge, config string
	onlyFixed, osOwned         bool
	vex                        []string
	// allowIncomplete lets --fail-on pass a scan with unmatched packages.
	allowIncomplete bool
}

func newScanCmd(g *globals) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "scan IMAGE|dir:PATH|sbom:FILE...",
		Short: "Find known vulnerabilities in an image's packages, offline, from OSV data",
		Args:  imageArgs("IMAGE, dir:PATH or sbom:FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.formatAlias("table, json, jsonl, sarif, cyclonedx or gitlab", "table", "json", "jsonl", "sarif", "cyclonedx",
				"cyclonedx-json=cyclonedx", "gitlab", "gitlab-container-scanning=gitlab"); err != nil {
				return err
			}
			cfg, err := policy.LoadFile(f.config, !cmd.Flags().Changed("config"))
			if err != nil {
				return usageError{err}
			}
			opts, gates, err := vuln.FromPolicy(cfg, vuln.Settings{FailOn: f.failOn, OnlyFixed: f.onlyFixed, OSOwned: f.osOwned, VEX: f.vex,
				MaxAge: f.maxAge, MaxAgeSet: cmd.Flags().Changed("max-db-age")})
			if err != nil {
				return usageError{err}
			}
			dir, err := g.dbDir(f.db, cfg.Scan.DB)
			if err != nil {
				return err
			}
			db, err := vuln.Open(dir)
			if err != nil {
				return err
			}
			defer db.Close()
			return runImages(cmd, g, &f.many, args, imageRun[*vuln.Scanned]{
				analyze: func(ctx context.Context, arg string) (*vuln.Scanned, error) {
					s, err := g.scanInput(ctx, arg, &f.image)
					if err != nil {
						return nil, err
					}
					sc, err := vuln.Scan(ctx, db, s, gates.EnforceAge, opts...)
					if sc == nil {
						return nil, err
					}
					res := sc.Result
					g.info("vulnerability data from %s: %s", res.DB.Path, vuln.SourceAges(res.DB.Sources))
					if err != nil {
						return nil, usageError{err}
					}
					if res.DB.Stale {
						g.log.Warn("the vulnerability data is older than 7 days; run `harden db update`", "sources", strings.Join(res.DB.StaleSources, ","))
					}
					for _, p := range res.Problems {
						g.log.Debug("not matched", "package", p.Package, "record", p.Record, "err", p.Error)
					}
					return sc, nil
				},
				render:  func(w io.Writer, format string, r *vuln.Scanned) error { return r.Write(w, format, version) },
				verdict: func(r *vuln.Scanned) string { return r.Result.Gate(gates.FailOn, gates.KEV, f.allowIncomplete) },
			})
		},
	}
	addImageFlags(cmd, &f.image)
	addManyFlags(cmd, &f.many, &f.image, attach.Scan)
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "database directory (default $XDG_CACHE_HOME/harden/db)")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding is at least this severe (low, medium, high, critical), or known exploited (kev)")
	fl.BoolVar(&f.onlyFixed, "only-fixed", false, "report only vulnerabilities that have a fixed version")
	fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
	fl.StringVar(&f.maxAge, "max-db-age", "", "fail (exit 2) when a data source the scan uses is older than this, e.g. 5d or 36h (default: warn after 7d; or scan.maxDBAge)")
	fl.StringVar(&f.config, "config", policy.FileName, "policy file (ignore entries, scan settings)")
	fl.BoolVar(&f.osOwned, "include-os-owned", false, "also match language packages an OS package installed (by default its distribution's advisories cover them)")
	fl.BoolVar(&f.allowIncomplete, "allow-incomplete", false, "let --fail-on pass when some packages could not be matched (otherwise an incomplete scan exits 1)")
	return cmd
}

// scanInput inventories the image or directory, or reads an SBOM file.
func (g *globals) scanInput(ctx context.Context, arg string, f *imageFlags) (*sbom.SBOM, error) {
	if p, ok := strings.CutPrefix(arg, "sbom:"); ok {
		return sbom.ReadFile(p)
	}
	return g.makeSBOM(ctx, arg, f, sbom.WithoutLicenses())
}
