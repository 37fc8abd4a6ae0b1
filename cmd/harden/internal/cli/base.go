package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/harden-dev/harden/base"
	"github.com/spf13/cobra"
)

// baseOptions are the flags of `harden base`: most go straight into the
// request.
type baseOptions struct {
	req         base.Request
	presetsFile string
	listPresets bool
}

func newBaseCmd(g *globals) *cobra.Command {
	o := &baseOptions{}
	cmd := &cobra.Command{
		Use:     "base [PRESET]",
		Short:   "Build a distroless base image from Debian packages, without Docker",
		Args:    cobra.MaximumNArgs(1),
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := o.req
			if len(args) == 1 {
				if req.Preset != "" && req.Preset != args[0] {
					return usageError{fmt.Errorf("give the preset once: %q or --preset %q", args[0], req.Preset)}
				}
				req.Preset = args[0]
			}
			presets, err := base.LoadPresets(o.presetsFile)
			if err != nil {
				return usageError{err}
			}
			if o.listPresets {
				rows, err := presets.List()
				if err != nil {
					return usageError{err}
				}
				return base.WritePresets(g.stdout, g.format, rows)
			}
			req.Presets, req.Logger = presets, g.log
			if req.Epoch, err = g.sourceDate(); err != nil {
				return err
			}
			r, err := base.Run(cmd.Context(), req)
			if err != nil {
				return err
			}
			for _, c := range r.Cut {
				g.info("harden: warning: dependency cut: %s", c)
			}
			if r.WroteLock {
				g.info("wrote lock %s (%d packages)", req.Lock, len(r.Lock.Packages))
			}
			if err := r.Write(g.stdout, g.format); err != nil {
				return err
			}
			for _, l := range r.Lines(req) {
				g.info("%s", l)
			}
			return nil
		},
	}
	f, r := cmd.Flags(), &o.req
	f.StringVar(&r.Preset, "preset", "", "preset to build: static, base, cc, nodejs, python3, java, or one from --presets")
	f.StringVar(&o.presetsFile, "presets", "", "YAML file with more presets (same shape as the built-in presets.yaml)")
	f.BoolVar(&o.listPresets, "list-presets", false, "list the presets and exit")
	f.StringArrayVarP(&r.Packages, "package", "p", nil, "Debian package to add (NAME, NAME=VERSION); repeatable")
	f.StringArrayVar(&r.Exclude, "exclude", nil, "package to leave out (a dependency it meets is cut, with a warning); repeatable")
	f.StringArrayVar(&r.Repo.Mirrors, "mirror", nil, "repository URL instead of the machine's apt sources; repeatable")
	f.StringArrayVar(&r.Repo.Suites, "suite", nil, "suite for --mirror (e.g. bookworm); repeatable, paired with --mirror in order")
	f.StringArrayVar(&r.Repo.Components, "component", nil, "component for --mirror (default main); repeatable")
	f.StringVar(&r.Repo.Keyring, "keyring", "", "OpenPGP keyring to verify InRelease with, instead of each source's Signed-By")
	f.StringVar(&r.Repo.Debs, "debs", "", "folder of .deb files to build from (offline; with --mirror, both are used)")
	f.StringVar(&r.Arch, "arch", "amd64", "architecture: amd64 or arm64")
	f.StringVar(&r.Repo.Cache, "cache", "", "download cache (default: the user cache dir/harden/debs)")
	f.StringVar(&r.Lock, "lock", "", "lock file: read it if it exists (same packages, same image), else write it")
	f.BoolVar(&r.UpdateLock, "update-lock", false, "resolve again and rewrite --lock")
	f.BoolVar(&r.ResolveOnly, "resolve-only", false, "print the resolved packages (and write --lock) without building")
	f.StringArrayVarP(&r.Outputs, "output", "o", nil, "where to write the image: docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH, registry:REF; repeatable")
	f.StringArrayVar(&r.Entrypoint, "entrypoint", nil, "image entrypoint, one argument per flag (replaces the preset's)")
	f.StringArrayVar(&r.Add, "add", nil, "HOSTFILE:/PATH to put into the image in a layer of its own, owned by root (an app on the base); repeatable")
	f.StringArrayVar(&r.Labels, "label", nil, "KEY=VALUE image label; repeatable")
	f.BoolVar(&r.KeepDocs, "keep-docs", false, "keep /usr/share/doc, man and info pages (default: copyright files only)")
	f.BoolVar(&r.Insecure, "insecure", false, "allow plain-HTTP registries for registry: outputs")
	return cmd
}

// sourceDate is SOURCE_DATE_EPOCH as a time (nil when unset).
func (g *globals) sourceDate() (*time.Time, error) {
	s := g.getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return nil, nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, usageError{fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)}
	}
	t := time.Unix(sec, 0)
	return &t, nil
}
