// Package elfinfo reads what harden needs from an ELF file: the program
// interpreter and shared-library dependencies (for minify's closure), the
// hardening flags checksec reports (for audit), and whether it is a Go or a
// static binary. It is a leaf package: analyzers use it from fsindex wants.
package elfinfo

import (
	"bytes"
	"debug/elf"
	"fmt"
	"strings"
)

// Magic is the first four bytes of every ELF file.
var Magic = []byte{0x7f, 'E', 'L', 'F'}

// IsELF reports whether head starts with the ELF magic.
func IsELF(head []byte) bool { return bytes.HasPrefix(head, Magic) }

// Info summarises one ELF file.
type Info struct {
	// Class is 32 or 64; Machine the CPU (e.g. "EM_X86_64"); Type "exec",
	// "dyn" (PIE executables and shared libraries) or "rel".
	Class   int    `json:"class"`
	Machine string `json:"machine"`
	Type    string `json:"type"`
	// Interp is PT_INTERP, the dynamic loader an executable needs.
	Interp string `json:"interp,omitempty"`
	// Needed lists DT_NEEDED; RPath and RunPath the search paths, split on ':'.
	Needed  []string `json:"needed,omitempty"`
	RPath   []string `json:"rpath,omitempty"`
	RunPath []string `json:"runpath,omitempty"`
	SOName  string   `json:"soname,omitempty"`
	// Static is true when the file needs no loader and no libraries.
	Static bool `json:"static"`
	// Go is true for binaries the Go toolchain built.
	Go bool `json:"go"`
	// Hardening holds the protections checksec reports.
	Hardening Hardening `json:"hardening"`
}

// Hardening is checksec's view of a binary.
type Hardening struct {
	// PIE is true for position-independent executables.
	PIE bool `json:"pie"`
	// RELRO is "none", "partial" or "full".
	RELRO string `json:"relro"`
	// Canary is true when the stack protector is used.
	Canary bool `json:"canary"`
	// NX is true when the stack is not executable.
	NX bool `json:"nx"`
	// Fortify is true when _FORTIFY_SOURCE checked functions are used.
	Fortify bool `json:"fortify"`
}

// IsExecutable reports whether the file is meant to be run rather than
// loaded (an ET_EXEC, or an ET_DYN with an interpreter).
func (i *Info) IsExecutable() bool { return i.Type == "exec" || (i.Type == "dyn" && i.Interp != "") }

// IsSharedLibrary reports whether the file is a shared object: an ET_DYN
// with a soname or without an interpreter (glibc's libc.so.6 has both).
func (i *Info) IsSharedLibrary() bool { return i.Type == "dyn" && (i.Interp == "" || i.SOName != "") }

// Parse reads an ELF file from memory. Malformed files give an error,
// never a panic.
func Parse(data []byte) (info *Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			info, err = nil, fmt.Errorf("malformed ELF: %v", r)
		}
	}()
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("malformed ELF: %w", err)
	}
	defer f.Close()
	info = &Info{Machine: f.Machine.String(), Hardening: Hardening{RELRO: "none"}}
	switch f.Class {
	case elf.ELFCLASS32:
		info.Class = 32
	case elf.ELFCLASS64:
		info.Class = 64
	}
	switch f.Type {
	case elf.ET_EXEC:
		info.Type = "exec"
	case elf.ET_DYN:
		info.Type = "dyn"
	case elf.ET_REL:
		info.Type = "rel"
	default:
		info.Type = strings.ToLower(strings.TrimPrefix(f.Type.String(), "ET_"))
	}

	hasStackSeg := false
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				info.Interp = strings.TrimRight(string(b), "\x00")
			}
		case elf.PT_GNU_STACK:
			hasStackSeg = true
			info.Hardening.NX = p.Flags&elf.PF_X == 0
		case elf.PT_GNU_RELRO:
			info.Hardening.RELRO = "partial"
		}
	}
	if !hasStackSeg {
		info.Hardening.NX = false
	}

	// Dynamic section: libraries, search paths and the bind-now flags.
	if needed, err := f.DynString(elf.DT_NEEDED); err == nil {
		info.Needed = needed
	}
	if v, err := f.DynString(elf.DT_RPATH); err == nil {
		info.RPath = splitPaths(v)
	}
	if v, err := f.DynString(elf.DT_RUNPATH); err == nil {
		info.RunPath = splitPaths(v)
	}
	if v, err := f.DynString(elf.DT_SONAME); err == nil && len(v) > 0 {
		info.SOName = v[0]
	}
	bindNow := false
	if v, err := f.DynValue(elf.DT_BIND_NOW); err == nil && len(v) > 0 {
		bindNow = true
	}
	if v, err := f.DynValue(elf.DT_FLAGS); err == nil {
		for _, x := range v {
			if elf.DynFlag(x)&elf.DF_BIND_NOW != 0 {
				bindNow = true
			}
		}
	}
	pieFlag := false
	if v, err := f.DynValue(elf.DT_FLAGS_1); err == nil {
		for _, x := range v {
			if elf.DynFlag1(x)&elf.DF_1_NOW != 0 {
				bindNow = true
			}
			if elf.DynFlag1(x)&elf.DF_1_PIE != 0 {
				pieFlag = true
			}
		}
	}
	if bindNow && info.Hardening.RELRO == "partial" {
		info.Hardening.RELRO = "full"
	}
	info.Hardening.PIE = f.Type == elf.ET_DYN && (info.Interp != "" || pieFlag)

	info.Go = f.Section(".go.buildinfo") != nil || f.Section(".note.go.buildid") != nil
	info.Static = info.Interp == "" && len(info.Needed) == 0 && f.Section(".dynamic") == nil

	// Canary and FORTIFY from the symbols the binary imports (or, for a
	// static binary, defines).
	syms, _ := f.DynamicSymbols()
	if len(syms) == 0 {
		syms, _ = f.Symbols()
	}
	for _, s := range syms {
		switch {
		case s.Name == "__stack_chk_fail" || s.Name == "__stack_chk_guard" || s.Name == "__intel_security_cookie":
			info.Hardening.Canary = true
		case strings.HasPrefix(s.Name, "__") && strings.HasSuffix(s.Name, "_chk") && s.Name != "__stack_chk_fail":
			info.Hardening.Fortify = true
		}
	}
	return info, nil
}

func splitPaths(v []string) []string {
	var out []string
	for _, s := range v {
		for _, p := range strings.Split(s, ":") {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
