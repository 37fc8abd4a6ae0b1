package sbom

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	scalibrlog "github.com/google/osv-scalibr/log"
	"github.com/harden-dev/harden/fsindex"
)

// Opened is an image opened and indexed for Inventory: its index, the name
// and config digest ("" when unknown) the SBOM gives as its source, and how
// to close it. sbom itself never opens an image.
type Opened struct {
	Index  *fsindex.Index
	Name   string
	Digest string
	Close  func() error
}

// Inventory inventories an image, a directory (dir:PATH) or a manifest or
// lock file. open opens and indexes an image with the wants given; opts
// are the Generate options (the source is set here).
func Inventory(ctx context.Context, arg string, open func(ctx context.Context, ref string, wants ...fsindex.Want) (Opened, error), opts ...Option) (*SBOM, error) {
	if IsManifest(arg) {
		return FromPath(ctx, arg, opts...)
	}
	img, err := open(ctx, arg, Wants(opts...)...)
	if err != nil {
		return nil, err
	}
	if img.Close != nil {
		defer img.Close()
	}
	src := Source{Name: img.Name, Kind: "image", Digest: img.Digest}
	if strings.HasPrefix(arg, "dir:") {
		src = Source{Name: strings.TrimPrefix(arg, "dir:"), Kind: "directory"}
	}
	return Generate(ctx, img.Index, append(opts, WithSource(src))...)
}

// ReadFile reads an SBOM file harden or another tool wrote.
func ReadFile(path string) (*SBOM, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	s, err := Decode(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Source.Name == "" {
		s.Source.Name = path
	}
	return s, nil
}

// lockFiles are file names read as a manifest rather than as an image
// archive.
var lockFiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "package.json": true, "go.mod": true,
	"status": true, "installed": true, "METADATA": true, "PKG-INFO": true,
}

// IsManifest tells a lock file or manifest from an image archive.
func IsManifest(arg string) bool {
	st, err := os.Stat(arg)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	base := filepath.Base(arg)
	ext := strings.ToLower(filepath.Ext(base))
	return lockFiles[base] || ext == ".json" || ext == ".jar" || ext == ".war" || ext == ".ear"
}

// UseLogger sends osv-scalibr's log lines (skipped files, missing fields)
// to l at debug level: they are not the user's business unless asked for.
// scalibr's logger is global, so this is too.
func UseLogger(l *slog.Logger) { scalibrlog.SetLogger(scalibrLogger{l}) }

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
