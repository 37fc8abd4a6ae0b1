package lint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/rules"
	"github.com/harden-dev/harden/internal/atomicfile"
	"github.com/harden-dev/harden/policy"
)

// Request is one lint run over files, folders and standard input ("-").
type Request struct {
	Paths []string
	Stdin io.Reader
	// Policy is the lint section of the policy file (LoadPolicy).
	Policy policy.Lint
	// Ignore, Trusted and RequireDigest add to the policy's settings.
	Ignore, Trusted []string
	RequireDigest   bool
	// Fix writes the safe fixes in place (standard input's to Stdout) and
	// lints the fixed files again; Diff prints them as a unified diff.
	Fix, Diff bool
	Stdout    io.Writer
	// Info prints a progress or informational line; Warn a file that does
	// not parse.
	Info func(format string, args ...any)
	Warn func(error)
}

// Outcome is what Run found and did.
type Outcome struct {
	Results []*Result
	// Failed are the paths that could not be read.
	Failed []error
	// WouldChange counts the files Diff showed a change for.
	WouldChange int
}

// Parsed counts the results whose file parsed.
func (o *Outcome) Parsed() int {
	n := 0
	for _, r := range o.Results {
		if r.Err == nil {
			n++
		}
	}
	return n
}

// Run lints every path of the request, then applies or shows the fixes.
func Run(ctx context.Context, req Request) (*Outcome, error) {
	if req.Info == nil {
		req.Info = func(string, ...any) {}
	}
	out := &Outcome{}
	for _, arg := range req.Paths {
		if arg == "-" {
			src, err := io.ReadAll(io.LimitReader(req.Stdin, dockerfile.MaxSize+1))
			if err != nil {
				out.Failed = append(out.Failed, fmt.Errorf("reading standard input: %w", err))
				continue
			}
			c, err := req.config("-")
			if err != nil {
				return nil, err
			}
			out.Results = append(out.Results, Bytes("-", src, c))
			continue
		}
		paths, err := Discover(ctx, []string{arg})
		if err != nil {
			out.Failed = append(out.Failed, err)
		}
		if err == nil && len(paths) == 0 {
			req.Info("harden: no Dockerfile found in %s", arg)
		}
		for _, p := range paths {
			c, err := req.config(p)
			if err != nil {
				return nil, err
			}
			r, err := File(p, c)
			if err != nil {
				out.Failed = append(out.Failed, err)
				continue
			}
			out.Results = append(out.Results, r)
		}
	}
	for _, r := range out.Results {
		if r.Err != nil && req.Warn != nil {
			req.Warn(r.Err)
		}
	}
	if req.Fix || req.Diff {
		if err := req.ApplyFixes(out); err != nil {
			out.Failed = append(out.Failed, err)
		}
	}
	return out, nil
}

// Err is the run's error: paths that could not be read, or no file that
// parsed.
func (o *Outcome) Err() error {
	switch n := len(o.Failed); {
	case n > 0:
		return fmt.Errorf("%d %s could not be read", n, Plural(n, "path"))
	case o.Parsed() == 0 && len(o.Results) > 0:
		return errors.New("no Dockerfile could be parsed")
	}
	return nil
}

// Gate is the run's verdict ("" passes): with exitCode, a file Diff would
// change; else, unless Diff, findings at threshold or above.
func (o *Outcome) Gate(threshold dockerfile.Level, exitCode, diff bool) string {
	if n := o.WouldChange; exitCode && n > 0 {
		return fmt.Sprintf("%d %s would change with harden lint --fix", n, Plural(n, "file"))
	}
	if threshold != dockerfile.Off && !diff {
		if n := Count(o.Results, threshold); n > 0 {
			return fmt.Sprintf("%d %s at or above %s", n, Plural(n, "finding"), threshold)
		}
	}
	return ""
}

// ApplyFixes writes the fixed files (Fix) or prints their diff (Diff).
// Fixed files are linted again so the results show what is left.
func (req *Request) ApplyFixes(out *Outcome) error {
	for i, r := range out.Results {
		if r.Err != nil {
			continue
		}
		fixed, n := r.Fix()
		if n == 0 {
			if r.File == "-" && req.Fix {
				_, _ = req.Stdout.Write(r.Source())
			}
			continue
		}
		if req.Diff {
			if err := WriteDiff(req.Stdout, r.File, r.Source(), fixed); err != nil {
				return err
			}
			out.WouldChange++
			continue
		}
		if r.File == "-" {
			if _, err := req.Stdout.Write(fixed); err != nil {
				return err
			}
			c, err := req.config("-")
			if err != nil {
				return err
			}
			out.Results[i] = Bytes("-", fixed, c)
			continue
		}
		if err := atomicfile.Write(r.File, fixed); err != nil {
			return err
		}
		req.Info("harden: fixed %d %s in %s", n, Plural(n, "finding"), r.File)
		c, err := req.config(r.File)
		if err != nil {
			return err
		}
		again, err := File(r.File, c)
		if err != nil {
			return err
		}
		out.Results[i] = again
	}
	return nil
}

// Plural is s, with an s when n is not 1.
func Plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// LoadPolicy reads the lint section of the policy file name ("": ./.harden.yaml
// when it exists).
func LoadPolicy(name string) (policy.Lint, error) {
	optional := name == ""
	if optional {
		name = policy.FileName
	}
	c, err := policy.LoadFile(name, optional)
	if err != nil {
		return policy.Lint{}, err
	}
	if err := c.Lint.Validate(); err != nil {
		return policy.Lint{}, fmt.Errorf("%s: %w", name, err)
	}
	// Top-level ignores without paths or expiry apply to lint too.
	for _, ig := range c.Ignore {
		if len(ig.Paths) == 0 && ig.Expires == "" {
			c.Lint.Ignore = append(c.Lint.Ignore, ig.ID)
		}
	}
	return c.Lint, nil
}

// Threshold picks the failure threshold: the flag, the policy, then
// warning. "none" never fails.
func Threshold(flag, conf string) (dockerfile.Level, error) {
	s := flag
	if s == "" {
		s = conf
	}
	if s == "" {
		return dockerfile.Warning, nil
	}
	lv, err := dockerfile.ParseLevel(s)
	if err != nil {
		return 0, fmt.Errorf("--severity-threshold: %w", err)
	}
	return lv, nil
}

// config is the Config for one file: its policy section and the request's.
func (req *Request) config(file string) (Config, error) {
	l := req.Policy.For(file)
	c := Config{
		Ignore:              append(append([]string(nil), l.Ignore...), splitList(req.Ignore)...),
		DisableIgnorePragma: l.DisableIgnorePragma,
		Settings: rules.Config{
			TrustedRegistries: append(append([]string(nil), l.TrustedRegistries...), splitList(req.Trusted)...),
			RequireDigest:     l.RequireDigest || req.RequireDigest,
			LabelSchema:       l.LabelSchema,
			StrictLabels:      l.StrictLabels,
		},
	}
	if len(l.Severity) > 0 {
		c.Levels = map[string]dockerfile.Level{}
		for id, s := range l.Severity {
			lv, err := dockerfile.ParseLevel(s)
			if err != nil {
				return c, fmt.Errorf("lint.severity.%s: %w", id, err)
			}
			c.Levels[id] = lv
		}
	}
	return c, nil
}

func splitList(ss []string) []string {
	var out []string
	for _, s := range ss {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// ErrNoDockerfile is Run's answer to no path when the working directory
// has no Dockerfile.
var ErrNoDockerfile = errors.New("no Dockerfile given and none in the working directory (use - for standard input)")

// DefaultPaths is paths, or the working directory's Dockerfile.
func DefaultPaths(paths []string) ([]string, error) {
	if len(paths) > 0 {
		return paths, nil
	}
	if _, err := os.Stat("Dockerfile"); err != nil {
		return nil, ErrNoDockerfile
	}
	return []string{"Dockerfile"}, nil
}
