package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestSetuidFile(t *testing.T) {
	runCases(t, setuidFile{}, []checkCase{
		{name: "plain executables", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/app", "x")}}},
		{name: "setgid directory is fine", layers: [][]tu.File{{{Name: "var/local/", Type: '5', Mode: 0o2775}}}},
		{name: "setuid and setgid", layers: [][]tu.File{{tu.Dir("bin/"),
			{Name: "bin/su", Mode: 0o4755, Body: "x"},
			{Name: "bin/wall", Mode: 0o2755, Body: "x", GID: 5},
			{Name: "bin/both", Mode: 0o6755, Body: "x"}}},
			want: []string{"/bin/both is setuid and setgid (runs as uid 0)", "/bin/su is setuid (runs as uid 0)", "/bin/wall is setgid (runs as gid 5)"}},
	})
}

func TestSetuidEvidence(t *testing.T) {
	img := checkCase{layers: [][]tu.File{{tu.Dir("bin/")}, {{Name: "bin/su", Mode: 0o4755, Body: "x"}}}}.image(t)
	fs := findings(t, setuidFile{}, img)
	if len(fs) != 1 {
		t.Fatalf("got %d findings", len(fs))
	}
	ev := fs[0].Evidence[0]
	if ev.Path != "/bin/su" || ev.Layer == nil || *ev.Layer != 1 || ev.Value != "-rwsr-xr-x" || ev.LayerDigest == "" || ev.CreatedBy != "layer 1" {
		t.Errorf("evidence = %+v", ev)
	}
	if len(fs[0].Aliases) != 1 || fs[0].Aliases[0] != "CIS-DI-0008" {
		t.Errorf("aliases = %v", fs[0].Aliases)
	}
}
