package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// ELFSummary is what the hardening check makes of an ELF file.
type ELFSummary struct {
	Executable bool              `json:"executable"`
	Library    bool              `json:"library"`
	Static     bool              `json:"static"`
	Go         bool              `json:"go"`
	Hardening  elfinfo.Hardening `json:"hardening"`
}

// missing lists the protections the file lacks. PIE only matters for
// executables; a stack canary is not expected of Go code, which checks
// its stacks itself; FORTIFY is not counted (a file may call nothing it
// could fortify).
func (s ELFSummary) missing() []string {
	var out []string
	h := s.Hardening
	if s.Executable && !h.PIE {
		out = append(out, "PIE")
	}
	switch h.RELRO {
	case "full":
	case "partial":
		out = append(out, "full RELRO")
	default:
		out = append(out, "RELRO")
	}
	if !h.NX {
		out = append(out, "NX")
	}
	if !h.Canary && !s.Go {
		out = append(out, "stack canary")
	}
	return out
}

// elfHardening reports, per ELF executable and library, the protections
// checksec would show missing (PIE, full RELRO, NX, stack canary). They
// are informational; WithRequireELFHardening raises those of the image's
// own layers (and of layers whose origin is unknown) to high.
type elfHardening struct{}

func (elfHardening) ID() string { return "elf-hardening" }

func (c elfHardening) Rule() Rule {
	return Rule{ID: c.ID(), Title: "ELF file without full hardening", Severity: report.Info, Weight: 0, Cap: 10,
		Fix: "Build with -fPIE -pie -Wl,-z,relro,-z,now -fstack-protector-strong -D_FORTIFY_SOURCE=2 (Go: -buildmode=pie)"}
}

// Wants reads ELF summaries.
func (elfHardening) Wants() []fsindex.Want { return []fsindex.Want{facts.ELF.Want()} }

// elfSummaryOf makes the check's view of an ELF file.
func elfSummaryOf(info *elfinfo.Info) ELFSummary {
	return ELFSummary{Executable: info.IsExecutable() && !info.IsSharedLibrary() || info.Type == "exec",
		Library: info.IsSharedLibrary(), Static: info.Static, Go: info.Go, Hardening: info.Hardening}
}

func (c elfHardening) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, p := range fsindex.Paths(in.Index, facts.ELF) {
		info, ok := fsindex.Get(in.Index, facts.ELF, p)
		if !ok || info == nil {
			continue
		}
		s := elfSummaryOf(info)
		if !s.Executable && !s.Library {
			continue
		}
		miss := s.missing()
		if len(miss) == 0 {
			continue
		}
		kind := "library"
		if s.Executable {
			kind = "executable"
		}
		f := c.Rule().finding(fmt.Sprintf("%s %s lacks %s", kind, p, strings.Join(miss, ", ")), in.pathEvidence(p))
		f.Evidence[0].Value = hardeningString(s)
		if in.opts.requireELF {
			if e, ok := in.Index.Lookup(p); ok && in.Index.Layers[e.Layer].Origin != fsindex.OriginBase {
				f.Severity = report.High
				f.Message += " (own layer: hardening is required)"
			}
		}
		out = append(out, f)
	}
	if len(in.Index.Skipped) > 0 {
		for _, sk := range in.Index.Skipped {
			if sk.Want == facts.ELF.Name() {
				return out, fmt.Errorf("%s not read: %s", sk.Path, sk.Reason)
			}
		}
	}
	return out, nil
}

// hardeningString formats the flags as checksec does, briefly.
func hardeningString(s ELFSummary) string {
	h := s.Hardening
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprintf("pie=%s relro=%s nx=%s canary=%s fortify=%s go=%s static=%s",
		yn(h.PIE), h.RELRO, yn(h.NX), yn(h.Canary), yn(h.Fortify), yn(s.Go), yn(s.Static))
}
