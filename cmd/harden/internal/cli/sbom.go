package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	scalibrlog "github.com/google/osv-scalibr/log"
	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/sbom"
	"github.com/spf13/cobra"
)

type sbomFlags struct {
	image  imageFlags
	attach bool
}

func newSbomCmd(g *globals) *cobra.Command {
	f := &sbomFlags{}
	cmd := &cobra.Command{
		Use:   "sbom IMAGE|dir:PATH|FILE",
		Short: "List the packages inside an image, a directory or a lock file (SBOM)",
		Long: `sbom lists every package it finds: Debian (dpkg, distroless status.d), Alpine
(apk) and RPM packages, npm packages (package-lock.json and installed
node_modules), Python packages (dist-info, egg-info), Go modules (build info in
binaries, go.mod) and Java archives (nested jars too), and the OS from
/etc/os-release. Each package has its version, type, package URL, declared
licenses and the files that prove it, with the layer that wrote them.

The image is read once; osv-scalibr's extractors run on the files the walk
kept. Formats: table, json, cyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3
JSON); cyclonedx-json and spdx-json are accepted as Syft spells them.`,
		Example: `  harden sbom node:18
  harden sbom docker-archive:app.tar --format cyclonedx > app.cdx.json
  harden sbom dir:./rootfs --format spdx-json
  harden sbom package-lock.json`,
		Args: exactArgs(1, "IMAGE, dir:PATH or FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := sbomFormat(g.format)
			if err != nil {
				return err
			}
			s, err := g.makeSBOM(cmd.Context(), args[0], &f.image)
			if err != nil {
				return err
			}
			redact.Value(s) // labels and properties, before the encoders copy them
			if err := writeSBOM(g.stdout, format, s); err != nil || !f.attach {
				return err
			}
			return g.attachResult(cmd.Context(), &f.image, s.Source.Name, s.Source.Digest, attach.SBOM, func(w io.Writer, format string) error {
				return writeSBOM(w, format, s)
			})
		},
	}
	addImageFlags(cmd, &f.image)
	addAttachFlag(cmd, &f.attach)
	return cmd
}

func writeSBOM(w io.Writer, format string, s *sbom.SBOM) error {
	switch format {
	case "json":
		return sbom.EncodeJSON(w, s)
	case "cyclonedx":
		return sbom.EncodeCycloneDX(w, s)
	case "spdx":
		return sbom.EncodeSPDX(w, s)
	}
	return sbom.EncodeTable(w, s)
}

// sbomFormat accepts sbom's formats and Syft's names for them.
func sbomFormat(format string) (string, error) {
	switch format {
	case "table", "json":
		return format, nil
	case "cyclonedx", "cyclonedx-json":
		return "cyclonedx", nil
	case "spdx", "spdx-json":
		return "spdx", nil
	}
	return "", usageError{fmt.Errorf("unknown --format %q for this command (want table, json, cyclonedx, cyclonedx-json, spdx or spdx-json)", format)}
}

// lockFiles are file names `harden sbom FILE` reads as a manifest rather
// than as an image archive.
var lockFiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "package.json": true, "go.mod": true,
	"status": true, "installed": true, "METADATA": true, "PKG-INFO": true,
}

// isManifest tells a lock file or manifest from an image archive.
func isManifest(arg string) bool {
	st, err := os.Stat(arg)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	base := filepath.Base(arg)
	ext := strings.ToLower(filepath.Ext(base))
	return lockFiles[base] || ext == ".json" || ext == ".jar" || ext == ".war" || ext == ".ear"
}

// makeSBOM inventories an image, a directory or a manifest file.
func (g *globals) makeSBOM(ctx context.Context, arg string, f *imageFlags, opts ...sbom.Option) (*sbom.SBOM, error) {
	scalibrlog.SetLogger(scalibrLogger{g.log})
	opts = append(opts, sbom.WithLogger(g.log))
	if isManifest(arg) {
		return sbom.FromPath(ctx, arg, opts...)
	}
	img, x, err := g.indexImage(ctx, arg, f, sbom.Wants(opts...)...)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	src := sbom.Source{Name: img.Ref.String(), Kind: "image"}
	if strings.HasPrefix(arg, "dir:") {
		src = sbom.Source{Name: strings.TrimPrefix(arg, "dir:"), Kind: "directory"}
	} else if d, err := img.ConfigName(); err == nil {
		src.Digest = d.String()
	}
	s, err := sbom.Generate(ctx, x, append(opts, sbom.WithSource(src))...)
	if err != nil {
		return nil, err
	}
	for _, p := range s.Problems {
		g.log.Warn("a file could not be read", "path", p.Path, "extractor", p.Extractor, "err", p.Error)
	}
	return s, nil
}

// scalibrLogger sends osv-scalibr's log lines (skipped files, missing
// fields) to harden's logger at debug level: they are not the user's
// business unless --debug.
type scalibrLogger struct{ l *slog.Logger }

func (s scalibrLogger) Errorf(format string, args ...any) {
	s.l.Debug("scalibr: " + fmt.Sprintf(format, args...))
}
func (s scalibrLogger) Error(args ...any) { s.l.Debug("scalibr: " + fmt.Sprint(args...)) }
func (s scalibrLogger) Warnf(format string, args ...any) {
	s.l.Debug("scalibr: " + fmt.Sprintf(format, args...))
}
func (s scalibrLogger) Warn(args ...any) { s.l.Debug("scalibr: " + fmt.Sprint(args...)) }
func (s scalibrLogger) Infof(format string, args ...any) {
	s.l.Debug("scalibr: " + fmt.Sprintf(format, args...))
}
func (s scalibrLogger) Info(args ...any) { s.l.Debug("scalibr: " + fmt.Sprint(args...)) }
func (s scalibrLogger) Debugf(format string, args ...any) {
	s.l.Debug("scalibr: " + fmt.Sprintf(format, args...))
}
func (s scalibrLogger) Debug(args ...any) { s.l.Debug("scalibr: " + fmt.Sprint(args...)) }
