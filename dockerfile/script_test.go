package dockerfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScriptCommands(t *testing.T) {
	tests := []struct {
		name string
		body string
		want [][]string
		pipe bool
	}{
		{"chain", `apt-get update && apt-get install -y "curl" || true; echo ok`, [][]string{{"apt-get", "update"}, {"apt-get", "install", "-y", "curl"}, {"true"}, {"echo", "ok"}}, false},
		{"pipe", `curl -fsSL https://x | sh`, [][]string{{"curl", "-fsSL", "https://x"}, {"sh"}}, true},
		{"subshell and substitution", `(cd /tmp && make) && echo $(uname -m)`, [][]string{{"cd", "/tmp"}, {"make"}, {"echo", "$(uname -m)"}, {"uname", "-m"}}, false},
		{"sh -c", `sh -c 'pip install flask && npm install'`, [][]string{{"sh", "-c", "pip install flask && npm install"}, {"pip", "install", "flask"}, {"npm", "install"}}, false},
		{"env prefix and export", `PIP_NO_CACHE_DIR=1 pip install x && export A=b`, [][]string{{"pip", "install", "x"}, {"export", "A=b"}}, false},
		{"not shell", `echo "unterminated`, [][]string{{"echo", "unterminated"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ParseScript(tt.body, nil)
			var got [][]string
			for _, c := range s.Commands {
				got = append(got, append([]string{c.Name}, c.Args...))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseScript(%q) commands (-want +got):\n%s", tt.body, diff)
			}
			if s.HasPipe != tt.pipe {
				t.Errorf("ParseScript(%q).HasPipe = %v", tt.body, s.HasPipe)
			}
		})
	}
}

func TestCommandFlags(t *testing.T) {
	c := &Command{Name: "apt-get", Args: []string{"-yq", "--no-install-recommends", "-o", "Dpkg::Options::=--force-confold", "install", "curl", "--", "-x"}}
	if diff := cmp.Diff([]string{"y", "q", "no-install-recommends", "o"}, c.Flags()); diff != "" {
		t.Errorf("Flags (-want +got):\n%s", diff)
	}
	if !c.HasFlag("y") || c.HasFlag("x") || c.CountFlag("q") != 1 {
		t.Error("HasFlag/CountFlag wrong")
	}
	if diff := cmp.Diff([]string{"install", "curl", "-x"}, c.Positional("o")); diff != "" {
		t.Errorf("Positional (-want +got):\n%s", diff)
	}
	if sub, i := c.Sub("o"); sub != "install" || i != 4 {
		t.Errorf("Sub = %q, %d", sub, i)
	}
}

// TestSpans checks that command words map back to the exact file bytes,
// through continuation lines, comments inside them and heredocs.
func TestSpans(t *testing.T) {
	src := "FROM a:1\nRUN apt-get update \\\n  # comment\n  && apt-get install \\\n     curl\nRUN <<EOF\npip install flask\nEOF\n"
	f := parse(t, src)
	var got []string
	for _, in := range f.Instructions[1:] {
		for _, c := range in.Script.Commands {
			for i := range c.Spans {
				sp := c.Spans[i]
				if !sp.Known() {
					t.Fatalf("span of %q word %d unknown", c.Name, i)
				}
				got = append(got, string(f.Source[sp.Start:sp.End]))
			}
		}
	}
	want := []string{"apt-get", "update", "apt-get", "install", "curl", "pip", "install", "flask"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

func TestPragmas(t *testing.T) {
	tests := []struct {
		text string
		want Pragma
		ok   bool
	}{
		{"harden ignore=DL3008, DL3015", Pragma{IDs: []string{"DL3008", "DL3015"}, Tool: ToolHarden}, true},
		{"hadolint ignore=DL3003 # because", Pragma{IDs: []string{"DL3003"}, Tool: ToolHadolint}, true},
		{"hadolint global ignore=DL3057", Pragma{Scope: ScopeFile, IDs: []string{"DL3057"}, Tool: ToolHadolint}, true},
		// hadolint allows blanks around "=" and "," and tabs between words.
		{"hadolint global ignore = DL3023 , DL3021", Pragma{Scope: ScopeFile, IDs: []string{"DL3023", "DL3021"}, Tool: ToolHadolint}, true},
		{"hadolint\tstage\tignore=DL3059", Pragma{Scope: ScopeStage, IDs: []string{"DL3059"}, Tool: ToolHadolint}, true},
		{"harden stage ignore=DL3059", Pragma{Scope: ScopeStage, IDs: []string{"DL3059"}, Tool: ToolHarden}, true},
		{"harden ignore=DKL-DI-0002,StageNameCasing", Pragma{IDs: []string{"DKL-DI-0002", "StageNameCasing"}, Tool: ToolHarden}, true},
		{"trivy:ignore:DS002 trivy:ignore:DS026:exp:2030-01-01", Pragma{IDs: []string{"DS002", "DS026"}, Expires: "2030-01-01", Tool: ToolTrivy}, true},
		{"check=skip=JSONArgsRecommended,StageNameCasing;error=true", Pragma{IDs: []string{"JSONArgsRecommended", "StageNameCasing"}, Tool: ToolBuildKit}, true},
		// BuildKit's directive grammar: any case, blanks around "=".
		{"CHECK = skip=all", Pragma{IDs: []string{"all"}, Tool: ToolBuildKit}, true},
		{"check=skip=A;bogus=1", Pragma{}, false}, // BuildKit refuses the option, so the whole comment
		// hadolint drops a list with a name outside its alphabet as a whole.
		{"hadolint ignore=crazy,DL3002", Pragma{}, false},
		{"hadolint ignore=DL3002 trailing words", Pragma{}, false},
		{"hadolint ignore=JSONArgsRecommended", Pragma{}, false},
		{"hadolint shell=powershell", Pragma{}, false},
		{"just a comment", Pragma{}, false},
	}
	for _, tt := range tests {
		got, ok := ParsePragma(tt.text, 0)
		if ok != tt.ok {
			t.Errorf("ParsePragma(%q) ok = %v", tt.text, ok)
			continue
		}
		if ok {
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePragma(%q) (-want +got):\n%s", tt.text, diff)
			}
		}
	}
}

func TestLevels(t *testing.T) {
	for _, l := range Levels() {
		got, err := ParseLevel(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l, got, err)
		}
	}
	if _, err := ParseLevel("loud"); err == nil {
		t.Error("ParseLevel accepted an unknown word")
	}
	if !(Error.Severity() > Warning.Severity() && Warning.Severity() > Info.Severity() && Info.Severity() > Style.Severity()) {
		t.Error("Severity does not keep the order of levels")
	}
}
