package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPragmaReach checks that each tool's ignore comments reach exactly
// where that tool's own do (hadolint's Pragma.hs and Process.hs, BuildKit's
// check= handling), so a Dockerfile written for hadolint or BuildKit is
// silenced in the same places.
func TestPragmaReach(t *testing.T) {
	only := rulesByID(t, "DL3003", "DL3006", "StageNameCasing", "DL3025")
	tests := []struct {
		name, src string
		want      []string
	}{
		{"hadolint: the next line", "FROM a:1\n# hadolint ignore=DL3003\nRUN cd /x\n", nil},
		{"hadolint: a blank line in between voids it", "FROM a:1\n# hadolint ignore=DL3003\n\nRUN cd /x\n", []string{"4:DL3003"}},
		{"hadolint: a comment in between voids it", "FROM a:1\n# hadolint ignore=DL3003\n# why\nRUN cd /x\n", []string{"4:DL3003"}},
		{"hadolint: an unknown name voids the list", "FROM a:1\n# hadolint ignore=crazy,DL3003\nRUN cd /x\n", []string{"3:DL3003"}},
		{"hadolint: a rule it does not know is fine", "FROM a:1\n# hadolint ignore=DL9999, SC2086,DL3003 # why\nRUN cd /x\n", nil},
		{"hadolint: global with blanks", "# hadolint global ignore = DL3006 , DL3003\nFROM a\nRUN cd /x\n", nil},
		{"hadolint: stage above FROM", "# hadolint stage ignore=DL3003,DL3006\nFROM a\nRUN cd /x\nFROM b\nRUN cd /y\n",
			// the FROM under the pragma is not covered, the next FROM line is (hadolint's keys)
			[]string{"2:DL3006", "5:DL3003"}},
		{"hadolint: stage mid-stage skips the next instruction", "FROM a:1\n# hadolint stage ignore=DL3003\nRUN cd /x\nRUN cd /y\nFROM b:1\nRUN cd /z\n",
			[]string{"3:DL3003", "6:DL3003"}},
		{"harden: comment lines may come between", "FROM a:1\n# harden ignore=DL3003\n# why\nRUN cd /x\n", nil},
		{"harden: a blank line voids it", "FROM a:1\n# harden ignore=DL3003\n\nRUN cd /x\n", []string{"4:DL3003"}},
		{"harden: an unknown name voids the list", "FROM a:1\n# harden ignore=DL3003,DL9999\nRUN cd /x\n", []string{"3:DL3003"}},
		{"harden: SC must be a ShellCheck code", "FROM a:1\n# harden ignore=DL3003,SCANNER\nRUN cd /x\n", []string{"3:DL3003"}},
		{"harden: IDs of other tools", "FROM a:1\n# harden ignore=DS013,SC2086\nRUN cd /x\n", nil},
		{"harden: stage above FROM covers that stage", "# harden stage ignore=DL3003,DL3006\nFROM a\nRUN cd /x\nFROM b\nRUN cd /y\n",
			[]string{"4:DL3006", "5:DL3003"}},
		{"trivy: stacked ignores reach the line after the last", "FROM a\n# trivy:ignore:DS013\n# trivy:ignore:DS001\nRUN cd /x\n", []string{"1:DL3006"}},
		{"trivy: a blank line voids it", "FROM a:1\n# trivy:ignore:DS013\n\nRUN cd /x\n", []string{"4:DL3003"}},
		{"trivy: another comment voids it", "FROM a:1\n# trivy:ignore:DS013\n# why\nRUN cd /x\n", []string{"4:DL3003"}},
		{"buildkit: check= above an instruction", "FROM a:1\n# check=skip=StageNameCasing\n\nFROM b:1 AS Foo\n", nil},
		{"buildkit: skip=all skips BuildKit checks only", "FROM a:1\n# check=skip=all\nFROM b AS Foo\n", []string{"3:DL3006"}},
		{"buildkit: an empty # line resets", "FROM a:1\n# check=skip=StageNameCasing\n#\nFROM b:1 AS Foo\n", []string{"4:StageNameCasing"}},
		// DL3025 is also BuildKit's JSONArgsRecommended, so skip=all takes it.
		{"buildkit: directive skip=all", "# check=skip=all\nFROM a AS Foo\nCMD x\nRUN cd /x\n", []string{"2:DL3006", "4:DL3003"}},
		{"buildkit: skip names the BuildKit alias", "# check = skip=JSONArgsRecommended\nFROM a:1\nCMD x\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rulesOf(Bytes("Dockerfile", []byte(tt.src), Config{Rules: only}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// BuildKit runs some checks on the whole file before it dispatches
// instructions: a check= comment above an instruction does not skip them,
// a check= parser directive does.
func TestCheckCommentFileLevelChecks(t *testing.T) {
	only := rulesByID(t, "DL3024", "ConsistentInstructionCasing")
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{"FROM a:1 AS x\n# check=skip=DuplicateStageName,ConsistentInstructionCasing\nfrom a:1 AS x\n", []string{"3:ConsistentInstructionCasing", "3:DL3024"}},
		{"# check=skip=DuplicateStageName,ConsistentInstructionCasing\nFROM a:1 AS x\nfrom a:1 AS x\n", nil},
	} {
		got := rulesOf(Bytes("Dockerfile", []byte(tt.src), Config{Rules: only}))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.src, diff)
		}
	}
}

// A check= comment inside a continued instruction is dropped by BuildKit's
// parser, so it reaches nothing.
func TestCheckCommentInsideInstruction(t *testing.T) {
	src := "FROM a:1\nRUN true \\\n# check=skip=StageNameCasing\n  && true\nFROM b:1 AS Foo\n"
	got := rulesOf(Bytes("Dockerfile", []byte(src), Config{Rules: rulesByID(t, "StageNameCasing")}))
	if diff := cmp.Diff([]string{"5:StageNameCasing"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
