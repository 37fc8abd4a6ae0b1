package base

import (
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed presets.yaml
var builtinPresets []byte

// maxPresetsFile bounds a user presets file.
const maxPresetsFile = 1 << 20

// Preset is a named package set with the image configuration that suits it.
type Preset struct {
	Name        string            `yaml:"-"`
	Description string            `yaml:"description"`
	Extends     string            `yaml:"extends"`
	Packages    []string          `yaml:"packages"`
	Exclude     []string          `yaml:"exclude"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Cmd         []string          `yaml:"cmd"`
	Env         map[string]string `yaml:"env"`
	Symlinks    map[string]string `yaml:"symlinks"`
	WorkingDir  string            `yaml:"workdir"`
}

// Presets is a set of presets and the exclusions common to all.
type Presets struct {
	Exclude []string           `yaml:"exclude"`
	Presets map[string]*Preset `yaml:"presets"`
}

// BuiltinPresets returns the presets harden ships (static, base, cc,
// nodejs, python3, java).
func BuiltinPresets() (*Presets, error) {
	return ParsePresets(strings.NewReader(string(builtinPresets)))
}

// ParsePresets reads a presets file; unknown fields are errors.
func ParsePresets(r io.Reader) (*Presets, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPresetsFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading presets: %w", err)
	}
	if len(data) > maxPresetsFile {
		return nil, fmt.Errorf("presets file is larger than %d bytes", maxPresetsFile)
	}
	var ps Presets
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&ps); err != nil && err != io.EOF {
		return nil, fmt.Errorf("parsing presets: %w", err)
	}
	for name, p := range ps.Presets {
		if p == nil {
			return nil, fmt.Errorf("preset %q is empty", name)
		}
		p.Name = name
	}
	if ps.Presets == nil {
		ps.Presets = map[string]*Preset{}
	}
	return &ps, nil
}

// Merge adds other's presets, replacing those of the same name, and its
// common exclusions.
func (ps *Presets) Merge(other *Presets) {
	ps.Exclude = append(ps.Exclude, other.Exclude...)
	for name, p := range other.Presets {
		ps.Presets[name] = p
	}
}

// Names returns the preset names, sorted.
func (ps *Presets) Names() []string {
	var out []string
	for n := range ps.Presets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Spec returns what preset name builds for arch: its packages and
// exclusions with those of the presets it extends, the common exclusions,
// and its image configuration (the nearest preset that sets a field wins).
func (ps *Presets) Spec(name, arch string) (Spec, error) {
	var chain []*Preset
	seen := map[string]bool{}
	for n := name; n != ""; {
		p, ok := ps.Presets[n]
		if !ok {
			if n == name {
				return Spec{}, fmt.Errorf("unknown preset %q (have %s)", name, strings.Join(ps.Names(), ", "))
			}
			return Spec{}, fmt.Errorf("preset %q extends unknown preset %q", name, n)
		}
		if seen[n] {
			return Spec{}, fmt.Errorf("preset %q: extends loop at %q", name, n)
		}
		seen[n] = true
		chain = append(chain, p)
		n = p.Extends
	}
	exp := expander(arch)
	spec := Spec{Preset: name, Env: map[string]string{}, Symlinks: map[string]string{}}
	spec.Exclude = append(spec.Exclude, ps.Exclude...)
	// Walk from the root preset down so nearer presets override.
	for i := len(chain) - 1; i >= 0; i-- {
		p := chain[i]
		spec.Packages = append(spec.Packages, p.Packages...)
		spec.Exclude = append(spec.Exclude, p.Exclude...)
		if p.Entrypoint != nil {
			spec.Entrypoint = expandAll(exp, p.Entrypoint)
		}
		if p.Cmd != nil {
			spec.Cmd = expandAll(exp, p.Cmd)
		}
		if p.WorkingDir != "" {
			spec.WorkingDir = exp.Replace(p.WorkingDir)
		}
		for k, v := range p.Env {
			spec.Env[k] = exp.Replace(v)
		}
		for k, v := range p.Symlinks {
			spec.Symlinks[exp.Replace(k)] = exp.Replace(v)
		}
	}
	spec.Packages = dedupe(spec.Packages)
	spec.Exclude = dedupe(spec.Exclude)
	return spec, nil
}

// expander replaces {arch} and {triplet}.
func expander(arch string) *strings.Replacer {
	return strings.NewReplacer("{arch}", arch, "{triplet}", Triplet(arch))
}

// Triplet returns the multiarch triplet of a Debian architecture.
func Triplet(arch string) string {
	switch arch {
	case "amd64":
		return "x86_64-linux-gnu"
	case "arm64":
		return "aarch64-linux-gnu"
	}
	return arch + "-linux-gnu"
}

func expandAll(r *strings.Replacer, in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = r.Replace(s)
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
