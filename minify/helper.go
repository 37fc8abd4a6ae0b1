package minify

import (
	"fmt"
	"io"
	"os"

	"github.com/harden-dev/harden/elfinfo"
)

// maxHelperSize bounds the helper binary read by CheckHelper.
const maxHelperSize = 512 << 20

// machines maps OCI architectures to ELF machines.
var machines = map[string]string{
	"amd64": "EM_X86_64", "arm64": "EM_AARCH64", "386": "EM_386", "arm": "EM_ARM",
	"ppc64le": "EM_PPC64", "s390x": "EM_S390", "riscv64": "EM_RISCV",
}

// CheckHelper makes sure the binary at p (harden itself, for the
// healthcheck probe and for --trace) can run inside an image of the given
// architecture without anything from it: a static ELF for that machine.
// It returns the binary's size.
func CheckHelper(p, arch string) (int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxHelperSize+1))
	if err != nil {
		return 0, err
	}
	if len(data) > maxHelperSize {
		return 0, fmt.Errorf("%s is larger than %d bytes", p, maxHelperSize)
	}
	info, err := elfinfo.Parse(data)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p, err)
	}
	if !info.Static {
		return 0, fmt.Errorf("%s is dynamically linked (interpreter %s); build harden with CGO_ENABLED=0 or point HARDEN_PROBE_BINARY at a static build", p, info.Interp)
	}
	if want, ok := machines[arch]; ok && info.Machine != want {
		return 0, fmt.Errorf("%s is built for %s, the image is %s", p, info.Machine, arch)
	}
	return int64(len(data)), nil
}

// Helper finds the helper binary for an image of arch: p when given (the
// HARDEN_PROBE_BINARY override), else the running harden, checked with
// CheckHelper. It returns the path and the binary's size.
func Helper(p, arch string) (string, int64, error) {
	if p == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", 0, err
		}
		p = exe
	}
	size, err := CheckHelper(p, arch)
	return p, size, err
}
