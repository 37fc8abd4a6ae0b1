package audit

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

// gccBuild compiles a small C program with flags and returns the binary.
func gccBuild(t *testing.T, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		tu.Unavailable(t, "gcc is not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	if err := os.WriteFile(src, []byte("#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) { char b[64]; strcpy(b, v[0]); puts(b); return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bin")
	if b, err := exec.Command("gcc", append([]string{"-O2", "-o", out, src}, flags...)...).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestELFHardening(t *testing.T) {
	hard := gccBuild(t, "-fPIE", "-pie", "-Wl,-z,relro,-z,now", "-fstack-protector-all", "-D_FORTIFY_SOURCE=2")
	soft := gccBuild(t, "-no-pie", "-Wl,-z,norelro", "-fno-stack-protector", "-z", "execstack")
	// Layer 0 is the base (a CMD closes it in the history), layer 1 the app's.
	baseAndOwn := hist("/bin/sh -c #(nop) ADD file:0 in / ", "", "COPY app /app # buildkit")
	baseAndOwn[1] = v1.History{CreatedBy: "/bin/sh -c #(nop)  CMD [\"sh\"]", EmptyLayer: true}
	layers := [][]tu.File{{tu.Dir("usr/"), tu.Exe("usr/soft", soft)}, {tu.Dir("app/"), tu.Exe("app/hard", hard), tu.Exe("app/soft", soft)}}
	runCases(t, elfHardening{}, []checkCase{
		{name: "hardened only", layers: [][]tu.File{{tu.Exe("hard", hard)}}},
		{name: "unhardened files are info", layers: layers, history: baseAndOwn,
			want: []string{"executable /app/soft lacks PIE, RELRO, NX, stack canary", "executable /usr/soft lacks PIE, RELRO, NX, stack canary"}},
		{name: "required for own layers", layers: layers, history: baseAndOwn, opts: []Option{WithRequireELFHardening(true)},
			want: []string{"executable /app/soft lacks PIE, RELRO, NX, stack canary (own layer: hardening is required)",
				"executable /usr/soft lacks PIE, RELRO, NX, stack canary"}},
	})
	img := checkCase{layers: layers, history: baseAndOwn}.image(t)
	fs := findings(t, elfHardening{}, img, WithRequireELFHardening(true))
	if fs[0].Severity != report.High || fs[1].Severity != report.Info {
		t.Errorf("severities = %v, %v; want high for the own layer, info for the base", fs[0].Severity, fs[1].Severity)
	}
	if got := fs[0].Evidence[0].Value; got != "pie=no relro=none nx=no canary=no fortify=no go=no static=no" {
		t.Errorf("evidence value = %q", got)
	}
}
